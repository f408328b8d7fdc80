//! The text of RRL: lexing, parsing to the AST with spans, canonical
//! printing, and formatting that keeps comments (`rrl fmt`).

pub mod ast;
pub mod brackets;
pub mod dump;
pub mod layout;
pub mod lexer;
pub mod names;
pub mod number;
pub mod parser;
pub mod printer;
pub mod strings;
mod unprintable;
pub mod walk;

pub use parser::{parse, parse_expr, parse_type};

use crate::diagnostic::DiagnosticError;

/// Why a text could not be formatted.
#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    /// It does not parse.
    #[error("{0}")]
    Syntax(#[from] DiagnosticError),
    /// Formatting would change the program or drop a comment: a bug of the
    /// formatter; the text is left as it is.
    #[error(
        "formatting {0} would change its program or its comments; it is left as it is (please report this bug)"
    )]
    Changed(String),
}

/// `text` as `rrl fmt` writes it (`rrl.layout.format_source`): the canonical
/// layout, with its comments, blank lines and literals kept, `\n` line ends
/// and a final newline.
pub fn format_source(text: &str, path: Option<&str>) -> Result<String, FormatError> {
    let text = text.replace("\r\n", "\n");
    let program = parse(&text, path)?;
    let layout = layout::Layout::new(&text);
    let bug = || FormatError::Changed(path.unwrap_or("the input").to_string());
    let formatted = printer::print_program_with_layout(&program, &layout).map_err(|_| bug())?;
    // Layout only: the program reads back the same, and every comment is kept.
    let again = parse(&formatted, None).map_err(|_| bug())?;
    let same_program = printer::print_program(&again).ok() == printer::print_program(&program).ok();
    let mut before = layout.comment_texts();
    let mut after = layout::Layout::new(&formatted).comment_texts();
    before.sort();
    after.sort();
    if !same_program || before != after {
        return Err(bug());
    }
    Ok(formatted)
}
