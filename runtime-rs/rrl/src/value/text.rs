//! Python's `repr` of `str` and `bytes`, and code-point indexing of `str`.

use super::unicode;

/// `repr(s)`: single quotes unless the text has a `'` and no `"`; escapes
/// for the backslash, the quote, `\t \n \r`, and every character that is not
/// printable (`\x..`, `\u....`, `\U........`).
pub fn repr_str(text: &str) -> String {
    let quote = if text.contains('\'') && !text.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(text.len() + 2);
    out.push(quote);
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            ' '..='~' => out.push(c),
            c if !c.is_ascii() && unicode::is_printable(c) => out.push(c),
            c => {
                let cp = c as u32;
                if cp < 0x100 {
                    out.push_str(&format!("\\x{cp:02x}"));
                } else if cp < 0x10000 {
                    out.push_str(&format!("\\u{cp:04x}"));
                } else {
                    out.push_str(&format!("\\U{cp:08x}"));
                }
            }
        }
    }
    out.push(quote);
    out
}

/// `repr(b)`: `b'...'`, printable ASCII as it is, the rest escaped.
pub fn repr_bytes(bytes: &[u8]) -> String {
    let quote = if bytes.contains(&b'\'') && !bytes.contains(&b'"') {
        b'"'
    } else {
        b'\''
    };
    let mut out = String::with_capacity(bytes.len() + 3);
    out.push('b');
    out.push(quote as char);
    for &b in bytes {
        match b {
            b'\\' => out.push_str("\\\\"),
            b'\t' => out.push_str("\\t"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b if b == quote => {
                out.push('\\');
                out.push(b as char);
            }
            b' '..=b'~' => out.push(b as char),
            b => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out.push(quote as char);
    out
}

/// The number of code points: Python's `len(s)`.
pub fn char_len(text: &str) -> usize {
    if text.is_ascii() {
        text.len()
    } else {
        text.chars().count()
    }
}

/// The code points `start..end` of `text` (bounds already clamped to its length).
pub fn char_slice(text: &str, start: usize, end: usize) -> &str {
    if text.is_ascii() {
        return &text[start..end.max(start)];
    }
    let mut indices = text
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(text.len()));
    let from = indices.nth(start).unwrap_or(text.len());
    let to = if end > start {
        indices.nth(end - start - 1).unwrap_or(text.len())
    } else {
        from
    };
    &text[from..to]
}

/// The code point at `index` (already within bounds).
pub fn char_at(text: &str, index: usize) -> Option<char> {
    if text.is_ascii() {
        return text.as_bytes().get(index).map(|&b| b as char);
    }
    text.chars().nth(index)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reprs_are_pythons() {
        assert_eq!(repr_str("it's"), "\"it's\"");
        assert_eq!(repr_str("say \"hi\" 'x'"), "'say \"hi\" \\'x\\''");
        assert_eq!(
            repr_str("a\tb\n\x00\x7f\u{85}é\u{a0}\u{200b}\u{1f600}\u{e0001}"),
            "'a\\tb\\n\\x00\\x7f\\x85é\\xa0\\u200b\u{1f600}\\U000e0001'"
        );
        assert_eq!(repr_bytes(b"a'\x00\xff\\"), "b\"a'\\x00\\xff\\\\\"");
        assert_eq!(repr_bytes(b""), "b''");
    }

    #[test]
    fn slices_by_code_point() {
        assert_eq!(char_slice("héllo", 1, 3), "él");
        assert_eq!(char_slice("héllo", 3, 1), "");
        assert_eq!(char_slice("héllo", 4, 5), "o");
        assert_eq!(char_at("héllo", 1), Some('é'));
        assert_eq!(char_len("héllo"), 5);
    }
}
