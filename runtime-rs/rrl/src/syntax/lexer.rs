//! The tokens of RRL, lexed the way `grammar/rrl.lark` and lark's contextual
//! lexer cut them, with Python's indentation rules (lark's `Indenter`: a
//! newline token carries the comments and blank lines after it; INDENT and
//! DEDENT take its position; inside brackets newlines are dropped).
//!
//! Lexing is pulled by the parser one token at a time, in a `Mode` that says
//! which terminals the parser accepts there, as lark's contextual lexer
//! does: `.5` is a float where an operand may start and `.` then `5` after an
//! expression; `30s` is a duration only in a policy; where nothing accepted
//! matches, the root order (every terminal) decides, so an unexpected token
//! is the token lark reports.

use super::names::{self, is_hard_keyword};
use crate::diagnostic::{Diagnostic, Span};

#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    /// A NAME, keywords included (the parser tells them apart by place),
    /// in its NFKC normal form.
    Word(String),
    Int(String),
    Float(String),
    Duration(String),
    /// A string literal as written, quotes included.
    Str(String),
    /// An f-string as written, `f` and quotes included.
    FStr(String),
    Op(&'static str),
    /// A newline and what follows it up to the next token: blank lines,
    /// comments, the next line's indentation.
    Newline,
    Indent,
    Dedent,
    End,
}

#[derive(Clone, Debug)]
pub struct Token {
    pub tok: Tok,
    pub span: Span,
    /// Byte offsets of the token in the text.
    pub start: usize,
    pub end: usize,
}

impl Token {
    /// How a diagnostic names the token: `end of line`, `indent`, or its text.
    pub fn shown(&self, text: &str) -> String {
        match &self.tok {
            Tok::Newline => "end of line".into(),
            Tok::Indent => "indent".into(),
            Tok::Dedent => "dedent".into(),
            Tok::End => "end of input".into(),
            Tok::Word(word) => format!("`{word}`"),
            _ => format!("`{}`", &text[self.start..self.end]),
        }
    }

    pub fn is_op(&self, op: &str) -> bool {
        matches!(self.tok, Tok::Op(o) if o == op)
    }

    pub fn is_word(&self, word: &str) -> bool {
        matches!(&self.tok, Tok::Word(w) if w == word)
    }
}

/// The terminals the parser accepts where it pulls the next token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// After an expression, or punctuation: `.` is an operator.
    Default,
    /// Where an operand may start: `.5` is a float.
    Operand,
    /// A policy value: a duration, or an operand.
    Policy,
    /// A whole number only (`rrl 1`, `max 10`, `limit 5`).
    Int,
    /// Every terminal, in lark's order: what the contextual lexer falls
    /// back to where nothing the parser accepts matches.
    Root,
}

// Longest first: the order lark tries fixed-string terminals in.
const OPERATORS: &[&str] = &[
    "**", "//", "==", "!=", "<=", ">=", "+=", "|=", "+", "-", "*", "/", "%", "<", ">", "=", "(",
    ")", "[", "]", "{", "}", ",", ":", ".", "|", "&", "^",
];

/// Added to a bad dedent's help when a line up to it is indented with a tab.
pub const TAB_NOTE: &str = " (a tab counts as 8 columns: indent with spaces only)";

/// Whether a line of `text` starts with spaces or form feeds, then a tab.
fn indented_with_tab(text: &str) -> bool {
    text.split('\n')
        .any(|line| line.trim_start_matches([' ', '\x0c']).starts_with('\t'))
}

/// The message of an unexpected quote (RPL0002).
pub const STRING_NOT_CLOSED: &str = "this string is not closed on its line";

/// A lexing failure that is not a token: an unexpected character, or a name
/// that Python's rules refuse (both RPL0002), or a name that reads as a
/// keyword (RPL0010).
pub type LexError = Box<Diagnostic>;

#[derive(Clone)]
pub struct Lexer<'a> {
    text: &'a str,
    pos: usize,
    line: u32,
    column: u32,
    paren_level: u32,
    indents: Vec<u32>,
    pending: std::collections::VecDeque<Token>,
    /// A bad dedent, reported once the dedents before it are read (as
    /// lark's `Indenter` raises it).
    pending_error: Option<LexError>,
    last: Option<Token>,
    done: bool,
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || !c.is_ascii()
}

impl<'a> Lexer<'a> {
    pub fn new(text: &'a str) -> Lexer<'a> {
        Lexer {
            text,
            pos: 0,
            line: 1,
            column: 1,
            paren_level: 0,
            indents: vec![0],
            pending: Default::default(),
            pending_error: None,
            last: None,
            done: false,
        }
    }

    fn rest(&self) -> &'a str {
        &self.text[self.pos..]
    }

    /// Move over `len` bytes, counting lines and columns.
    fn advance(&mut self, len: usize) {
        for c in self.text[self.pos..self.pos + len].chars() {
            if c == '\n' {
                self.line += 1;
                self.column = 1;
            } else {
                self.column += 1;
            }
        }
        self.pos += len;
    }

    fn make(&mut self, tok: Tok, len: usize) -> Token {
        let (start, line, column) = (self.pos, self.line, self.column);
        self.advance(len);
        Token {
            tok,
            span: Span::new(line, column, self.line, self.column),
            start,
            end: self.pos,
        }
    }

    /// Where the lexer stands; `reset` returns there (only ever over tokens
    /// that change no indentation state).
    pub fn mark(&self) -> (usize, u32, u32) {
        (self.pos, self.line, self.column)
    }

    pub fn reset(&mut self, mark: (usize, u32, u32)) {
        (self.pos, self.line, self.column) = mark;
    }

    pub fn has_pending(&self) -> bool {
        !self.pending.is_empty()
    }

    /// The next token, indentation tokens included.
    pub fn next(&mut self, mode: Mode) -> Result<Token, LexError> {
        if let Some(token) = self.pending.pop_front() {
            return Ok(token);
        }
        if let Some(error) = self.pending_error.take() {
            return Err(error);
        }
        if self.done {
            return Ok(self.end_token());
        }
        let token = self.raw(mode)?;
        match token.tok {
            Tok::Newline => {
                self.last = Some(token.clone());
                if self.paren_level > 0 {
                    return self.next(mode);
                }
                self.indentation(&token)?;
                Ok(token)
            }
            Tok::End => {
                self.done = true;
                while self.indents.len() > 1 {
                    self.indents.pop();
                    let dedent = self.borrow(Tok::Dedent);
                    self.pending.push_back(dedent);
                }
                Ok(self.pending.pop_front().unwrap_or(token))
            }
            _ => {
                match token.tok {
                    Tok::Op("(" | "[" | "{") => self.paren_level += 1,
                    Tok::Op(")" | "]" | "}") => {
                        self.paren_level = self.paren_level.saturating_sub(1)
                    }
                    _ => {}
                }
                self.last = Some(token.clone());
                Ok(token)
            }
        }
    }

    fn end_token(&self) -> Token {
        let (line, column) = (self.line, self.column);
        Token {
            tok: Tok::End,
            span: Span::new(line, column, line, column),
            start: self.text.len(),
            end: self.text.len(),
        }
    }

    /// A token at the position of the last one (as lark's `new_borrow_pos`).
    fn borrow(&self, tok: Tok) -> Token {
        match &self.last {
            Some(last) => Token {
                tok,
                span: last.span,
                start: last.start,
                end: last.end,
            },
            None => Token {
                tok,
                span: Span::new(0, 0, 0, 0),
                start: 0,
                end: 0,
            },
        }
    }

    /// INDENT or DEDENTs after a newline token, as lark's `Indenter`.
    fn indentation(&mut self, newline: &Token) -> Result<(), LexError> {
        let text = &self.text[newline.start..newline.end];
        let indent_text = text.rsplit('\n').next().unwrap_or("");
        let indent: u32 = indent_text
            .chars()
            .map(|c| match c {
                ' ' => 1,
                '\t' => 8,
                _ => 0,
            })
            .sum();
        let top = *self.indents.last().unwrap_or(&0);
        let at = |tok| Token {
            tok,
            span: newline.span,
            start: newline.start,
            end: newline.end,
        };
        if indent > top {
            self.indents.push(indent);
            self.pending.push_back(at(Tok::Indent));
            return Ok(());
        }
        let open: Vec<u32> = self.indents.iter().map(|w| w + 1).collect();
        while indent < *self.indents.last().unwrap_or(&0) {
            self.indents.pop();
            self.pending.push_back(at(Tok::Dedent));
        }
        if indent != *self.indents.last().unwrap_or(&0) {
            let columns = open
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(", ");
            let line = newline.span.end_line;
            let span = Span::new(line, 1, line, newline.span.end_column.max(2));
            self.pending_error = Some(Box::new(
                Diagnostic::error(
                    "RPL0004",
                    "this line is dedented to a column where no open block starts",
                    Some(span),
                )
                .with_help(format!(
                    "indent it like the block it belongs to: the open blocks start at columns {columns}{}",
                    if indented_with_tab(&self.text[..newline.end]) {
                        TAB_NOTE
                    } else {
                        ""
                    }
                )),
            ));
        }
        Ok(())
    }

    /// The next token as the grammar's terminals cut it, ignored text skipped.
    fn raw(&mut self, mode: Mode) -> Result<Token, LexError> {
        loop {
            let rest = self.rest();
            let Some(c) = rest.chars().next() else {
                return Ok(self.make(Tok::End, 0));
            };
            match c {
                '\n' | '#' => return Ok(self.newline()),
                '\r' if rest.starts_with("\r\n") => return Ok(self.newline()),
                ' ' | '\t' | '\x0c' => {
                    let len = rest.len() - rest.trim_start_matches([' ', '\t', '\x0c']).len();
                    self.advance(len);
                }
                '\\' => {
                    let after = rest[1..].trim_start_matches([' ', '\t', '\x0c']);
                    if after.starts_with('\n') || after.starts_with("\r\n") {
                        let len =
                            rest.len() - after.len() + if after.starts_with('\n') { 1 } else { 2 };
                        self.advance(len);
                    } else {
                        return Err(self.unexpected_character());
                    }
                }
                _ => return self.token(mode),
            }
        }
    }

    /// `_NL`: newlines with the indentation after them, and comments, repeated.
    fn newline(&mut self) -> Token {
        let bytes = self.rest().as_bytes();
        let mut i = 0;
        loop {
            if bytes.get(i) == Some(&b'#') {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            let start = i;
            if bytes.get(i) == Some(&b'\r') {
                i += 1;
            }
            if bytes.get(i) == Some(&b'\n') {
                i += 1;
                while matches!(bytes.get(i), Some(b' ' | b'\t')) {
                    i += 1;
                }
                continue;
            }
            i = start;
            break;
        }
        self.make(Tok::Newline, i)
    }

    fn unexpected_character(&self) -> LexError {
        let c = self.rest().chars().next().unwrap_or('?');
        let span = Some(Span::new(
            self.line,
            self.column,
            self.line,
            self.column + 1,
        ));
        // A quote that starts no string: the string is left open on its line.
        if c == '\'' || c == '"' {
            return Box::new(
                Diagnostic::error("RPL0002", STRING_NOT_CLOSED, span).with_help(format!(
                    "end it with `{c}` on the same line: a string is one line (write `\\n` for a line break)"
                )),
            );
        }
        Box::new(
            Diagnostic::error("RPL0002", format!("unexpected character `{c}`"), span)
                .with_help("check the syntax against docs/language.md"),
        )
    }

    fn token(&mut self, mode: Mode) -> Result<Token, LexError> {
        let rest = self.rest();
        if mode == Mode::Int {
            if let Some(len) = int_len(rest) {
                return Ok(self.make(Tok::Int(rest[..len].to_string()), len));
            }
            return self.token(Mode::Root);
        }
        if rest.starts_with("**") {
            return Ok(self.make(Tok::Op("**"), 2));
        }
        if matches!(mode, Mode::Policy | Mode::Root) {
            if let Some(len) = duration_len(rest) {
                return Ok(self.make(Tok::Duration(rest[..len].to_string()), len));
            }
        }
        let operand = matches!(mode, Mode::Operand | Mode::Policy | Mode::Root);
        // Where no operand may start, `f"..."` is the name `f` and a string.
        if operand {
            if let Some(len) = fstring_len(rest) {
                return Ok(self.make(Tok::FStr(rest[..len].to_string()), len));
            }
        }
        let c = rest.chars().next().unwrap_or(' ');
        if c == '"' || c == '\'' {
            return match string_len(rest, c) {
                Some(len) => Ok(self.make(Tok::Str(rest[..len].to_string()), len)),
                None => Err(self.unexpected_character()),
            };
        }
        if c.is_ascii_digit() || (c == '.' && operand) {
            if let Some(len) = float_len(rest) {
                return Ok(self.make(Tok::Float(rest[..len].to_string()), len));
            }
            if let Some(len) = int_len(rest) {
                return Ok(self.make(Tok::Int(rest[..len].to_string()), len));
            }
        }
        if c == '$' || is_name_char(c) && !c.is_ascii_digit() {
            return self.name();
        }
        if mode == Mode::Root && rest.starts_with("->") {
            return Ok(self.make(Tok::Op("->"), 2));
        }
        for op in OPERATORS {
            if rest.starts_with(op) {
                return Ok(self.make(Tok::Op(op), op.len()));
            }
        }
        Err(self.unexpected_character())
    }

    /// A NAME, held to Python's rules when it is not ASCII, and normalised.
    fn name(&mut self) -> Result<Token, LexError> {
        let rest = self.rest();
        let generated = rest.starts_with('$');
        let body_start = usize::from(generated);
        let len = body_start
            + rest[body_start..]
                .char_indices()
                .find(|&(_, c)| !is_name_char(c))
                .map_or(rest.len() - body_start, |(i, _)| i);
        if len == body_start {
            return Err(self.unexpected_character()); // a lone `$`
        }
        let text = &rest[..len];
        if text.is_ascii() {
            return Ok(self.make(Tok::Word(text.to_string()), len));
        }
        for (index, c) in text.chars().enumerate() {
            if index == 0 && generated {
                continue;
            }
            let valid = if index == 0 {
                names::is_xid_start(c)
            } else {
                names::is_xid_continue(c)
            };
            if !valid {
                let shown = if names::is_printable(c) {
                    format!("`{c}` (U+{:04X})", c as u32)
                } else {
                    format!("U+{:04X}", c as u32)
                };
                let prefix: String = text.chars().take(index + 1).collect();
                let column = self.column + index as u32;
                return Err(Box::new(
                    Diagnostic::error(
                        "RPL0002",
                        format!("invalid character {shown} in the name `{prefix}`"),
                        Some(Span::new(self.line, column, self.line, column + 1)),
                    )
                    .with_help(
                        "a name is a letter or `_` followed by letters, digits and `_`, with Python's rules for non-ASCII letters",
                    ),
                ));
            }
        }
        let normal = names::nfkc(text);
        let token = self.make(Tok::Word(normal.clone()), len);
        if is_hard_keyword(&normal) {
            return Err(Box::new(
                Diagnostic::error(
                    "RPL0010",
                    format!("the name `{text}` reads as the keyword `{normal}`"),
                    Some(token.span),
                )
                .with_help("names are compared in their NFKC normal form, as in Python; choose another name"),
            ));
        }
        Ok(token)
    }
}

fn digits(s: &str) -> usize {
    s.bytes().take_while(u8::is_ascii_digit).count()
}

/// `0|[1-9][0-9]*`
fn int_len(s: &str) -> Option<usize> {
    match s.as_bytes().first()? {
        b'0' => Some(1),
        b'1'..=b'9' => Some(digits(s)),
        _ => None,
    }
}

/// `([0-9]+\.[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?|[0-9]+[eE][-+]?[0-9]+`
fn float_len(s: &str) -> Option<usize> {
    let whole = digits(s);
    let mut len;
    let mut dotted = false;
    if s[whole..].starts_with('.') {
        let fraction = digits(&s[whole + 1..]);
        if whole == 0 && fraction == 0 {
            return None;
        }
        len = whole + 1 + fraction;
        dotted = true;
    } else if whole > 0 {
        len = whole;
    } else {
        return None;
    }
    let exponent = exponent_len(&s[len..]);
    if exponent == 0 && !dotted {
        return None;
    }
    len += exponent;
    Some(len)
}

fn exponent_len(s: &str) -> usize {
    let bytes = s.as_bytes();
    if !matches!(bytes.first(), Some(b'e' | b'E')) {
        return 0;
    }
    let sign = usize::from(matches!(bytes.get(1), Some(b'+' | b'-')));
    let count = digits(&s[1 + sign..]);
    if count == 0 { 0 } else { 1 + sign + count }
}

/// `[0-9]+(\.[0-9]+)?(ms|s|m|h|d)\b`
fn duration_len(s: &str) -> Option<usize> {
    let whole = digits(s);
    if whole == 0 {
        return None;
    }
    let mut len = whole;
    if s[len..].starts_with('.') && digits(&s[len + 1..]) > 0 {
        len += 1 + digits(&s[len + 1..]);
    }
    for unit in ["ms", "s", "m", "h", "d"] {
        if s[len..].starts_with(unit) {
            let end = len + unit.len();
            let boundary = s[end..]
                .chars()
                .next()
                .is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
            if boundary {
                return Some(end);
            }
        }
    }
    None
}

/// `"(\\.|[^"\\\n])*"` (or single quotes): the length, quotes included.
fn string_len(s: &str, quote: char) -> Option<usize> {
    let mut chars = s.char_indices().skip(1);
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some((_, '\n')) | None => return None,
                Some(_) => {}
            },
            '\n' => return None,
            _ if c == quote => return Some(i + 1),
            _ => {}
        }
    }
    None
}

fn fstring_len(s: &str) -> Option<usize> {
    let quote = s.strip_prefix('f')?.chars().next()?;
    if quote != '"' && quote != '\'' {
        return None;
    }
    string_len(&s[1..], quote).map(|len| len + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str, mode: Mode) -> Vec<Tok> {
        let mut lexer = Lexer::new(text);
        let mut out = Vec::new();
        loop {
            let token = lexer.next(mode).unwrap();
            if token.tok == Tok::End {
                return out;
            }
            out.push(token.tok);
        }
    }

    #[test]
    fn cuts_like_the_grammar() {
        assert_eq!(
            kinds("x = .5\n", Mode::Operand),
            vec![
                Tok::Word("x".into()),
                Tok::Op("="),
                Tok::Float(".5".into()),
                Tok::Newline
            ]
        );
        assert_eq!(kinds("a.5", Mode::Default)[1], Tok::Op("."));
        assert_eq!(
            kinds("30s", Mode::Policy),
            vec![Tok::Duration("30s".into())]
        );
        assert_eq!(kinds("30s", Mode::Operand)[0], Tok::Int("30".into()));
        assert_eq!(
            kinds("1e5 1. 007", Mode::Operand)[..2],
            [Tok::Float("1e5".into()), Tok::Float("1.".into())]
        );
        assert_eq!(kinds("ﬁle", Mode::Default), vec![Tok::Word("file".into())]);
    }

    #[test]
    fn indents_and_dedents() {
        let toks = kinds("a:\n    b\n  # c\nd\n", Mode::Default);
        assert_eq!(
            toks,
            vec![
                Tok::Word("a".into()),
                Tok::Op(":"),
                Tok::Newline,
                Tok::Indent,
                Tok::Word("b".into()),
                Tok::Newline,
                Tok::Dedent,
                Tok::Word("d".into()),
                Tok::Newline,
            ]
        );
    }
}
