//! Python's `float`: its repr and formatting, and the arithmetic where Python
//! differs from IEEE operations (`%`, `//`, `**`, `round`).
//!
//! Digits come from Rust's float formatting, which is exact: the shortest
//! digits that read back as the same double (`{:e}`), or the digits correctly
//! rounded half-even at a precision (`{:.N}`, `{:.Ne}`): what CPython's dtoa
//! computes in its modes 0, 2 and 3. The layout of those digits is CPython's
//! (`PyOS_double_to_string`).

use num_bigint::{BigInt, BigUint};
use num_integer::Integer;
use num_traits::{One, Pow, ToPrimitive, Zero};

/// `repr(x)` and `str(x)`: `0.1`, `1e+16`, `-0.0`, `nan`.
pub fn repr(x: f64) -> String {
    format(x, 'r', 0, false, true)
}

/// Digits of `|x|` as CPython's dtoa gives them: no leading or trailing
/// zeros (zero is `"0"`), and the position of the decimal point: the value
/// is `0.<digits> * 10**decpt`.
fn digits(x: f64, mode: Mode) -> (Vec<u8>, i64) {
    let x = x.abs();
    if let Mode::Shortest = mode {
        // The shortest length, then the digits of that length nearest the
        // value, ties to even: where two shortest strings are equally near
        // (562949953421312.25), Rust's shortest picks either, Python the even one.
        // The nearest may not read back where the spacing of doubles changes
        // (at a power of two); then Rust's shortest is the only one that does.
        let text = format!("{x:e}");
        let mantissa = text.split('e').next().unwrap_or("0");
        let length = mantissa.bytes().filter(u8::is_ascii_digit).count().max(1);
        let nearest = format!("{:.*e}", length - 1, x);
        if nearest.parse::<f64>().is_ok_and(|back| back == x) {
            return digits(x, Mode::Significant(length));
        }
    }
    let text = match mode {
        Mode::Shortest => format!("{x:e}"),
        Mode::Significant(n) => format!("{:.*e}", n.max(1) - 1, x),
        Mode::Fixed(decimals) => format!("{:.*}", decimals, x),
    };
    let (mantissa, exponent) = match text.split_once('e') {
        Some((mantissa, exponent)) => (mantissa, exponent.parse::<i64>().unwrap_or(0) + 1),
        None => (text.as_str(), 0),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let mut all: Vec<u8> = whole.bytes().chain(fraction.bytes()).collect();
    // The point sits after `whole` (times 10**exponent-1 in scientific form).
    let mut decpt = whole.len() as i64 + if text.contains('e') { exponent - 1 } else { 0 };
    let leading = all.iter().take_while(|&&d| d == b'0').count();
    all.drain(..leading);
    decpt -= leading as i64;
    while all.last() == Some(&b'0') {
        all.pop();
    }
    if all.is_empty() {
        return (vec![b'0'], 1);
    }
    (all, decpt)
}

#[derive(Clone, Copy)]
enum Mode {
    Shortest,
    Significant(usize),
    Fixed(usize),
}

/// `PyOS_double_to_string(x, code, precision, flags)`: the text of `x` in
/// the presentation `code` (`r` for repr, `e`, `f`, `g` and their upper
/// cases), with a `-` for a negative value. `alt` is the `#` flag; `add_dot_0`
/// keeps a `.0` on an integral value (repr, and a format without a type).
pub fn format(x: f64, code: char, precision: usize, alt: bool, add_dot_0: bool) -> String {
    let upper = code.is_ascii_uppercase();
    let code = code.to_ascii_lowercase();
    let mut out = String::new();
    if x.is_nan() {
        out.push_str(if upper { "NAN" } else { "nan" });
        return out;
    }
    if x.is_sign_negative() {
        out.push('-');
    }
    if x.is_infinite() {
        out.push_str(if upper { "INF" } else { "inf" });
        return out;
    }
    let (mode, precision) = match code {
        'e' => (Mode::Significant(precision + 1), precision + 1),
        'f' => (Mode::Fixed(precision), precision),
        'g' => (Mode::Significant(precision.max(1)), precision.max(1)),
        _ => (Mode::Shortest, 0),
    };
    let (digits, mut decpt) = digits(x, mode);
    let digits_len = digits.len() as i64;
    let precision = precision as i64;
    let add_dot_0 = add_dot_0 || code == 'r';
    let mut use_exp = false;
    let mut vdigits_end = digits_len;
    match code {
        'e' => {
            use_exp = true;
            vdigits_end = precision;
        }
        'f' => vdigits_end = decpt + precision,
        'g' => {
            if decpt <= -4 || decpt > (if add_dot_0 { precision - 1 } else { precision }) {
                use_exp = true;
            }
            if alt {
                vdigits_end = precision;
            }
        }
        _ => use_exp = decpt <= -4 || decpt > 16,
    }
    let mut exp = 0;
    if use_exp {
        exp = decpt - 1;
        decpt = 1;
    }
    let vdigits_start = if decpt <= 0 { decpt - 1 } else { 0 };
    let keep_dot_0 = !use_exp && add_dot_0;
    vdigits_end = vdigits_end.max(if keep_dot_0 { decpt + 1 } else { decpt });
    let zeros = |out: &mut String, n: i64| out.extend(std::iter::repeat_n('0', n.max(0) as usize));
    let text = |slice: &[u8]| slice.iter().map(|&d| d as char).collect::<String>();
    if decpt <= 0 {
        zeros(&mut out, decpt - vdigits_start);
        out.push('.');
        zeros(&mut out, -decpt);
    } else {
        zeros(&mut out, -vdigits_start);
    }
    if 0 < decpt && decpt <= digits_len {
        out.push_str(&text(&digits[..decpt as usize]));
        out.push('.');
        out.push_str(&text(&digits[decpt as usize..]));
    } else {
        out.push_str(&text(&digits));
    }
    if digits_len < decpt {
        zeros(&mut out, decpt - digits_len);
        out.push('.');
        zeros(&mut out, vdigits_end - decpt);
    } else {
        zeros(&mut out, vdigits_end - digits_len);
    }
    if out.ends_with('.') && !alt {
        out.pop();
    }
    if use_exp {
        out.push(if upper { 'E' } else { 'e' });
        out.push(if exp < 0 { '-' } else { '+' });
        out.push_str(&format!("{:02}", exp.unsigned_abs()));
    }
    out
}

/// The exact value of a finite float: `mantissa * 2**exponent`.
pub fn decompose(x: f64) -> (u64, i64) {
    let bits = x.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i64;
    let fraction = bits & ((1 << 52) - 1);
    if biased == 0 {
        (fraction, -1074)
    } else {
        (fraction | (1 << 52), biased - 1075)
    }
}

/// The float nearest `num / den` (ties to even), negated when `negative`;
/// None when it is beyond the float range. `den` is not zero.
pub fn ratio_to_f64(num: &BigUint, den: &BigUint, negative: bool) -> Option<f64> {
    let signed = |x: f64| if negative { -x } else { x };
    if num.is_zero() {
        return Some(signed(0.0));
    }
    // Scale so the integer quotient has at least 55 bits: 53 kept, a rounding
    // bit, and the rest (with the remainder) decide a tie.
    let shift = 55 - (num.bits() as i64 - den.bits() as i64);
    let (scaled_num, scaled_den) = if shift >= 0 {
        (num << shift as usize, den.clone())
    } else {
        (num.clone(), den << (-shift) as usize)
    };
    let (quotient, remainder) = scaled_num.div_rem(&scaled_den);
    let inexact = !remainder.is_zero();
    // The value is quotient * 2**-shift; its top bit is at `top`.
    let top = quotient.bits() as i64 - 1 - shift;
    if top > 1023 {
        return None;
    }
    // Bits kept: 53 for a normal result, fewer for a subnormal one.
    let kept = if top >= -1022 { 53 } else { 53 - (-1022 - top) };
    let drop = quotient.bits() as i64 - kept;
    let mut mantissa;
    if kept <= 0 {
        // Below half the smallest subnormal, or a tie at most: rounds to 0 or 2**-1074.
        let half = top == -1075 && (quotient.count_ones() > 1 || inexact);
        mantissa = BigUint::from(u8::from(half));
        return finish(mantissa, -1074, negative);
    }
    let drop = drop as usize;
    mantissa = &quotient >> drop;
    let rest = &quotient - (&mantissa << drop);
    let half = BigUint::one() << (drop - 1);
    let round_up = rest > half || (rest == half && (inexact || mantissa.is_odd()));
    if round_up {
        mantissa += 1u8;
    }
    finish(mantissa, drop as i64 - shift, negative)
}

/// `mantissa * 2**exponent` as a float, the mantissa already rounded to fit.
fn finish(mantissa: BigUint, exponent: i64, negative: bool) -> Option<f64> {
    let mut mantissa = mantissa.to_u64()?;
    let mut exponent = exponent;
    if mantissa == 0 {
        return Some(if negative { -0.0 } else { 0.0 });
    }
    while mantissa >= 1 << 53 {
        mantissa >>= 1;
        exponent += 1;
    }
    while mantissa < 1 << 52 && exponent > -1074 {
        mantissa <<= 1;
        exponent -= 1;
    }
    let bits = if mantissa < 1 << 52 {
        mantissa // subnormal: exponent is -1074
    } else {
        let biased = exponent + 1075;
        if biased >= 0x7ff {
            return None;
        }
        ((biased as u64) << 52) | (mantissa & ((1 << 52) - 1))
    };
    let value = f64::from_bits(bits);
    Some(if negative { -value } else { value })
}

/// `x % y` for floats, the remainder taking the divisor's sign. None when `y` is 0.
pub fn modulo(x: f64, y: f64) -> Option<f64> {
    if y == 0.0 {
        return None;
    }
    let mut rem = x % y;
    if rem != 0.0 {
        if (y < 0.0) != (rem < 0.0) {
            rem += y;
        }
    } else {
        rem = 0.0f64.copysign(y);
    }
    Some(rem)
}

/// `divmod(x, y)` for floats, as CPython computes it. None when `y` is 0.
pub fn div_mod(x: f64, y: f64) -> Option<(f64, f64)> {
    if y == 0.0 {
        return None;
    }
    let mut rem = x % y;
    let mut div = (x - rem) / y;
    if rem != 0.0 {
        if (y < 0.0) != (rem < 0.0) {
            rem += y;
            div -= 1.0;
        }
    } else {
        rem = 0.0f64.copysign(y);
    }
    let floor_div = if div != 0.0 {
        let mut floor_div = div.floor();
        if div - floor_div > 0.5 {
            floor_div += 1.0;
        }
        floor_div
    } else {
        0.0f64.copysign(x / y)
    };
    Some((floor_div, rem))
}

/// Why `x ** y` has no float value.
#[derive(Debug, PartialEq)]
pub enum PowError {
    /// `0.0 ** negative`.
    ZeroToNegative,
    /// A negative base to a fractional power: Python's result is complex.
    Complex,
    /// The result is beyond the float range.
    Overflow,
}

fn is_odd_integer(y: f64) -> bool {
    y.is_finite() && y == y.trunc() && (y / 2.0) != (y / 2.0).trunc()
}

/// `x ** y` for floats, with CPython's special cases.
pub fn pow(x: f64, y: f64) -> Result<f64, PowError> {
    if y == 0.0 {
        return Ok(1.0);
    }
    if x.is_nan() {
        return Ok(x);
    }
    if y.is_nan() {
        return Ok(if x == 1.0 { 1.0 } else { y });
    }
    if y.is_infinite() {
        let base = x.abs();
        return Ok(if base == 1.0 {
            1.0
        } else if (y > 0.0) == (base > 1.0) {
            f64::INFINITY
        } else {
            0.0
        });
    }
    if x.is_infinite() {
        let odd = is_odd_integer(y);
        return Ok(if y > 0.0 {
            if odd { x } else { x.abs() }
        } else if odd {
            0.0f64.copysign(x)
        } else {
            0.0
        });
    }
    if x == 0.0 {
        if y < 0.0 {
            return Err(PowError::ZeroToNegative);
        }
        return Ok(if is_odd_integer(y) { x } else { 0.0 });
    }
    let mut base = x;
    let mut negate = false;
    if base < 0.0 {
        if y != y.floor() {
            return Err(PowError::Complex);
        }
        base = -base;
        negate = is_odd_integer(y);
    }
    if base == 1.0 {
        return Ok(if negate { -1.0 } else { 1.0 });
    }
    let result = base.powf(y);
    if result.is_infinite() {
        return Err(PowError::Overflow);
    }
    Ok(if negate { -result } else { result })
}

/// The exact value of a finite float as a fraction `num / den` (den a power of 2).
pub fn to_ratio(x: f64) -> (BigInt, BigUint) {
    let (mantissa, exponent) = decompose(x);
    let mut num = BigInt::from(mantissa);
    if x.is_sign_negative() {
        num = -num;
    }
    if exponent >= 0 {
        (num << exponent as usize, BigUint::one())
    } else {
        (num, BigUint::one() << (-exponent) as usize)
    }
}

/// `round(x, ndigits)`: `x` rounded half-even to a multiple of `10**-ndigits`,
/// from its exact value, then read back correctly rounded (CPython's
/// `double_round`). `x` is finite.
pub fn round_to(x: f64, ndigits: i64) -> f64 {
    // Past these, rounding cannot change a double (or leaves only zero).
    if ndigits > 323 {
        return x;
    }
    if ndigits < -308 {
        return 0.0 * x;
    }
    let (num, den) = to_ratio(x);
    let ten = BigUint::from(10u8);
    let scale = ten.pow(ndigits.unsigned_abs() as u32);
    // The value in units of 10**-ndigits, rounded half-even.
    let (scaled_num, scaled_den) = if ndigits >= 0 {
        (num.magnitude() * &scale, den)
    } else {
        (num.magnitude().clone(), den * &scale)
    };
    let (quotient, remainder) = scaled_num.div_rem(&scaled_den);
    let twice = remainder << 1usize;
    let units = if twice > scaled_den || (twice == scaled_den && quotient.is_odd()) {
        quotient + 1u8
    } else {
        quotient
    };
    let negative = x.is_sign_negative();
    let result = if ndigits >= 0 {
        ratio_to_f64(&units, &scale, negative)
    } else {
        ratio_to_f64(&(units * scale), &BigUint::one(), negative)
    };
    // A finite double rounded stays in range except at the very top, where
    // CPython reports an overflow; the caller checks for infinity.
    result.unwrap_or(if negative {
        f64::NEG_INFINITY
    } else {
        f64::INFINITY
    })
}

/// A float literal as Python's `float()` reads it once whitespace is gone
/// and digits are ASCII: `1.5`, `-1e3`, `1_000.5`, `inf`, `-nan`, `.5`, `5.`.
pub fn parse(text: &str) -> Option<f64> {
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    let negative = text.starts_with('-');
    let lower = unsigned.to_ascii_lowercase();
    let special = match lower.as_str() {
        "inf" | "infinity" => Some(f64::INFINITY),
        "nan" => Some(f64::NAN),
        _ => None,
    };
    if let Some(value) = special {
        return Some(if negative { -value } else { value });
    }
    // digits [. digits] [e [sign] digits], underscores only between digits.
    let bytes = unsigned.as_bytes();
    let mut clean = String::with_capacity(bytes.len() + 1);
    let mut i = 0;
    let mut mantissa_digits = 0;
    let digit_run = |i: &mut usize, clean: &mut String| -> Option<usize> {
        let start = *i;
        while *i < bytes.len() {
            match bytes[*i] {
                b'0'..=b'9' => clean.push(bytes[*i] as char),
                b'_' if *i > start
                    && *i + 1 < bytes.len()
                    && bytes[*i + 1].is_ascii_digit()
                    && bytes[*i - 1].is_ascii_digit() => {}
                _ => break,
            }
            *i += 1;
        }
        if bytes.get(start) == Some(&b'_') {
            return None;
        }
        Some(*i - start)
    };
    mantissa_digits += digit_run(&mut i, &mut clean)?;
    if bytes.get(i) == Some(&b'.') {
        clean.push('.');
        i += 1;
        if bytes.get(i) == Some(&b'_') {
            return None;
        }
        mantissa_digits += digit_run(&mut i, &mut clean)?;
    }
    if mantissa_digits == 0 {
        return None;
    }
    if matches!(bytes.get(i), Some(b'e' | b'E')) {
        clean.push('e');
        i += 1;
        if let Some(&sign @ (b'+' | b'-')) = bytes.get(i) {
            clean.push(sign as char);
            i += 1;
        }
        if digit_run(&mut i, &mut clean)? == 0 {
            return None;
        }
    }
    if i != bytes.len() {
        return None;
    }
    let value: f64 = clean.parse().ok()?;
    Some(if negative { -value } else { value })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repr_is_pythons() {
        let cases = [
            (0.1, "0.1"),
            (1.0, "1.0"),
            (-0.0, "-0.0"),
            (1e16, "1e+16"),
            (1e15, "1000000000000000.0"),
            (123456789012345678.0, "1.2345678901234568e+17"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (1.5e-7, "1.5e-07"),
            (5e-324, "5e-324"),
            (f64::MAX, "1.7976931348623157e+308"),
            (f64::NAN, "nan"),
            (f64::NEG_INFINITY, "-inf"),
            (0.30000000000000004, "0.30000000000000004"),
            (2e16 + 8.0, "2.000000000000001e+16"),
            (123.0, "123.0"),
            (f64::from_bits(0x4300_0000_0000_0002), "562949953421312.2"),
            (5.960464477539063e-08, "5.960464477539063e-08"),
        ];
        for (x, text) in cases {
            assert_eq!(repr(x), text, "repr({x:e})");
        }
    }

    #[test]
    fn presentations_are_pythons() {
        let cases = [
            (0.125, 'f', 2, false, false, "0.12"),
            (2.5, 'f', 0, false, false, "2"),
            (2.5, 'f', 0, true, false, "2."),
            (0.0001, 'f', 2, false, false, "0.00"),
            (1234.5, 'e', 3, false, false, "1.234e+03"),
            (1234.5, 'E', 3, false, false, "1.234E+03"),
            (0.0, 'e', 2, false, false, "0.00e+00"),
            (1234.5, 'g', 6, false, false, "1234.5"),
            (1234.5, 'g', 2, false, false, "1.2e+03"),
            (1e-5, 'g', 6, false, false, "1e-05"),
            (1.0, 'g', 6, true, false, "1.00000"),
            (123.0, 'g', 3, false, true, "1.23e+02"),
            (1.0, 'g', 3, false, true, "1.0"),
            (f64::INFINITY, 'F', 2, false, false, "INF"),
            (-f64::NAN, 'f', 2, false, false, "nan"),
        ];
        for (x, code, precision, alt, dot0, text) in cases {
            assert_eq!(
                format(x, code, precision, alt, dot0),
                text,
                "{x} {code} {precision}"
            );
        }
    }

    #[test]
    fn ratios_round_half_even() {
        let big = |n: u128| BigUint::from(n);
        assert_eq!(ratio_to_f64(&big(1), &big(3), false), Some(1.0 / 3.0));
        assert_eq!(
            ratio_to_f64(&big((1 << 53) + 1), &big(1), false),
            Some(9007199254740992.0)
        );
        assert_eq!(
            ratio_to_f64(&big((1 << 53) + 3), &big(1), false),
            Some(9007199254740996.0)
        );
        assert_eq!(
            ratio_to_f64(&big(1), &(big(1) << 1074usize), false),
            Some(5e-324)
        );
        assert_eq!(
            ratio_to_f64(&big(1), &(big(1) << 1075usize), false),
            Some(0.0)
        );
        assert_eq!(
            ratio_to_f64(&big(3), &(big(1) << 1076usize), false),
            Some(5e-324)
        );
        assert_eq!(ratio_to_f64(&(big(1) << 1024usize), &big(1), false), None);
    }

    #[test]
    fn divmod_and_pow_follow_cpython() {
        assert_eq!(modulo(-1.0, 3.0), Some(2.0));
        assert_eq!(modulo(1.0, -3.0), Some(-2.0));
        assert!(modulo(0.0, -3.0).is_some_and(|r| r == 0.0 && r.is_sign_negative()));
        assert_eq!(div_mod(7.5, 2.0), Some((3.0, 1.5)));
        assert_eq!(div_mod(-7.5, 2.0), Some((-4.0, 0.5)));
        assert_eq!(pow(0.0, -1.0), Err(PowError::ZeroToNegative));
        assert_eq!(pow(-8.0, 1.0 / 3.0), Err(PowError::Complex));
        assert_eq!(pow(-2.0, 3.0), Ok(-8.0));
        assert_eq!(pow(10.0, 400.0), Err(PowError::Overflow));
        assert_eq!(round_to(2.675, 2), 2.67);
        assert_eq!(round_to(0.5, 0), 0.0);
        assert_eq!(round_to(1.5, 0), 2.0);
        assert_eq!(round_to(1234.5, -1), 1230.0);
        assert_eq!(round_to(1250.0, -2), 1200.0);
    }

    #[test]
    fn parses_python_float_literals() {
        assert_eq!(parse("1_000.5"), Some(1000.5));
        assert_eq!(parse(".5"), Some(0.5));
        assert_eq!(parse("5."), Some(5.0));
        assert_eq!(parse("-1E3"), Some(-1000.0));
        assert_eq!(parse("Infinity"), Some(f64::INFINITY));
        assert!(parse("nan").is_some_and(f64::is_nan));
        for bad in [
            "", ".", "1__0", "_1", "1_", "1e", "e3", "1.5.2", "0x10", "1_.5", "1._5",
        ] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
    }
}
