//! Formatting: the format mini-language of `format()`, f-strings and
//! `str.format` (CPython's `Python/formatter_unicode.c` for str, int and
//! float; `decimal`'s own `__format__`; `strftime` for dates and times), and
//! printf-style `str % args`.

use std::sync::Arc;

use crate::value::class::RecordKind;
#[cfg(test)]
use crate::value::datetime::DateTime;
use crate::value::datetime::{Date, Time};
use crate::value::decimal::{Decimal, DecimalKind};
use crate::value::{
    BuiltinException, EnumKind, Exception, Int, Outcome, Value, float, repr, text, unicode,
};

use super::ops::{self, as_int, int_to_float, memory_error, type_error, unwrap_enum};

fn value_error(message: impl Into<String>) -> Exception {
    Exception::new(BuiltinException::ValueError, message)
}

/// A parsed format spec: `[[fill]align][sign][z][#][0][width][,|_][.precision][type]`.
#[derive(Clone, Debug)]
pub struct Spec {
    pub fill: char,
    pub align: Option<char>,
    pub sign: Option<char>,
    pub no_neg_zero: bool,
    pub alternate: bool,
    pub width: Option<usize>,
    /// `,` or `_`; `_` groups by four for `b`, `o`, `x` and `X`.
    pub grouping: Option<char>,
    pub precision: Option<usize>,
    pub kind: Option<char>,
    /// The `0` flag (not an explicit `0` fill).
    pub zero_padded: bool,
}

fn is_align(c: char) -> bool {
    matches!(c, '<' | '>' | '=' | '^')
}

/// Decimal digits of any script, as CPython reads a width or precision.
fn read_number(chars: &[char], pos: &mut usize) -> Outcome<Option<usize>> {
    let start = *pos;
    let mut value: usize = 0;
    while let Some(digit) = chars.get(*pos).and_then(|&c| unicode::decimal_value(c)) {
        value = value
            .checked_mul(10)
            .and_then(|v| v.checked_add(digit as usize))
            .filter(|&v| v <= isize::MAX as usize)
            .ok_or_else(|| value_error("Too many decimal digits in format string"))?;
        *pos += 1;
    }
    Ok((*pos > start).then_some(value))
}

fn shown_code(c: char) -> String {
    if (c as u32) > 32 && (c as u32) < 128 {
        c.to_string()
    } else {
        format!("\\x{:x}", c as u32)
    }
}

/// `[[fill]align][sign]` at the start of a spec: the position after them,
/// and whether a fill character was given.
fn read_align_and_sign(chars: &[char], out: &mut Spec) -> (usize, bool) {
    let mut pos = 0;
    let mut fill_specified = false;
    if chars.len() >= 2 && is_align(chars[1]) {
        out.fill = chars[0];
        out.align = Some(chars[1]);
        fill_specified = true;
        pos = 2;
    } else if chars.first().is_some_and(|&c| is_align(c)) {
        out.align = Some(chars[0]);
        pos = 1;
    }
    if let Some(&c @ (' ' | '+' | '-')) = chars.get(pos) {
        out.sign = Some(c);
        pos += 1;
    }
    (pos, fill_specified)
}

/// Parse a spec for a value of type `type_name` whose default presentation is `default_kind`.
pub fn parse_spec(spec: &str, type_name: &str, default_kind: Option<char>) -> Outcome<Spec> {
    let chars: Vec<char> = spec.chars().collect();
    let mut out = Spec {
        fill: ' ',
        align: None,
        sign: None,
        no_neg_zero: false,
        alternate: false,
        width: None,
        grouping: None,
        precision: None,
        kind: default_kind,
        zero_padded: false,
    };
    let (mut pos, fill_specified) = read_align_and_sign(&chars, &mut out);
    if chars.get(pos) == Some(&'z') {
        out.no_neg_zero = true;
        pos += 1;
    }
    if chars.get(pos) == Some(&'#') {
        out.alternate = true;
        pos += 1;
    }
    if !fill_specified && chars.get(pos) == Some(&'0') {
        out.fill = '0';
        out.zero_padded = true;
        if out.align.is_none() && default_kind != Some('s') {
            out.align = Some('=');
        }
        pos += 1;
    }
    out.width = read_number(&chars, &mut pos)?;
    let both = || value_error("Cannot specify both ',' and '_'.");
    if chars.get(pos) == Some(&',') {
        out.grouping = Some(',');
        pos += 1;
    }
    if chars.get(pos) == Some(&'_') {
        if out.grouping.is_some() {
            return Err(both());
        }
        out.grouping = Some('_');
        pos += 1;
    }
    if chars.get(pos) == Some(&',') {
        return Err(both());
    }
    if chars.get(pos) == Some(&'.') {
        pos += 1;
        out.precision = Some(
            read_number(&chars, &mut pos)?
                .ok_or_else(|| value_error("Format specifier missing precision"))?,
        );
    }
    if chars.len() - pos > 1 {
        return Err(value_error(format!(
            "Invalid format specifier '{spec}' for object of type '{type_name}'"
        )));
    }
    if let Some(&c) = chars.get(pos) {
        out.kind = Some(c);
    }
    if out.grouping.is_some() {
        match out.kind {
            None | Some('d' | 'e' | 'f' | 'g' | 'E' | 'G' | '%' | 'F') => {}
            Some('b' | 'o' | 'x' | 'X') if out.grouping == Some('_') => {}
            Some(c) => {
                let separator = out.grouping.unwrap_or(',');
                return Err(value_error(format!(
                    "Cannot specify '{separator}' with '{}'.",
                    shown_code(c)
                )));
            }
        }
    }
    Ok(out)
}

/// A spec as the decimal module reads one (libmpdec's `mpd_parse_fmt_str`,
/// after CPython strips the first `z`): `[[fill]align][sign][0][width][,]
/// [.precision][type]`, no `#` and no `_`; every bad spec is one error.
fn parse_decimal_spec(spec: &str) -> Outcome<Spec> {
    let invalid = || value_error("invalid format string");
    let no_neg_zero = spec.contains('z');
    let spec: String = match spec.find('z') {
        Some(at) => format!("{}{}", &spec[..at], &spec[at + 1..]),
        None => spec.to_string(),
    };
    let chars: Vec<char> = spec.chars().collect();
    let mut out = Spec {
        fill: ' ',
        align: None,
        sign: None,
        no_neg_zero,
        alternate: false,
        width: None,
        grouping: None,
        precision: None,
        kind: None,
        zero_padded: false,
    };
    let (mut pos, _) = read_align_and_sign(&chars, &mut out);
    if chars.get(pos) == Some(&'0') {
        if out.align.is_some() {
            return Err(invalid());
        }
        out.fill = '0';
        out.zero_padded = true;
        out.align = Some('=');
        pos += 1;
    }
    let digits = |pos: &mut usize| -> Outcome<Option<usize>> {
        let start = *pos;
        while chars.get(*pos).is_some_and(char::is_ascii_digit) {
            *pos += 1;
        }
        let text: String = chars[start..*pos].iter().collect();
        if text.is_empty() {
            Ok(None)
        } else {
            text.parse().map(Some).map_err(|_| invalid())
        }
    };
    out.width = digits(&mut pos)?;
    if chars.get(pos) == Some(&',') {
        out.grouping = Some(',');
        pos += 1;
    }
    if chars.get(pos) == Some(&'.') {
        pos += 1;
        out.precision = Some(digits(&mut pos)?.ok_or_else(invalid)?);
    }
    match chars.get(pos) {
        Some(&c @ ('e' | 'E' | 'f' | 'F' | 'g' | 'G' | '%')) => {
            out.kind = Some(c);
            pos += 1;
        }
        Some(&c @ ('n' | 'N')) if out.grouping.is_none() => {
            out.kind = Some(if c == 'N' { 'G' } else { 'g' });
            pos += 1;
        }
        _ => {}
    }
    if pos != chars.len() {
        return Err(invalid());
    }
    Ok(out)
}

fn unknown_code(kind: char, type_name: &str) -> Exception {
    value_error(format!(
        "Unknown format code '{}' for object of type '{type_name}'",
        shown_code(kind)
    ))
}

fn check_width(width: Option<usize>) -> Outcome<()> {
    match width {
        Some(width) if width as u64 > ops::MAX_ITEMS => Err(memory_error()),
        _ => Ok(()),
    }
}

/// Pad `body` (of `length` characters) to the spec's width.
fn pad(body: &str, length: usize, spec: &Spec, default_align: char) -> String {
    let width = spec.width.unwrap_or(0);
    if length >= width {
        return body.to_string();
    }
    let padding = width - length;
    let (left, right) = match spec.align.unwrap_or(default_align) {
        '>' => (padding, 0),
        '^' => (padding / 2, padding - padding / 2),
        _ => (0, padding),
    };
    let fill = |n: usize| std::iter::repeat_n(spec.fill, n).collect::<String>();
    format!("{}{body}{}", fill(left), fill(right))
}

/// `format(text, spec)` for str.
fn format_str(value: &str, spec: &Spec, type_name: &str) -> Outcome<String> {
    match spec.kind {
        Some('s') | None => {}
        Some(kind) => return Err(unknown_code(kind, type_name)),
    }
    match spec.sign {
        Some(' ') => return Err(value_error("Space not allowed in string format specifier")),
        Some(_) => return Err(value_error("Sign not allowed in string format specifier")),
        None => {}
    }
    if spec.no_neg_zero {
        return Err(value_error(
            "Negative zero coercion (z) not allowed in string format specifier",
        ));
    }
    if spec.alternate {
        return Err(value_error(
            "Alternate form (#) not allowed in string format specifier",
        ));
    }
    if spec.align == Some('=') {
        return Err(value_error(
            "'=' alignment not allowed in string format specifier",
        ));
    }
    check_width(spec.width)?;
    let length = text::char_len(value);
    let (body, length) = match spec.precision {
        Some(precision) if precision < length => (text::char_slice(value, 0, precision), precision),
        _ => (value, length),
    };
    Ok(pad(body, length, spec, '<'))
}

/// Digits grouped by `size` with `separator`, zero-filled to `min_width`
/// characters (CPython's `_PyUnicode_InsertThousandsGrouping`).
fn group_digits(digits: &str, separator: Option<char>, size: usize, min_width: isize) -> String {
    let digits: Vec<char> = digits.chars().collect();
    let mut remaining = digits.len() as isize;
    let mut min_width = min_width;
    let mut groups: Vec<String> = Vec::new();
    let take = |remaining: isize, length: isize| -> String {
        let zeros = (length - remaining).max(0) as usize;
        let count = remaining.min(length).max(0) as usize;
        let end = remaining.max(0) as usize;
        let mut group: String = "0".repeat(zeros);
        group.extend(&digits[end - count..end]);
        group
    };
    match separator {
        Some(_) => loop {
            let length = (size as isize).min(remaining.max(min_width).max(1));
            groups.push(take(remaining, length));
            remaining -= remaining.min(length).max(0);
            min_width -= length;
            if remaining <= 0 && min_width <= 0 {
                break;
            }
            min_width -= 1;
        },
        None => {
            let length = remaining.max(min_width).max(1);
            groups.push(take(remaining, length));
        }
    }
    groups.reverse();
    groups.join(&separator.map(String::from).unwrap_or_default())
}

/// Lay out a number: `[sign][prefix][digits][remainder]` padded as the spec
/// says (CPython's `calc_number_widths` and `fill_number`). `number` holds the
/// digits then the remainder (`.5`, `e+10`, `%`).
fn layout_number(
    negative: bool,
    prefix: &str,
    number: &str,
    spec: &Spec,
    group_size: usize,
) -> String {
    let digit_count = number.chars().take_while(|c| c.is_ascii_digit()).count();
    let (digits, remainder) = number.split_at(digit_count);
    let sign = match (negative, spec.sign) {
        (true, _) => "-",
        (false, Some('+')) => "+",
        (false, Some(' ')) => " ",
        _ => "",
    };
    let width = spec.width.map_or(-1, |width| width as isize);
    let fixed = sign.len() + prefix.len() + remainder.chars().count();
    let zero_fill = spec.fill == '0' && spec.align == Some('=');
    let min_width = if zero_fill { width - fixed as isize } else { 0 };
    let grouped = if digits.is_empty() {
        String::new()
    } else {
        group_digits(digits, spec.grouping, group_size, min_width)
    };
    let length = fixed + grouped.chars().count();
    let padding = (width - length as isize).max(0) as usize;
    let fill = |n: usize| std::iter::repeat_n(spec.fill, n).collect::<String>();
    let (left, middle, right) = match spec.align.unwrap_or('>') {
        '<' => (0, 0, padding),
        '^' => (padding / 2, 0, padding - padding / 2),
        '=' => (0, padding, 0),
        _ => (padding, 0, 0),
    };
    format!(
        "{}{sign}{prefix}{}{grouped}{remainder}{}",
        fill(left),
        fill(middle),
        fill(right)
    )
}

/// `format(n, spec)` for an int (or a bool, with a spec).
fn format_int(n: &Int, spec: &Spec, type_name: &str) -> Outcome<String> {
    let kind = spec.kind.unwrap_or('d');
    if matches!(kind, 'e' | 'E' | 'f' | 'F' | 'g' | 'G' | '%') {
        return format_float(int_to_float(n)?, spec, type_name);
    }
    let base = match kind {
        'b' => 2,
        'o' => 8,
        'x' | 'X' => 16,
        'd' | 'n' | 'c' => 10,
        other => return Err(unknown_code(other, type_name)),
    };
    if spec.precision.is_some() {
        return Err(value_error(
            "Precision not allowed in integer format specifier",
        ));
    }
    if spec.no_neg_zero {
        return Err(value_error(
            "Negative zero coercion (z) not allowed in integer format specifier",
        ));
    }
    check_width(spec.width)?;
    if kind == 'c' {
        if spec.sign.is_some() {
            return Err(value_error(
                "Sign not allowed with integer format specifier 'c'",
            ));
        }
        if spec.alternate {
            return Err(value_error(
                "Alternate form (#) not allowed with integer format specifier 'c'",
            ));
        }
        let c = n
            .as_i64()
            .and_then(|code| u32::try_from(code).ok())
            .and_then(char::from_u32);
        let Some(c) = c else {
            return Err(Exception::new(
                BuiltinException::OverflowError,
                "%c arg not in range(0x110000)",
            ));
        };
        return Ok(layout_char(c, spec));
    }
    let digits = if base == 10 {
        repr::int_text(&n.abs())?
    } else {
        n.abs().to_str_radix(base)
    };
    let digits = if kind == 'X' {
        digits.to_uppercase()
    } else {
        digits
    };
    let prefix = match (spec.alternate, kind) {
        (true, 'b') => "0b",
        (true, 'o') => "0o",
        (true, 'x') => "0x",
        (true, 'X') => "0X",
        _ => "",
    };
    let group_size = if base == 10 { 3 } else { 4 };
    Ok(layout_number(
        n.is_negative(),
        prefix,
        &digits,
        spec,
        group_size,
    ))
}

/// `format(n, 'c')`: the character, padded as a number is.
fn layout_char(c: char, spec: &Spec) -> String {
    let width = spec.width.unwrap_or(0);
    let padding = width.saturating_sub(1);
    let fill = |n: usize| std::iter::repeat_n(spec.fill, n).collect::<String>();
    match spec.align.unwrap_or('>') {
        '<' => format!("{c}{}", fill(padding)),
        '^' => format!("{}{c}{}", fill(padding / 2), fill(padding - padding / 2)),
        '=' => format!("{}{c}", fill(padding)),
        _ => format!("{}{c}", fill(padding)),
    }
}

/// `format(x, spec)` for a float.
fn format_float(x: f64, spec: &Spec, type_name: &str) -> Outcome<String> {
    check_width(spec.width)?;
    let (code, precision, add_dot_0) = match spec.kind {
        None => match spec.precision {
            None => ('r', 0, true),
            Some(precision) => ('g', precision, true),
        },
        Some('n') => ('g', spec.precision.unwrap_or(6), false),
        Some(kind @ ('e' | 'E' | 'f' | 'F' | 'g' | 'G' | '%')) => {
            (kind, spec.precision.unwrap_or(6), false)
        }
        Some(other) => return Err(unknown_code(other, type_name)),
    };
    let (value, code) = if code == '%' {
        (x * 100.0, 'f')
    } else {
        (x, code)
    };
    let mut text = float::format(value, code, precision, spec.alternate, add_dot_0);
    if spec.kind == Some('%') {
        text.push('%');
    }
    let mut negative = text.starts_with('-');
    if negative {
        text.remove(0);
    }
    let rounds_to_zero = text.chars().any(|c| c.is_ascii_digit())
        && text.chars().all(|c| !c.is_ascii_digit() || c == '0');
    if spec.no_neg_zero && negative && rounds_to_zero {
        negative = false;
    }
    Ok(layout_number(negative, "", &text, spec, 3))
}

/// `format(d, spec)` for a Decimal, as the decimal module formats one.
fn format_decimal(d: &Decimal, spec: &Spec) -> Outcome<String> {
    check_width(spec.width)?;
    let sign = |negative: bool| match (negative, spec.sign) {
        (true, _) => "-",
        (false, Some('+')) => "+",
        (false, Some(' ')) => " ",
        _ => "",
    };
    let kind = match spec.kind {
        None => 'G',
        Some('n') => 'g',
        Some(kind @ ('e' | 'E' | 'f' | 'F' | 'g' | 'G' | '%')) => kind,
        Some(_) => return Err(value_error("invalid format string")),
    };
    let DecimalKind::Finite {
        coefficient,
        exponent,
    } = &d.kind
    else {
        let mut body = crate::value::decimal::absolute_text(d);
        if kind == '%' {
            body.push('%');
        }
        // The 0 flag pads a NaN or an infinity with spaces, on the left.
        let mut special = spec.clone();
        if spec.zero_padded {
            special.fill = ' ';
            special.align = Some('>');
        }
        return Ok(align_decimal(sign(d.negative), &body, &special));
    };
    let mut digits = coefficient.to_string();
    let mut exponent = *exponent + if kind == '%' { 2 } else { 0 };
    let precision = spec.precision.map(|p| {
        if matches!(kind, 'g' | 'G') {
            p.max(1)
        } else {
            p
        }
    });
    if let Some(precision) = precision {
        // Rounding to significant digits leaves a zero alone (`_round`).
        let zero = digits.bytes().all(|b| b == b'0');
        let rounded = match kind {
            'e' | 'E' if zero => None,
            'e' | 'E' => Some(crate::value::decimal::round_digits(
                &digits,
                exponent,
                precision + 1,
            )),
            'f' | 'F' | '%' => Some(crate::value::decimal::rescale_digits(
                &digits,
                exponent,
                -(precision as i64),
            )),
            _ if digits.len() > precision => Some(crate::value::decimal::round_digits(
                &digits, exponent, precision,
            )),
            _ => None,
        };
        if let Some((new_digits, new_exponent)) = rounded {
            digits = new_digits;
            exponent = new_exponent;
        }
    }
    let zero = digits.bytes().all(|b| b == b'0');
    if zero && exponent > 0 && matches!(kind, 'f' | 'F' | '%') {
        digits = "0".to_string();
        exponent = 0;
    }
    let negative = d.negative && !(zero && spec.no_neg_zero);
    let left_digits = exponent + digits.len() as i64;
    let dot = match kind {
        'e' | 'E' => {
            if zero && precision.is_some() {
                1 - precision.unwrap_or(0) as i64
            } else {
                1
            }
        }
        'f' | 'F' | '%' => left_digits,
        _ => {
            if exponent <= 0 && left_digits > -6 {
                left_digits
            } else {
                1
            }
        }
    };
    let (int_part, mut fraction) = if dot < 0 {
        (
            "0".to_string(),
            format!("{}{digits}", "0".repeat((-dot) as usize)),
        )
    } else if dot as usize > digits.len() {
        (
            format!("{digits}{}", "0".repeat(dot as usize - digits.len())),
            String::new(),
        )
    } else {
        let (head, tail) = digits.split_at(dot as usize);
        (
            if head.is_empty() {
                "0".to_string()
            } else {
                head.to_string()
            },
            tail.to_string(),
        )
    };
    let shown_exponent = left_digits - dot;
    if !fraction.is_empty() || spec.alternate {
        fraction.insert(0, '.');
    }
    if shown_exponent != 0 || matches!(kind, 'e' | 'E') {
        let e = if matches!(kind, 'E' | 'G') { 'E' } else { 'e' };
        fraction.push_str(&format!("{e}{shown_exponent:+}"));
    }
    if kind == '%' {
        fraction.push('%');
    }
    let sign = sign(negative);
    let zero_pad = spec.fill == '0' && spec.align == Some('=');
    let min_width = if zero_pad {
        spec.width.unwrap_or(0) as isize - fraction.chars().count() as isize - sign.len() as isize
    } else {
        0
    };
    let int_part = group_digits(&int_part, spec.grouping, 3, min_width);
    Ok(align_decimal(sign, &format!("{int_part}{fraction}"), spec))
}

fn align_decimal(sign: &str, body: &str, spec: &Spec) -> String {
    let length = sign.len() + body.chars().count();
    let padding = spec.width.unwrap_or(0).saturating_sub(length);
    let fill = |n: usize| std::iter::repeat_n(spec.fill, n).collect::<String>();
    match spec.align.unwrap_or('>') {
        '<' => format!("{sign}{body}{}", fill(padding)),
        '=' => format!("{sign}{}{body}", fill(padding)),
        '^' => format!(
            "{}{sign}{body}{}",
            fill(padding / 2),
            fill(padding - padding / 2)
        ),
        _ => format!("{}{sign}{body}", fill(padding)),
    }
}

/// `format(value, spec)`: what `format()`, f-strings and `str.format` do.
pub fn format_value(value: &Value, spec: &str) -> Outcome<String> {
    format_as(value, spec, value.type_name())
}

/// `format_value`, with the class Python's messages name (an `IntEnum`
/// member formats as its int, but the messages name its class).
fn format_as(value: &Value, spec: &str, type_name: &str) -> Outcome<String> {
    match value {
        Value::Str(text) => {
            if spec.is_empty() {
                return Ok(text.to_string());
            }
            format_str(text, &parse_spec(spec, type_name, Some('s'))?, type_name)
        }
        Value::Bool(_) | Value::Int(_) if spec.is_empty() => repr::str(value),
        Value::Bool(_) | Value::Int(_) => {
            let n = as_int(value).unwrap_or(Int::Small(0));
            format_int(&n, &parse_spec(spec, type_name, Some('d'))?, type_name)
        }
        Value::Float(x) => format_float(*x, &parse_spec(spec, type_name, None)?, type_name),
        Value::Decimal(d) => {
            if spec.is_empty() {
                return Ok(d.to_sci_string());
            }
            format_decimal(d, &parse_decimal_spec(spec)?)
        }
        // A member of an undeclared enum is formatted as any object is.
        Value::Enum(member) if member.name.is_none() && !spec.is_empty() => Err(type_error(
            format!("unsupported format string passed to {type_name}.__format__"),
        )),
        Value::Enum(member) => match member.class.kind {
            EnumKind::ReprEnum => format_as(&member.value, spec, type_name),
            _ => format_value(&Value::str(&repr::str(value)?), spec),
        },
        Value::DateTime(_) | Value::Date(_) | Value::Time(_) if !spec.is_empty() => {
            strftime(value, spec)
        }
        other => {
            if spec.is_empty() {
                return repr::str(other);
            }
            let owner = match other {
                Value::Record(record) if record.class.kind == RecordKind::Dataclass => {
                    record.class.name.qualname().to_string()
                }
                _ => type_name.to_string(),
            };
            Err(type_error(format!(
                "unsupported format string passed to {owner}.__format__"
            )))
        }
    }
}

/// An f-string field: `{value!r:spec}`.
pub fn format_field(value: &Value, conversion: Option<char>, spec: &str) -> Outcome<String> {
    match conversion {
        Some('r') => format_value(&Value::str(&repr::repr(value)?), spec),
        Some('s') => format_value(&Value::str(&repr::str(value)?), spec),
        Some('a') => format_value(&Value::str(&ascii(&repr::repr(value)?)), spec),
        _ => format_value(value, spec),
    }
}

/// `ascii()`: a repr with everything beyond ASCII escaped.
pub fn ascii(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let cp = c as u32;
        if cp < 0x80 {
            out.push(c);
        } else if cp < 0x100 {
            out.push_str(&format!("\\x{cp:02x}"));
        } else if cp < 0x10000 {
            out.push_str(&format!("\\u{cp:04x}"));
        } else {
            out.push_str(&format!("\\U{cp:08x}"));
        }
    }
    out
}

// ------------------------------------------------------------------ strftime

const DAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// `value.strftime(pattern)` in the C locale, as CPython writes it on Linux:
/// glibc's directives, with its flags (`-` `_` `0` `^` `#`), a width and an
/// `E` / `O` modifier after the `%`. CPython itself writes the plain `%f`,
/// `%z` and `%Z`; glibc's `%z` of a date with flags or a width is empty (the
/// `struct tm` CPython passes has no offset), its `%Z` the empty name padded.
/// A NUL ends the pattern, as C strings do.
pub fn strftime(value: &Value, pattern: &str) -> Outcome<String> {
    let midnight = Time {
        hour: 0,
        minute: 0,
        second: 0,
        microsecond: 0,
        offset: None,
    };
    let (date, time, zone): (Date, Time, Option<&str>) = match value {
        Value::DateTime(dt) => (dt.date, dt.time.clone(), dt.zone.as_deref()),
        Value::Date(date) => (*date, midnight, None),
        Value::Time(time) => (
            Date {
                year: 1900,
                month: 1,
                day: 1,
            },
            (**time).clone(),
            None,
        ),
        other => {
            return Err(type_error(format!(
                "'{}' object has no strftime",
                other.type_name()
            )));
        }
    };
    let moment = Moment::new(date, &time, zone);
    let chars: Vec<char> = pattern.chars().take_while(|&c| c != '\0').collect();
    let mut out = String::new();
    let mut at = 0;
    while at < chars.len() {
        let c = chars[at];
        at += 1;
        if c != '%' {
            out.push(c);
            continue;
        }
        let start = at - 1;
        let mut flags = Flags::default();
        while let Some(&flag) = chars.get(at) {
            match flag {
                '-' | '_' | '0' => flags.pad = Some(flag),
                '^' => flags.upper = true,
                '#' => flags.swap_case = true,
                _ => break,
            }
            at += 1;
        }
        while let Some(digit) = chars.get(at).and_then(|c| c.to_digit(10)) {
            let width = flags.width.unwrap_or(0);
            flags.width = Some(width.saturating_mul(10).saturating_add(digit as usize));
            at += 1;
        }
        let modifier = chars.get(at).copied().filter(|&m| m == 'E' || m == 'O');
        if modifier.is_some() {
            flags.modified = true;
            at += 1;
        }
        let Some(&directive) = chars.get(at) else {
            out.push_str(&pad_text(chars[start..].iter().collect(), flags.width, ' '));
            break;
        };
        at += 1;
        // The directives glibc takes each modifier on (it ignores them in the C locale).
        let valid = match modifier {
            Some('E') => "cnprtuxyzCPRTXYZ%".contains(directive),
            Some(_) => "bdeghjklmnprtuwyzBCGHIMPRSTUVWZ%".contains(directive),
            None => true,
        };
        let piece = if valid {
            moment.directive(directive, &flags)?
        } else {
            None
        };
        match piece {
            Some(piece) => out.push_str(&piece),
            None => {
                let literal: String = chars[start..at].iter().collect();
                out.push_str(&pad_text(literal, flags.width, ' '));
            }
        }
    }
    Ok(out)
}

/// What comes between a `%` and its directive.
#[derive(Default)]
struct Flags {
    /// `-` (no padding), `_` (spaces) or `0` (zeros); the last one given counts.
    pad: Option<char>,
    upper: bool,
    swap_case: bool,
    width: Option<usize>,
    /// An `E` or `O` modifier.
    modified: bool,
}

impl Flags {
    /// Nothing between the `%` and the directive: CPython writes `%f`, `%z`
    /// and `%Z` itself only then.
    fn plain(&self) -> bool {
        self.pad.is_none()
            && !self.upper
            && !self.swap_case
            && self.width.is_none()
            && !self.modified
    }
}

fn pad_text(text: String, width: Option<usize>, fill: char) -> String {
    let length = text.chars().count();
    match width {
        Some(width) if width > length => {
            let mut padded: String = std::iter::repeat_n(fill, width - length).collect();
            padded.push_str(&text);
            padded
        }
        _ => text,
    }
}

/// The fields of a date and time that strftime's directives write.
struct Moment<'a> {
    date: Date,
    time: &'a Time,
    zone: Option<&'a str>,
    weekday: usize,
    day_of_year: i64,
    iso_year: i32,
    iso_week: i64,
    hour12: u8,
}

impl<'a> Moment<'a> {
    fn new(date: Date, time: &'a Time, zone: Option<&'a str>) -> Self {
        let day_of_year = date.ordinal()
            - Date {
                year: date.year,
                month: 1,
                day: 1,
            }
            .ordinal()
            + 1;
        let (iso_year, iso_week) = iso_week(date);
        let hour12 = if time.hour % 12 == 0 {
            12
        } else {
            time.hour % 12
        };
        Moment {
            date,
            time,
            zone,
            weekday: date.weekday() as usize,
            day_of_year,
            iso_year,
            iso_week,
            hour12,
        }
    }

    /// A number directive: its value, the width glibc pads it to, and whether
    /// with spaces (`%e`, `%k`, `%l`) rather than zeros.
    fn number(&self, directive: char) -> Option<(i64, usize, bool)> {
        let (date, time) = (&self.date, self.time);
        let weekday = self.weekday as i64;
        Some(match directive {
            'd' => (i64::from(date.day), 2, false),
            'e' => (i64::from(date.day), 2, true),
            'H' => (i64::from(time.hour), 2, false),
            'I' => (i64::from(self.hour12), 2, false),
            'j' => (self.day_of_year, 3, false),
            'k' => (i64::from(time.hour), 2, true),
            'l' => (i64::from(self.hour12), 2, true),
            'm' => (i64::from(date.month), 2, false),
            'M' => (i64::from(time.minute), 2, false),
            'S' => (i64::from(time.second), 2, false),
            'U' => ((self.day_of_year + 6 - (weekday + 1) % 7) / 7, 2, false),
            'V' => (self.iso_week, 2, false),
            'W' => ((self.day_of_year + 6 - weekday) / 7, 2, false),
            'y' => (i64::from(date.year % 100), 2, false),
            'Y' => (i64::from(date.year), 1, false),
            'C' => (i64::from(date.year / 100), 1, false),
            'G' => (i64::from(self.iso_year), 1, false),
            'g' => (i64::from(self.iso_year % 100), 2, false),
            'u' => (weekday + 1, 1, false),
            'w' => ((weekday + 1) % 7, 1, false),
            _ => return None,
        })
    }

    /// The text of one directive with its flags; None for a directive glibc
    /// does not know, which is copied as it is written.
    fn directive(&self, directive: char, flags: &Flags) -> Outcome<Option<String>> {
        if let Some((value, natural, spaced)) = self.number(directive) {
            let digits = value.to_string();
            let (fill, width) = match flags.pad {
                Some('-') => (' ', flags.width.unwrap_or(0)),
                Some('_') => (' ', flags.width.unwrap_or(natural).max(natural)),
                Some(_) => ('0', flags.width.unwrap_or(natural).max(natural)),
                None => (
                    if spaced { ' ' } else { '0' },
                    flags.width.unwrap_or(natural).max(natural),
                ),
            };
            return Ok(Some(pad_text(digits, Some(width), fill)));
        }
        let (date, time) = (&self.date, self.time);
        let day = DAYS[self.weekday];
        let month = MONTHS[date.month as usize - 1];
        let am = time.hour < 12;
        let text = match directive {
            'a' => day[..3].to_string(),
            'A' => day.to_string(),
            'b' | 'h' => month[..3].to_string(),
            'B' => month.to_string(),
            'c' => format!(
                "{} {} {:>2} {:02}:{:02}:{:02} {}",
                &day[..3],
                &month[..3],
                date.day,
                time.hour,
                time.minute,
                time.second,
                date.year
            ),
            'D' | 'x' => format!("{:02}/{:02}/{:02}", date.month, date.day, date.year % 100),
            'F' => format!("{}-{:02}-{:02}", date.year, date.month, date.day),
            'n' => "\n".to_string(),
            't' => "\t".to_string(),
            'p' => (if am { "AM" } else { "PM" }).to_string(),
            'P' => (if am { "am" } else { "pm" }).to_string(),
            'r' => format!(
                "{:02}:{:02}:{:02} {}",
                self.hour12,
                time.minute,
                time.second,
                if am { "AM" } else { "PM" }
            ),
            'R' => format!("{:02}:{:02}", time.hour, time.minute),
            'T' | 'X' => format!("{:02}:{:02}:{:02}", time.hour, time.minute, time.second),
            '%' => "%".to_string(),
            'f' if flags.plain() => format!("{:06}", time.microsecond),
            'z' if flags.plain() => time
                .offset
                .map(|offset| offset.isoformat().replace(':', ""))
                .unwrap_or_default(),
            'z' => return Ok(Some(String::new())), // not padded either
            'Z' if flags.plain() => match (self.zone, time.offset) {
                (Some(zone), _) => {
                    return Err(Exception::new(
                        BuiltinException::NotImplementedError,
                        format!(
                            "%Z of a datetime in the time zone '{zone}' needs the zone's rules, which the Rust core does not have"
                        ),
                    ));
                }
                (None, Some(offset)) if offset.0 == 0 => "UTC".to_string(),
                (None, Some(offset)) => format!("UTC{}", offset.isoformat()),
                (None, None) => String::new(),
            },
            'Z' => return Ok(Some(pad_text(String::new(), flags.width, ' '))),
            _ => return Ok(None),
        };
        let text = if directive == 'P' {
            text
        } else if flags.swap_case && matches!(directive, 'p' | 'Z') {
            text.to_lowercase()
        } else if flags.upper || flags.swap_case && matches!(directive, 'a' | 'A' | 'b' | 'B' | 'h')
        {
            text.to_uppercase()
        } else {
            text
        };
        let fill = if flags.pad == Some('0') { '0' } else { ' ' };
        Ok(Some(pad_text(text, flags.width, fill)))
    }
}

/// The ISO 8601 year and week of a date.
fn iso_week(date: Date) -> (i32, i64) {
    let week_one_monday = |year: i32| {
        let jan4 = Date {
            year,
            month: 1,
            day: 4,
        };
        jan4.ordinal() - i64::from(jan4.weekday())
    };
    let ordinal = date.ordinal();
    let mut year = date.year;
    if ordinal >= week_one_monday(year + 1) && year < crate::value::datetime::MAX_YEAR {
        year += 1;
    } else if ordinal < week_one_monday(year) {
        year -= 1;
    }
    (year, (ordinal - week_one_monday(year)) / 7 + 1)
}

// ------------------------------------------------------------------ str.format

/// `template.format(*args, **kwargs)`.
pub fn format_template(
    template: &str,
    args: &[Value],
    kwargs: &[(Arc<str>, Value)],
) -> Outcome<String> {
    let mut numbering = Numbering::Unknown;
    render(template, args, kwargs, &mut numbering, 2)
}

#[derive(PartialEq)]
enum Numbering {
    Unknown,
    Auto(usize),
    Manual,
}

fn render(
    template: &str,
    args: &[Value],
    kwargs: &[(Arc<str>, Value)],
    numbering: &mut Numbering,
    depth: usize,
) -> Outcome<String> {
    if depth == 0 {
        return Err(value_error("Max string recursion exceeded"));
    }
    let chars: Vec<char> = template.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '{' if chars.get(i + 1) == Some(&'{') => {
                out.push('{');
                i += 2;
            }
            '}' if chars.get(i + 1) == Some(&'}') => {
                out.push('}');
                i += 2;
            }
            '}' => return Err(value_error("Single '}' encountered in format string")),
            '{' => {
                // The field runs to the matching brace.
                let mut nesting = 1;
                let mut end = i + 1;
                while end < chars.len() {
                    match chars[end] {
                        '{' => nesting += 1,
                        '}' => {
                            nesting -= 1;
                            if nesting == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    end += 1;
                }
                if end >= chars.len() {
                    return Err(value_error(if i + 1 == chars.len() {
                        "Single '{' encountered in format string"
                    } else {
                        "expected '}' before end of string"
                    }));
                }
                let field: String = chars[i + 1..end].iter().collect();
                out.push_str(&render_field(&field, args, kwargs, numbering, depth)?);
                i = end + 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    Ok(out)
}

fn render_field(
    field: &str,
    args: &[Value],
    kwargs: &[(Arc<str>, Value)],
    numbering: &mut Numbering,
    depth: usize,
) -> Outcome<String> {
    // name[!conversion][:spec], where the name ends at the first `!` or `:`
    // outside brackets.
    let mut bracket = false;
    let mut split = field.len();
    for (index, c) in field.char_indices() {
        match c {
            '[' => bracket = true,
            ']' => bracket = false,
            '!' | ':' if !bracket => {
                split = index;
                break;
            }
            _ => {}
        }
    }
    let (name, rest) = field.split_at(split);
    let (conversion, spec) = if let Some(rest) = rest.strip_prefix('!') {
        let mut rest_chars = rest.chars();
        let Some(conversion) = rest_chars.next() else {
            return Err(value_error(
                "end of string while looking for conversion specifier",
            ));
        };
        let after: String = rest_chars.collect();
        if !after.is_empty() && !after.starts_with(':') {
            return Err(value_error("expected ':' after conversion specifier"));
        }
        (
            Some(conversion),
            after.strip_prefix(':').unwrap_or("").to_string(),
        )
    } else {
        (None, rest.strip_prefix(':').unwrap_or("").to_string())
    };
    let value = lookup_field(name, args, kwargs, numbering)?;
    let spec = if spec.contains('{') {
        render(&spec, args, kwargs, numbering, depth - 1)?
    } else {
        spec
    };
    match conversion {
        None | Some('r' | 's' | 'a') => format_field(&value, conversion, &spec),
        Some(other) => Err(value_error(format!("Unknown conversion specifier {other}"))),
    }
}

fn lookup_field(
    name: &str,
    args: &[Value],
    kwargs: &[(Arc<str>, Value)],
    numbering: &mut Numbering,
) -> Outcome<Value> {
    let first_end = name.find(['.', '[']).unwrap_or(name.len());
    let (first, mut accessors) = name.split_at(first_end);
    let mut value = if first.is_empty() || first.bytes().all(|b| b.is_ascii_digit()) {
        let index = if first.is_empty() {
            let next = match numbering {
                Numbering::Manual => {
                    return Err(value_error(
                        "cannot switch from manual field specification to automatic field numbering",
                    ));
                }
                Numbering::Unknown => 0,
                Numbering::Auto(next) => *next,
            };
            *numbering = Numbering::Auto(next + 1);
            next
        } else {
            if matches!(numbering, Numbering::Auto(_)) {
                return Err(value_error(
                    "cannot switch from automatic field numbering to manual field specification",
                ));
            }
            *numbering = Numbering::Manual;
            first.parse().unwrap_or(usize::MAX)
        };
        args.get(index).cloned().ok_or_else(|| {
            Exception::new(
                BuiltinException::IndexError,
                format!("Replacement index {index} out of range for positional args tuple"),
            )
        })?
    } else {
        kwargs
            .iter()
            .find(|(key, _)| &**key == first)
            .map(|(_, value)| value.clone())
            .ok_or_else(|| {
                Exception::builtin(BuiltinException::KeyError, vec![Value::str(first)])
            })?
    };
    while !accessors.is_empty() {
        if let Some(rest) = accessors.strip_prefix('.') {
            let end = rest.find(['.', '[']).unwrap_or(rest.len());
            let attribute = &rest[..end];
            if attribute.is_empty() {
                return Err(value_error("Empty attribute in format string"));
            }
            value = ops::attribute(&value, attribute)?;
            accessors = &rest[end..];
        } else if let Some(rest) = accessors.strip_prefix('[') {
            let Some(end) = rest.find(']') else {
                return Err(value_error("Missing ']' in format string"));
            };
            let key = &rest[..end];
            if key.is_empty() {
                return Err(value_error("Empty attribute in format string"));
            }
            let key = match key.parse::<i64>() {
                Ok(index) if key.bytes().all(|b| b.is_ascii_digit()) => Value::int(index),
                _ => Value::str(key),
            };
            value = ops::subscript(&value, &key)?;
            accessors = &rest[end + 1..];
            if !accessors.is_empty() && !accessors.starts_with(['.', '[']) {
                return Err(value_error(
                    "Only '.' or '[' may follow ']' in format field specifier",
                ));
            }
        } else {
            return Err(value_error(
                "Only '.' or '[' may follow ']' in format field specifier",
            ));
        }
    }
    Ok(value)
}

// ------------------------------------------------------------------ printf-style

/// `template % args`: printf-style formatting.
pub fn percent(template: &str, args: &Value) -> Outcome<String> {
    // A non-tuple that can be subscripted (a dict, a list, bytes) is also the
    // mapping for `%(key)s`, and then unconverted arguments are no error.
    let (items, mapping): (Vec<Value>, Option<&Value>) = match args {
        Value::Tuple(items) | Value::NamedTuple(_, items) => (items.to_vec(), None),
        Value::Dict(_) | Value::List(_) | Value::Bytes(_) => (vec![args.clone()], Some(args)),
        other => (vec![other.clone()], None),
    };
    let chars: Vec<char> = template.chars().collect();
    let mut out = String::new();
    let mut next = 0;
    let mut i = 0;
    let take = |next: &mut usize| -> Outcome<Value> {
        let value = items
            .get(*next)
            .cloned()
            .ok_or_else(|| type_error("not enough arguments for format string"))?;
        *next += 1;
        Ok(value)
    };
    while i < chars.len() {
        if chars[i] != '%' {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        i += 1;
        let incomplete = || value_error("incomplete format");
        let mut keyed: Option<Value> = None;
        if chars.get(i) == Some(&'(') {
            let Some(map) = mapping else {
                return Err(type_error("format requires a mapping"));
            };
            let mut nesting = 1;
            let key_start = i + 1;
            i += 1;
            while i < chars.len() && nesting > 0 {
                match chars[i] {
                    '(' => nesting += 1,
                    ')' => nesting -= 1,
                    _ => {}
                }
                i += 1;
            }
            if nesting > 0 {
                return Err(value_error("incomplete format key"));
            }
            let key: String = chars[key_start..i - 1].iter().collect();
            keyed = Some(ops::subscript(map, &Value::str(&key))?);
        }
        let mut flags = String::new();
        while let Some(&c @ ('-' | '+' | ' ' | '#' | '0')) = chars.get(i) {
            flags.push(c);
            i += 1;
        }
        let mut width = None;
        if chars.get(i) == Some(&'*') {
            i += 1;
            let value = take(&mut next)?;
            let n = as_int(&value).ok_or_else(|| type_error("* wants int"))?;
            let n = n.as_i64().unwrap_or(0);
            if n < 0 {
                flags.push('-');
            }
            width = Some(n.unsigned_abs() as usize);
        } else {
            let mut digits = String::new();
            while let Some(&c) = chars.get(i).filter(|c| c.is_ascii_digit()) {
                digits.push(c);
                i += 1;
            }
            if !digits.is_empty() {
                width = Some(digits.parse().map_err(|_| value_error("width too big"))?);
            }
        }
        let mut precision = None;
        if chars.get(i) == Some(&'.') {
            i += 1;
            if chars.get(i) == Some(&'*') {
                i += 1;
                let value = take(&mut next)?;
                let n = as_int(&value).ok_or_else(|| type_error("* wants int"))?;
                precision = Some(n.as_i64().unwrap_or(0).max(0) as usize);
            } else {
                let mut digits = String::new();
                while let Some(&c) = chars.get(i).filter(|c| c.is_ascii_digit()) {
                    digits.push(c);
                    i += 1;
                }
                precision = Some(if digits.is_empty() {
                    0
                } else {
                    digits
                        .parse()
                        .map_err(|_| value_error("precision too big"))?
                });
            }
        }
        // Length modifiers are read and ignored, as Python does.
        while let Some('h' | 'l' | 'L') = chars.get(i) {
            i += 1;
        }
        let Some(&conversion) = chars.get(i) else {
            return Err(incomplete());
        };
        i += 1;
        if conversion == '%' {
            out.push('%');
            continue;
        }
        let value = match keyed {
            Some(value) => value,
            None => take(&mut next)?,
        };
        let piece = percent_one(conversion, &value, &flags, precision, i - 1)?;
        check_width(width)?;
        let width = width.unwrap_or(0);
        let length = piece.chars().count();
        if length >= width {
            out.push_str(&piece);
        } else if flags.contains('-') {
            out.push_str(&piece);
            out.extend(std::iter::repeat_n(' ', width - length));
        } else if flags.contains('0')
            && matches!(
                conversion,
                'd' | 'i' | 'u' | 'o' | 'x' | 'X' | 'e' | 'E' | 'f' | 'F' | 'g' | 'G'
            )
        {
            // Zeros go after the sign and the 0o/0x prefix.
            let sign_length = usize::from(piece.starts_with(['+', '-', ' ']));
            let prefix_length = if flags.contains('#') && matches!(conversion, 'o' | 'x' | 'X') {
                2
            } else {
                0
            };
            let prefix_length = sign_length + prefix_length;
            let (head, tail) = piece.split_at(prefix_length);
            out.push_str(head);
            out.extend(std::iter::repeat_n('0', width - length));
            out.push_str(tail);
        } else {
            out.extend(std::iter::repeat_n(' ', width - length));
            out.push_str(&piece);
        }
    }
    if next < items.len() && mapping.is_none() {
        return Err(type_error(
            "not all arguments converted during string formatting",
        ));
    }
    Ok(out)
}

fn sign_prefix(negative: bool, flags: &str) -> &'static str {
    if negative {
        "-"
    } else if flags.contains('+') {
        "+"
    } else if flags.contains(' ') {
        " "
    } else {
        ""
    }
}

/// One `%` conversion of a value, unpadded.
fn percent_one(
    conversion: char,
    value: &Value,
    flags: &str,
    precision: Option<usize>,
    at: usize,
) -> Outcome<String> {
    let number = unwrap_enum(value);
    Ok(match conversion {
        's' => truncate(repr::str(value)?, precision),
        'r' => truncate(repr::repr(value)?, precision),
        'a' => truncate(ascii(&repr::repr(value)?), precision),
        'c' => match number {
            Value::Str(text) if text::char_len(text) == 1 => text.to_string(),
            other => match as_int(other) {
                Some(n) => match n
                    .as_i64()
                    .and_then(|code| u32::try_from(code).ok())
                    .and_then(char::from_u32)
                {
                    Some(c) => c.to_string(),
                    None => {
                        return Err(Exception::new(
                            BuiltinException::OverflowError,
                            "%c arg not in range(0x110000)",
                        ));
                    }
                },
                None => return Err(type_error("%c requires int or char")),
            },
        },
        'd' | 'i' | 'u' => {
            let n = match number {
                Value::Float(x) => {
                    if !x.is_finite() {
                        return Err(if x.is_nan() {
                            value_error("cannot convert float NaN to integer")
                        } else {
                            Exception::new(
                                BuiltinException::OverflowError,
                                "cannot convert float infinity to integer",
                            )
                        });
                    }
                    Int::from_f64_truncated(*x)
                }
                Value::Decimal(d) => Int::from_big(crate::value::decimal::to_int(d, false)?),
                other => as_int(other).ok_or_else(|| {
                    type_error(format!(
                        "%{conversion} format: a real number is required, not {}",
                        value.type_name()
                    ))
                })?,
            };
            let mut digits = repr::int_text(&n.abs())?;
            if let Some(precision) = precision {
                if digits.len() < precision {
                    digits = format!("{}{digits}", "0".repeat(precision - digits.len()));
                }
            }
            format!("{}{digits}", sign_prefix(n.is_negative(), flags))
        }
        'o' | 'x' | 'X' => {
            let n = as_int(number).ok_or_else(|| {
                type_error(format!(
                    "%{conversion} format: an integer is required, not {}",
                    value.type_name()
                ))
            })?;
            let radix = if conversion == 'o' { 8 } else { 16 };
            let mut digits = n.abs().to_str_radix(radix);
            if conversion == 'X' {
                digits = digits.to_uppercase();
            }
            if let Some(precision) = precision {
                if digits.len() < precision {
                    digits = format!("{}{digits}", "0".repeat(precision - digits.len()));
                }
            }
            let prefix = if flags.contains('#') {
                match conversion {
                    'o' => "0o",
                    'x' => "0x",
                    _ => "0X",
                }
            } else {
                ""
            };
            format!("{}{prefix}{digits}", sign_prefix(n.is_negative(), flags))
        }
        'e' | 'E' | 'f' | 'F' | 'g' | 'G' => {
            let x = match number {
                Value::Float(x) => *x,
                Value::Decimal(d) => d.to_f64(),
                other => match as_int(other) {
                    Some(n) => int_to_float(&n)?,
                    None => {
                        return Err(type_error(format!(
                            "must be real number, not {}",
                            value.type_name()
                        )));
                    }
                },
            };
            let text = float::format(
                x,
                conversion,
                precision.unwrap_or(6),
                flags.contains('#'),
                false,
            );
            match text.strip_prefix('-') {
                Some(rest) => format!("-{rest}"),
                None => format!("{}{text}", sign_prefix(false, flags)),
            }
        }
        other => {
            return Err(value_error(format!(
                "unsupported format character '{other}' (0x{:x}) at index {at}",
                other as u32
            )));
        }
    })
}

fn truncate(text: String, precision: Option<usize>) -> String {
    match precision {
        Some(precision) => text.chars().take(precision).collect(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(value: Value, spec: &str) -> String {
        format_value(&value, spec)
            .unwrap_or_else(|exc| format!("{}: {}", exc.class().name(), exc.message()))
    }

    #[test]
    fn specs_are_cpythons() {
        let d = |text: &str| {
            Value::Decimal(Arc::new(
                Decimal::parse(text).unwrap_or_else(|| Decimal::from_int(&0.into())),
            ))
        };
        let cases = [
            (
                Value::int(1),
                "z",
                "ValueError: Negative zero coercion (z) not allowed in integer format specifier",
            ),
            (Value::Float(-0.0001), "z.1f", "0.0"),
            (
                Value::int(1),
                "abc",
                "ValueError: Invalid format specifier 'abc' for object of type 'int'",
            ),
            (
                Value::int(1),
                ",x",
                "ValueError: Cannot specify ',' with 'x'.",
            ),
            (
                Value::str("a"),
                ",",
                "ValueError: Cannot specify ',' with 's'.",
            ),
            (
                Value::str("a"),
                "=",
                "ValueError: '=' alignment not allowed in string format specifier",
            ),
            (
                Value::None,
                "x",
                "TypeError: unsupported format string passed to NoneType.__format__",
            ),
            (Value::Bool(true), ">5", "    1"),
            (Value::Bool(true), "", "True"),
            (Value::Float(1.5), ".1%", "150.0%"),
            (Value::int(12345), "010,", "00,012,345"),
            (Value::Float(1234.5), "012,.1f", "00,001,234.5"),
            (Value::int(-255), "#x", "-0xff"),
            (Value::int(255), "_b", "1111_1111"),
            (Value::int(12), "#010x", "0x0000000c"),
            (Value::Float(123.0), ".3", "1.23e+02"),
            (Value::Float(f64::NEG_INFINITY), "08", "-0000inf"),
            (Value::Float(-1.5), "=+08.2f", "-0001.50"),
            (Value::str("ab"), "05", "ab000"),
            (Value::str("ab"), "^5", " ab  "),
            (Value::int(1), "\u{661}\u{662}", "           1"),
            (d("1.25"), ".1f", "1.2"),
            (d("1234.5"), ",.2f", "1,234.50"),
            (d("1E+3"), "f", "1000"),
            (d("1.10"), "e", "1.10e+0"),
            (d("123"), ".2", "1.2E+2"),
            (d("1.5"), "%", "150%"),
            (d("123.456"), ">10.1f", "     123.5"),
        ];
        for (value, spec, expected) in cases {
            assert_eq!(
                f(value.clone(), spec),
                expected,
                "format({value:?}, {spec:?})"
            );
        }
    }

    #[test]
    fn percent_and_str_format_are_cpythons() {
        let args = Value::tuple(vec![
            Value::Float(3.14259),
            Value::int(1),
            Value::int(-2),
            Value::int(3),
            Value::int(4),
        ]);
        assert_eq!(
            percent("%5.2f|%-5d|%05d|%+d|% d", &args).ok().as_deref(),
            Some(" 3.14|1    |-0002|+3| 4")
        );
        assert_eq!(
            percent(
                "%#o %#x %#X",
                &Value::tuple(vec![Value::int(8), Value::int(255), Value::int(255)])
            )
            .ok()
            .as_deref(),
            Some("0o10 0xff 0XFF")
        );
        assert_eq!(
            percent("%s", &Value::tuple(vec![Value::int(1), Value::int(2)]))
                .err()
                .map(|e| e.message().to_string())
                .as_deref(),
            Some("not all arguments converted during string formatting")
        );
        assert_eq!(
            percent("%08.2f", &Value::Float(f64::NAN)).ok().as_deref(),
            Some("00000nan")
        );
        let args = [Value::int(1), Value::int(2)];
        assert_eq!(
            format_template("{1}{0}|{:>{w}}", &args, &[(Arc::from("w"), Value::int(3))])
                .err()
                .map(|e| e.message().to_string())
                .as_deref(),
            Some("cannot switch from manual field specification to automatic field numbering")
        );
        assert_eq!(
            format_template("{0!r:>5}|{{}}", &[Value::str("x")], &[])
                .ok()
                .as_deref(),
            Some("  'x'|{}")
        );
    }

    #[test]
    fn strftime_is_glibcs() {
        let dt = DateTime::parse("2024-03-05T07:08:09.012345")
            .map(|dt| Value::DateTime(Arc::new(dt)))
            .unwrap_or(Value::None);
        let text = strftime(
            &dt,
            "%a %A %b %B %c|%d %D %e %F %f %G %g %H %I %j %k %l %m %M %p %R %S %T %u %U %V %w %W %x %X %y %Y %z %Z %% %C %h %Q",
        );
        assert_eq!(
            text.ok().as_deref(),
            Some(
                "Tue Tuesday Mar March Tue Mar  5 07:08:09 2024|05 03/05/24  5 2024-03-05 012345 2024 24 07 07 065  7  7 03 08 AM 07:08 09 07:08:09 2 09 10 2 10 03/05/24 07:08:09 24 2024   % 20 Mar %Q"
            )
        );
    }

    #[test]
    fn strftime_reads_glibcs_flags_widths_and_modifiers() {
        // The expected texts are CPython's on Linux (glibc), for 2024-03-05 17:08:09.
        let dt = DateTime::parse("2024-03-05T17:08:09")
            .map(|dt| Value::DateTime(Arc::new(dt)))
            .unwrap_or(Value::None);
        let cases = [
            (
                "%-d %-m %-H %-I %-j %-y %-e %-k %-l",
                "5 3 17 5 65 24 5 17 5",
            ),
            ("%_d %_m %_H %_j|%0e %0k %0l", " 5  3 17  65|05 17 05"),
            (
                "%^a %^A %^b %^B %^p|%#a %#B %#p|%P %^P",
                "TUE TUESDAY MAR MARCH PM|TUE MARCH pm|pm pm",
            ),
            (
                "%3d|%1d|%-3d|%_3d|%4j|%6Y|%-6Y|%8a|%08a|%12F",
                "005|05|  5|  5|0065|002024|  2024|     Tue|00000Tue|  2024-03-05",
            ),
            (
                "%-^a|%^-d|%_-d|%-_d|%5%|%-%|%r",
                "TUE|5|5| 5|    %|%|05:08:09 PM",
            ),
            (
                "%Ey %Od %3Od %E-d %-Ed %Ea|%-f %5f %3z %3Z|%-Q %5Q|%",
                "24 05 005 %E-d %-Ed %Ea|%-f   %5f     |%-Q   %5Q|%",
            ),
            ("kept\0dropped %Y", "kept"),
            (
                "%OB %Ob %3OB %EC %Ez %OZ %EP|%3",
                "March Mar March 20   pm| %3",
            ),
        ];
        for (pattern, expected) in cases {
            assert_eq!(
                strftime(&dt, pattern).ok().as_deref(),
                Some(expected),
                "{pattern}"
            );
        }
    }
}
