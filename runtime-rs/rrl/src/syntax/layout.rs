//! What the AST does not hold about a source file (`language/rrl/layout.py`):
//! its comments, its blank lines and its literals as written. `rrl fmt`
//! prints a program with its `Layout`; every other printing is canonical.
//!
//! The scan is a lexer's view of each line: a `#` outside a string starts a
//! comment, brackets nest, strings end on their line. Comments are handed
//! out once each (`take_*`): whatever is left at the end of the file is
//! printed there, so no comment is ever lost.

use std::cell::RefCell;

use super::ast::{Constant, Expr, ExprKind};
use super::strings::decode_string;
use crate::diagnostic::Span;

/// (line, column), 1-based, as in spans.
pub type Position = (u32, u32);

/// A line number that is past every line (Python's `math.inf`).
pub const END: u32 = u32::MAX;

#[derive(Clone, Debug)]
pub struct Comment {
    pub line: u32,
    pub column: u32,
    /// From the `#` to the end of the line, trailing whitespace removed.
    pub text: String,
    /// Nothing but whitespace before it on its line.
    pub own_line: bool,
}

impl Comment {
    pub fn position(&self) -> Position {
        (self.line, self.column)
    }
}

pub struct Layout {
    lines: Vec<Vec<char>>,
    comments: Vec<Comment>,
    blank: Vec<bool>,
    code_lines: Vec<u32>,
    pass_lines: Vec<u32>,
    header_ends: Vec<u32>,
    taken: RefCell<Vec<bool>>,
}

fn string_end(line: &[char], start: usize) -> usize {
    let quote = line[start];
    let mut i = start + 1;
    while i < line.len() && line[i] != quote {
        i += if line[i] == '\\' { 2 } else { 1 };
    }
    i + 1
}

fn first_after(sorted: &[u32], line: u32) -> Option<u32> {
    let index = sorted.partition_point(|&l| l <= line);
    sorted.get(index).copied()
}

impl Layout {
    pub fn new(text: &str) -> Layout {
        let lines: Vec<Vec<char>> = text.split('\n').map(|l| l.chars().collect()).collect();
        let mut layout = Layout {
            blank: vec![false; lines.len() + 2],
            lines,
            comments: Vec::new(),
            code_lines: Vec::new(),
            pass_lines: Vec::new(),
            header_ends: Vec::new(),
            taken: RefCell::new(Vec::new()),
        };
        layout.scan();
        *layout.taken.borrow_mut() = vec![false; layout.comments.len()];
        layout
    }

    fn scan(&mut self) {
        let mut depth: u32 = 0;
        for (index, line) in self.lines.iter().enumerate() {
            let number = index as u32 + 1;
            let depth_at_start = depth;
            let mut code = String::new();
            let mut last: Option<(char, u32)> = None;
            let mut i = 0;
            while i < line.len() {
                let c = line[i];
                if c == '#' {
                    let text: String = line[i..].iter().collect();
                    self.comments.push(Comment {
                        line: number,
                        column: i as u32 + 1,
                        text: text.trim_end().to_string(),
                        own_line: code.is_empty(),
                    });
                    break;
                }
                if c == '"' || c == '\'' {
                    i = string_end(line, i);
                    code.push(c);
                    last = Some((c, depth));
                    continue;
                }
                if "([{".contains(c) {
                    depth += 1;
                } else if ")]}".contains(c) {
                    depth = depth.saturating_sub(1);
                }
                if !c.is_whitespace() {
                    code.push(c);
                    last = Some((c, depth));
                }
                i += 1;
            }
            if line.iter().all(|c| c.is_whitespace()) {
                self.blank[number as usize] = true;
            } else if code.is_empty() {
                continue;
            } else if depth_at_start == 0 && code == "pass" {
                self.pass_lines.push(number);
            } else {
                self.code_lines.push(number);
                if last == Some((':', 0)) {
                    self.header_ends.push(number);
                }
            }
        }
    }

    fn line(&self, number: u32) -> &[char] {
        if number >= 1 && (number as usize) <= self.lines.len() {
            &self.lines[number as usize - 1]
        } else {
            &[]
        }
    }

    // ------------------------------------------------------------- tokens

    /// The literal as written, when `expr` is a literal at its span.
    pub fn token(&self, expr: &Expr) -> Option<String> {
        let span = expr.span?;
        if span.line != span.end_line || span.line == 0 || span.line as usize > self.lines.len() {
            return None;
        }
        let line = self.line(span.line);
        let from = (span.column as usize).saturating_sub(1).min(line.len());
        let to = (span.end_column as usize)
            .saturating_sub(1)
            .min(line.len())
            .max(from);
        let text: String = line[from..to].iter().collect();
        match &expr.kind {
            ExprKind::FString(_) => {
                let chars: Vec<char> = text.chars().collect();
                let fits = chars.len() >= 3
                    && chars[0] == 'f'
                    && (chars[1] == '"' || chars[1] == '\'')
                    && chars[chars.len() - 1] == chars[1];
                fits.then_some(text)
            }
            ExprKind::Constant(Constant::Str(value)) => {
                let chars: Vec<char> = text.chars().collect();
                if chars.len() < 2
                    || !(chars[0] == '"' || chars[0] == '\'')
                    || chars[chars.len() - 1] != chars[0]
                {
                    return None;
                }
                let body: String = chars[1..chars.len() - 1].iter().collect();
                (decode_string(&body).ok()? == *value).then_some(text)
            }
            ExprKind::Constant(Constant::Int(digits)) => {
                (!text.is_empty() && text.chars().all(|c| c.is_ascii_digit()) && text == *digits)
                    .then_some(text)
            }
            ExprKind::Constant(Constant::Float(value)) => {
                let starts = text
                    .chars()
                    .next()
                    .is_some_and(|c| c == '.' || c.is_ascii_digit());
                (starts && text.parse::<f64>().ok()? == *value).then_some(text)
            }
            _ => None,
        }
    }

    // ------------------------------------------------------------- lines

    pub fn blank_before(&self, line: u32) -> bool {
        line >= 1 && self.blank.get(line as usize - 1).copied().unwrap_or(false)
    }

    /// The first line after `line` that holds code (a lone `pass` is not code).
    pub fn next_code_line(&self, line: u32) -> u32 {
        first_after(&self.code_lines, line).unwrap_or(END)
    }

    /// The last line holding code of the node at `span` (the span of a block
    /// statement or a declaration runs on to where the next one starts).
    pub fn last_code_line(&self, span: Span) -> u32 {
        let line = self.line(span.end_line);
        let upto = ((span.end_column as usize).saturating_sub(1)).min(line.len());
        if line[..upto].iter().any(|c| !c.is_whitespace()) {
            return span.end_line;
        }
        let index = self.code_lines.partition_point(|&l| l < span.end_line);
        if index > 0 {
            self.code_lines[index - 1]
        } else {
            span.line
        }
    }

    pub fn first_code_line(&self) -> u32 {
        self.next_code_line(0)
    }

    /// The line where the block header that starts on `line` ends (its `:`).
    pub fn header_end(&self, line: u32) -> Option<u32> {
        let index = self.header_ends.partition_point(|&l| l < line);
        self.header_ends.get(index).copied()
    }

    /// The first `pass` line after `line`: the body of an empty block.
    pub fn pass_after(&self, line: u32) -> Option<u32> {
        first_after(&self.pass_lines, line)
    }

    /// Whether the source between two positions holds a `,` outside a
    /// comment (a trailing comma after a bracket's last item).
    pub fn comma_between(&self, start: Position, end: Position) -> bool {
        for number in start.0..=end.0 {
            let line = self.line(number);
            let first = if number == start.0 {
                (start.1 as usize).saturating_sub(1)
            } else {
                0
            };
            let last = if number == end.0 {
                (end.1 as usize).saturating_sub(1)
            } else {
                line.len()
            };
            let (first, last) = (first.min(line.len()), last.min(line.len()));
            if first >= last {
                continue;
            }
            let segment = &line[first..last];
            let code = segment.split(|&c| c == '#').next().unwrap_or(&[]);
            if code.contains(&',') {
                return true;
            }
        }
        false
    }

    // ------------------------------------------------------------- comments

    pub fn any_between(&self, start: Position, end: Position) -> bool {
        self.comments
            .iter()
            .any(|c| start < c.position() && c.position() < end)
    }

    fn take(&self, keep: impl Fn(&Comment) -> bool) -> Vec<Comment> {
        let mut taken = self.taken.borrow_mut();
        let mut out = Vec::new();
        for (index, comment) in self.comments.iter().enumerate() {
            if !taken[index] && keep(comment) {
                taken[index] = true;
                out.push(comment.clone());
            }
        }
        out
    }

    /// Every comment not yet printed that comes before `line`.
    pub fn take_before(&self, line: u32) -> Vec<Comment> {
        self.take(|c| c.line < line)
    }

    /// The comments not yet printed between two positions, but not inside
    /// any of the ranges `outside`.
    pub fn take_between(
        &self,
        start: Position,
        end: Position,
        outside: &[(Position, Position)],
    ) -> Vec<Comment> {
        self.take(|c| {
            let at = c.position();
            start < at && at < end && !outside.iter().any(|&(s, e)| s < at && at < e)
        })
    }

    /// The comment after the code of `line`, if it is not printed yet.
    pub fn take_trailing(&self, line: u32) -> Option<Comment> {
        self.take(|c| c.line == line && !c.own_line)
            .into_iter()
            .next()
    }

    /// The comments after the last statement of a block that belong to it:
    /// those before the next code, indented deeper than the block's header,
    /// up to the first one that is not.
    pub fn take_block_end(&self, owner_column: u32, last_line: u32) -> Vec<Comment> {
        let limit = self.next_code_line(last_line);
        let mut taken = self.taken.borrow_mut();
        let mut claimed = Vec::new();
        for (index, comment) in self.comments.iter().enumerate() {
            if taken[index] {
                continue;
            }
            if comment.line >= limit || comment.column <= owner_column {
                break;
            }
            taken[index] = true;
            claimed.push(comment.clone());
        }
        claimed
    }

    pub fn comment_texts(&self) -> Vec<String> {
        self.comments.iter().map(|c| c.text.clone()).collect()
    }
}
