//! Character properties and case mappings as CPython 3.11's `str` methods
//! see them (Unicode 14.0.0), from tables generated out of CPython itself
//! (`runtime-rs/tools/unicode_tables.py`).

use super::unicode_tables as tables;

fn in_ranges(ranges: &[(u32, u32)], c: char) -> bool {
    let cp = c as u32;
    match ranges.binary_search_by(|&(first, _)| first.cmp(&cp)) {
        Ok(_) => true,
        Err(0) => false,
        Err(next) => ranges[next - 1].1 >= cp,
    }
}

/// What `repr()` shows as it is (`str.isprintable()`).
pub fn is_printable(c: char) -> bool {
    in_ranges(tables::PRINTABLE, c)
}

/// Python's whitespace (`str.isspace()`): what `split()` and `strip()` remove.
pub fn is_space(c: char) -> bool {
    if c.is_ascii() {
        return matches!(
            c,
            ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c' | '\x1c'..='\x1f'
        );
    }
    in_ranges(tables::SPACE, c)
}

pub fn is_alpha(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphabetic();
    }
    in_ranges(tables::ALPHA, c)
}

/// The value of a decimal digit (`str.isdecimal()`), any script's: `int()`,
/// `float()` and format widths read them.
pub fn decimal_value(c: char) -> Option<u32> {
    if c.is_ascii() {
        return c.to_digit(10);
    }
    let cp = c as u32;
    let index = tables::DECIMAL.partition_point(|&(first, _, _)| first <= cp);
    let &(first, last, value) = tables::DECIMAL.get(index.checked_sub(1)?)?;
    (cp <= last).then(|| value + (cp - first))
}

pub fn is_decimal(c: char) -> bool {
    decimal_value(c).is_some()
}

pub fn is_digit(c: char) -> bool {
    in_ranges(tables::DIGIT, c)
}

pub fn is_numeric(c: char) -> bool {
    in_ranges(tables::NUMERIC, c)
}

/// `str.isalnum()` of one character.
pub fn is_alnum(c: char) -> bool {
    is_alpha(c) || is_decimal(c) || is_digit(c) || is_numeric(c)
}

pub fn is_upper(c: char) -> bool {
    in_ranges(tables::UPPER, c)
}

pub fn is_lower(c: char) -> bool {
    in_ranges(tables::LOWER, c)
}

pub fn is_title(c: char) -> bool {
    in_ranges(tables::TITLE, c)
}

pub fn is_cased(c: char) -> bool {
    is_upper(c) || is_lower(c) || is_title(c)
}

pub fn is_case_ignorable(c: char) -> bool {
    in_ranges(tables::CASE_IGNORABLE, c)
}

fn map_char(
    runs: &[(u32, u32, u32, i32)],
    multi: &[(u32, &'static str)],
    c: char,
    out: &mut String,
) {
    let cp = c as u32;
    if let Ok(index) = multi.binary_search_by(|&(first, _)| first.cmp(&cp)) {
        out.push_str(multi[index].1);
        return;
    }
    let index = runs.partition_point(|&(first, _, _, _)| first <= cp);
    if let Some(&(first, count, stride, delta)) = index.checked_sub(1).and_then(|i| runs.get(i)) {
        let offset = cp - first;
        if offset % stride == 0 && offset / stride < count {
            if let Some(mapped) = char::from_u32(cp.wrapping_add_signed(delta)) {
                out.push(mapped);
                return;
            }
        }
    }
    out.push(c);
}

pub fn push_upper(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push(c.to_ascii_uppercase());
    } else {
        map_char(tables::UPPER_MAP_RUNS, tables::UPPER_MAP_MULTI, c, out);
    }
}

pub fn push_title(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push(c.to_ascii_uppercase());
    } else {
        map_char(tables::TITLE_MAP_RUNS, tables::TITLE_MAP_MULTI, c, out);
    }
}

pub fn push_casefold(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
    } else {
        map_char(tables::FOLD_MAP_RUNS, tables::FOLD_MAP_MULTI, c, out);
    }
}

/// The lowercase of `chars[i]` in its context: a capital sigma at the end
/// of a word becomes a final sigma, as CPython decides it.
pub fn push_lower_at(chars: &[char], i: usize, out: &mut String) {
    let c = chars[i];
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
    } else if c == '\u{3a3}' {
        out.push(if is_final_sigma(chars, i) {
            '\u{3c2}'
        } else {
            '\u{3c3}'
        });
    } else {
        map_char(tables::LOWER_MAP_RUNS, tables::LOWER_MAP_MULTI, c, out);
    }
}

fn is_final_sigma(chars: &[char], i: usize) -> bool {
    let before = chars[..i].iter().rev().find(|&&c| !is_case_ignorable(c));
    if !before.is_some_and(|&c| is_cased(c)) {
        return false;
    }
    let after = chars[i + 1..].iter().find(|&&c| !is_case_ignorable(c));
    !after.is_some_and(|&c| is_cased(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lower(text: &str) -> String {
        let chars: Vec<char> = text.chars().collect();
        let mut out = String::new();
        for i in 0..chars.len() {
            push_lower_at(&chars, i, &mut out);
        }
        out
    }

    #[test]
    fn properties_are_cpythons() {
        assert!(
            is_printable('é')
                && !is_printable('\u{85}')
                && !is_printable('\u{a0}')
                && is_printable(' ')
        );
        assert!(is_space('\u{85}') && is_space('\u{3000}') && !is_space('\u{200b}'));
        assert_eq!(decimal_value('\u{663}'), Some(3)); // ARABIC-INDIC DIGIT THREE
        assert_eq!(decimal_value('²'), None);
        assert!(is_digit('²') && is_numeric('½') && !is_digit('½'));
        assert!(is_alpha('ß') && !is_alpha('\u{345}') && !is_alpha('Ⅻ'));
        assert!(is_title('ǅ') && !is_upper('ǅ'));
    }

    #[test]
    fn case_mappings_are_cpythons() {
        let mut out = String::new();
        for c in "ßǆﬃİ".chars() {
            push_upper(c, &mut out);
        }
        assert_eq!(out, "SSǄFFIİ");
        out.clear();
        for c in "ǆß".chars() {
            push_title(c, &mut out);
        }
        assert_eq!(out, "ǅSs");
        out.clear();
        for c in "ßẞΣ".chars() {
            push_casefold(c, &mut out);
        }
        assert_eq!(out, "ssssσ");
        assert_eq!(lower("ΟΔΟΣ ΣΑ Σ"), "οδος σα σ");
        assert_eq!(lower("İ"), "i\u{307}");
    }
}
