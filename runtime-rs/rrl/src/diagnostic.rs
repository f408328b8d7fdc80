//! Diagnostics in the rustc shape, as `language/rrl/diagnostics.py` renders
//! them: the same text for the same error in both implementations.
//!
//! ```text
//! error[RPL0001]: unexpected `)`
//!  --> flow.rrl:3:11
//!   |
//! 3 |     x = (1))
//!   |           ^
//!   = help: ...
//! ```

use std::fmt;

/// A source range: 1-based lines and columns (in characters), the end
/// exclusive, as lark and `rrl.ast.Span` count them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
}

impl Span {
    pub fn new(line: u32, column: u32, end_line: u32, end_column: u32) -> Span {
        Span {
            line,
            column,
            end_line,
            end_column,
        }
    }

    /// From the start of `self` to the end of `other`.
    pub fn to(self, other: Span) -> Span {
        Span::new(self.line, self.column, other.end_line, other.end_column)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// One located problem: a stable code (docs/errors.md), a message, where, and
/// what to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: &'static str,
    pub message: String,
    pub span: Option<Span>,
    pub help: Option<String>,
    pub path: Option<String>,
    pub severity: Severity,
}

impl Diagnostic {
    pub fn error(code: &'static str, message: impl Into<String>, span: Option<Span>) -> Diagnostic {
        Diagnostic {
            code,
            message: message.into(),
            span,
            help: None,
            path: None,
            severity: Severity::Error,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn with_path(mut self, path: &str) -> Diagnostic {
        self.path = Some(path.to_string());
        self
    }

    fn sort_key(&self) -> (&str, u32, u32, &str, &str) {
        let span = self.span.unwrap_or(Span::new(0, 0, 0, 0));
        (
            self.path.as_deref().unwrap_or(""),
            span.line,
            span.column,
            self.code,
            &self.message,
        )
    }

    /// The diagnostic as text, with the source line and a caret under the span.
    pub fn render(&self, source: Option<&str>) -> String {
        let mut lines = vec![format!(
            "{}[{}]: {}",
            self.severity, self.code, self.message
        )];
        let source_lines = source.map(python_splitlines).unwrap_or_default();
        let gutter = self.span.map_or(1, |s| s.line.to_string().len());
        let pad = " ".repeat(gutter);
        if let Some(span) = self.span {
            lines.push(format!(
                "{pad}--> {}:{}:{}",
                self.path.as_deref().unwrap_or("<input>"),
                span.line,
                span.column
            ));
            if span.line > 0 && (span.line as usize) <= source_lines.len() {
                let text = source_lines[span.line as usize - 1].trim_end();
                let length = text.chars().count() as i64 + 1;
                let end = if span.end_line == span.line {
                    span.end_column as i64
                } else {
                    length
                };
                let width = (end.min(length) - span.column as i64).max(1) as usize;
                let indent = " ".repeat((span.column as usize).saturating_sub(1));
                lines.push(format!("{pad} |"));
                lines.push(format!("{} | {text}", span.line));
                lines.push(format!("{pad} | {indent}{}", "^".repeat(width)));
            }
        } else if let Some(path) = &self.path {
            lines.push(format!("{pad}--> {path}"));
        }
        if let Some(help) = &self.help {
            lines.push(format!("{pad} = help: {help}"));
        }
        lines.join("\n")
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(None))
    }
}

/// Sort diagnostics as Python's `DiagnosticError` does: by path, position, code, message.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
}

/// Every diagnostic, and a closing count when there are several errors.
pub fn render_all(diagnostics: &[Diagnostic], source: Option<&str>) -> String {
    let mut text = diagnostics
        .iter()
        .map(|d| d.render(source))
        .collect::<Vec<_>>()
        .join("\n\n");
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    if errors > 1 {
        text.push_str(&format!(
            "\n\nerror: aborting due to {errors} previous errors"
        ));
    }
    text
}

/// The lines of `text` as Python's `str.splitlines` cuts them (a form feed
/// and the Unicode line separators end a line too), so that line numbers in
/// a rendered diagnostic pick the line Python's renderer picks.
pub fn python_splitlines(text: &str) -> Vec<&str> {
    let mut lines = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((index, c)) = chars.next() {
        let ends = matches!(
            c,
            '\n' | '\r'
                | '\u{0b}'
                | '\u{0c}'
                | '\u{1c}'
                | '\u{1d}'
                | '\u{1e}'
                | '\u{85}'
                | '\u{2028}'
                | '\u{2029}'
        );
        if ends {
            lines.push(&text[start..index]);
            let mut next = index + c.len_utf8();
            if c == '\r' {
                if let Some(&(_, '\n')) = chars.peek() {
                    chars.next();
                    next += 1;
                }
            }
            start = next;
        }
    }
    if start < text.len() {
        lines.push(&text[start..]);
    }
    lines
}

/// Errors that stop a phase, each a located diagnostic (the source text is
/// kept so the diagnostics can be rendered with their lines).
#[derive(Clone, Debug, thiserror::Error)]
#[error("{}", render_all(.diagnostics, .text.as_deref()))]
pub struct DiagnosticError {
    pub diagnostics: Vec<Diagnostic>,
    pub text: Option<String>,
}

impl DiagnosticError {
    pub fn new(mut diagnostics: Vec<Diagnostic>, source: Option<&str>) -> DiagnosticError {
        sort(&mut diagnostics);
        DiagnosticError {
            diagnostics,
            text: source.map(str::to_string),
        }
    }

    pub fn render(&self) -> String {
        render_all(&self.diagnostics, self.text.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_like_python() {
        let diagnostic =
            Diagnostic::error("RPL0001", "unexpected `)`", Some(Span::new(3, 11, 3, 12)))
                .with_help("check it")
                .with_path("f.rrl");
        let source = "rrl 1\nworkflow W() -> None:\n    x = (1))\n";
        assert_eq!(
            diagnostic.render(Some(source)),
            "error[RPL0001]: unexpected `)`\n --> f.rrl:3:11\n  |\n3 |     x = (1))\n  |           ^\n  = help: check it"
        );
    }

    #[test]
    fn splits_lines_like_python() {
        assert_eq!(python_splitlines("a\r\nb\x0cc\n"), vec!["a", "b", "c"]);
        assert_eq!(python_splitlines(""), Vec::<&str>::new());
    }
}
