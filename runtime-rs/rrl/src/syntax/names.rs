//! RRL's keywords, and where a word is a name (docs/language.md, "Names";
//! `language/rrl/keywords.py`). Names follow Python's rules: XID_Start (or
//! `_`) then XID_Continue, and a name stands for its NFKC normal form.

use unicode_normalization::UnicodeNormalization;

use super::unprintable::UNPRINTABLE;

pub const KEYWORDS: &[&str] = &[
    "rrl",
    "from",
    "import",
    "as",
    "const",
    "action",
    "fn",
    "workflow",
    "await",
    "parallel",
    "return_exceptions",
    "limit",
    "retry",
    "backoff",
    "timeout",
    "max",
    "if",
    "elif",
    "else",
    "for",
    "in",
    "while",
    "break",
    "continue",
    "try",
    "except",
    "finally",
    "raise",
    "sleep",
    "return",
    "pass",
    "del",
    "and",
    "or",
    "not",
    "is",
    "lambda",
    "True",
    "False",
    "None",
    "exception",
    "model",
    "dataclass",
    "namedtuple",
    "enum",
    "frozen",
];

/// Keywords only where the grammar expects them (a policy, a `while` bound,
/// the mode and limit of a `parallel` block, the kind of a class
/// declaration); names everywhere else (`max(xs)`, `model = await train()`).
pub const CONTEXTUAL: &[&str] = &[
    "retry",
    "backoff",
    "timeout",
    "max",
    "limit",
    "return_exceptions",
    "exception",
    "model",
    "dataclass",
    "namedtuple",
    "enum",
    "frozen",
];

/// The keywords of RRL that Python does not reserve: a name of Python's world
/// (an attribute, a keyword argument, an action and its parameters, a
/// workflow, a field or an enum member, a module, a qualname, a type) may be
/// one of them.
pub const RRL_ONLY: &[&str] = &[
    "rrl", "const", "action", "fn", "workflow", "parallel", "sleep",
];

pub fn is_keyword(word: &str) -> bool {
    KEYWORDS.contains(&word)
}

pub fn is_contextual(word: &str) -> bool {
    CONTEXTUAL.contains(&word)
}

/// A keyword that is a keyword wherever it stands (not a contextual one).
pub fn is_hard_keyword(word: &str) -> bool {
    is_keyword(word) && !is_contextual(word)
}

/// Whether `name` is a keyword that cannot be a name where it stands: a
/// variable, parameter, const, fn or import alias, or, `of_python`, a name
/// of Python's world.
pub fn is_reserved(name: &str, of_python: bool) -> bool {
    if !is_hard_keyword(name) {
        return false;
    }
    !(of_python && RRL_ONLY.contains(&name))
}

/// The help of RPL0010 for the keyword `name` where a name stands.
pub fn keyword_help(name: &str) -> String {
    let mut help = format!("choose another name, such as `{name}_`");
    if is_reserved(name, false) && !is_reserved(name, true) {
        help.push_str(&format!(
            "; `{name}` names only attributes, keyword arguments and what the program takes from Python (actions, workflows, modules, types)"
        ));
    }
    help
}

pub fn is_xid_start(c: char) -> bool {
    c == '_' || unicode_ident::is_xid_start(c)
}

pub fn is_xid_continue(c: char) -> bool {
    unicode_ident::is_xid_continue(c)
}

/// Python's `str.isidentifier`.
pub fn is_identifier(text: &str) -> bool {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) if is_xid_start(first) => chars.all(is_xid_continue),
        _ => false,
    }
}

/// Python's `str.isprintable` for one character.
pub fn is_printable(c: char) -> bool {
    let code = c as u32;
    UNPRINTABLE
        .binary_search_by(|&(low, high)| {
            if high < code {
                std::cmp::Ordering::Less
            } else if low > code {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_err()
}

pub fn nfkc(text: &str) -> String {
    text.nfkc().collect()
}

/// Why the parser would not read `name` back as this name, or None: what the
/// printer checks before it writes one.
pub fn name_problem(name: &str, of_python: bool) -> Option<&'static str> {
    let valid = match name.strip_prefix('$') {
        Some(rest) => !rest.is_empty() && rest.chars().all(is_xid_continue),
        None => is_identifier(name),
    };
    if !valid {
        return Some("it is not an identifier");
    }
    if !name.is_ascii() && nfkc(name) != name {
        return Some("it is not in its NFKC normal form");
    }
    if is_reserved(name, of_python) {
        return Some("it is a keyword");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_rules() {
        assert!(is_identifier("größe"));
        assert!(is_identifier("名前"));
        assert!(!is_identifier("x²"));
        assert!(!is_identifier("a€b"));
        assert_eq!(nfkc("ﬁle"), "file");
        assert!(is_printable('a') && is_printable(' ') && is_printable('é'));
        assert!(!is_printable('\n') && !is_printable('\u{200b}') && !is_printable('\u{a0}'));
        assert!(
            is_reserved("if", true) && !is_reserved("sleep", true) && is_reserved("sleep", false)
        );
        assert!(!is_reserved("max", false));
        assert_eq!(name_problem("$1_x", false), None);
        assert_eq!(name_problem("$", false), Some("it is not an identifier"));
    }
}
