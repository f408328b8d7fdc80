//! Brackets left open or closed wrongly, named as such (RPL0001).
//!
//! Inside brackets a line break does not end a statement, so a `(` never
//! closed takes in the lines after it and the parser stops wherever they stop
//! making sense, often lines later, at a token that is not the mistake. When
//! the parse stops inside a bracket that is never closed, or at a closing
//! bracket that closes no bracket of its kind, the diagnostic names that
//! bracket instead (`rrl.brackets` in the Python toolchain, word for word).
//!
//! The scan reads the text as the lexer does as far as brackets go: a string
//! or an f-string ends at its quote or at the end of its line, a comment at
//! the end of its line, and what is inside them is no bracket.

use crate::diagnostic::{Diagnostic, Span};

fn closer_of(opener: char) -> char {
    match opener {
        '(' => ')',
        '[' => ']',
        _ => '}',
    }
}

fn opener_of(closer: char) -> char {
    match closer {
        ')' => '(',
        ']' => '[',
        _ => '{',
    }
}

/// The bracket mistake that explains a parse stopped at byte offset `stop`
/// of `text` (the start of the unexpected token, or `text.len()` at the
/// end): the closing bracket at `stop` that matches no open bracket, or else
/// the innermost bracket opened before `stop` and never closed. None when
/// the brackets up to the stop are not the problem.
pub fn bracket_mistake(text: &str, stop: usize) -> Option<Diagnostic> {
    // The offsets of the brackets open so far, innermost last.
    let mut open_at: Vec<(usize, char)> = Vec::new();
    let bytes = text.as_bytes();
    let mut at = 0;
    while at < text.len() {
        let byte = bytes[at];
        match byte {
            b'#' => {
                at = text[at..].find('\n').map_or(text.len(), |i| at + i);
                continue;
            }
            b'\'' | b'"' => {
                at = string_end(text, at);
                continue;
            }
            b'(' | b'[' | b'{' => open_at.push((at, byte as char)),
            b')' | b']' | b'}' => {
                let closer = byte as char;
                match open_at.last() {
                    Some(&(_, opener)) if opener == opener_of(closer) => {
                        open_at.pop();
                    }
                    // The parse stopped before it: an earlier mistake.
                    _ if at != stop => return None,
                    last => return Some(wrong_closer(text, at, closer, last.copied())),
                }
            }
            _ => {}
        }
        at += 1;
    }
    let &(opened, opener) = open_at.iter().rev().find(|(offset, _)| *offset < stop)?;
    Some(never_closed(text, opened, opener))
}

/// The byte offset after the string whose quote is at `at`: after its
/// closing quote, or at the end of its line when it is left open.
fn string_end(text: &str, at: usize) -> usize {
    let bytes = text.as_bytes();
    let quote = bytes[at];
    let mut at = at + 1;
    while at < bytes.len() {
        match bytes[at] {
            // An escape takes the character after it, whatever its length.
            b'\\' if at + 1 < bytes.len() && bytes[at + 1] != b'\n' => {
                at += 1 + text[at + 1..].chars().next().map_or(1, char::len_utf8);
            }
            b'\n' => return at,
            byte if byte == quote => return at + 1,
            _ => at += 1,
        }
    }
    at
}

/// The line and column (in characters) of a byte offset.
fn position(text: &str, offset: usize) -> (u32, u32) {
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line = text[..offset].matches('\n').count() as u32 + 1;
    (line, text[line_start..offset].chars().count() as u32 + 1)
}

fn span_at(text: &str, offset: usize) -> Option<Span> {
    let (line, column) = position(text, offset);
    Some(Span::new(line, column, line, column + 1))
}

fn never_closed(text: &str, opened: usize, opener: char) -> Diagnostic {
    let (line, column) = position(text, opened);
    Diagnostic::error(
        "RPL0001",
        format!("`{opener}` opened at {line}:{column} is never closed"),
        span_at(text, opened),
    )
    .with_help(format!(
        "close it with `{}` where its contents end (inside brackets, the lines that follow are read as part of it)",
        closer_of(opener)
    ))
}

fn wrong_closer(text: &str, at: usize, closer: char, opened: Option<(usize, char)>) -> Diagnostic {
    let Some((opened, opener)) = opened else {
        return Diagnostic::error(
            "RPL0001",
            format!("unmatched `{closer}`: no bracket is open here"),
            span_at(text, at),
        )
        .with_help(format!(
            "remove it, or add the `{}` it is meant to close",
            opener_of(closer)
        ));
    };
    let (line, column) = position(text, opened);
    Diagnostic::error(
        "RPL0001",
        format!("`{closer}` does not close `{opener}` opened at {line}:{column}"),
        span_at(text, at),
    )
    .with_help(format!(
        "close the `{opener}` with `{}` first, or remove this `{closer}`",
        closer_of(opener)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(text: &str, stop: usize) -> Option<String> {
        bracket_mistake(text, stop).map(|d| d.message)
    }

    #[test]
    fn names_a_bracket_never_closed_where_the_parse_stopped_inside_it() {
        let text = "x = f(a,\ny = 1\n";
        assert_eq!(
            message(text, text.len()).as_deref(),
            Some("`(` opened at 1:6 is never closed")
        );
        // Stopped before the bracket opened: not the bracket's fault.
        assert_eq!(message(text, 2), None);
    }

    #[test]
    fn names_a_closing_bracket_of_the_wrong_kind_or_of_none() {
        let text = "x = [1, (2]\n";
        assert_eq!(
            message(text, 10).as_deref(),
            Some("`]` does not close `(` opened at 1:9")
        );
        assert_eq!(
            message("x = 1)\n", 5).as_deref(),
            Some("unmatched `)`: no bracket is open here")
        );
        assert_eq!(message("x = 1)\n", 2), None);
    }

    #[test]
    fn brackets_in_strings_and_comments_are_no_brackets() {
        let text = "x = \"(\" + f'{y}[' + '\\')'  # (\ny = 1)\n";
        let stop = text.rfind(')').unwrap();
        assert_eq!(
            message(text, stop).as_deref(),
            Some("unmatched `)`: no bracket is open here")
        );
        // A string left open ends at its line.
        let text = "x = \"(\ny = (1\n";
        assert_eq!(
            message(text, text.len()).as_deref(),
            Some("`(` opened at 2:5 is never closed")
        );
    }

    #[test]
    fn columns_count_characters() {
        let text = "é = (1\n";
        assert_eq!(
            message(text, text.len()).as_deref(),
            Some("`(` opened at 1:5 is never closed")
        );
    }
}
