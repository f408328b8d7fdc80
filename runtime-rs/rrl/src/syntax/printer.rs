//! The canonical RRL printer (`language/rrl/printer.py`): one spelling per
//! tree, so `parse(print(p))` prints as `p`. Four-space indentation, tuples
//! in parentheses (except as assignment and loop targets), double-quoted
//! strings, parentheses only where precedence needs them; policies print
//! the arguments that are written, as written.
//!
//! Given the `Layout` of the text a program was parsed from (`rrl fmt`), it
//! also keeps what the tree does not hold: comments where they stand, blank
//! lines (at most one in a row), literals as written, and brackets broken
//! over lines where they hold a comment or end with a trailing comma
//! (docs/language.md, "Formatting").

use super::ast::*;
use super::layout::{Comment, END, Layout, Position};
use super::names::name_problem;
use super::number::float_repr;
use super::strings::quote_string;
use crate::diagnostic::Span;

const INDENT: &str = "    ";
/// Between code and the comment that ends its line.
const COMMENT_GAP: &str = "  ";

// Binding strength, loosest first; mirrors the expression rules of the grammar.
const LAMBDA: u8 = 0;
const COND: u8 = 1;
const OR: u8 = 2;
const AND: u8 = 3;
const NOT: u8 = 4;
const CMP: u8 = 5;
const BIT_OR: u8 = 6;
const BIT_XOR: u8 = 7;
const BIT_AND: u8 = 8;
const ARITH: u8 = 9;
const TERM: u8 = 10;
const UNARY: u8 = 11;
const POWER: u8 = 12;
const POSTFIX: u8 = 13;
const ATOM: u8 = 14;

fn binary_prec(op: &str) -> u8 {
    match op {
        "|" => BIT_OR,
        "^" => BIT_XOR,
        "&" => BIT_AND,
        "+" | "-" => ARITH,
        "**" => POWER,
        "+=" | "|=" => LAMBDA, // the value of `xs += ys`, which a statement prints (shown so in a message only)
        _ => TERM,
    }
}

/// A tree the parser would not read back: a name that is no name there.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("cannot print `{name}` as a name: {problem}, and the parser would not read it back")]
pub struct PrintError {
    pub name: String,
    pub problem: &'static str,
}

type PResult<T> = Result<T, PrintError>;

fn name(text: &str, of_python: bool) -> PResult<&str> {
    match name_problem(text, of_python) {
        Some(problem) => Err(PrintError {
            name: text.to_string(),
            problem,
        }),
        None => Ok(text),
    }
}

/// A module or a qualname: names of Python's world.
fn dotted(text: &str) -> PResult<&str> {
    for part in text.split('.') {
        name(part, true)?;
    }
    Ok(text)
}

fn start_of(span: Span) -> Position {
    (span.line, span.column)
}

fn end_of(span: Span) -> Position {
    (span.end_line, span.end_column)
}

fn indent(text: &str) -> String {
    text.split('\n')
        .map(|line| {
            if line.is_empty() {
                String::new()
            } else {
                format!("{INDENT}{line}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// What one item of a bracket prints.
#[derive(Clone, Copy)]
enum Render<'t> {
    Expr(&'t Expr),
    /// `name=value` of a call or an await call.
    Keyword(&'t Keyword),
    DictItem(Option<&'t Expr>, &'t Expr),
    /// A subscript's index: an expression or a slice.
    Index(&'t Expr),
    /// ` for target in iter` of a comprehension.
    For(&'t Comprehension),
    /// ` if cond` of a comprehension.
    If(&'t Expr),
    Type(&'t Type),
    Param(&'t Param, bool),
}

/// One element of a bracket: where it stands in the source, and how it prints.
struct Item<'t> {
    start: Option<Position>,
    end: Option<Position>,
    render: Render<'t>,
}

fn item<'t>(first: Option<Span>, last: Option<Span>, render: Render<'t>) -> Item<'t> {
    match (first, last) {
        (Some(first), Some(last)) => Item {
            start: Some(start_of(first)),
            end: Some(end_of(last)),
            render,
        },
        _ => Item {
            start: None,
            end: None,
            render,
        },
    }
}

/// How a bracket prints (`Printer::bracket`).
struct Bracket<'n> {
    open: &'static str,
    close: &'static str,
    /// The span the bracket is part of.
    node: Option<Span>,
    /// The bracket starts where this ends (a callee, a subscripted value)...
    after: Option<Option<Span>>,
    /// ...and ends where this starts (what follows the bracket).
    until: Option<Option<Span>>,
    separator: &'n str,
    trailing_comma: bool,
    magic: bool,
    lone_comma: bool,
}

impl<'n> Bracket<'n> {
    fn new(open: &'static str, close: &'static str, node: Option<Span>) -> Bracket<'n> {
        Bracket {
            open,
            close,
            node,
            after: None,
            until: None,
            separator: ",",
            trailing_comma: true,
            magic: true,
            lone_comma: false,
        }
    }
}

pub struct Printer<'l> {
    quote: char,
    escape_both: bool,
    layout: Option<&'l Layout>,
}

/// The canonical text of `program`.
pub fn print_program(program: &Program) -> PResult<String> {
    Printer::new(None).program(program)
}

/// `program` with the comments, blank lines and literals of the text it was
/// parsed from, whose `Layout` is given (`rrl fmt`).
pub fn print_program_with_layout(program: &Program, layout: &Layout) -> PResult<String> {
    Printer::new(Some(layout)).program(program)
}

pub fn print_expr(expr: &Expr) -> PResult<String> {
    Printer::new(None).expr(expr, LAMBDA)
}

pub fn print_target(expr: &Expr) -> PResult<String> {
    Printer::new(None).target(expr, false)
}

pub fn print_type(ty: &Type) -> PResult<String> {
    Printer::new(None).ty(ty)
}

fn parallel_head(return_exceptions: bool) -> &'static str {
    if return_exceptions {
        "parallel return_exceptions"
    } else {
        "parallel"
    }
}

/// What a block holds: statements, or a class's fields and members.
trait Spanned {
    fn span(&self) -> Option<Span>;
}

impl Spanned for Stmt {
    fn span(&self) -> Option<Span> {
        self.span
    }
}

impl Spanned for ClassItem {
    fn span(&self) -> Option<Span> {
        ClassItem::span(self)
    }
}

fn first_line(span: Option<Span>) -> Option<u32> {
    span.map(|s| s.line)
}

fn seconds_span(value: &Seconds) -> Option<Span> {
    match value {
        Seconds::Duration(_, span) => *span,
        Seconds::Value(expr) => expr.span,
    }
}

impl<'l> Printer<'l> {
    fn new(layout: Option<&'l Layout>) -> Printer<'l> {
        Printer {
            quote: '"',
            escape_both: false,
            layout,
        }
    }

    // ------------------------------------------------------------- expressions

    fn expr(&self, node: &Expr, min_prec: u8) -> PResult<String> {
        let (text, prec) = self.expr_prec(node)?;
        Ok(if prec < min_prec {
            format!("({text})")
        } else {
            text
        })
    }

    fn expr_prec(&self, node: &Expr) -> PResult<(String, u8)> {
        Ok(match &node.kind {
            ExprKind::Name(id) => (name(id, false)?.to_string(), ATOM),
            ExprKind::Constant(constant) => self.constant(node, constant)?,
            ExprKind::FString(parts) => {
                // Refuses a keyword in a field, which the written text holds too.
                let canonical = self.fstring(parts)?;
                (self.written(node).unwrap_or(canonical), ATOM)
            }
            ExprKind::List(elts) => {
                let items = elts
                    .iter()
                    .map(|e| item(e.span, e.span, Render::Expr(e)))
                    .collect();
                (
                    self.bracket(Bracket::new("[", "]", node.span), items)?,
                    ATOM,
                )
            }
            ExprKind::Tuple(elts) => (self.tuple(node, elts)?, ATOM),
            ExprKind::Starred(value) => (format!("*{}", self.expr(value, LAMBDA)?), LAMBDA),
            ExprKind::Dict(entries) => {
                let items = entries
                    .iter()
                    .map(|(k, v)| {
                        item(
                            k.as_ref().map_or(v.span, |k| k.span),
                            v.span,
                            Render::DictItem(k.as_ref(), v),
                        )
                    })
                    .collect();
                (
                    self.bracket(Bracket::new("{", "}", node.span), items)?,
                    ATOM,
                )
            }
            ExprKind::Attribute(value, attr) => (
                format!("{}.{}", self.postfix_base(value)?, name(attr, true)?),
                POSTFIX,
            ),
            ExprKind::Subscript(value, index) => {
                let base = self.postfix_base(value)?;
                let mut bracket = Bracket::new("[", "]", node.span);
                bracket.after = Some(value.span);
                bracket.trailing_comma = false;
                bracket.magic = false;
                let items = vec![item(index.span, index.span, Render::Index(index))];
                (base + &self.bracket(bracket, items)?, POSTFIX)
            }
            ExprKind::Slice(..) => (self.slice(node)?, ATOM),
            ExprKind::Call { func, args, kwargs } => {
                let base = self.postfix_base(func)?;
                let mut items: Vec<Item> = args
                    .iter()
                    .map(|a| item(a.span, a.span, Render::Expr(a)))
                    .collect();
                items.extend(
                    kwargs
                        .iter()
                        .map(|k| item(k.span, k.span, Render::Keyword(k))),
                );
                let mut bracket = Bracket::new("(", ")", node.span);
                bracket.after = Some(func.span);
                (base + &self.bracket(bracket, items)?, POSTFIX)
            }
            ExprKind::BinOp(left, op, right) => {
                if op == "**" {
                    (
                        format!(
                            "{} ** {}",
                            self.expr(left, POSTFIX)?,
                            self.expr(right, UNARY)?
                        ),
                        POWER,
                    )
                } else {
                    let prec = binary_prec(op);
                    (
                        format!(
                            "{} {op} {}",
                            self.expr(left, prec)?,
                            self.expr(right, prec + 1)?
                        ),
                        prec,
                    )
                }
            }
            ExprKind::UnaryOp(op, operand) if op == "not" => {
                (format!("not {}", self.expr(operand, NOT)?), NOT)
            }
            ExprKind::UnaryOp(op, operand) => {
                (format!("{op}{}", self.expr(operand, UNARY)?), UNARY)
            }
            ExprKind::BoolOp(op, values) => {
                let prec = if op == "or" { OR } else { AND };
                let texts = values
                    .iter()
                    .map(|v| self.expr(v, prec + 1))
                    .collect::<PResult<Vec<_>>>()?;
                (texts.join(&format!(" {op} ")), prec)
            }
            ExprKind::Compare(left, rest) => {
                let mut parts = vec![self.expr(left, BIT_OR)?];
                for (op, right) in rest {
                    parts.push(format!("{op} {}", self.expr(right, BIT_OR)?));
                }
                (parts.join(" "), CMP)
            }
            ExprKind::Conditional { test, body, orelse } => (
                format!(
                    "{} if {} else {}",
                    self.expr(body, OR)?,
                    self.expr(test, OR)?,
                    self.expr(orelse, LAMBDA)?
                ),
                COND,
            ),
            ExprKind::Lambda(params, body) => {
                let head = if params.is_empty() {
                    "lambda".to_string()
                } else {
                    let names = params
                        .iter()
                        .map(|p| name(p, false))
                        .collect::<PResult<Vec<_>>>()?;
                    format!("lambda {}", names.join(", "))
                };
                (format!("{head}: {}", self.expr(body, LAMBDA)?), LAMBDA)
            }
            ExprKind::ListComp(elt, generators) => {
                let mut items = vec![item(elt.span, elt.span, Render::Expr(elt))];
                items.extend(self.generators(generators));
                let mut bracket = Bracket::new("[", "]", node.span);
                bracket.separator = "";
                (self.bracket(bracket, items)?, ATOM)
            }
            ExprKind::DictComp(key, value, generators) => {
                let mut items = vec![item(
                    key.span,
                    value.span,
                    Render::DictItem(Some(key), value),
                )];
                items.extend(self.generators(generators));
                let mut bracket = Bracket::new("{", "}", node.span);
                bracket.separator = "";
                (self.bracket(bracket, items)?, ATOM)
            }
        })
    }

    fn constant(&self, node: &Expr, constant: &Constant) -> PResult<(String, u8)> {
        Ok(match constant {
            Constant::None => ("None".into(), ATOM),
            Constant::Bool(true) => ("True".into(), ATOM),
            Constant::Bool(false) => ("False".into(), ATOM),
            Constant::Str(value) => (
                self.written(node)
                    .unwrap_or_else(|| quote_string(value, self.quote, self.escape_both)),
                ATOM,
            ),
            Constant::Int(_) | Constant::Float(_) => {
                let text = self.written(node).unwrap_or_else(|| match constant {
                    Constant::Int(digits) => digits.clone(),
                    Constant::Float(value) => float_repr(*value),
                    _ => String::new(),
                });
                // A negative literal reads back as unary minus, so it binds like one.
                let prec = if text.starts_with('-') { UNARY } else { ATOM };
                (text, prec)
            }
        })
    }

    /// A literal as its source writes it (`1e3`, `'text'`), when formatting a file.
    fn written(&self, node: &Expr) -> Option<String> {
        self.layout.and_then(|layout| layout.token(node))
    }

    fn postfix_base(&self, node: &Expr) -> PResult<String> {
        if matches!(
            node.kind,
            ExprKind::Constant(Constant::Int(_) | Constant::Float(_))
        ) {
            return Ok(format!("({})", self.expr(node, LAMBDA)?)); // `(1).real`, not `1.real`
        }
        self.expr(node, POSTFIX)
    }

    fn tuple(&self, node: &Expr, elts: &[Expr]) -> PResult<String> {
        let items: Vec<Item> = elts
            .iter()
            .map(|e| item(e.span, e.span, Render::Expr(e)))
            .collect();
        let mut bracket = Bracket::new("(", ")", node.span);
        // `(x,)`: the comma that makes a one-item tuple does not break it over lines.
        bracket.magic = items.len() != 1;
        bracket.lone_comma = true;
        self.bracket(bracket, items)
    }

    fn dict_item(&self, key: Option<&Expr>, value: &Expr) -> PResult<String> {
        Ok(match key {
            None => format!("**{}", self.expr(value, LAMBDA)?),
            Some(key) => format!("{}: {}", self.expr(key, LAMBDA)?, self.expr(value, LAMBDA)?),
        })
    }

    fn slice(&self, node: &Expr) -> PResult<String> {
        let ExprKind::Slice(lower, upper, step) = &node.kind else {
            return self.expr(node, LAMBDA);
        };
        let part = |e: &Option<Box<Expr>>| -> PResult<String> {
            e.as_ref()
                .map_or(Ok(String::new()), |e| self.expr(e, LAMBDA))
        };
        let mut text = format!("{}:{}", part(lower)?, part(upper)?);
        if let Some(step) = step {
            text.push(':');
            text.push_str(&self.expr(step, LAMBDA)?);
        }
        Ok(text)
    }

    /// The `for ... in ...` and `if ...` clauses of a comprehension, one item each.
    fn generators<'t>(&self, generators: &'t [Comprehension]) -> Vec<Item<'t>> {
        let mut items = Vec::new();
        for generator in generators {
            items.push(item(
                generator.span,
                generator.iter.span,
                Render::For(generator),
            ));
            items.extend(
                generator
                    .ifs
                    .iter()
                    .map(|c| item(c.span, c.span, Render::If(c))),
            );
        }
        items
    }

    fn fstring(&self, parts: &[FPart]) -> PResult<String> {
        let inner = Printer {
            quote: '\'',
            escape_both: true,
            layout: None,
        };
        let mut body = String::new();
        for part in parts {
            match part {
                FPart::Text(text) => {
                    let quoted = quote_string(text, self.quote, self.escape_both);
                    let escaped = &quoted[1..quoted.len() - 1];
                    body.push_str(&escaped.replace('{', "{{").replace('}', "}}"));
                }
                FPart::Field {
                    value,
                    conversion,
                    spec,
                    ..
                } => {
                    // `{(lambda: x)}`: a lambda's `:` would start the spec.
                    let mut field = inner.expr(value, COND)?;
                    if field.starts_with('{') {
                        field.insert(0, ' '); // `{ {...}}`, not the `{{` escape
                    }
                    if let Some(conversion) = conversion {
                        field.push('!');
                        field.push(*conversion);
                    }
                    if let Some(spec) = spec {
                        field.push(':');
                        field.push_str(spec);
                    }
                    body.push('{');
                    body.push_str(&field);
                    body.push('}');
                }
            }
        }
        Ok(format!("f{q}{body}{q}", q = self.quote))
    }

    /// Assignment and loop targets: a top-level tuple without parentheses.
    fn target(&self, node: &Expr, nested: bool) -> PResult<String> {
        if let ExprKind::Tuple(elts) = &node.kind {
            let mut text = elts
                .iter()
                .map(|e| self.target(e, true))
                .collect::<PResult<Vec<_>>>()?
                .join(", ");
            if elts.len() == 1 {
                text.push(',');
            }
            return Ok(if nested { format!("({text})") } else { text });
        }
        self.expr(node, LAMBDA)
    }

    fn render(&self, render: Render) -> PResult<String> {
        match render {
            Render::Expr(e) => self.expr(e, LAMBDA),
            Render::Keyword(k) => Ok(format!(
                "{}={}",
                name(&k.name, true)?,
                self.expr(&k.value, LAMBDA)?
            )),
            Render::DictItem(k, v) => self.dict_item(k, v),
            Render::Index(index) => match index.kind {
                ExprKind::Slice(..) => self.slice(index),
                _ => self.expr(index, LAMBDA),
            },
            Render::For(g) => Ok(format!(
                " for {} in {}",
                self.target(&g.target, false)?,
                self.expr(&g.iter, OR)?
            )),
            Render::If(c) => Ok(format!(" if {}", self.expr(c, OR)?)),
            Render::Type(t) => self.ty(t),
            Render::Param(p, of_python) => self.param(p, of_python),
        }
    }

    // ------------------------------------------------------------- brackets

    /// `open item, item close` on one line; with a layout, one item per line
    /// when a comment stands inside the bracket or (`magic`) a comma follows
    /// its last item.
    fn bracket(&self, bracket: Bracket, items: Vec<Item>) -> PResult<String> {
        if let (Some(layout), Some((start, end))) = (self.layout, self.region(&bracket)) {
            if items.iter().all(|i| i.start.is_some()) {
                let last_end = items.last().and_then(|i| i.end);
                let magic_comma = bracket.magic
                    && bracket.separator == ","
                    && last_end.is_some_and(|last| layout.comma_between(last, end));
                if magic_comma || layout.any_between(start, end) {
                    return self.exploded(layout, &bracket, &items, start, end);
                }
            }
        }
        let texts = items
            .iter()
            .map(|i| self.render(i.render))
            .collect::<PResult<Vec<_>>>()?;
        if bracket.separator.is_empty() {
            return Ok(format!(
                "{}{}{}",
                bracket.open,
                texts.concat(),
                bracket.close
            ));
        }
        let lone = if bracket.lone_comma && texts.len() == 1 {
            ","
        } else {
            ""
        };
        Ok(format!(
            "{}{}{lone}{}",
            bracket.open,
            texts.join(&format!("{} ", bracket.separator)),
            bracket.close
        ))
    }

    fn region(&self, bracket: &Bracket) -> Option<(Position, Position)> {
        self.layout?;
        let node = bracket.node?;
        let start = match bracket.after {
            Some(after) => end_of(after?),
            None => start_of(node),
        };
        let end = match bracket.until {
            Some(until) => start_of(until?),
            None => end_of(node),
        };
        Some((start, end))
    }

    /// One item per line, each followed by its separator and the comment that
    /// ends its source line; own-line comments before the item they precede.
    fn exploded(
        &self,
        layout: &Layout,
        bracket: &Bracket,
        items: &[Item],
        start: Position,
        end: Position,
    ) -> PResult<String> {
        let ranges: Vec<(Position, Position)> = items
            .iter()
            .filter_map(|i| Some((i.start?, i.end?)))
            .collect();
        let own = layout.take_between(start, end, &ranges);
        let mut head: Vec<Comment> = Vec::new();
        let mut before: Vec<Vec<Comment>> = vec![Vec::new(); items.len() + 1];
        let mut after: Vec<Option<Comment>> = vec![None; items.len()];
        for comment in own {
            let following = items
                .iter()
                .position(|i| i.start.is_some_and(|s| comment.position() < s))
                .unwrap_or(items.len());
            if following == 0 && comment.line == start.0 {
                head.push(comment);
            } else if following > 0
                && items[following - 1]
                    .end
                    .is_some_and(|e| comment.line == e.0)
            {
                after[following - 1] = Some(comment);
            } else {
                before[following].push(comment);
            }
        }
        let mut lines: Vec<String> = Vec::new();
        for (n, it) in items.iter().enumerate() {
            let mut text = self.render(it.render)?.trim_start().to_string();
            let misplaced = match (it.start, it.end) {
                (Some(s), Some(e)) => layout.take_between(s, e, &[]),
                _ => Vec::new(),
            };
            lines.extend(
                before[n]
                    .iter()
                    .chain(misplaced.iter())
                    .map(|c| c.text.clone()),
            );
            if n < items.len() - 1 || bracket.trailing_comma {
                text.push_str(bracket.separator);
            }
            if let Some(comment) = &after[n] {
                text.push_str(COMMENT_GAP);
                text.push_str(&comment.text);
            }
            lines.push(text);
        }
        lines.extend(before[items.len()].iter().map(|c| c.text.clone()));
        let first = format!(
            "{}{}",
            bracket.open,
            head.iter()
                .map(|c| format!("{COMMENT_GAP}{}", c.text))
                .collect::<String>()
        );
        let mut out = vec![first];
        out.extend(lines.iter().map(|line| indent(line)));
        out.push(bracket.close.to_string());
        Ok(out.join("\n"))
    }

    // ------------------------------------------------------------- types

    fn ty(&self, node: &Type) -> PResult<String> {
        Ok(match &node.kind {
            TypeKind::None => "None".into(),
            TypeKind::Union(options) => options
                .iter()
                .map(|o| self.ty(o))
                .collect::<PResult<Vec<_>>>()?
                .join(" | "),
            TypeKind::Named {
                name: type_name,
                args,
            } => {
                if args.is_empty() {
                    return Ok(name(type_name, true)?.to_string());
                }
                let items = args
                    .iter()
                    .map(|a| item(a.span, a.span, Render::Type(a)))
                    .collect();
                let mut bracket = Bracket::new("[", "]", node.span);
                bracket.trailing_comma = false;
                bracket.magic = false;
                format!(
                    "{}{}",
                    name(type_name, true)?,
                    self.bracket(bracket, items)?
                )
            }
        })
    }

    // ------------------------------------------------------------- statements

    fn call(&self, call: &AwaitCall) -> PResult<String> {
        // The arguments' bracket ends where the first policy starts.
        let mut policy_spans: Vec<Option<Span>> = Vec::new();
        if let Some(retry) = &call.retry {
            policy_spans.push(retry.span);
        }
        if let Some(backoff) = &call.backoff {
            policy_spans.push(backoff.span);
        }
        if let Some(timeout) = &call.timeout {
            policy_spans.push(seconds_span(timeout));
        }
        let first_policy = policy_spans
            .iter()
            .copied()
            .min_by_key(|s| s.map_or((0, 0), start_of));
        let items = call
            .kwargs
            .iter()
            .map(|k| item(k.span, k.span, Render::Keyword(k)))
            .collect();
        let mut bracket = Bracket::new("(", ")", call.span);
        bracket.until = first_policy;
        let mut text = format!(
            "await {}{}",
            name(&call.name, true)?,
            self.bracket(bracket, items)?
        );
        if let Some(retry) = &call.retry {
            let mut args = Vec::new();
            if let Some(attempts) = &retry.attempts {
                args.push(format!("attempts={}", self.expr(attempts, LAMBDA)?));
            }
            if let Some(on) = &retry.on {
                let names = on
                    .iter()
                    .map(|t| name(t, true))
                    .collect::<PResult<Vec<_>>>()?;
                args.push(format!("on=[{}]", names.join(", ")));
            }
            text.push_str(&format!(" retry({})", args.join(", ")));
        }
        if let Some(backoff) = &call.backoff {
            let mut args = Vec::new();
            for (key, value) in [("base", &backoff.base), ("max", &backoff.max)] {
                if key == "max" {
                    if let Some(multiplier) = &backoff.multiplier {
                        args.push(format!("multiplier={}", self.expr(multiplier, LAMBDA)?));
                    }
                }
                if let Some(value) = value {
                    args.push(format!("{key}={}", self.policy_value(value)?));
                }
            }
            text.push_str(&format!(" backoff({})", args.join(", ")));
        }
        if let Some(timeout) = &call.timeout {
            text.push_str(&format!(" timeout({})", self.policy_value(timeout)?));
        }
        Ok(text)
    }

    fn policy_value(&self, value: &Seconds) -> PResult<String> {
        match value {
            Seconds::Duration(text, _) => Ok(text.clone()),
            Seconds::Value(expr) => self.expr(expr, LAMBDA),
        }
    }

    /// The statements of a block; `owner` is the span of the statement or
    /// declaration whose header (ending on `header_end`) opens it.
    fn block(
        &self,
        body: &[Stmt],
        depth: usize,
        owner: Option<Span>,
        header_end: Option<u32>,
    ) -> PResult<Vec<String>> {
        self.block_of(body, depth, owner, header_end, |stmt, depth| {
            self.stmt(stmt, depth)
        })
    }

    /// A block of statements, or of the fields or members of a class: `line`
    /// prints each item.
    fn block_of<T: Spanned>(
        &self,
        body: &[T],
        depth: usize,
        owner: Option<Span>,
        header_end: Option<u32>,
        line: impl Fn(&T, usize) -> PResult<Vec<String>>,
    ) -> PResult<Vec<String>> {
        let pad = INDENT.repeat(depth);
        let mut lines = Vec::new();
        if body.is_empty() {
            let written = match (self.layout, header_end) {
                (Some(layout), Some(end)) => layout.pass_after(end),
                _ => None,
            };
            lines.extend(self.leading(written, depth, Some(false), true));
            lines.push(format!("{pad}pass{}", self.trailing(written)));
        } else {
            for (n, item) in body.iter().enumerate() {
                let first_blank = if n == 0 { Some(false) } else { None };
                lines.extend(self.leading(first_line(item.span()), depth, first_blank, true));
                lines.extend(line(item, depth)?);
            }
        }
        lines.extend(self.block_end(depth, owner, self.last_line(body, header_end)));
        Ok(lines)
    }

    /// The source line where a block ends (a lone `pass` for an empty block).
    fn last_line<T: Spanned>(&self, body: &[T], header_end: Option<u32>) -> Option<u32> {
        if let Some(last) = body.last() {
            return self.end_line(last.span());
        }
        match (self.layout, header_end) {
            (Some(layout), Some(end)) => layout.pass_after(end),
            _ => None,
        }
    }

    fn stmt(&self, node: &Stmt, depth: usize) -> PResult<Vec<String>> {
        let span = node.span;
        match &node.kind {
            StmtKind::ExprStmt(value) => self.simple(span, depth, || self.expr(value, LAMBDA)),
            StmtKind::Delete(targets) => self.simple(span, depth, || {
                let texts = targets
                    .iter()
                    .map(|t| self.target(t, false))
                    .collect::<PResult<Vec<_>>>()?;
                Ok(format!("del {}", texts.join(", ")))
            }),
            StmtKind::Assign {
                target,
                value,
                annotation,
            } => self.simple(span, depth, || match annotation {
                Some(annotation) => Ok(format!(
                    "{}: {} = {}",
                    self.target(target, false)?,
                    self.ty(annotation)?,
                    self.expr(value, LAMBDA)?
                )),
                None => match &value.kind {
                    ExprKind::BinOp(_, op, right) if in_place_key(op).is_some() => Ok(format!(
                        "{} {op} {}",
                        self.target(target, false)?,
                        self.expr(right, LAMBDA)?
                    )),
                    _ => Ok(format!(
                        "{} = {}",
                        self.target(target, false)?,
                        self.expr(value, LAMBDA)?
                    )),
                },
            }),
            StmtKind::CallStmt { target, call } => self.simple(span, depth, || {
                Ok(self.assigned_to(target)? + &self.call(call)?)
            }),
            StmtKind::Parallel {
                target,
                calls,
                return_exceptions,
            } => {
                let (mut lines, header_end) = self.header(span, depth, || {
                    Ok(format!(
                        "{}{}:",
                        self.assigned_to(target)?,
                        parallel_head(*return_exceptions)
                    ))
                })?;
                lines.extend(self.calls(span, calls, depth + 1, header_end)?);
                Ok(lines)
            }
            StmtKind::ParallelFor {
                target,
                loop_target,
                iter,
                call,
                return_exceptions,
                limit,
            } => {
                let (mut lines, header_end) = self.header(span, depth, || {
                    let limit = limit
                        .as_ref()
                        .map_or(String::new(), |l| format!(" limit {l}"));
                    Ok(format!(
                        "{}{} for {} in {}{limit}:",
                        self.assigned_to(target)?,
                        parallel_head(*return_exceptions),
                        self.target(loop_target, false)?,
                        self.expr(iter, LAMBDA)?
                    ))
                })?;
                lines.extend(self.calls(
                    span,
                    std::slice::from_ref(call),
                    depth + 1,
                    header_end,
                )?);
                Ok(lines)
            }
            StmtKind::If { .. } => self.if_chain(node, depth, "if"),
            StmtKind::For {
                target,
                iter,
                body,
                orelse,
            } => self.looped(span, depth, body, orelse, || {
                Ok(format!(
                    "for {} in {}:",
                    self.target(target, false)?,
                    self.expr(iter, LAMBDA)?
                ))
            }),
            StmtKind::While {
                test,
                body,
                orelse,
                max_iterations,
            } => self.looped(span, depth, body, orelse, || {
                let bound = max_iterations
                    .as_ref()
                    .map_or(String::new(), |m| format!(" max {m}"));
                Ok(format!("while {}{bound}:", self.expr(test, LAMBDA)?))
            }),
            StmtKind::Try {
                body,
                handlers,
                orelse,
                finalbody,
            } => {
                let (mut lines, header_end) =
                    self.header(span, depth, || Ok("try:".to_string()))?;
                lines.extend(self.block(body, depth + 1, span, header_end)?);
                let mut last = self.last_line(body, header_end);
                for handler in handlers {
                    lines.extend(self.leading(first_line(handler.span), depth, Some(false), false));
                    let (head, handler_end) =
                        self.header(handler.span, depth, || self.except_head(handler))?;
                    lines.extend(head);
                    lines.extend(self.block(
                        &handler.body,
                        depth + 1,
                        handler.span,
                        handler_end,
                    )?);
                    last = self.last_line(&handler.body, handler_end);
                }
                lines.extend(self.clause("else", orelse, depth, span, last)?);
                if !orelse.is_empty() {
                    last = self.last_line(orelse, self.clause_line(last));
                }
                lines.extend(self.clause("finally", finalbody, depth, span, last)?);
                Ok(lines)
            }
            StmtKind::Return(value) => self.simple(span, depth, || match value {
                Some(v) => Ok(format!("return {}", self.expr(v, LAMBDA)?)),
                None => Ok("return".to_string()),
            }),
            StmtKind::Raise { exc, cause } => self.simple(span, depth, || {
                let mut text = "raise".to_string();
                if let Some(exc) = exc {
                    text.push_str(&format!(" {}", self.expr(exc, LAMBDA)?));
                }
                if let Some(cause) = cause {
                    text.push_str(&format!(" from {}", self.expr(cause, LAMBDA)?));
                }
                Ok(text)
            }),
            StmtKind::Sleep(seconds) => self.simple(span, depth, || {
                Ok(format!("sleep {}", self.expr(seconds, LAMBDA)?))
            }),
            StmtKind::Break => self.simple(span, depth, || Ok("break".to_string())),
            StmtKind::Continue => self.simple(span, depth, || Ok("continue".to_string())),
        }
    }

    /// A `for` or `while` loop: its header, its block and its `else:` block.
    fn looped(
        &self,
        span: Option<Span>,
        depth: usize,
        body: &[Stmt],
        orelse: &[Stmt],
        head: impl FnOnce() -> PResult<String>,
    ) -> PResult<Vec<String>> {
        let (mut lines, header_end) = self.header(span, depth, head)?;
        lines.extend(self.block(body, depth + 1, span, header_end)?);
        let last = self.last_line(body, header_end);
        lines.extend(self.clause("else", orelse, depth, span, last)?);
        Ok(lines)
    }

    /// `target = ` before a value, or nothing.
    fn assigned_to(&self, target: &Option<Expr>) -> PResult<String> {
        match target {
            Some(t) => Ok(format!("{} = ", self.target(t, false)?)),
            None => Ok(String::new()),
        }
    }

    fn except_head(&self, handler: &ExceptHandler) -> PResult<String> {
        let mut head = "except".to_string();
        if !handler.types.is_empty() {
            let names = handler
                .types
                .iter()
                .map(|t| dotted(t))
                .collect::<PResult<Vec<_>>>()?;
            if names.len() == 1 {
                head.push_str(&format!(" {}", names[0]));
            } else {
                head.push_str(&format!(" ({})", names.join(", ")));
            }
            if let Some(bound) = &handler.name {
                head.push_str(&format!(" as {}", name(bound, false)?));
            }
        }
        head.push(':');
        Ok(head)
    }

    fn if_chain(&self, node: &Stmt, depth: usize, keyword: &str) -> PResult<Vec<String>> {
        let StmtKind::If { test, body, orelse } = &node.kind else {
            return Ok(Vec::new());
        };
        let (mut lines, header_end) = self.header(node.span, depth, || {
            Ok(format!("{keyword} {}:", self.expr(test, LAMBDA)?))
        })?;
        lines.extend(self.block(body, depth + 1, node.span, header_end)?);
        if let [elif] = orelse.as_slice() {
            if matches!(elif.kind, StmtKind::If { .. }) {
                lines.extend(self.leading(first_line(elif.span), depth, Some(false), false));
                lines.extend(self.if_chain(elif, depth, "elif")?);
                return Ok(lines);
            }
        }
        lines.extend(self.clause(
            "else",
            orelse,
            depth,
            node.span,
            self.last_line(body, header_end),
        )?);
        Ok(lines)
    }

    /// `else:` or `finally:` and its block, after a block that ends on `previous_end`.
    fn clause(
        &self,
        keyword: &str,
        body: &[Stmt],
        depth: usize,
        owner: Option<Span>,
        previous_end: Option<u32>,
    ) -> PResult<Vec<String>> {
        if body.is_empty() {
            return Ok(Vec::new());
        }
        let line = self.clause_line(previous_end);
        let mut lines = self.leading(line, depth, Some(false), false);
        lines.push(format!(
            "{}{keyword}:{}",
            INDENT.repeat(depth),
            self.trailing(line)
        ));
        lines.extend(self.block(body, depth + 1, owner, line)?);
        Ok(lines)
    }

    /// The line of the `else:` or `finally:` after a block ending on `previous_end`.
    fn clause_line(&self, previous_end: Option<u32>) -> Option<u32> {
        self.layout?.header_end(previous_end? + 1)
    }

    /// The await calls of a `parallel` block, one per line.
    fn calls(
        &self,
        owner: Option<Span>,
        calls: &[AwaitCall],
        depth: usize,
        _header_end: Option<u32>,
    ) -> PResult<Vec<String>> {
        let mut lines = Vec::new();
        for (n, call) in calls.iter().enumerate() {
            let first_blank = if n == 0 { Some(false) } else { None };
            lines.extend(self.leading(first_line(call.span), depth, first_blank, true));
            lines.extend(self.simple(call.span, depth, || self.call(call))?);
        }
        let last = calls.last().and_then(|c| self.end_line(c.span));
        lines.extend(self.block_end(depth, owner, last));
        Ok(lines)
    }

    // ------------------------------------------------------------- comments and blank lines

    /// A statement, declaration or call on lines of its own.
    fn simple(
        &self,
        span: Option<Span>,
        depth: usize,
        render: impl FnOnce() -> PResult<String>,
    ) -> PResult<Vec<String>> {
        let last = self.end_line(span);
        self.lines_of(span, depth, render, last)
    }

    /// A block header (`if x:`, `except E:`, `fn f() -> T:`) and the line where it ends.
    fn header(
        &self,
        span: Option<Span>,
        depth: usize,
        render: impl FnOnce() -> PResult<String>,
    ) -> PResult<(Vec<String>, Option<u32>)> {
        let end = match (self.layout, span) {
            (Some(layout), Some(span)) => layout.header_end(span.line),
            _ => None,
        };
        Ok((self.lines_of(span, depth, render, end)?, end))
    }

    /// The node printed from its first source line to `last`: the comments in
    /// between that no bracket holds go on their own lines before it, and the
    /// comment after its code on `last` ends its last line.
    fn lines_of(
        &self,
        span: Option<Span>,
        depth: usize,
        render: impl FnOnce() -> PResult<String>,
        last: Option<u32>,
    ) -> PResult<Vec<String>> {
        let text = render()?;
        let (Some(layout), Some(span), Some(last)) = (self.layout, span, last) else {
            return Ok(self.padded(&text, depth));
        };
        let misplaced = layout.take_between(start_of(span), (last, 0), &[]);
        let mut lines = self.comment_lines(&misplaced, depth);
        lines.extend(self.padded(&(text + &self.trailing(Some(last))), depth));
        Ok(lines)
    }

    /// The last source line that holds code of the node at `span`.
    fn end_line(&self, span: Option<Span>) -> Option<u32> {
        let span = span?;
        Some(match self.layout {
            Some(layout) => layout.last_code_line(span),
            None => span.end_line,
        })
    }

    fn padded(&self, text: &str, depth: usize) -> Vec<String> {
        let pad = INDENT.repeat(depth);
        text.split('\n')
            .map(|line| {
                if line.is_empty() {
                    String::new()
                } else {
                    format!("{pad}{line}")
                }
            })
            .collect()
    }

    fn comment_lines(&self, comments: &[Comment], depth: usize) -> Vec<String> {
        comments
            .iter()
            .map(|c| format!("{}{}", INDENT.repeat(depth), c.text))
            .collect()
    }

    fn trailing(&self, line: Option<u32>) -> String {
        match (self.layout, line) {
            (Some(layout), Some(line)) => layout
                .take_trailing(line)
                .map_or(String::new(), |c| format!("{COMMENT_GAP}{}", c.text)),
            _ => String::new(),
        }
    }

    /// What goes before the code on `line`: the comments not printed yet that
    /// come before it, each on a line of its own, and a blank line before each
    /// of these lines and the code where the source has one. `first_blank`
    /// decides for the first of them instead (true: a blank line opens them;
    /// false: none); `blanks` false leaves out every blank line.
    fn leading(
        &self,
        line: Option<u32>,
        depth: usize,
        first_blank: Option<bool>,
        blanks: bool,
    ) -> Vec<String> {
        let (Some(layout), Some(line)) = (self.layout, line) else {
            return if first_blank == Some(true) {
                vec![String::new()]
            } else {
                Vec::new()
            };
        };
        let comments = layout.take_before(line);
        let mut lines = Vec::new();
        let places: Vec<u32> = comments
            .iter()
            .map(|c| c.line)
            .chain(std::iter::once(line))
            .collect();
        for (n, at) in places.into_iter().enumerate() {
            if n == 0 && first_blank.is_some() {
                if first_blank == Some(true) {
                    lines.push(String::new());
                }
            } else if blanks && layout.blank_before(at) {
                lines.push(String::new());
            }
            if n < comments.len() {
                lines.push(format!("{}{}", INDENT.repeat(depth), comments[n].text));
            }
        }
        lines
    }

    /// The comments after a block's last statement that are indented into it.
    fn block_end(&self, depth: usize, owner: Option<Span>, last_line: Option<u32>) -> Vec<String> {
        let (Some(layout), Some(owner), Some(last_line)) = (self.layout, owner, last_line) else {
            return Vec::new();
        };
        let mut lines = Vec::new();
        for comment in layout.take_block_end(owner.column, last_line) {
            if layout.blank_before(comment.line) {
                lines.push(String::new());
            }
            lines.push(format!("{}{}", INDENT.repeat(depth), comment.text));
        }
        lines
    }

    // ------------------------------------------------------------- declarations

    /// An action's parameters are names of Python's world; a fn's and a
    /// workflow's are the program's.
    fn params(
        &self,
        span: Option<Span>,
        params: &[Param],
        returns: &Type,
        of_python: bool,
    ) -> PResult<String> {
        let items = params
            .iter()
            .map(|p| item(p.span, p.span, Render::Param(p, of_python)))
            .collect();
        let mut bracket = Bracket::new("(", ")", span);
        bracket.until = Some(returns.span);
        self.bracket(bracket, items)
    }

    fn param(&self, p: &Param, of_python: bool) -> PResult<String> {
        let mut text = format!("{}: {}", name(&p.name, of_python)?, self.ty(&p.ty)?);
        if let Some(default) = &p.default {
            text.push_str(&format!(" = {}", self.expr(default, LAMBDA)?));
        }
        Ok(text)
    }

    /// `[frozen] kind Name(bases) from module [import qualname]`.
    fn class_head(&self, class: &ClassDecl) -> PResult<String> {
        let mut head = format!(
            "{}{} {}",
            if class.frozen { "frozen " } else { "" },
            class.kind.as_str(),
            name(&class.name, false)?
        );
        if !class.bases.is_empty() {
            let bases = class
                .bases
                .iter()
                .map(|b| name(b, false))
                .collect::<PResult<Vec<_>>>()?;
            head.push_str(&format!("({})", bases.join(", ")));
        }
        head.push_str(&format!(" from {}", dotted(&class.module)?));
        if class.qualname != class.name {
            head.push_str(&format!(" import {}", dotted(&class.qualname)?));
        }
        Ok(head)
    }

    /// A field (`name: type = default`) or a member (`NAME = value`) of a class.
    fn class_item(&self, item: &ClassItem, depth: usize) -> PResult<Vec<String>> {
        match item {
            ClassItem::Field(field) => self.simple(field.span, depth, || self.param(field, true)),
            ClassItem::Member(member) => self.simple(member.span, depth, || {
                Ok(format!(
                    "{} = {}",
                    name(&member.name, true)?,
                    self.expr(&member.value, LAMBDA)?
                ))
            }),
        }
    }

    /// A declaration. A new kind of declaration prints in an arm of its own.
    fn decl(&self, node: &Decl) -> PResult<Vec<String>> {
        let span = node.span;
        match &node.kind {
            DeclKind::Class(class) => match &class.body {
                None => self.simple(span, 0, || self.class_head(class)),
                Some(body) => {
                    let (mut lines, header_end) =
                        self.header(span, 0, || Ok(self.class_head(class)? + ":"))?;
                    lines.extend(self.block_of(body, 1, span, header_end, |item, depth| {
                        self.class_item(item, depth)
                    })?);
                    Ok(lines)
                }
            },
            DeclKind::Const {
                name: const_name,
                value,
            } => self.simple(span, 0, || {
                Ok(format!(
                    "const {} = {}",
                    name(const_name, false)?,
                    self.expr(value, LAMBDA)?
                ))
            }),
            DeclKind::Action {
                name: action_name,
                params,
                returns,
                module,
            } => self.simple(span, 0, || {
                Ok(format!(
                    "action {}{} -> {} from {}",
                    name(action_name, true)?,
                    self.params(span, params, returns, true)?,
                    self.ty(returns)?,
                    dotted(module)?
                ))
            }),
            DeclKind::Fn(callable) | DeclKind::Workflow(callable) => {
                let (keyword, decl_name) = match node.kind {
                    DeclKind::Fn(_) => ("fn", name(&callable.name, false)?),
                    _ => ("workflow", name(&callable.name, true)?),
                };
                let (mut lines, header_end) = self.header(span, 0, || {
                    Ok(format!(
                        "{keyword} {decl_name}{} -> {}:",
                        self.params(span, &callable.params, &callable.returns, false)?,
                        self.ty(&callable.returns)?
                    ))
                })?;
                lines.extend(self.block(&callable.body, 1, span, header_end)?);
                Ok(lines)
            }
        }
    }

    fn program(&self, program: &Program) -> PResult<String> {
        let header = self.layout.map(Layout::first_code_line);
        let mut lines = self.leading(header, 0, Some(false), true);
        lines.push(format!("rrl {}{}", program.version, self.trailing(header)));
        let mut previous: Option<(std::mem::Discriminant<DeclKind>, Option<ClassKind>)> = None;
        let mut previous_block = false;
        for decl in &program.decls {
            let class = match &decl.kind {
                DeclKind::Class(class) => Some(class),
                _ => None,
            };
            let kind = (std::mem::discriminant(&decl.kind), class.map(|c| c.kind));
            // A blank line between groups (classes of one kind are a group),
            // and around every block declaration.
            let block = matches!(decl.kind, DeclKind::Fn(_) | DeclKind::Workflow(_))
                || class.is_some_and(|c| c.body.is_some());
            let grouped = previous != Some(kind) || block || previous_block;
            lines.extend(self.leading(
                first_line(decl.span),
                0,
                if grouped { Some(true) } else { None },
                true,
            ));
            lines.extend(self.decl(decl)?);
            previous = Some(kind);
            previous_block = block;
        }
        if self.layout.is_some() {
            lines.extend(self.leading(Some(END), 0, None, true));
        }
        Ok(lines.join("\n") + "\n")
    }
}
