//! String literals: decoding escapes, canonical quoting, splitting f-strings
//! (`language/rrl/strings.py`). The escape set is fixed so that every
//! implementation reads and prints strings identically:
//! `\\ \" \' \n \r \t \0 \xHH \uHHHH \UHHHHHHHH`.

use super::names::is_printable;

fn simple_escape(kind: char) -> Option<char> {
    Some(match kind {
        '\\' => '\\',
        '"' => '"',
        '\'' => '\'',
        'n' => '\n',
        'r' => '\r',
        't' => '\t',
        '0' => '\0',
        _ => return None,
    })
}

/// Decode the text between the quotes of a string literal.
pub fn decode_string(body: &str) -> Result<String, String> {
    let chars: Vec<char> = body.chars().collect();
    let mut out = String::with_capacity(body.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c != '\\' {
            out.push(c);
            i += 1;
            continue;
        }
        let Some(&kind) = chars.get(i + 1) else {
            return Err("a backslash ends the string".into());
        };
        let width = match kind {
            'x' => 2,
            'u' => 4,
            'U' => 8,
            _ => 0,
        };
        if width > 0 {
            let digits: String = chars.iter().skip(i + 2).take(width).collect();
            if digits.chars().count() != width || !digits.chars().all(|d| d.is_ascii_hexdigit()) {
                return Err(format!("`\\{kind}` needs {width} hex digits"));
            }
            let code = u32::from_str_radix(&digits, 16).map_err(|e| e.to_string())?;
            match char::from_u32(code) {
                Some(decoded) => out.push(decoded),
                None if (0xD800..=0xDFFF).contains(&code) => {
                    return Err(format!(
                        "`\\{kind}{digits}` is a surrogate, not a character"
                    ));
                }
                None => {
                    return Err(format!(
                        "`\\{kind}{digits}` is past U+10FFFF, the last character"
                    ));
                }
            }
            i += 2 + width;
        } else if let Some(decoded) = simple_escape(kind) {
            out.push(decoded);
            i += 2;
        } else {
            return Err(format!("unknown escape `\\{kind}`"));
        }
    }
    Ok(out)
}

/// The canonical literal for `value`: printable characters as they are, the
/// rest escaped. `escape_both` also escapes the other quote (for strings in
/// an f-string field).
pub fn quote_string(value: &str, quote: char, escape_both: bool) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push(quote);
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            _ if c == quote || (escape_both && (c == '\'' || c == '"')) => {
                out.push('\\');
                out.push(c);
            }
            _ if (c as u32) < 0x20 || c as u32 == 0x7F => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            _ if !is_printable(c) => {
                if (c as u32) <= 0xFFFF {
                    out.push_str(&format!("\\u{:04x}", c as u32));
                } else {
                    out.push_str(&format!("\\U{:08x}", c as u32));
                }
            }
            _ => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// A piece of an f-string: literal text (decoded) or a field.
#[derive(Clone, Debug, PartialEq)]
pub enum Piece {
    Text(String),
    /// The expression's text, its conversion and spec, and the index (in
    /// characters) of the expression within the f-string's body.
    Field {
        text: String,
        conversion: Option<char>,
        spec: Option<String>,
        offset: usize,
    },
}

/// Split the text of `f"..."` (between the quotes) into text and fields.
pub fn split_fstring(body: &str) -> Result<Vec<Piece>, String> {
    let chars: Vec<char> = body.chars().collect();
    let mut parts = Vec::new();
    let mut literal = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '{' && next == Some('{') {
            literal.push('{');
            i += 2;
        } else if c == '}' && next == Some('}') {
            literal.push('}');
            i += 2;
        } else if c == '}' {
            return Err("single `}` is not allowed; write `}}`".into());
        } else if c == '{' {
            if !literal.is_empty() {
                parts.push(Piece::Text(decode_string(&literal)?));
                literal.clear();
            }
            let (field, end) = read_field(&chars, i + 1)?;
            parts.push(field);
            i = end;
        } else {
            literal.push(c);
            if c == '\\' {
                if let Some(escaped) = next {
                    literal.push(escaped);
                    i += 1;
                }
            }
            i += 1;
        }
    }
    if !literal.is_empty() {
        parts.push(Piece::Text(decode_string(&literal)?));
    }
    Ok(parts)
}

fn closing(c: char) -> Option<char> {
    match c {
        '(' => Some(')'),
        '[' => Some(']'),
        '{' => Some('}'),
        _ => None,
    }
}

/// Read `expr[!c][:spec]}` from after `{`: the field and the index after its `}`.
fn read_field(chars: &[char], start: usize) -> Result<(Piece, usize), String> {
    let mut depth: Vec<char> = Vec::new();
    let mut quote: Option<char> = None;
    let mut i = start;
    let mut expr_end: Option<usize> = None;
    let mut conversion = None;
    let mut spec = None;
    let at = |k: usize| chars.get(k).copied();
    while i < chars.len() {
        let c = chars[i];
        if let Some(q) = quote {
            if c == '\\' {
                i += 2;
                continue;
            }
            if c == q {
                quote = None;
            }
        } else if c == '\'' || c == '"' {
            quote = Some(c);
        } else if let Some(close) = closing(c) {
            depth.push(close);
        } else if depth.last() == Some(&c) {
            depth.pop();
        } else if depth.is_empty()
            && c == '!'
            && matches!(at(i + 1), Some('r' | 's'))
            && matches!(at(i + 2), Some(':' | '}'))
        {
            expr_end = Some(i);
            conversion = at(i + 1);
            i += 2;
            continue;
        } else if depth.is_empty() && c == '!' && at(i + 1) != Some('=') {
            return Err("a conversion must be `!r` or `!s`".into());
        } else if depth.is_empty() && (c == ':' || c == '}') {
            let end = *expr_end.get_or_insert(i);
            if c == ':' {
                let Some(close) = chars[i..].iter().position(|&x| x == '}').map(|p| p + i) else {
                    return Err("unclosed `{` field".into());
                };
                let text: String = chars[i + 1..close].iter().collect();
                if text.contains('{') {
                    return Err("nested fields in a format spec are not supported".into());
                }
                spec = Some(text);
                i = close;
            }
            let text: String = chars[start..end].iter().collect();
            if text.trim().is_empty() {
                return Err("empty `{}` field".into());
            }
            let field = Piece::Field {
                text,
                conversion,
                spec,
                offset: start,
            };
            return Ok((field, i + 1));
        }
        i += 1;
    }
    Err("unclosed `{` field".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_and_quotes() {
        assert_eq!(decode_string(r#"a\n\"\x41\u00e9"#).unwrap(), "a\n\"Aé");
        assert!(decode_string(r"\ud800").unwrap_err().contains("surrogate"));
        assert_eq!(
            quote_string("it's \"x\"\n\u{200b}", '"', false),
            r#""it's \"x\"\n\u200b""#
        );
        assert_eq!(quote_string("a'b", '\'', true), r"'a\'b'");
    }

    #[test]
    fn splits_fstrings() {
        let parts = split_fstring("a {x!r:>5} {{b}}").unwrap();
        assert_eq!(parts.len(), 3);
        assert_eq!(
            parts[1],
            Piece::Field {
                text: "x".into(),
                conversion: Some('r'),
                spec: Some(">5".into()),
                offset: 3
            }
        );
        assert_eq!(parts[2], Piece::Text(" {b}".into()));
        assert!(split_fstring("{}").is_err());
    }
}
