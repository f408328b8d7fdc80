//! A recursive-descent parser of `grammar/rrl.lark`, held to the Python
//! parser (`language/rrl/parser.py`, lark LALR) by the golden corpus and by
//! differential tests: the same tree with the same spans for every program,
//! and for a broken one the same diagnostic.
//!
//! To report what lark reports, the parser keeps lark's phases apart:
//!
//! - a *stop* is what lark raises while it parses: an unexpected token
//!   (RPL0001), an unexpected character or a name Python refuses (RPL0002),
//!   a keyword spelled otherwise (RPL0010), a bad dedent (RPL0004). The first
//!   one ends the parse.
//! - a *problem* is what the Python transformer raises after a successful
//!   parse: a construct the grammar accepts but RRL does not (RPL0003), a
//!   keyword where a name stands (RPL0010), an error in an f-string's field.
//!   The transformer builds the tree bottom-up, so the first problem is the
//!   first in post-order: the parser records each where the node it belongs
//!   to is complete, keeps the first, and reports it when nothing stopped
//!   the parse.
//!
//! A keyword is read as a keyword where the grammar accepts it there, and as
//! a name elsewhere (lark's contextual lexer); an unexpected token right
//! after a keyword that a name would have carried further is reported as
//! that keyword used as a name (`keyword_as_name`). A stop inside a bracket
//! never closed, or at a closing bracket of the wrong kind, names that
//! bracket instead (`super::brackets`), before anything else.
//!
//! The nesting of the input is bounded (`MAX_NESTING`): a deeper input is a
//! located diagnostic (RPL0005), never a stack overflow.

use super::ast::*;
use super::brackets::bracket_mistake;
use super::lexer::{LexError, Lexer, Mode, STRING_NOT_CLOSED, Tok, Token};
use super::names::{is_hard_keyword, is_reserved, keyword_help};
use super::strings::{Piece, decode_string, split_fstring};
use crate::diagnostic::{Diagnostic, DiagnosticError, Span};

/// The deepest a program's tree may nest (`rrl.limits.MAX_DEPTH`): a node
/// without children is at depth 1, a node at 1 + the depth of its deepest
/// child.
pub const MAX_DEPTH: usize = 500;

/// How deeply the parser itself may recurse: each expression inside another
/// (in brackets, an argument, a lambda's body...), each operand of a unary
/// operator or `**`, each block takes a level. The Python parser needs no
/// such bound (lark does not recurse): Rust refuses a few programs it
/// accepts, those nested this deep with parentheses that make no node.
/// At this bound a parse needs under 2 MiB of stack (a spawned thread's).
pub const MAX_NESTING: usize = MAX_DEPTH;

/// The help for `from` at the start of a line: an import of RRL before
/// programs declared their classes.
const OLD_IMPORT_HELP: &str = "a program declares the classes it names instead of importing them: `model Order from app.models`, `exception Busy(Exception) from app.errors` (docs/language.md, \"Classes\")";

/// Why the parse stopped.
#[derive(Debug)]
enum Stop {
    /// An unexpected token, at this byte offset.
    Token(Box<Diagnostic>, usize),
    /// An unexpected character.
    Char(Box<Diagnostic>),
    /// A name Python refuses, or one that reads as a keyword (lexer).
    BadName(Box<Diagnostic>),
    /// A dedent to no open block, or a program nested too deeply.
    Other(Box<Diagnostic>),
}

impl Stop {
    fn into_diagnostic(self) -> Diagnostic {
        match self {
            Stop::Token(d, _) | Stop::Char(d) | Stop::BadName(d) | Stop::Other(d) => *d,
        }
    }
}

type PResult<T> = Result<T, Stop>;

/// Parse a whole `.rrl` program. `path` names the file in diagnostics.
pub fn parse(text: &str, path: Option<&str>) -> Result<Program, DiagnosticError> {
    let owned;
    let text = if text.ends_with('\n') {
        text
    } else {
        owned = format!("{text}\n");
        &owned
    };
    let located = |diagnostic: Diagnostic| {
        DiagnosticError::new(
            vec![diagnostic.with_path(path.unwrap_or("<input>"))],
            Some(text),
        )
    };
    let program = parse_with(text, Start::Program, Parser::program).map_err(located)?;
    if let Some(diagnostic) = too_deep(&program) {
        return Err(located(diagnostic));
    }
    Ok(program)
}

/// Parse one expression (as the DAG's JSON stores them).
pub fn parse_expr(text: &str, path: Option<&str>) -> Result<Expr, DiagnosticError> {
    parse_with(text, Start::Expr, Parser::whole_expr).map_err(|diagnostic| {
        DiagnosticError::new(
            vec![diagnostic.with_path(path.unwrap_or("<input>"))],
            Some(text),
        )
    })
}

/// Parse one type (as the DAG's JSON stores them).
pub fn parse_type(text: &str, path: Option<&str>) -> Result<Type, DiagnosticError> {
    parse_with(text, Start::Type, Parser::whole_type).map_err(|diagnostic| {
        DiagnosticError::new(
            vec![diagnostic.with_path(path.unwrap_or("<input>"))],
            Some(text),
        )
    })
}

/// The start symbols of the grammar.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Start {
    Program,
    Expr,
    Type,
}

/// Parse `text` from `start` (which `rule` parses): a stop, else the first
/// problem, else the tree.
fn parse_with<'t, T>(
    text: &'t str,
    start: Start,
    rule: impl FnOnce(&mut Parser<'t>) -> PResult<T>,
) -> Result<T, Diagnostic> {
    let mut parser = Parser::new(text);
    match rule(&mut parser) {
        Ok(parsed) => match parser.problem.take() {
            Some(problem) => Err(problem),
            None => Ok(parsed),
        },
        Err(stop) => {
            if let Stop::Token(diagnostic, offset) = stop {
                if let Some(diagnostic) = bracket_mistake(text, offset) {
                    return Err(diagnostic);
                }
                if let Some(diagnostic) = keyword_as_name(text, offset, start) {
                    return Err(diagnostic);
                }
                return Err(named_mistake(*diagnostic, text, offset));
            }
            Err(stop.into_diagnostic())
        }
    }
}

/// The words that start a line ending with `:` (a block follows).
const BLOCK_WORDS: &[&str] = &[
    "if", "elif", "else", "for", "while", "try", "except", "finally", "workflow", "fn",
];

fn is_ascii_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// An unexpected token (RPL0001) that is a common mistake, as that mistake:
/// a block's first line without its `:`, a positional argument to an action
/// call, a number with a unit that is no duration's (`5x`, `1.5.2s`). Read
/// from the text and the stop alone, as `named_mistake` in the Python parser
/// reads them; the help line says what the grammar wanted there.
fn named_mistake(diagnostic: Diagnostic, text: &str, offset: usize) -> Diagnostic {
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line = text[..offset].matches('\n').count() as u32 + 1;
    let column_of = |at: usize| text[line_start..at].chars().count() as u32 + 1;
    let at_line_end = diagnostic.message == "unexpected end of line";
    let wanted = diagnostic.help.as_deref();
    if at_line_end && wanted == Some("expected `:`") {
        let first: String = text[line_start..]
            .trim_start_matches([' ', '\t', '\x0c'])
            .chars()
            .take_while(|c| c.is_ascii_alphabetic() || *c == '_')
            .collect();
        let block = if BLOCK_WORDS.contains(&first.as_str()) {
            Some(first)
        } else {
            let parallel = words_in(text, line_start, offset, |word| word == "parallel");
            (!parallel.is_empty()).then(|| "parallel".to_string())
        };
        if let Some(block) = block {
            return Diagnostic::error(
                "RPL0001",
                "expected `:` at the end of this line",
                diagnostic.span,
            )
            .with_help(format!(
                "end the `{block}` line with `:`; its block follows, indented"
            ));
        }
    }
    let next = text[offset..].chars().next();
    if wanted == Some("expected `=`") && matches!(next, Some(')' | ',')) {
        let before = text[line_start..offset].trim_end_matches([' ', '\t', '\x0c']);
        let name_start = before
            .char_indices()
            .rev()
            .take_while(|(_, c)| is_ascii_word_char(*c))
            .last()
            .map(|(i, _)| i);
        if let Some(i) = name_start {
            let name = &before[i..];
            let opener = before[..i].trim_end_matches([' ', '\t', '\x0c']);
            let starts_like_a_name =
                name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_');
            if starts_like_a_name && (opener.ends_with('(') || opener.ends_with(',')) {
                let column = column_of(line_start + i);
                let span = Span::new(line, column, line, column + name.len() as u32);
                return Diagnostic::error(
                    "RPL0001",
                    format!("`{name}` is passed by position: an action call and its policies take keyword arguments only"),
                    Some(span),
                )
                .with_help(format!(
                    "name the parameter it is for: `parameter={name}` (a call writes every argument as `name=value`)"
                ));
            }
        }
    }
    let is_number_char = |c: char| c.is_ascii_digit() || c == '.';
    let previous = text[line_start..offset].chars().next_back();
    if !at_line_end && previous.is_some_and(is_number_char) && next.is_some_and(is_ascii_word_char)
    {
        let start = line_start
            + text[line_start..offset]
                .char_indices()
                .rev()
                .take_while(|(_, c)| is_number_char(*c))
                .last()
                .map_or(offset - line_start, |(i, _)| i);
        let end = offset
            + text[offset..]
                .char_indices()
                .find(|(_, c)| !(is_ascii_word_char(*c) || *c == '.'))
                .map_or(text.len() - offset, |(i, _)| i);
        let before_number = text[line_start..start].chars().next_back().unwrap_or(' ');
        let has_digit = text[start..offset].chars().any(|c| c.is_ascii_digit());
        if has_digit
            && !(before_number.is_alphanumeric() || before_number == '_' || before_number == '$')
        {
            let written = &text[start..end];
            let span = Span::new(line, column_of(start), line, column_of(end));
            return Diagnostic::error(
                "RPL0001",
                format!("`{written}` is neither a number nor a duration"),
                Some(span),
            )
            .with_help("a duration is a number and one of the units ms, s, m, h, d: `250ms`, `30s`, `1.5h`");
        }
    }
    diagnostic
}

/// How far the grammar alone gets through `text`: None when it parses, else
/// the byte offset of the unexpected token (or a place that never counts
/// as further, for other stops).
fn grammar_reach(text: &str, start: Start) -> Option<usize> {
    let mut parser = Parser::new(text);
    let result = match start {
        Start::Program => parser.program().map(|_| ()),
        Start::Expr => parser.whole_expr().map(|_| ()),
        Start::Type => parser.whole_type().map(|_| ()),
    };
    match result {
        Ok(()) | Err(Stop::BadName(_)) => None,
        Err(Stop::Token(_, offset)) => Some(offset),
        Err(_) => Some(0),
    }
}

/// How many keywords before the stop `keyword_as_name` tries, nearest first
/// (`rrl.parser.KEYWORD_RETRIES`): each try parses the text again.
const KEYWORD_RETRIES: usize = 16;

/// RPL0010 when the parse stopped after a keyword, on the same line, that a
/// name in its place would have carried further (`if = 3`, `x = await + 1`):
/// the nearest such keyword (`_keyword_as_name` in the Python parser).
fn keyword_as_name(text: &str, offset: usize, start: Start) -> Option<Diagnostic> {
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let words = keyword_words(text, line_start, offset);
    for (word_start, word) in words.into_iter().rev().take(KEYWORD_RETRIES) {
        let mut changed = String::with_capacity(text.len());
        changed.push_str(&text[..word_start]);
        changed.push_str(&"_".repeat(word.len()));
        changed.push_str(&text[word_start + word.len()..]);
        if let Some(further) = grammar_reach(&changed, start) {
            if further <= offset {
                continue;
            }
        }
        let line = text[..word_start].matches('\n').count() as u32 + 1;
        let column = text[line_start..word_start].chars().count() as u32 + 1;
        let span = Span::new(line, column, line, column + word.len() as u32);
        return Some(keyword_problem(&word, Some(span)));
    }
    None
}

/// The hard keywords in `text[from..to]` that stand as words of their own
/// (`(?<![\w$.])[A-Za-z_]+(?![\w$])`), with their byte offsets.
fn keyword_words(text: &str, from: usize, to: usize) -> Vec<(usize, String)> {
    words_in(text, from, to, is_hard_keyword)
}

/// The words of ASCII letters and `_` in `text[from..to]` that stand on
/// their own (as `keyword_words` finds them) and that `keep` keeps.
fn words_in(
    text: &str,
    from: usize,
    to: usize,
    keep: impl Fn(&str) -> bool,
) -> Vec<(usize, String)> {
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    let mut out = Vec::new();
    let mut i = from;
    let bytes = text.as_bytes();
    while i < to {
        if !(bytes[i].is_ascii_alphabetic() || bytes[i] == b'_') {
            i += 1;
            continue;
        }
        let mut end = i;
        while end < to && (bytes[end].is_ascii_alphabetic() || bytes[end] == b'_') {
            end += 1;
        }
        let before = text[..i].chars().next_back();
        let after = text[end..to].chars().next();
        let free_before = before.is_none_or(|c| !(is_word(c) || c == '$' || c == '.'));
        let free_after = after.is_none_or(|c| !(is_word(c) || c == '$'));
        let word = &text[i..end];
        if free_before && free_after && keep(word) {
            out.push((i, word.to_string()));
        }
        i = end;
    }
    out
}

fn keyword_problem(name: &str, span: Option<Span>) -> Diagnostic {
    Diagnostic::error(
        "RPL0010",
        format!("the keyword `{name}` cannot be used as a name"),
        span,
    )
    .with_help(keyword_help(name))
}

fn problem(message: impl Into<String>, span: Option<Span>) -> Diagnostic {
    Diagnostic::error("RPL0003", message, span)
}

// ------------------------------------------------------------------ depth

/// The first node nested deeper than `MAX_DEPTH`, as RPL0005 (iterative: it
/// must work on trees too deep to recurse over).
fn too_deep(program: &Program) -> Option<Diagnostic> {
    let mut stack: Vec<(Node, usize, Option<Span>)> = vec![(Node::Program(program), 1, None)];
    while let Some((node, depth, inherited)) = stack.pop() {
        let span = node.span().or(inherited);
        if depth > MAX_DEPTH {
            return Some(
                Diagnostic::error(
                    "RPL0005",
                    format!("this is nested too deeply: more than {MAX_DEPTH} levels"),
                    span,
                )
                .with_help("assign parts of the expression to variables first, or move inner blocks into a fn"),
            );
        }
        let children = node.children();
        stack.extend(
            children
                .into_iter()
                .rev()
                .map(|child| (child, depth + 1, span)),
        );
    }
    None
}

/// A node of the tree, as `rrl.walk.children` walks it.
#[derive(Clone, Copy)]
pub enum Node<'a> {
    Program(&'a Program),
    Decl(&'a Decl),
    Param(&'a Param),
    Member(&'a Member),
    Type(&'a Type),
    Stmt(&'a Stmt),
    Handler(&'a ExceptHandler),
    Expr(&'a Expr),
    Keyword(&'a Keyword),
    Comprehension(&'a Comprehension),
    /// An f-string field: its value, as `FormattedValue`.
    Field(&'a Expr, Option<Span>),
    Call(&'a AwaitCall),
    Retry(&'a RetryPolicy),
    Backoff(&'a BackoffPolicy),
    Seconds(&'a Seconds),
}

impl<'a> Node<'a> {
    pub fn span(&self) -> Option<Span> {
        match self {
            Node::Program(n) => n.span,
            Node::Decl(n) => n.span,
            Node::Param(n) => n.span,
            Node::Member(n) => n.span,
            Node::Type(n) => n.span,
            Node::Stmt(n) => n.span,
            Node::Handler(n) => n.span,
            Node::Expr(n) => n.span,
            Node::Keyword(n) => n.span,
            Node::Comprehension(n) => n.span,
            Node::Field(_, span) => *span,
            Node::Call(n) => n.span,
            Node::Retry(n) => n.span,
            Node::Backoff(n) => n.span,
            Node::Seconds(Seconds::Duration(_, span)) => *span,
            Node::Seconds(Seconds::Value(e)) => e.span,
        }
    }

    /// The direct children, in field order.
    pub fn children(&self) -> Vec<Node<'a>> {
        let mut out = Vec::new();
        match *self {
            Node::Program(p) => out.extend(p.decls.iter().map(Node::Decl)),
            Node::Decl(d) => match &d.kind {
                DeclKind::Class(c) => {
                    for item in c.body.iter().flatten() {
                        out.push(match item {
                            ClassItem::Field(p) => Node::Param(p),
                            ClassItem::Member(m) => Node::Member(m),
                        });
                    }
                }
                DeclKind::Const { value, .. } => out.push(Node::Expr(value)),
                DeclKind::Action {
                    params, returns, ..
                } => {
                    out.extend(params.iter().map(Node::Param));
                    out.push(Node::Type(returns));
                }
                DeclKind::Fn(c) | DeclKind::Workflow(c) => {
                    out.extend(c.params.iter().map(Node::Param));
                    out.push(Node::Type(&c.returns));
                    out.extend(c.body.iter().map(Node::Stmt));
                }
            },
            Node::Param(p) => {
                out.push(Node::Type(&p.ty));
                out.extend(p.default.iter().map(Node::Expr));
            }
            Node::Member(m) => out.push(Node::Expr(&m.value)),
            Node::Type(t) => match &t.kind {
                TypeKind::Named { args, .. } => out.extend(args.iter().map(Node::Type)),
                TypeKind::None => {}
                TypeKind::Union(options) => out.extend(options.iter().map(Node::Type)),
            },
            Node::Stmt(s) => stmt_children(s, &mut out),
            Node::Handler(h) => out.extend(h.body.iter().map(Node::Stmt)),
            Node::Expr(e) => match &e.kind {
                ExprKind::FString(parts) => {
                    for part in parts {
                        if let FPart::Field { value, span, .. } = part {
                            out.push(Node::Field(value, *span));
                        }
                    }
                }
                ExprKind::Call { func, args, kwargs } => {
                    out.push(Node::Expr(func));
                    out.extend(args.iter().map(Node::Expr));
                    out.extend(kwargs.iter().map(Node::Keyword));
                }
                ExprKind::ListComp(elt, generators) => {
                    out.push(Node::Expr(elt));
                    out.extend(generators.iter().map(Node::Comprehension));
                }
                ExprKind::DictComp(key, value, generators) => {
                    out.push(Node::Expr(key));
                    out.push(Node::Expr(value));
                    out.extend(generators.iter().map(Node::Comprehension));
                }
                _ => out.extend(e.children().into_iter().map(Node::Expr)),
            },
            Node::Keyword(k) => out.push(Node::Expr(&k.value)),
            Node::Comprehension(c) => {
                out.push(Node::Expr(&c.target));
                out.push(Node::Expr(&c.iter));
                out.extend(c.ifs.iter().map(Node::Expr));
            }
            Node::Field(value, _) => out.push(Node::Expr(value)),
            Node::Call(c) => {
                out.extend(c.kwargs.iter().map(Node::Keyword));
                out.extend(c.retry.iter().map(Node::Retry));
                out.extend(c.backoff.iter().map(Node::Backoff));
                out.extend(c.timeout.iter().map(Node::Seconds));
            }
            Node::Retry(r) => out.extend(r.attempts.iter().map(Node::Expr)),
            Node::Backoff(b) => {
                out.extend(b.base.iter().map(Node::Seconds));
                out.extend(b.multiplier.iter().map(Node::Expr));
                out.extend(b.max.iter().map(Node::Seconds));
            }
            Node::Seconds(Seconds::Value(e)) => out.push(Node::Expr(e)),
            Node::Seconds(Seconds::Duration(..)) => {}
        }
        out
    }
}

fn stmt_children<'a>(s: &'a Stmt, out: &mut Vec<Node<'a>>) {
    let block = |out: &mut Vec<Node<'a>>, body: &'a [Stmt]| out.extend(body.iter().map(Node::Stmt));
    match &s.kind {
        StmtKind::Assign {
            target,
            value,
            annotation,
        } => {
            out.push(Node::Expr(target));
            out.push(Node::Expr(value));
            out.extend(annotation.iter().map(Node::Type));
        }
        StmtKind::ExprStmt(e) | StmtKind::Sleep(e) => out.push(Node::Expr(e)),
        StmtKind::Delete(targets) => out.extend(targets.iter().map(Node::Expr)),
        StmtKind::CallStmt { target, call } => {
            out.extend(target.iter().map(Node::Expr));
            out.push(Node::Call(call));
        }
        StmtKind::Parallel { target, calls, .. } => {
            out.extend(target.iter().map(Node::Expr));
            out.extend(calls.iter().map(Node::Call));
        }
        StmtKind::ParallelFor {
            target,
            loop_target,
            iter,
            call,
            ..
        } => {
            out.extend(target.iter().map(Node::Expr));
            out.push(Node::Expr(loop_target));
            out.push(Node::Expr(iter));
            out.push(Node::Call(call));
        }
        StmtKind::If { test, body, orelse }
        | StmtKind::While {
            test, body, orelse, ..
        } => {
            out.push(Node::Expr(test));
            block(out, body);
            block(out, orelse);
        }
        StmtKind::For {
            target,
            iter,
            body,
            orelse,
        } => {
            out.push(Node::Expr(target));
            out.push(Node::Expr(iter));
            block(out, body);
            block(out, orelse);
        }
        StmtKind::Try {
            body,
            handlers,
            orelse,
            finalbody,
        } => {
            block(out, body);
            out.extend(handlers.iter().map(Node::Handler));
            block(out, orelse);
            block(out, finalbody);
        }
        StmtKind::Return(value) => out.extend(value.iter().map(Node::Expr)),
        StmtKind::Raise { exc, cause } => {
            out.extend(exc.iter().map(Node::Expr));
            out.extend(cause.iter().map(Node::Expr));
        }
        StmtKind::Break | StmtKind::Continue => {}
    }
}

// ------------------------------------------------------------------ the parser

/// Keywords that may start a statement, where the grammar reads them as
/// keywords (any other word there is a name).
const STATEMENT_KEYWORDS: &[&str] = &[
    "if", "for", "while", "try", "return", "raise", "sleep", "break", "continue", "pass", "del",
    "await", "parallel",
];

// Binding strength of the operators, loosest first (the grammar's rules
// `or_expr` .. `factor`).
const P_OR: u8 = 1;
const P_AND: u8 = 2;
const P_NOT: u8 = 3;
const P_CMP: u8 = 4;
const P_BIT_OR: u8 = 5;
const P_BIT_XOR: u8 = 6;
const P_BIT_AND: u8 = 7;
const P_ARITH: u8 = 8;
const P_TERM: u8 = 9;
const P_FACTOR: u8 = 10;

/// The words that, right after a block, are keywords wherever they stand:
/// what may continue a statement or start a declaration.
const AFTER_BLOCK_KEYWORDS: &[&str] = &[
    "elif",
    "else",
    "except",
    "finally",
    "const",
    "action",
    "fn",
    "workflow",
    "exception",
    "model",
    "dataclass",
    "namedtuple",
    "enum",
    "frozen",
];

struct Parser<'a> {
    text: &'a str,
    lexer: Lexer<'a>,
    /// The next token, the mode it was lexed in and where the lexer stood before it.
    peeked: Option<(Token, Mode, (usize, u32, u32))>,
    /// The end of the last token consumed: where a node being built ends.
    prev_end: (u32, u32),
    problem: Option<Diagnostic>,
    nesting: usize,
    /// The last token read closed a block (`suite`): lark reads the next
    /// word as a keyword if it can continue a statement or start a
    /// declaration anywhere (`AFTER_BLOCK_KEYWORDS`), since its parser
    /// state there is shared by every block.
    after_block: bool,
}

/// A parsed target list: its items, the span of the whole list, and whether
/// a comma follows its last item (which makes one item a tuple).
struct Targets {
    items: Vec<Expr>,
    span: Option<Span>,
    trailing_comma: bool,
}

enum Policy {
    Retry(RetryPolicy),
    Backoff(BackoffPolicy),
    Timeout(Seconds),
}

impl Policy {
    fn kind(&self) -> &'static str {
        match self {
            Policy::Retry(_) => "retry",
            Policy::Backoff(_) => "backoff",
            Policy::Timeout(_) => "timeout",
        }
    }
}

/// One `name=value` of a policy, as written.
struct PolicyArg {
    name: String,
    value: Seconds,
    span: Option<Span>,
}

impl<'a> Parser<'a> {
    fn new(text: &'a str) -> Parser<'a> {
        Parser {
            text,
            lexer: Lexer::new(text),
            peeked: None,
            prev_end: (1, 1),
            problem: None,
            nesting: 0,
            after_block: false,
        }
    }

    // ---------------------------------------------------------- tokens

    fn lex_stop(error: LexError) -> Stop {
        match error.code {
            "RPL0002"
                if error.message.starts_with("unexpected character")
                    || error.message == STRING_NOT_CLOSED =>
            {
                Stop::Char(error)
            }
            "RPL0004" => Stop::Other(error),
            _ => Stop::BadName(error),
        }
    }

    /// The next token, lexed in `mode` (lexed again when a token that reads
    /// differently in another mode was peeked before).
    fn peek_in(&mut self, mode: Mode) -> PResult<&Token> {
        if let Some((token, peeked_mode, mark)) = &self.peeked {
            let sensitive = matches!(
                token.tok,
                Tok::Int(_)
                    | Tok::Float(_)
                    | Tok::Duration(_)
                    | Tok::FStr(_)
                    | Tok::Op("." | "-" | "->")
            ) || token.is_word("f");
            if *peeked_mode != mode && sensitive {
                let mark = *mark;
                self.lexer.reset(mark);
                self.peeked = None;
            }
        }
        if self.peeked.is_none() {
            let mark = self.lexer.mark();
            let token = self.lexer.next(mode).map_err(Self::lex_stop)?;
            self.peeked = Some((token, mode, mark));
        }
        match &self.peeked {
            Some((token, _, _)) => Ok(token),
            None => Err(Stop::Other(Box::new(Diagnostic::error(
                "RPL0001", "no token", None,
            )))),
        }
    }

    fn peek(&mut self) -> PResult<&Token> {
        let mode = self.peeked.as_ref().map_or(Mode::Default, |(_, m, _)| *m);
        self.peek_in(mode)
    }

    fn tok(&mut self) -> PResult<Tok> {
        Ok(self.peek()?.tok.clone())
    }

    fn tok_in(&mut self, mode: Mode) -> PResult<Tok> {
        Ok(self.peek_in(mode)?.tok.clone())
    }

    fn bump(&mut self) -> PResult<Token> {
        self.peek()?;
        match self.peeked.take() {
            Some((token, _, _)) => {
                self.prev_end = (token.span.end_line, token.span.end_column);
                self.after_block = false;
                Ok(token)
            }
            None => Err(Stop::Other(Box::new(Diagnostic::error(
                "RPL0001", "no token", None,
            )))),
        }
    }

    /// Where the next token starts.
    fn start(&mut self) -> PResult<(u32, u32)> {
        let token = self.peek()?;
        Ok((token.span.line, token.span.column))
    }

    fn span_from(&self, start: (u32, u32)) -> Option<Span> {
        Some(Span::new(
            start.0,
            start.1,
            self.prev_end.0,
            self.prev_end.1,
        ))
    }

    fn at_op(&mut self, op: &str) -> PResult<bool> {
        Ok(self.peek()?.is_op(op))
    }

    fn at_word(&mut self, word: &str) -> PResult<bool> {
        Ok(self.peek()?.is_word(word))
    }

    fn eat_op(&mut self, op: &str) -> PResult<bool> {
        if self.at_op(op)? {
            self.bump()?;
            return Ok(true);
        }
        Ok(false)
    }

    fn eat_word(&mut self, word: &str) -> PResult<bool> {
        if self.at_word(word)? {
            self.bump()?;
            return Ok(true);
        }
        Ok(false)
    }

    /// The stop for the next token: unexpected there. It is named as lark's
    /// root lexer cuts it, since lark's contextual lexer falls back to that
    /// where nothing the parser accepts matches.
    fn unexpected(&mut self, expected: &str) -> Stop {
        if let Some((token, mode, mark)) = &self.peeked {
            if *mode != Mode::Root
                && !matches!(
                    token.tok,
                    Tok::Newline | Tok::Indent | Tok::Dedent | Tok::End
                )
            {
                let mark = *mark;
                self.lexer.reset(mark);
                self.peeked = None;
                if let Err(stop) = self.peek_in(Mode::Root) {
                    return stop;
                }
            }
        } else if let Err(stop) = self.peek() {
            return stop;
        }
        let Some((token, _, _)) = &self.peeked else {
            return Stop::Other(Box::new(Diagnostic::error("RPL0001", "no token", None)));
        };
        if token.tok == Tok::End {
            let trimmed = self.text.trim_end();
            let lines = crate::diagnostic::python_splitlines(trimmed);
            let line = lines.len().max(1) as u32;
            let column = lines.last().map_or(0, |l| l.chars().count()) as u32 + 1;
            let diagnostic = Diagnostic::error(
                "RPL0001",
                "unexpected end of input",
                Some(Span::new(line, column, line, column + 1)),
            )
            .with_help("a block or a bracket is not closed");
            return Stop::Token(Box::new(diagnostic), self.text.len());
        }
        let help = if matches!(token.tok, Tok::Indent | Tok::Dedent) {
            "check the indentation of this block".to_string()
        } else if token.is_word("from") && token.span.column == 1 {
            // RRL before classes were declared.
            OLD_IMPORT_HELP.to_string()
        } else {
            format!("expected {expected}")
        };
        let diagnostic = Diagnostic::error(
            "RPL0001",
            format!("unexpected {}", token.shown(self.text)),
            Some(token.span),
        )
        .with_help(help);
        Stop::Token(Box::new(diagnostic), token.start)
    }

    fn expect_op(&mut self, op: &str) -> PResult<Token> {
        if op == "=" && self.eat_equal()? {
            return Ok(self.peek()?.clone());
        }
        if self.at_op(op)? {
            return self.bump();
        }
        Err(self.unexpected(&format!("`{op}`")))
    }

    /// `=` where the grammar takes `=` but no `==`.
    fn eat_equal(&mut self) -> PResult<bool> {
        Ok(self.eat_first_of("==")? || self.eat_op("=")?)
    }

    /// The first character of the operator `op` (`==`, `**`) when it is
    /// next, where the grammar takes that character but not `op`: lark's
    /// contextual lexer reads `==` there as `=` and another `=`.
    fn eat_first_of(&mut self, op: &str) -> PResult<bool> {
        if !self.at_op(op)? {
            return Ok(false);
        }
        if let Some((token, _, _)) = self.peeked.take() {
            let (line, column) = (token.span.line, token.span.column);
            self.lexer.reset((token.start + 1, line, column + 1));
            self.prev_end = (line, column + 1);
            self.after_block = false;
        }
        Ok(true)
    }

    fn expect_word(&mut self, word: &str) -> PResult<Token> {
        if self.at_word(word)? {
            return self.bump();
        }
        Err(self.unexpected(&format!("`{word}`")))
    }

    fn expect_newline(&mut self) -> PResult<()> {
        if self.tok()? == Tok::Newline {
            self.bump()?;
            return Ok(());
        }
        Err(self.unexpected("the end of the line"))
    }

    /// A NAME token: any word (where the grammar accepts no keyword).
    fn name_token(&mut self) -> PResult<(String, Span)> {
        if let Tok::Word(word) = self.tok()? {
            let token = self.bump()?;
            return Ok((word, token.span));
        }
        Err(self.unexpected("a name"))
    }

    fn int_token(&mut self) -> PResult<(String, Span)> {
        if let Tok::Int(digits) = self.tok_in(Mode::Int)? {
            let token = self.bump()?;
            return Ok((digits, token.span));
        }
        Err(self.unexpected("a whole number"))
    }

    /// `item ("," item)* [","]` up to (not including) `close`; none when
    /// `close` comes first.
    fn separated<T>(
        &mut self,
        close: &str,
        mut item: impl FnMut(&mut Self) -> PResult<T>,
    ) -> PResult<Vec<T>> {
        let mut items = Vec::new();
        if self.at_op(close)? {
            return Ok(items);
        }
        items.push(item(self)?);
        while self.eat_op(",")? {
            if self.at_op(close)? {
                break;
            }
            items.push(item(self)?);
        }
        Ok(items)
    }

    /// `rule` one level deeper (see `MAX_NESTING`).
    fn nested<T>(&mut self, rule: impl FnOnce(&mut Self) -> PResult<T>) -> PResult<T> {
        self.enter()?;
        let result = rule(self);
        self.leave();
        result
    }

    // ---------------------------------------------------------- problems

    /// Record a problem: the first one, in the transformer's order, is reported.
    fn defer(&mut self, diagnostic: Diagnostic) {
        if self.problem.is_none() {
            self.problem = Some(diagnostic);
        }
    }

    /// A NAME that stands for a name: a keyword there is a problem (RPL0010).
    fn check_name(&mut self, name: &str, span: Option<Span>, of_python: bool) {
        if is_reserved(name, of_python) {
            self.defer(keyword_problem(name, span));
        }
    }

    fn enter(&mut self) -> PResult<()> {
        self.nesting += 1;
        if self.nesting > MAX_NESTING {
            let span = self.peek()?.span;
            return Err(Stop::Other(Box::new(
                Diagnostic::error(
                    "RPL0005",
                    format!("this is nested too deeply: more than {MAX_DEPTH} levels"),
                    Some(span),
                )
                .with_help("assign parts of the expression to variables first, or move inner blocks into a fn"),
            )));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.nesting -= 1;
    }

    // ---------------------------------------------------------- program

    fn program(&mut self) -> PResult<Program> {
        // The program's span starts at its first token, a comment's newline included.
        let start = self.start()?;
        while self.tok()? == Tok::Newline {
            self.bump()?;
        }
        let version = self.header()?;
        let mut decls = Vec::new();
        loop {
            match self.tok()? {
                Tok::Newline => {
                    self.bump()?;
                }
                Tok::End => break,
                _ => decls.push(self.decl()?),
            }
        }
        let span = Some(Span::new(
            start.0,
            start.1,
            self.prev_end.0,
            self.prev_end.1,
        ));
        Ok(Program {
            decls,
            version,
            span,
        })
    }

    fn header(&mut self) -> PResult<String> {
        let start = self.start()?;
        self.expect_word("rrl")?;
        let (version, _) = self.int_token()?;
        let span = self.span_from(start);
        self.expect_newline()?;
        if version != VERSION {
            self.defer(
                problem(format!("unsupported RRL version {version}"), span)
                    .with_help(format!("this toolchain reads `rrl {VERSION}`")),
            );
        }
        Ok(version)
    }

    /// A declaration, by its keyword.
    fn decl(&mut self) -> PResult<Decl> {
        let start = self.start()?;
        let word = match self.tok()? {
            Tok::Word(word) => word,
            _ => return Err(self.unexpected("a declaration")),
        };
        let kind = match word.as_str() {
            "exception" | "model" | "dataclass" | "namedtuple" | "enum" | "frozen" => {
                self.class_decl()?
            }
            "const" => self.const_decl()?,
            "action" => self.action_decl()?,
            "fn" | "workflow" => self.callable_decl(&word)?,
            _ => return Err(self.unexpected("a declaration")),
        };
        let span = self.span_from(start);
        if let DeclKind::Class(class) = &kind {
            if let Some(problem) = class_body_problem(class, span) {
                self.defer(problem);
            }
        }
        Ok(Decl { kind, span })
    }

    /// `[frozen] kind Name[(bases)] from module [import qualname]`, then the
    /// end of the line or a block of fields or members.
    fn class_decl(&mut self) -> PResult<DeclKind> {
        let frozen = self.eat_word("frozen")?;
        let kind = match self.tok()? {
            Tok::Word(word) => ClassKind::from_keyword(&word)
                .filter(|kind| !frozen || matches!(kind, ClassKind::Model | ClassKind::Dataclass)),
            _ => None,
        };
        let Some(kind) = kind else {
            return Err(self.unexpected(if frozen {
                "`model` or `dataclass`"
            } else {
                "a class kind"
            }));
        };
        self.bump()?;
        let (name, name_span) = self.name_token()?;
        let mut bases = Vec::new();
        if self.eat_op("(")? {
            bases.push(self.name_token()?);
            while self.eat_op(",")? {
                if self.at_op(")")? {
                    break;
                }
                bases.push(self.name_token()?);
            }
            self.expect_op(")")?;
        }
        for (base, span) in &bases {
            self.check_name(base, Some(*span), false);
        }
        self.expect_word("from")?;
        let module = self.dotted_name()?;
        let qualname = if self.eat_word("import")? {
            Some(self.dotted_name()?)
        } else {
            None
        };
        self.check_name(&name, Some(name_span), false);
        let body = if self.eat_op(":")? {
            Some(self.class_body()?)
        } else {
            self.expect_newline()?;
            None
        };
        Ok(DeclKind::Class(ClassDecl {
            kind,
            qualname: qualname.unwrap_or_else(|| name.clone()),
            name,
            module,
            bases: bases.into_iter().map(|(b, _)| b).collect(),
            body,
            frozen,
        }))
    }

    /// `_NL _INDENT (class_item _NL)+ _DEDENT`; a `pass` holds nothing.
    fn class_body(&mut self) -> PResult<Vec<ClassItem>> {
        self.open_block()?;
        self.enter()?;
        let mut items = Vec::new();
        loop {
            items.extend(self.class_item()?);
            self.expect_newline()?;
            if self.tok()? == Tok::Dedent {
                self.bump()?;
                break;
            }
        }
        self.leave();
        Ok(items)
    }

    /// `name: type [= default]` (a field), `NAME = value` (a member), or `pass`.
    fn class_item(&mut self) -> PResult<Option<ClassItem>> {
        let start = self.start()?;
        if self.eat_word("pass")? {
            return Ok(None);
        }
        let (name, span) = self.name_token()?;
        if self.eat_op(":")? {
            let ty = self.type_()?;
            let default = if self.eat_equal()? {
                Some(self.expr()?)
            } else {
                None
            };
            self.check_name(&name, Some(span), true);
            return Ok(Some(ClassItem::Field(Param {
                name,
                ty,
                default,
                span: self.span_from(start),
            })));
        }
        self.expect_op("=")?;
        let value = self.expr()?;
        self.check_name(&name, Some(span), true);
        Ok(Some(ClassItem::Member(Member {
            name,
            value,
            span: self.span_from(start),
        })))
    }

    fn dotted_name(&mut self) -> PResult<String> {
        let mut parts = vec![self.name_token()?];
        while self.at_op(".")? {
            self.bump()?;
            parts.push(self.name_token()?);
        }
        for (part, span) in &parts {
            self.check_name(part, Some(*span), true);
        }
        Ok(parts
            .into_iter()
            .map(|(p, _)| p)
            .collect::<Vec<_>>()
            .join("."))
    }

    fn const_decl(&mut self) -> PResult<DeclKind> {
        self.bump()?; // const
        let (name, span) = self.name_token()?;
        self.expect_op("=")?;
        let value = self.expr()?;
        self.expect_newline()?;
        self.check_name(&name, Some(span), false);
        Ok(DeclKind::Const { name, value })
    }

    fn action_decl(&mut self) -> PResult<DeclKind> {
        self.bump()?; // action
        let (name, span) = self.name_token()?;
        let params = self.params()?;
        self.arrow()?;
        let returns = self.type_()?;
        self.expect_word("from")?;
        let module = self.dotted_name()?;
        self.expect_newline()?;
        self.check_name(&name, Some(span), true);
        self.check_params(&params, true);
        Ok(DeclKind::Action {
            name,
            params,
            returns,
            module,
        })
    }

    fn callable_decl(&mut self, keyword: &str) -> PResult<DeclKind> {
        self.bump()?; // fn or workflow
        let (name, span) = self.name_token()?;
        let params = self.params()?;
        self.arrow()?;
        let returns = self.type_()?;
        self.expect_op(":")?;
        let body = self.suite()?;
        let callable = |name| Callable {
            name,
            params,
            returns,
            body,
        };
        if keyword == "fn" {
            self.check_name(&name, Some(span), false);
            let callable = callable(name);
            self.check_params(&callable.params, false);
            Ok(DeclKind::Fn(callable))
        } else {
            self.check_name(&name, Some(span), true);
            let callable = callable(name);
            self.check_params(&callable.params, false);
            Ok(DeclKind::Workflow(callable))
        }
    }

    /// `->`, two tokens of the grammar's text that must touch.
    fn arrow(&mut self) -> PResult<()> {
        if self.tok_in(Mode::Root)? == Tok::Op("->") {
            self.bump()?;
            return Ok(());
        }
        Err(self.unexpected("`->`"))
    }

    /// The parameter names of a declaration, held to where they stand (a
    /// parameter's span starts at its name).
    fn check_params(&mut self, params: &[Param], of_python: bool) {
        for param in params {
            let span = param.span.map(|s| {
                Span::new(
                    s.line,
                    s.column,
                    s.line,
                    s.column + param.name.chars().count() as u32,
                )
            });
            self.check_name(&param.name, span, of_python);
        }
    }

    fn params(&mut self) -> PResult<Vec<Param>> {
        self.expect_op("(")?;
        let params = self.separated(")", Self::param)?;
        self.expect_op(")")?;
        Ok(params)
    }

    fn param(&mut self) -> PResult<Param> {
        let start = self.start()?;
        let (name, span) = self.name_token()?;
        self.expect_op(":")?;
        let ty = self.type_()?;
        let default = if self.eat_equal()? {
            Some(self.expr()?)
        } else {
            None
        };
        self.check_name(&name, Some(span), true);
        Ok(Param {
            name,
            ty,
            default,
            span: self.span_from(start),
        })
    }

    // ---------------------------------------------------------- types

    fn type_(&mut self) -> PResult<Type> {
        let start = self.start()?;
        let first = self.type_atom()?;
        if !self.at_op("|")? {
            return Ok(first);
        }
        let mut options = vec![first];
        while self.eat_op("|")? {
            options.push(self.type_atom()?);
        }
        Ok(Type {
            kind: TypeKind::Union(options),
            span: self.span_from(start),
        })
    }

    fn type_atom(&mut self) -> PResult<Type> {
        let start = self.start()?;
        if self.eat_word("None")? {
            return Ok(Type {
                kind: TypeKind::None,
                span: self.span_from(start),
            });
        }
        let (name, span) = self.name_token()?;
        let mut args = Vec::new();
        if self.eat_op("[")? {
            self.enter()?;
            args.push(self.type_()?);
            while self.eat_op(",")? {
                args.push(self.type_()?);
            }
            self.leave();
            self.expect_op("]")?;
        }
        self.check_name(&name, Some(span), true);
        Ok(Type {
            kind: TypeKind::Named { name, args },
            span: self.span_from(start),
        })
    }

    // ---------------------------------------------------------- statements

    /// `_NL _INDENT`: the start of an indented block.
    fn open_block(&mut self) -> PResult<()> {
        self.expect_newline()?;
        if self.tok()? != Tok::Indent {
            return Err(self.unexpected("an indented block"));
        }
        self.bump()?;
        Ok(())
    }

    /// `_NL _INDENT stmt+ _DEDENT`.
    fn suite(&mut self) -> PResult<Vec<Stmt>> {
        self.open_block()?;
        self.enter()?;
        let mut body = Vec::new();
        loop {
            if let Some(stmt) = self.stmt()? {
                body.push(stmt);
            }
            if self.tok()? == Tok::Dedent {
                self.bump()?;
                self.after_block = true;
                break;
            }
        }
        self.leave();
        Ok(body)
    }

    /// One statement (None for `pass`).
    fn stmt(&mut self) -> PResult<Option<Stmt>> {
        let start = self.start()?;
        if self.after_block {
            if let Tok::Word(word) = self.tok_in(Mode::Operand)? {
                if AFTER_BLOCK_KEYWORDS.contains(&word.as_str()) {
                    return Err(self.unexpected("a statement"));
                }
            }
        }
        let word = match self.tok_in(Mode::Operand)? {
            Tok::Word(word) if STATEMENT_KEYWORDS.contains(&word.as_str()) => Some(word),
            _ => None,
        };
        let kind = match word.as_deref() {
            Some("if") => return self.if_stmt(start, "if").map(Some),
            Some("for") => return self.for_stmt(start).map(Some),
            Some("while") => return self.while_stmt(start).map(Some),
            Some("try") => return self.try_stmt(start).map(Some),
            Some("parallel") => return self.parallel(start, None).map(Some),
            Some("pass") => {
                self.bump()?;
                self.expect_newline()?;
                return Ok(None);
            }
            Some("break") => {
                self.bump()?;
                StmtKind::Break
            }
            Some("continue") => {
                self.bump()?;
                StmtKind::Continue
            }
            Some("return") => {
                self.bump()?;
                let value = if self.tok()? == Tok::Newline {
                    None
                } else {
                    Some(self.expr_list()?)
                };
                StmtKind::Return(value)
            }
            Some("raise") => {
                self.bump()?;
                let mut exc = None;
                let mut cause = None;
                if self.tok()? != Tok::Newline {
                    exc = Some(self.expr()?);
                    if self.eat_word("from")? {
                        cause = Some(self.expr()?);
                    }
                }
                StmtKind::Raise { exc, cause }
            }
            Some("sleep") => {
                self.bump()?;
                StmtKind::Sleep(self.expr()?)
            }
            Some("del") => {
                self.bump()?;
                let targets = self.target_list()?;
                let mut deleted = Vec::new();
                for item in targets.items {
                    self.delete_targets(item, &mut deleted);
                }
                StmtKind::Delete(deleted)
            }
            Some("await") => {
                let call = self.await_call()?;
                StmtKind::CallStmt { target: None, call }
            }
            _ => return self.assignment_or_expression(start).map(Some),
        };
        let span = self.span_from(start);
        self.expect_newline()?;
        Ok(Some(Stmt::new(kind, span)))
    }

    /// A statement that starts with an expression: an assignment (of a value,
    /// an await call or a `parallel` block), an annotated assignment, or an
    /// expression statement.
    fn assignment_or_expression(&mut self, start: (u32, u32)) -> PResult<Stmt> {
        let first = self.peek_in(Mode::Operand)?.clone();
        let targets = self.target_list()?;
        // `NAME ":" type "=" value`: the target is that one name token.
        let lone_name = targets.items.len() == 1
            && matches!(&targets.items[0].kind, ExprKind::Name(_))
            && targets.items[0].span == Some(first.span)
            && targets.span == Some(first.span);
        if lone_name && self.at_op(":")? {
            return self.annotated_assign(start, first);
        }
        let lone_item = targets.items.len() == 1
            && !targets.trailing_comma
            && !matches!(targets.items[0].kind, ExprKind::Starred(_));
        if lone_item && (self.at_op("+=")? || self.at_op("|=")?) {
            return self.augmented_assign(start, targets);
        }
        if !self.at_op("=")? {
            if targets.items.len() == 1 && targets.span == targets.items[0].span {
                if let Some(item) = targets.items.into_iter().next() {
                    if !matches!(item.kind, ExprKind::Starred(_)) {
                        let span = self.span_from(start);
                        self.expect_newline()?;
                        return Ok(Stmt::new(StmtKind::ExprStmt(item), span));
                    }
                }
            }
            return Err(self.unexpected("`=`"));
        }
        self.bump()?; // =
        if self.at_word("parallel")? {
            return self.parallel(start, Some(targets));
        }
        let kind = if self.at_word("await")? {
            let call = self.await_call()?;
            let target = self.assigned(targets);
            StmtKind::CallStmt {
                target: Some(target),
                call,
            }
        } else {
            let value = self.expr_list()?;
            let target = self.assigned(targets);
            StmtKind::Assign {
                target,
                value,
                annotation: None,
            }
        };
        let span = self.span_from(start);
        self.expect_newline()?;
        Ok(Stmt::new(kind, span))
    }

    /// `target += value` (`target |= value`): the target, read and then bound to
    /// `target += value` (in place: a list extends with any iterable, a dict is
    /// updated from any pairs, see `eval::ops::in_place_add` and `in_place_or`).
    fn augmented_assign(&mut self, start: (u32, u32), targets: Targets) -> PResult<Stmt> {
        let operator = if self.at_op("|=")? { "|=" } else { "+=" };
        self.bump()?; // the operator
        let value = self.expr_list()?;
        let target = targets.items.into_iter().next().unwrap_or_else(Expr::none);
        if matches!(target.kind, ExprKind::Tuple(_) | ExprKind::List(_)) {
            self.defer(problem(
                format!("`{operator}` needs one target: a variable, an item or a field"),
                target.span,
            ));
        } else if let Some(diagnostic) = check_target(&target) {
            self.defer(diagnostic);
        }
        let span = self.span_from(start);
        self.expect_newline()?;
        let sum = ExprKind::BinOp(Box::new(target.clone()), operator.into(), Box::new(value));
        Ok(Stmt::new(
            StmtKind::Assign {
                target,
                value: Expr::new(sum, span),
                annotation: None,
            },
            span,
        ))
    }

    fn annotated_assign(&mut self, start: (u32, u32), name_token: Token) -> PResult<Stmt> {
        self.bump()?; // :
        let annotation = self.type_()?;
        self.expect_op("=")?;
        let name = match &name_token.tok {
            Tok::Word(word) => word.clone(),
            _ => String::new(),
        };
        if self.at_word("await")? {
            self.await_call()?;
            let span = self.span_from(start);
            self.check_name(&name, Some(name_token.span), false);
            self.defer(problem(
                "an await call cannot carry a type annotation",
                span,
            ));
            self.expect_newline()?;
            return Ok(Stmt::new(StmtKind::ExprStmt(Expr::none()), span));
        }
        let value = self.expr_list()?;
        let span = self.span_from(start);
        self.check_name(&name, Some(name_token.span), false);
        let target = Expr::new(ExprKind::Name(name), Some(name_token.span));
        self.expect_newline()?;
        Ok(Stmt::new(
            StmtKind::Assign {
                target,
                value,
                annotation: Some(annotation),
            },
            span,
        ))
    }

    /// `target_item ("," target_item)* [","]`, each an expression or `*expr`.
    fn target_list(&mut self) -> PResult<Targets> {
        let start = self.start()?;
        let mut items = vec![self.element()?];
        let mut trailing_comma = false;
        while self.at_op(",")? {
            self.bump()?;
            if !self.starts_element()? {
                trailing_comma = true;
                break;
            }
            items.push(self.element()?);
        }
        Ok(Targets {
            items,
            span: self.span_from(start),
            trailing_comma,
        })
    }

    /// Whether the next token may start an element (an expression or `*expr`;
    /// lark reads `**` there as `*` and another `*`).
    fn starts_element(&mut self) -> PResult<bool> {
        Ok(match self.tok_in(Mode::Operand)? {
            Tok::Op(op) => matches!(op, "*" | "**" | "(" | "[" | "{" | "-" | "+"),
            Tok::Word(word) => {
                !is_hard_keyword(&word)
                    || matches!(word.as_str(), "not" | "lambda" | "True" | "False" | "None")
            }
            Tok::Int(_) | Tok::Float(_) | Tok::Str(_) | Tok::FStr(_) => true,
            _ => false,
        })
    }

    /// `expr | "*" expr`.
    fn element(&mut self) -> PResult<Expr> {
        let start = self.start()?;
        let starred = if self.tok_in(Mode::Operand)? == Tok::Op("*") {
            self.bump()?;
            true
        } else {
            self.eat_first_of("**")?
        };
        if starred {
            let value = self.expr()?;
            return Ok(Expr::new(
                ExprKind::Starred(Box::new(value)),
                self.span_from(start),
            ));
        }
        self.expr()
    }

    /// A target list as an assignment's target.
    fn assigned(&mut self, targets: Targets) -> Expr {
        let target = if targets.items.len() == 1
            && !targets.trailing_comma
            && !matches!(targets.items[0].kind, ExprKind::Starred(_))
        {
            targets.items.into_iter().next().unwrap_or_else(Expr::none)
        } else {
            Expr::new(ExprKind::Tuple(targets.items), targets.span)
        };
        if let Some(diagnostic) = check_target(&target) {
            self.defer(diagnostic);
        }
        target
    }

    fn delete_targets(&mut self, expr: Expr, out: &mut Vec<Expr>) {
        match expr.kind {
            ExprKind::Starred(_) => {
                self.defer(
                    problem("cannot delete a starred expression", expr.span)
                        .with_help("name each target: `del a, b`"),
                );
            }
            ExprKind::Tuple(elts) if !elts.is_empty() => {
                for elt in elts {
                    self.delete_targets(elt, out);
                }
            }
            _ if matches!(expr.kind, ExprKind::Name(_)) || is_place(&expr) => out.push(expr),
            _ => self.defer(
                problem("cannot delete this expression", expr.span).with_help(
                    "delete a name, an item `x[key]`, a slice `x[i:j]` or a field `x.field`",
                ),
            ),
        }
    }

    /// `element ("," element)* [","]`: one value, or a tuple of them (one
    /// value with a comma after it is a tuple too).
    fn expr_list(&mut self) -> PResult<Expr> {
        let Targets {
            mut items,
            span,
            trailing_comma,
        } = self.target_list()?;
        if items.len() == 1 && !trailing_comma {
            let item = items.pop().unwrap_or_else(Expr::none);
            if matches!(item.kind, ExprKind::Starred(_)) {
                self.defer(problem(
                    "a starred value needs a tuple around it, like `*xs,`",
                    item.span,
                ));
            }
            return Ok(item);
        }
        Ok(Expr::new(ExprKind::Tuple(items), span))
    }

    fn if_stmt(&mut self, start: (u32, u32), keyword: &str) -> PResult<Stmt> {
        self.expect_word(keyword)?;
        let test = self.expr()?;
        self.expect_op(":")?;
        let body = self.suite()?;
        // The span of each `elif` runs to the end of its own block, not of the chain.
        let own_end = self.prev_end;
        let orelse = if self.at_word("elif")? {
            let elif_start = self.start()?;
            vec![self.if_stmt(elif_start, "elif")?]
        } else if self.at_word("else")? {
            self.bump()?;
            self.expect_op(":")?;
            self.suite()?
        } else {
            Vec::new()
        };
        let span = if keyword == "elif" {
            Some(Span::new(start.0, start.1, own_end.0, own_end.1))
        } else {
            self.span_from(start)
        };
        Ok(Stmt::new(StmtKind::If { test, body, orelse }, span))
    }

    fn else_clause(&mut self) -> PResult<Vec<Stmt>> {
        if self.at_word("else")? {
            self.bump()?;
            self.expect_op(":")?;
            return self.suite();
        }
        Ok(Vec::new())
    }

    fn for_stmt(&mut self, start: (u32, u32)) -> PResult<Stmt> {
        self.bump()?; // for
        let target = self.for_target()?;
        self.expect_word("in")?;
        let iter = self.expr()?;
        self.expect_op(":")?;
        let body = self.suite()?;
        let orelse = self.else_clause()?;
        Ok(Stmt::new(
            StmtKind::For {
                target,
                iter,
                body,
                orelse,
            },
            self.span_from(start),
        ))
    }

    /// `for_target_item ("," for_target_item)* [","]`: names and
    /// parenthesised target lists; one item is the item itself, and a tuple
    /// of one when a comma follows it (`for b, in pairs`, `for (b,) in pairs`).
    fn for_target(&mut self) -> PResult<Expr> {
        let start = self.start()?;
        let mut items = vec![self.for_target_item()?];
        let mut trailing_comma = false;
        while self.eat_op(",")? {
            let item_follows = matches!(self.tok()?, Tok::Op("("))
                || matches!(self.tok()?, Tok::Word(ref w) if w != "in");
            if !item_follows || self.at_word("in")? {
                trailing_comma = true;
                break;
            }
            items.push(self.for_target_item()?);
        }
        if items.len() == 1 && !trailing_comma {
            return Ok(items.pop().unwrap_or_else(Expr::none));
        }
        Ok(Expr::new(ExprKind::Tuple(items), self.span_from(start)))
    }

    fn for_target_item(&mut self) -> PResult<Expr> {
        if self.at_op("(")? {
            self.bump()?;
            self.enter()?;
            let inner = self.for_target()?;
            self.leave();
            self.expect_op(")")?;
            return Ok(inner);
        }
        let (name, span) = self.name_token()?;
        self.check_name(&name, Some(span), false);
        Ok(Expr::new(ExprKind::Name(name), Some(span)))
    }

    fn while_stmt(&mut self, start: (u32, u32)) -> PResult<Stmt> {
        self.bump()?; // while
        let test = self.expr()?;
        let max_iterations = if self.eat_word("max")? {
            Some(self.int_token()?.0)
        } else {
            None
        };
        self.expect_op(":")?;
        let body = self.suite()?;
        let orelse = self.else_clause()?;
        Ok(Stmt::new(
            StmtKind::While {
                test,
                body,
                orelse,
                max_iterations,
            },
            self.span_from(start),
        ))
    }

    fn try_stmt(&mut self, start: (u32, u32)) -> PResult<Stmt> {
        self.bump()?; // try
        self.expect_op(":")?;
        let body = self.suite()?;
        let mut handlers = Vec::new();
        while self.at_word("except")? {
            handlers.push(self.except_clause()?);
        }
        let orelse = self.else_clause()?;
        let finalbody = if self.eat_word("finally")? {
            self.expect_op(":")?;
            self.suite()?
        } else {
            Vec::new()
        };
        let span = self.span_from(start);
        if handlers.is_empty() && finalbody.is_empty() {
            self.defer(problem(
                "`try` needs at least one `except` or a `finally`",
                span,
            ));
        }
        Ok(Stmt::new(
            StmtKind::Try {
                body,
                handlers,
                orelse,
                finalbody,
            },
            span,
        ))
    }

    fn except_clause(&mut self) -> PResult<ExceptHandler> {
        let start = self.start()?;
        self.bump()?; // except
        let mut types = Vec::new();
        let mut name = None;
        if !self.at_op(":")? {
            let mut names = Vec::new();
            if self.eat_op("(")? {
                names.push(self.name_token()?);
                if self.eat_op(",")? {
                    names.extend(self.separated(")", Self::name_token)?);
                }
                self.expect_op(")")?;
            } else {
                names.push(self.name_token()?);
            }
            for (type_name, span) in names {
                self.check_name(&type_name, Some(span), true);
                types.push(type_name);
            }
            if self.eat_word("as")? {
                name = Some(self.name_token()?);
            }
        }
        self.expect_op(":")?;
        let body = self.suite()?;
        if let Some((name, span)) = &name {
            self.check_name(name, Some(*span), false);
        }
        Ok(ExceptHandler {
            types,
            name: name.map(|(n, _)| n),
            body,
            span: self.span_from(start),
        })
    }

    /// `[target =] parallel [return_exceptions]:` with its calls, or
    /// `[target =] parallel [return_exceptions] for x in xs [limit N]:` with one.
    fn parallel(&mut self, start: (u32, u32), targets: Option<Targets>) -> PResult<Stmt> {
        self.bump()?; // parallel
        let return_exceptions = self.eat_word("return_exceptions")?;
        if self.eat_word("for")? {
            let loop_target = self.for_target()?;
            self.expect_word("in")?;
            let iter = self.expr()?;
            let limit = if self.at_word("limit")? {
                let limit_start = self.start()?;
                self.bump()?;
                let (digits, _) = self.int_token()?;
                if digits == "0" {
                    let span = self.span_from(limit_start);
                    self.defer(problem("`limit` must be at least 1", span));
                }
                Some(digits)
            } else {
                None
            };
            self.expect_op(":")?;
            let calls = self.calls(true)?;
            let call = calls
                .into_iter()
                .next()
                .ok_or_else(|| self.unexpected("an await call"))?;
            let target = targets.map(|t| self.assigned(t));
            return Ok(Stmt::new(
                StmtKind::ParallelFor {
                    target,
                    loop_target,
                    iter,
                    call,
                    return_exceptions,
                    limit,
                },
                self.span_from(start),
            ));
        }
        self.expect_op(":")?;
        let calls = self.calls(false)?;
        let target = targets.map(|t| self.assigned(t));
        Ok(Stmt::new(
            StmtKind::Parallel {
                target,
                calls,
                return_exceptions,
            },
            self.span_from(start),
        ))
    }

    /// `_NL _INDENT (await_call _NL)+ _DEDENT` (one call only when `single`).
    fn calls(&mut self, single: bool) -> PResult<Vec<AwaitCall>> {
        self.open_block()?;
        let mut calls = Vec::new();
        loop {
            if !self.at_word("await")? {
                return Err(self.unexpected("`await`"));
            }
            calls.push(self.await_call()?);
            self.expect_newline()?;
            if self.tok()? == Tok::Dedent {
                self.bump()?;
                return Ok(calls);
            }
            if single {
                return Err(self.unexpected("the end of the block"));
            }
        }
    }

    /// `await NAME(kwargs) policy*`.
    fn await_call(&mut self) -> PResult<AwaitCall> {
        let start = self.start()?;
        self.expect_word("await")?;
        let (name, name_span) = self.name_token()?;
        self.expect_op("(")?;
        let kwargs = self.separated(")", Self::kwarg)?;
        self.expect_op(")")?;
        let mut policies = Vec::new();
        loop {
            let word = match self.tok()? {
                Tok::Word(w) if matches!(w.as_str(), "retry" | "backoff" | "timeout") => w,
                _ => break,
            };
            policies.push(self.policy(&word)?);
        }
        let span = self.span_from(start);
        let mut call = AwaitCall {
            name: name.clone(),
            kwargs,
            retry: None,
            backoff: None,
            timeout: None,
            span,
        };
        let mut seen: Vec<&str> = Vec::new();
        for policy in policies {
            if seen.contains(&policy.kind()) {
                self.defer(problem(format!("`{}` is given twice", policy.kind()), span));
                continue;
            }
            seen.push(policy.kind());
            match policy {
                Policy::Retry(p) => call.retry = Some(p),
                Policy::Backoff(p) => call.backoff = Some(p),
                Policy::Timeout(p) => call.timeout = Some(p),
            }
        }
        self.check_name(&name, Some(name_span), true);
        Ok(call)
    }

    /// `NAME "=" expr`.
    fn kwarg(&mut self) -> PResult<Keyword> {
        let start = self.start()?;
        let (name, span) = self.name_token()?;
        self.expect_op("=")?;
        let value = self.expr()?;
        self.check_name(&name, Some(span), true);
        Ok(Keyword {
            name,
            value,
            span: self.span_from(start),
        })
    }

    fn policy(&mut self, kind: &str) -> PResult<Policy> {
        let start = self.start()?;
        self.bump()?;
        self.expect_op("(")?;
        self.enter()?;
        if kind == "timeout" {
            let value = self.policy_value()?;
            self.leave();
            self.expect_op(")")?;
            let span = self.span_from(start);
            self.check_seconds(&value, span, false);
            return Ok(Policy::Timeout(value));
        }
        let args = self.separated(")", Self::policy_arg);
        self.leave();
        let args = args?;
        self.expect_op(")")?;
        let span = self.span_from(start);
        if kind == "retry" {
            let mut values = self.policy_values(args, &["attempts", "on"]);
            let on = values.pop().flatten();
            let attempts = values.pop().flatten();
            let attempts = match attempts {
                None => None,
                Some(Seconds::Value(expr)) if is_whole_number_or_none(&expr) => Some(expr),
                Some(_) => {
                    self.defer(problem(
                        "`attempts` must be a whole number, or None for no limit",
                        span,
                    ));
                    None
                }
            };
            let on = match on {
                None => None,
                Some(value) => match exception_type_names(&value) {
                    Some(names) => Some(names),
                    None => {
                        self.defer(problem(
                            "`on` lists exception types, like `on=[ValueError, Busy]`",
                            span,
                        ));
                        None
                    }
                },
            };
            return Ok(Policy::Retry(RetryPolicy { attempts, on, span }));
        }
        let order = self.written_order(&args, &["base", "multiplier", "max"]);
        let mut values = self.policy_values(args, &["base", "multiplier", "max"]);
        let max = values.pop().flatten();
        let multiplier = values.pop().flatten();
        let base = values.pop().flatten();
        let mut policy = BackoffPolicy {
            base: None,
            multiplier: None,
            max: None,
            span,
        };
        for key in order {
            match key {
                "multiplier" => match &multiplier {
                    Some(Seconds::Value(expr)) if is_number(expr) => {
                        policy.multiplier = Some(expr.clone())
                    }
                    _ => self.defer(problem(
                        "`multiplier` must be a number, like `multiplier=2`",
                        span,
                    )),
                },
                "base" => {
                    if let Some(value) = &base {
                        self.check_seconds(value, span, false);
                        policy.base = Some(value.clone());
                    }
                }
                _ => {
                    if let Some(value) = &max {
                        self.check_seconds(value, span, true);
                        policy.max = Some(value.clone());
                    }
                }
            }
        }
        Ok(Policy::Backoff(policy))
    }

    /// The keys of `allowed` in the order their arguments are first written.
    fn written_order(&self, args: &[PolicyArg], allowed: &[&'static str]) -> Vec<&'static str> {
        let mut order = Vec::new();
        for arg in args {
            if let Some(key) = allowed.iter().find(|k| **k == arg.name) {
                if !order.contains(key) {
                    order.push(*key);
                }
            }
        }
        order
    }

    /// Each allowed argument's value (None when not written), in `allowed`'s
    /// order; an unknown argument or one given twice is a problem.
    fn policy_values(&mut self, args: Vec<PolicyArg>, allowed: &[&str]) -> Vec<Option<Seconds>> {
        let mut values: Vec<Option<Seconds>> = allowed.iter().map(|_| None).collect();
        for arg in args {
            let Some(index) = allowed.iter().position(|k| *k == arg.name) else {
                self.defer(
                    problem(format!("unknown policy argument `{}`", arg.name), arg.span)
                        .with_help(format!("expected one of: {}", allowed.join(", "))),
                );
                continue;
            };
            if values[index].is_some() {
                self.defer(
                    problem(format!("`{}` is given twice", arg.name), arg.span)
                        .with_help("remove one of them"),
                );
                continue;
            }
            values[index] = Some(arg.value);
        }
        values
    }

    /// A duration, a number of seconds (0 or more), or None where allowed.
    fn check_seconds(&mut self, value: &Seconds, span: Option<Span>, allow_none: bool) {
        let fine = match value {
            Seconds::Duration(..) => true,
            Seconds::Value(expr) => match &expr.kind {
                ExprKind::Constant(Constant::None) => allow_none,
                ExprKind::Constant(Constant::Int(_) | Constant::Float(_)) => true,
                _ => false,
            },
        };
        if !fine {
            self.defer(problem(
                "expected a duration such as `30s`, `5m`, `250ms` or a number of seconds",
                span,
            ));
        }
    }

    fn policy_arg(&mut self) -> PResult<PolicyArg> {
        let start = self.start()?;
        let (name, span) = self.name_token()?;
        self.expect_op("=")?;
        let value = self.policy_value()?;
        let arg_span = self.span_from(start);
        self.check_name(&name, Some(span), true);
        Ok(PolicyArg {
            name,
            value,
            span: arg_span,
        })
    }

    fn policy_value(&mut self) -> PResult<Seconds> {
        if let Tok::Duration(text) = self.tok_in(Mode::Policy)? {
            let token = self.bump()?;
            return Ok(Seconds::Duration(text, Some(token.span)));
        }
        Ok(Seconds::Value(self.expr()?))
    }

    // ---------------------------------------------------------- expressions

    /// An expression and the end of the text (`parse_expr`, an f-string's
    /// field): a newline or a comment after it is unexpected there.
    fn whole_expr(&mut self) -> PResult<Expr> {
        let expr = self.expr()?;
        if self.tok()? == Tok::End {
            return Ok(expr);
        }
        Err(self.unexpected("the end of the expression"))
    }

    /// A type and the end of the text (`parse_type`).
    fn whole_type(&mut self) -> PResult<Type> {
        let ty = self.type_()?;
        if self.tok()? == Tok::End {
            return Ok(ty);
        }
        Err(self.unexpected("the end of the type"))
    }

    /// `ternary | lambda_expr`.
    fn expr(&mut self) -> PResult<Expr> {
        self.enter()?;
        let result = if self.tok_in(Mode::Operand)? == Tok::Word("lambda".into()) {
            self.lambda()
        } else {
            self.ternary()
        };
        self.leave();
        result
    }

    fn lambda(&mut self) -> PResult<Expr> {
        let start = self.start()?;
        self.bump()?; // lambda
        let params = self.separated(":", Self::name_token)?;
        for (param, span) in &params {
            self.check_name(param, Some(*span), false);
        }
        self.expect_op(":")?;
        let body = self.expr()?;
        Ok(Expr::new(
            ExprKind::Lambda(params.into_iter().map(|(p, _)| p).collect(), Box::new(body)),
            self.span_from(start),
        ))
    }

    fn ternary(&mut self) -> PResult<Expr> {
        let start = self.start()?;
        let body = self.or_expr()?;
        if !self.at_word("if")? {
            return Ok(body);
        }
        self.bump()?;
        let test = self.or_expr()?;
        self.expect_word("else")?;
        let orelse = self.expr()?;
        Ok(Expr::new(
            ExprKind::Conditional {
                test: Box::new(test),
                body: Box::new(body),
                orelse: Box::new(orelse),
            },
            self.span_from(start),
        ))
    }

    fn or_expr(&mut self) -> PResult<Expr> {
        self.operation(P_OR)
    }

    /// The operators from `or` to `**` by precedence climbing (one frame per
    /// operand, where the grammar's rules would take one per level): an
    /// operand, then each operator that binds at least as tightly as `min`.
    /// `a or b or c` is one `BoolOp`, `a < b <= c` one `Compare`.
    fn operation(&mut self, min: u8) -> PResult<Expr> {
        let start = self.start()?;
        let mut left = self.operand(min, start)?;
        loop {
            let prec = match self.tok()? {
                Tok::Word(w) if w == "or" => P_OR,
                Tok::Word(w) if w == "and" => P_AND,
                Tok::Word(w) if matches!(w.as_str(), "in" | "not" | "is") => P_CMP,
                Tok::Op("==" | "!=" | "<" | "<=" | ">" | ">=") => P_CMP,
                Tok::Op("|") => P_BIT_OR,
                Tok::Op("^") => P_BIT_XOR,
                Tok::Op("&") => P_BIT_AND,
                Tok::Op("+" | "-") => P_ARITH,
                Tok::Op("*" | "/" | "//" | "%") => P_TERM,
                _ => return Ok(left),
            };
            if prec < min {
                return Ok(left);
            }
            left = match prec {
                P_OR | P_AND => {
                    let op = if prec == P_OR { "or" } else { "and" };
                    let mut values = vec![left];
                    while self.eat_word(op)? {
                        values.push(self.operation(prec + 1)?);
                    }
                    Expr::new(
                        ExprKind::BoolOp(op.to_string(), values),
                        self.span_from(start),
                    )
                }
                P_CMP => {
                    let mut rest = Vec::new();
                    while let Some(op) = self.comparison_op()? {
                        rest.push((op, self.operation(P_BIT_OR)?));
                    }
                    Expr::new(
                        ExprKind::Compare(Box::new(left), rest),
                        self.span_from(start),
                    )
                }
                _ => {
                    let op = match self.bump()?.tok {
                        Tok::Op(op) => op,
                        _ => "+",
                    };
                    let right = self.operation(prec + 1)?;
                    Expr::new(
                        ExprKind::BinOp(Box::new(left), op.to_string(), Box::new(right)),
                        self.span_from(start),
                    )
                }
            };
        }
    }

    /// The operand an operation starts with: `not x` (where `min` allows it),
    /// `-x` / `+x`, or a postfix expression and its `** factor`.
    fn operand(&mut self, min: u8, start: (u32, u32)) -> PResult<Expr> {
        let prefix = match self.tok_in(Mode::Operand)? {
            Tok::Word(w) if w == "not" && min <= P_NOT => Some(("not", P_NOT)),
            Tok::Op(op @ ("-" | "+")) => Some((op, P_FACTOR)),
            _ => None,
        };
        if let Some((op, prec)) = prefix {
            self.bump()?;
            let operand = self.nested(|p| p.operation(prec))?;
            return Ok(Expr::new(
                ExprKind::UnaryOp(op.to_string(), Box::new(operand)),
                self.span_from(start),
            ));
        }
        let base = self.postfix()?;
        if !self.at_op("**")? {
            return Ok(base);
        }
        self.bump()?;
        let exponent = self.nested(|p| p.operation(P_FACTOR))?;
        Ok(Expr::new(
            ExprKind::BinOp(Box::new(base), "**".into(), Box::new(exponent)),
            self.span_from(start),
        ))
    }

    /// The next comparison operator (`not in`, `is not` included), consumed.
    fn comparison_op(&mut self) -> PResult<Option<String>> {
        Ok(Some(match self.tok()? {
            Tok::Op(op @ ("==" | "!=" | "<" | "<=" | ">" | ">=")) => {
                self.bump()?;
                op.to_string()
            }
            Tok::Word(w) if w == "in" => {
                self.bump()?;
                "in".into()
            }
            Tok::Word(w) if w == "not" => {
                self.bump()?;
                self.expect_word("in")?;
                "not in".into()
            }
            Tok::Word(w) if w == "is" => {
                self.bump()?;
                if self.eat_word("not")? {
                    "is not".into()
                } else {
                    "is".into()
                }
            }
            _ => return Ok(None),
        }))
    }

    fn postfix(&mut self) -> PResult<Expr> {
        let start = self.start()?;
        let mut expr = self.atom()?;
        loop {
            match self.tok()? {
                Tok::Op(".") => {
                    self.bump()?;
                    let (attr, span) = self.name_token()?;
                    self.check_name(&attr, Some(span), true);
                    expr = Expr::new(
                        ExprKind::Attribute(Box::new(expr), attr),
                        self.span_from(start),
                    );
                }
                Tok::Op("[") => {
                    self.bump()?;
                    let index = self.subscript()?;
                    self.expect_op("]")?;
                    expr = Expr::new(
                        ExprKind::Subscript(Box::new(expr), Box::new(index)),
                        self.span_from(start),
                    );
                }
                Tok::Op("(") => {
                    self.bump()?;
                    let arguments = self.separated(")", Self::call_arg)?;
                    self.expect_op(")")?;
                    let mut args = Vec::new();
                    let mut kwargs: Vec<Keyword> = Vec::new();
                    for argument in arguments {
                        match argument {
                            Ok(keyword) => kwargs.push(keyword),
                            Err(arg) => {
                                if !kwargs.is_empty() {
                                    self.defer(problem(
                                        "a positional argument cannot follow a keyword argument",
                                        arg.span,
                                    ));
                                }
                                args.push(arg);
                            }
                        }
                    }
                    expr = Expr::new(
                        ExprKind::Call {
                            func: Box::new(expr),
                            args,
                            kwargs,
                        },
                        self.span_from(start),
                    );
                }
                _ => return Ok(expr),
            }
        }
    }

    /// The index of a subscript: an expression, or a slice.
    fn subscript(&mut self) -> PResult<Expr> {
        let start = self.start()?;
        let lower = if self.at_op(":")? {
            None
        } else {
            Some(self.expr()?)
        };
        if !self.at_op(":")? {
            return lower.ok_or_else(|| self.unexpected("an expression"));
        }
        self.bump()?;
        let upper = if self.at_op(":")? || self.at_op("]")? {
            None
        } else {
            Some(self.expr()?)
        };
        let mut step = None;
        if self.eat_op(":")? && !self.at_op("]")? {
            step = Some(self.expr()?);
        }
        Ok(Expr::new(
            ExprKind::Slice(lower.map(Box::new), upper.map(Box::new), step.map(Box::new)),
            self.span_from(start),
        ))
    }

    /// One argument of a call: `Ok` a keyword argument, `Err` a positional one.
    fn call_arg(&mut self) -> PResult<Result<Keyword, Expr>> {
        let start = self.start()?;
        if let Tok::Word(word) = self.tok_in(Mode::Operand)? {
            let expression_keyword =
                matches!(word.as_str(), "not" | "lambda" | "True" | "False" | "None");
            if !expression_keyword {
                // `NAME "=" expr` or an expression starting with a name: the `=` decides.
                let lexer = self.lexer.clone();
                let saved = self.peeked.clone();
                let prev_end = self.prev_end;
                let (name, span) = self.name_token()?;
                if self.at_op("=")? {
                    self.bump()?;
                    let value = self.expr()?;
                    self.check_name(&name, Some(span), true);
                    return Ok(Ok(Keyword {
                        name,
                        value,
                        span: self.span_from(start),
                    }));
                }
                // Not a keyword argument: read the name again as an expression.
                self.lexer = lexer;
                self.peeked = saved;
                self.prev_end = prev_end;
            }
        }
        Ok(Err(self.element()?))
    }

    fn atom(&mut self) -> PResult<Expr> {
        let start = self.start()?;
        let tok = self.tok_in(Mode::Operand)?;
        let kind = match tok {
            Tok::Word(word) => {
                let token = self.bump()?;
                match word.as_str() {
                    "True" => ExprKind::Constant(Constant::Bool(true)),
                    "False" => ExprKind::Constant(Constant::Bool(false)),
                    "None" => ExprKind::Constant(Constant::None),
                    _ => {
                        self.check_name(&word, Some(token.span), false);
                        ExprKind::Name(word)
                    }
                }
            }
            Tok::Int(digits) => {
                self.bump()?;
                ExprKind::Constant(Constant::Int(digits))
            }
            Tok::Float(text) => {
                self.bump()?;
                let value: f64 = text.parse().unwrap_or(f64::INFINITY);
                if !value.is_finite() {
                    self.defer(problem("float literal out of range", self.span_from(start)));
                }
                ExprKind::Constant(Constant::Float(value))
            }
            Tok::Str(text) => {
                self.bump()?;
                let body = &text[1..text.len() - 1];
                match decode_string(body) {
                    Ok(value) => ExprKind::Constant(Constant::Str(value)),
                    Err(message) => {
                        self.defer(problem(
                            format!("invalid string literal: {message}"),
                            self.span_from(start),
                        ));
                        ExprKind::Constant(Constant::Str(String::new()))
                    }
                }
            }
            Tok::FStr(_) => {
                let token = self.bump()?;
                ExprKind::FString(self.fstring(&token))
            }
            Tok::Op("(") => return self.paren(start),
            Tok::Op("[") => return self.list(start),
            Tok::Op("{") => return self.dict(start),
            _ => return Err(self.unexpected("an expression")),
        };
        Ok(Expr::new(kind, self.span_from(start)))
    }

    /// The parts of an f-string; each field is parsed as an expression of
    /// its own and placed where it stands in the file.
    fn fstring(&mut self, token: &Token) -> Vec<FPart> {
        let text = &self.text[token.start..token.end];
        let body = &text[2..text.len() - 1];
        let pieces = match split_fstring(body) {
            Ok(pieces) => pieces,
            Err(message) => {
                self.defer(problem(
                    format!("invalid f-string: {message}"),
                    Some(token.span),
                ));
                return Vec::new();
            }
        };
        let mut parts = Vec::new();
        for piece in pieces {
            match piece {
                Piece::Text(text) => parts.push(FPart::Text(text)),
                Piece::Field {
                    text,
                    conversion,
                    spec,
                    offset,
                } => {
                    let line = token.span.line;
                    let column = token.span.column + 2 + offset as u32;
                    match parse_with(&text, Start::Expr, Parser::whole_expr) {
                        Ok(mut value) => {
                            shift_expr(&mut value, line, column);
                            let span = value.span;
                            parts.push(FPart::Field {
                                value,
                                conversion,
                                spec,
                                span,
                            });
                        }
                        Err(mut diagnostic) => {
                            diagnostic.span = diagnostic.span.map(|s| shift_span(s, line, column));
                            self.defer(diagnostic);
                        }
                    }
                }
            }
        }
        parts
    }

    /// `()`, `(expr)`, or a tuple `(a, *b, c)`.
    fn paren(&mut self, start: (u32, u32)) -> PResult<Expr> {
        self.bump()?; // (
        self.paren_inner(start)
    }

    fn paren_inner(&mut self, start: (u32, u32)) -> PResult<Expr> {
        if self.eat_op(")")? {
            return Ok(Expr::new(
                ExprKind::Tuple(Vec::new()),
                self.span_from(start),
            ));
        }
        let first = self.element()?;
        if !self.at_op(",")? {
            if matches!(first.kind, ExprKind::Starred(_)) {
                return Err(self.unexpected("`,`"));
            }
            self.expect_op(")")?;
            return Ok(first);
        }
        self.bump()?; // ,
        let mut elts = vec![first];
        elts.extend(self.separated(")", Self::element)?);
        self.expect_op(")")?;
        Ok(Expr::new(ExprKind::Tuple(elts), self.span_from(start)))
    }

    /// `[a, *b]` or `[elt for ...]`.
    fn list(&mut self, start: (u32, u32)) -> PResult<Expr> {
        self.bump()?; // [
        self.list_inner(start)
    }

    fn list_inner(&mut self, start: (u32, u32)) -> PResult<Expr> {
        if self.eat_op("]")? {
            return Ok(Expr::new(ExprKind::List(Vec::new()), self.span_from(start)));
        }
        let first = self.element()?;
        if !matches!(first.kind, ExprKind::Starred(_)) && self.at_word("for")? {
            let generators = self.generators()?;
            self.expect_op("]")?;
            return Ok(Expr::new(
                ExprKind::ListComp(Box::new(first), generators),
                self.span_from(start),
            ));
        }
        let mut elts = vec![first];
        if self.eat_op(",")? {
            elts.extend(self.separated("]", Self::element)?);
        }
        self.expect_op("]")?;
        Ok(Expr::new(ExprKind::List(elts), self.span_from(start)))
    }

    /// `{k: v, **d}` or `{k: v for ...}`.
    fn dict(&mut self, start: (u32, u32)) -> PResult<Expr> {
        self.bump()?; // {
        self.dict_inner(start)
    }

    fn dict_inner(&mut self, start: (u32, u32)) -> PResult<Expr> {
        if self.eat_op("}")? {
            return Ok(Expr::new(ExprKind::Dict(Vec::new()), self.span_from(start)));
        }
        let first = self.dict_item()?;
        if first.0.is_some() && self.at_word("for")? {
            let generators = self.generators()?;
            self.expect_op("}")?;
            let (key, value) = first;
            return Ok(Expr::new(
                ExprKind::DictComp(
                    Box::new(key.unwrap_or_else(Expr::none)),
                    Box::new(value),
                    generators,
                ),
                self.span_from(start),
            ));
        }
        let mut items = vec![first];
        if self.eat_op(",")? {
            items.extend(self.separated("}", Self::dict_item)?);
        }
        self.expect_op("}")?;
        Ok(Expr::new(ExprKind::Dict(items), self.span_from(start)))
    }

    fn dict_item(&mut self) -> PResult<(Option<Expr>, Expr)> {
        if self.tok_in(Mode::Operand)? == Tok::Op("**") {
            self.bump()?;
            return Ok((None, self.expr()?));
        }
        let key = self.expr()?;
        self.expect_op(":")?;
        let value = self.expr()?;
        Ok((Some(key), value))
    }

    /// `comp_for+`: `for target in or_expr (if or_expr)*`, repeated.
    fn generators(&mut self) -> PResult<Vec<Comprehension>> {
        let mut generators = Vec::new();
        while self.at_word("for")? {
            let start = self.start()?;
            self.bump()?;
            let target = self.for_target()?;
            self.expect_word("in")?;
            let iter = self.or_expr()?;
            let mut ifs = Vec::new();
            while self.eat_word("if")? {
                ifs.push(self.or_expr()?);
            }
            generators.push(Comprehension {
                target,
                iter,
                ifs,
                span: self.span_from(start),
            });
        }
        Ok(generators)
    }
}

// ------------------------------------------------------------------ tree helpers

/// `x[k]`, `x.f`, `x[k].f`: a place in a variable.
pub fn is_place(expr: &Expr) -> bool {
    let mut expr = expr;
    if !matches!(expr.kind, ExprKind::Subscript(..) | ExprKind::Attribute(..)) {
        return false;
    }
    loop {
        match &expr.kind {
            ExprKind::Subscript(value, _) | ExprKind::Attribute(value, _) => expr = value,
            ExprKind::Name(_) => return true,
            _ => return false,
        }
    }
}

/// Why `expr` cannot be assigned to, or None.
fn check_target(expr: &Expr) -> Option<Diagnostic> {
    match &expr.kind {
        ExprKind::Name(_) => None,
        ExprKind::Tuple(elts) if !elts.is_empty() => {
            let starred: Vec<&Expr> = elts
                .iter()
                .filter(|e| matches!(e.kind, ExprKind::Starred(_)))
                .collect();
            if starred.len() > 1 {
                return Some(problem(
                    "only one `*name` is allowed in an assignment target",
                    starred[1].span,
                ));
            }
            elts.iter().find_map(|elt| match &elt.kind {
                ExprKind::Starred(value) => check_target(value),
                _ => check_target(elt),
            })
        }
        _ if is_place(expr) => None,
        _ => Some(
            problem("cannot assign to this expression", expr.span)
                .with_help("assign to a name, a tuple of names, `x[key]` or `x.field`"),
        ),
    }
}

fn is_whole_number_or_none(expr: &Expr) -> bool {
    matches!(
        expr.kind,
        ExprKind::Constant(Constant::None | Constant::Int(_))
    )
}

fn is_number(expr: &Expr) -> bool {
    matches!(
        expr.kind,
        ExprKind::Constant(Constant::Int(_) | Constant::Float(_))
    )
}

/// `on=E`, `on=[A, B]`, `on=(A,)`: the names, or None if an item is not a name.
fn exception_type_names(value: &Seconds) -> Option<Vec<String>> {
    let Seconds::Value(expr) = value else {
        return None;
    };
    let elts: Vec<&Expr> = match &expr.kind {
        ExprKind::List(elts) | ExprKind::Tuple(elts) => elts.iter().collect(),
        _ => vec![expr],
    };
    elts.into_iter()
        .map(|e| match &e.kind {
            ExprKind::Name(name) => Some(name.clone()),
            _ => None,
        })
        .collect()
}

/// What the body of a class declaration holds: a model's or a dataclass's
/// fields, an enum's members, and an exception none (RPL0011).
fn class_body_problem(class: &ClassDecl, span: Option<Span>) -> Option<Diagnostic> {
    let name = &class.name;
    if class.body.is_none() && class.kind == ClassKind::NamedTuple {
        return Some(
            Diagnostic::error(
                "RPL0011",
                format!("the NamedTuple `{name}` is declared without its fields"),
                span,
            )
            .with_help(format!(
                "list its fields in a block, one per line: `namedtuple {name} from {}:` then `name: type`",
                class.module
            )),
        );
    }
    let body = class.body.as_ref()?;
    if class.kind == ClassKind::Exception {
        return Some(
            Diagnostic::error(
                "RPL0011",
                format!("an exception declaration has no body: `{name}` is declared by its bases"),
                span,
            )
            .with_help(format!(
                "write it on one line: `exception {name}(...) from {}`",
                class.module
            )),
        );
    }
    let fields = class.kind != ClassKind::Enum;
    let misplaced = body
        .iter()
        .find(|item| matches!(item, ClassItem::Field(_)) != fields)?;
    let (what, help) = if fields {
        (
            "a member",
            "declare its fields, one per line: `name: type` or `name: type = constant`",
        )
    } else {
        (
            "a field",
            "declare its members, one per line: `NAME = constant`",
        )
    };
    Some(
        Diagnostic::error(
            "RPL0011",
            format!("{what} in the body of the {} `{name}`", class.kind.as_str()),
            misplaced.span(),
        )
        .with_help(help),
    )
}

/// Move a span of a sub-parse (an f-string field, on line 1) to where it sits.
fn shift_span(span: Span, line: u32, column: u32) -> Span {
    let shift = column - 1;
    Span::new(
        span.line + line - 1,
        span.column + if span.line == 1 { shift } else { 0 },
        span.end_line + line - 1,
        span.end_column + if span.end_line == 1 { shift } else { 0 },
    )
}

fn shift_expr(expr: &mut Expr, line: u32, column: u32) {
    let shift = |span: &mut Option<Span>| {
        if let Some(s) = span {
            *s = shift_span(*s, line, column);
        }
    };
    shift(&mut expr.span);
    match &mut expr.kind {
        ExprKind::FString(parts) => {
            for part in parts {
                if let FPart::Field { value, span, .. } = part {
                    shift(span);
                    shift_expr(value, line, column);
                }
            }
        }
        ExprKind::Call { func, args, kwargs } => {
            shift_expr(func, line, column);
            args.iter_mut().for_each(|a| shift_expr(a, line, column));
            for keyword in kwargs {
                shift(&mut keyword.span);
                shift_expr(&mut keyword.value, line, column);
            }
        }
        ExprKind::ListComp(elt, generators) => {
            shift_expr(elt, line, column);
            shift_generators(generators, line, column);
        }
        ExprKind::DictComp(key, value, generators) => {
            shift_expr(key, line, column);
            shift_expr(value, line, column);
            shift_generators(generators, line, column);
        }
        _ => {
            for child in children_mut(expr) {
                shift_expr(child, line, column);
            }
        }
    }
}

fn shift_generators(generators: &mut [Comprehension], line: u32, column: u32) {
    for generator in generators {
        if let Some(s) = &mut generator.span {
            *s = shift_span(*s, line, column);
        }
        shift_expr(&mut generator.target, line, column);
        shift_expr(&mut generator.iter, line, column);
        generator
            .ifs
            .iter_mut()
            .for_each(|e| shift_expr(e, line, column));
    }
}

/// The child expressions of the kinds without keywords or generators.
fn children_mut(expr: &mut Expr) -> Vec<&mut Expr> {
    match &mut expr.kind {
        ExprKind::List(elts) | ExprKind::Tuple(elts) | ExprKind::BoolOp(_, elts) => {
            elts.iter_mut().collect()
        }
        ExprKind::Starred(v)
        | ExprKind::Attribute(v, _)
        | ExprKind::UnaryOp(_, v)
        | ExprKind::Lambda(_, v) => {
            vec![v.as_mut()]
        }
        ExprKind::Dict(items) => items
            .iter_mut()
            .flat_map(|(k, v)| k.iter_mut().chain(std::iter::once(v)))
            .collect(),
        ExprKind::Subscript(a, b) | ExprKind::BinOp(a, _, b) => vec![a.as_mut(), b.as_mut()],
        ExprKind::Slice(a, b, c) => [a, b, c]
            .into_iter()
            .flatten()
            .map(|e| e.as_mut())
            .collect(),
        ExprKind::Compare(left, rest) => std::iter::once(left.as_mut())
            .chain(rest.iter_mut().map(|(_, e)| e))
            .collect(),
        ExprKind::Conditional { test, body, orelse } => {
            vec![test.as_mut(), body.as_mut(), orelse.as_mut()]
        }
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first_error(text: &str) -> Diagnostic {
        match parse(text, None) {
            Ok(_) => panic!("{text:?} parses"),
            Err(error) => error.diagnostics[0].clone(),
        }
    }

    #[test]
    fn reads_class_declarations() {
        let text = "rrl 1\n\nexception Busy(Exception, ValueError) from app.errors\n\nfrozen dataclass Line from app.models import Order.Line:\n    sku: str\n    pass\n    quantity: int = 1\n\nenum Color(str, Enum) from app.models:\n    pass\n\nworkflow W(model: int) -> int:\n    enum = model\n    return enum\n";
        let program = match parse(text, None) {
            Ok(program) => program,
            Err(error) => panic!("{error}"),
        };
        let classes: Vec<&ClassDecl> = program.classes().map(|(_, c)| c).collect();
        assert_eq!(classes.len(), 3);
        assert_eq!(classes[0].bases, ["Exception", "ValueError"]);
        assert!(classes[0].body.is_none());
        let line = classes[1];
        assert!(line.frozen && line.kind == ClassKind::Dataclass);
        assert_eq!(line.identity(), "app.models:Order.Line");
        let fields: Vec<&str> = line
            .fields()
            .into_iter()
            .flatten()
            .map(|f| f.name.as_str())
            .collect();
        assert_eq!(fields, ["sku", "quantity"]);
        assert_eq!(classes[2].body.as_ref().map(Vec::len), Some(0));
        assert_eq!(classes[2].qualname, "Color");
    }

    #[test]
    fn a_body_fits_its_kind() {
        let error = first_error("rrl 1\nexception E(Exception) from app:\n    pass\n");
        assert_eq!(
            (error.code, error.span.map(|s| s.line)),
            ("RPL0011", Some(2))
        );
        let error = first_error("rrl 1\nmodel M from app:\n    x: int\n    X = 1\n");
        assert_eq!(error.code, "RPL0011");
        assert_eq!(error.message, "a member in the body of the model `M`");
        let error = first_error("rrl 1\nfrozen enum E(Enum) from app\n");
        assert_eq!(error.message, "unexpected `enum`");
    }

    #[test]
    fn an_import_is_rrl_before_declared_classes() {
        let error = first_error("rrl 1\nfrom app.models import User\n");
        assert_eq!(error.message, "unexpected `from`");
        assert_eq!(error.help.as_deref(), Some(OLD_IMPORT_HELP));
    }

    #[test]
    fn a_class_kind_is_a_keyword_after_a_block() {
        let error = first_error(
            "rrl 1\nworkflow W(x: int) -> int:\n    if x:\n        pass\n    model = 1\n",
        );
        assert_eq!(error.message, "unexpected `model`");
    }

    #[test]
    fn common_mistakes_are_named() {
        let head = "rrl 1\naction f(a: int) -> int from app\nworkflow W(a: int) -> int:\n";
        let error = first_error(&format!(
            "{head}    while a > 1\n        a = a - 1\n    return a\n"
        ));
        assert_eq!(error.message, "expected `:` at the end of this line");
        assert_eq!(
            error.help.as_deref(),
            Some("end the `while` line with `:`; its block follows, indented")
        );
        let error = first_error(&format!(
            "{head}    try:\n        pass\n    except\n        pass\n    return a\n"
        ));
        assert_eq!(error.message, "unexpected end of line"); // a name could follow `except`
        let error = first_error(&format!("{head}    b = await f(a)\n    return b\n"));
        assert_eq!(
            error.message,
            "`a` is passed by position: an action call and its policies take keyword arguments only"
        );
        assert_eq!(error.span, Some(Span::new(4, 17, 4, 18)));
        let error = first_error(&format!("{head}    sleep 2.5.1m\n    return a\n"));
        assert_eq!(error.message, "`2.5.1m` is neither a number nor a duration");
        assert_eq!(error.span, Some(Span::new(4, 11, 4, 17)));
        let error = first_error(&format!("{head}    return \"a\n"));
        assert_eq!(
            (error.code, error.message.as_str()),
            ("RPL0002", STRING_NOT_CLOSED)
        );
        let error = first_error(&format!("{head}    b = max(a,\n    return b\n"));
        assert_eq!(error.message, "`(` opened at 4:12 is never closed");
        assert_eq!(error.span, Some(Span::new(4, 12, 4, 13)));
    }

    fn assigned_target(text: &str) -> Expr {
        let program = match parse(text, None) {
            Ok(program) => program,
            Err(error) => panic!("{error}"),
        };
        let body = program.workflows().next().map(|w| w.body.clone());
        match body.unwrap_or_default().into_iter().next().map(|s| s.kind) {
            Some(StmtKind::Assign { target, .. }) | Some(StmtKind::For { target, .. }) => target,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_trailing_comma_makes_a_tuple_of_one() {
        let head = "rrl 1\nworkflow W(xs: list) -> list:\n";
        for written in [
            "a, = xs",
            "(a,) = xs",
            "for a, in xs:\n        pass",
            "for (a,) in xs:\n        pass",
        ] {
            let target = assigned_target(&format!("{head}    {written}\n    return xs\n"));
            let ExprKind::Tuple(elts) = &target.kind else {
                panic!("{written}: {target:?}");
            };
            assert!(matches!(&elts[..], [e] if matches!(&e.kind, ExprKind::Name(n) if n == "a")));
        }
        for written in [
            "a = xs",
            "(a) = xs",
            "for a in xs:\n        pass",
            "for (a) in xs:\n        pass",
        ] {
            let target = assigned_target(&format!("{head}    {written}\n    return xs\n"));
            assert!(
                matches!(&target.kind, ExprKind::Name(n) if n == "a"),
                "{written}"
            );
        }
    }
}
