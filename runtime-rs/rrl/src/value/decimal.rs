//! `decimal.Decimal`: a sign, a coefficient and an exponent, or a special
//! value. Its text is Python's `str(d)` (the General Decimal Arithmetic
//! to-scientific-string), exponent and trailing zeros kept.

use std::cmp::Ordering;

use num_bigint::{BigInt, BigUint};
use num_traits::{One, Pow, Zero};

use super::float;
use crate::eval::BinaryOp;
use crate::value::{ClassName, Exception, Outcome, Value};

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Decimal {
    pub negative: bool,
    pub kind: DecimalKind,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum DecimalKind {
    /// `coefficient * 10**exponent`.
    Finite {
        coefficient: BigUint,
        exponent: i64,
    },
    Infinity,
    NaN {
        signaling: bool,
        payload: BigUint,
    },
}

/// The largest exponent a Decimal's text may carry (CPython's `MAX_EMAX`).
const MAX_EXPONENT: i64 = 999_999_999_999_999_999;

impl Decimal {
    pub fn finite(negative: bool, coefficient: BigUint, exponent: i64) -> Decimal {
        Decimal {
            negative,
            kind: DecimalKind::Finite {
                coefficient,
                exponent,
            },
        }
    }

    pub fn from_int(value: &BigInt) -> Decimal {
        Decimal::finite(
            value.sign() == num_bigint::Sign::Minus,
            value.magnitude().clone(),
            0,
        )
    }

    pub fn is_nan(&self) -> bool {
        matches!(self.kind, DecimalKind::NaN { .. })
    }

    pub fn is_signaling(&self) -> bool {
        matches!(
            self.kind,
            DecimalKind::NaN {
                signaling: true,
                ..
            }
        )
    }

    pub fn is_zero(&self) -> bool {
        matches!(&self.kind, DecimalKind::Finite { coefficient, .. } if coefficient.is_zero())
    }

    /// Python's `Decimal(text)` for the spec's syntax: `1.10`, `-1E+3`,
    /// `.5`, `Infinity`, `NaN12`, `sNaN` (letters in any case).
    pub fn parse(text: &str) -> Option<Decimal> {
        let negative = text.starts_with('-');
        let body = text.strip_prefix(['+', '-']).unwrap_or(text);
        let lower = body.to_ascii_lowercase();
        if lower == "inf" || lower == "infinity" {
            return Some(Decimal {
                negative,
                kind: DecimalKind::Infinity,
            });
        }
        for (prefix, signaling) in [("snan", true), ("nan", false)] {
            if let Some(payload) = lower.strip_prefix(prefix) {
                let payload = if payload.is_empty() {
                    BigUint::zero()
                } else if payload.bytes().all(|b| b.is_ascii_digit()) {
                    payload.parse().ok()?
                } else {
                    return None;
                };
                return Some(Decimal {
                    negative,
                    kind: DecimalKind::NaN { signaling, payload },
                });
            }
        }
        let (mantissa, exponent) = match lower.split_once('e') {
            Some((mantissa, exponent)) => {
                let digits = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
                if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                let value: i64 = digits.parse().ok().filter(|&n| n <= MAX_EXPONENT)?;
                (
                    mantissa,
                    if exponent.starts_with('-') {
                        -value
                    } else {
                        value
                    },
                )
            }
            None => (lower.as_str(), 0),
        };
        let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        if whole.len() + fraction.len() == 0
            || !whole
                .bytes()
                .chain(fraction.bytes())
                .all(|b| b.is_ascii_digit())
        {
            return None;
        }
        let digits = format!("{whole}{fraction}");
        let coefficient = digits.parse().ok()?;
        Some(Decimal::finite(
            negative,
            coefficient,
            exponent - fraction.len() as i64,
        ))
    }

    /// `str(d)`: the General Decimal Arithmetic to-scientific-string.
    pub fn to_sci_string(&self) -> String {
        let sign = if self.negative { "-" } else { "" };
        match &self.kind {
            DecimalKind::Infinity => format!("{sign}Infinity"),
            DecimalKind::NaN { signaling, payload } => {
                let payload = if payload.is_zero() {
                    String::new()
                } else {
                    payload.to_string()
                };
                format!("{sign}{}NaN{payload}", if *signaling { "s" } else { "" })
            }
            DecimalKind::Finite {
                coefficient,
                exponent,
            } => {
                let digits = coefficient.to_string();
                let adjusted = exponent + digits.len() as i64 - 1;
                if *exponent <= 0 && adjusted >= -6 {
                    if *exponent == 0 {
                        return format!("{sign}{digits}");
                    }
                    let point = digits.len() as i64 + exponent;
                    if point > 0 {
                        let (whole, fraction) = digits.split_at(point as usize);
                        format!("{sign}{whole}.{fraction}")
                    } else {
                        format!("{sign}0.{}{digits}", "0".repeat((-point) as usize))
                    }
                } else {
                    let (first, rest) = digits.split_at(1);
                    let point = if rest.is_empty() {
                        String::new()
                    } else {
                        format!(".{rest}")
                    };
                    let exponent_sign = if adjusted >= 0 { "+" } else { "" };
                    format!("{sign}{first}{point}E{exponent_sign}{adjusted}")
                }
            }
        }
    }

    /// The exact value as a fraction, for a finite Decimal.
    pub fn to_ratio(&self) -> Option<(BigInt, BigUint)> {
        let DecimalKind::Finite {
            coefficient,
            exponent,
        } = &self.kind
        else {
            return None;
        };
        let scale = Pow::pow(BigUint::from(10u8), exponent.unsigned_abs());
        let magnitude = if *exponent >= 0 {
            coefficient * &scale
        } else {
            coefficient.clone()
        };
        let den = if *exponent >= 0 {
            BigUint::one()
        } else {
            scale
        };
        let num = BigInt::from(magnitude);
        Some((if self.negative { -num } else { num }, den))
    }

    /// `float(d)`: correctly rounded; ±inf beyond the float range; NaN for a NaN.
    pub fn to_f64(&self) -> f64 {
        match &self.kind {
            DecimalKind::NaN { .. } => {
                if self.negative {
                    -f64::NAN
                } else {
                    f64::NAN
                }
            }
            DecimalKind::Infinity => {
                if self.negative {
                    f64::NEG_INFINITY
                } else {
                    f64::INFINITY
                }
            }
            DecimalKind::Finite {
                coefficient,
                exponent,
            } => {
                // Far beyond the float range either way: skip the big powers of ten.
                let digits = coefficient.bits() as f64 * std::f64::consts::LOG10_2;
                let magnitude = if coefficient.is_zero() || digits + (*exponent as f64) < -400.0 {
                    Some(0.0)
                } else if digits + (*exponent as f64) > 400.0 {
                    None
                } else {
                    self.to_ratio()
                        .and_then(|(num, den)| float::ratio_to_f64(num.magnitude(), &den, false))
                };
                let value = magnitude.unwrap_or(f64::INFINITY);
                if self.negative { -value } else { value }
            }
        }
    }
}

/// How two numbers compare exactly, each a fraction `num / den` (den > 0).
pub fn cmp_ratios(a: &(BigInt, BigUint), b: &(BigInt, BigUint)) -> Ordering {
    (&a.0 * BigInt::from(b.1.clone())).cmp(&(&b.0 * BigInt::from(a.1.clone())))
}

/// The exact value of a non-NaN Decimal against another's, infinities included.
pub fn cmp_decimals(a: &Decimal, b: &Decimal) -> Option<Ordering> {
    let rank = |d: &Decimal| match d.kind {
        DecimalKind::Infinity if d.negative => Some(-1),
        DecimalKind::Infinity => Some(1),
        DecimalKind::NaN { .. } => None,
        DecimalKind::Finite { .. } => Some(0),
    };
    match (rank(a)?, rank(b)?) {
        (0, 0) => Some(cmp_ratios(&a.to_ratio()?, &b.to_ratio()?)),
        (x, y) => Some(x.cmp(&y)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_pythons() {
        let cases = [
            ("1.10", "1.10"),
            ("1E+3", "1E+3"),
            ("NaN", "NaN"),
            ("-0", "-0"),
            ("0E-7", "0E-7"),
            ("1e-7", "1E-7"),
            ("123.456e2", "12345.6"),
            ("-Inf", "-Infinity"),
            ("sNaN12", "sNaN12"),
            ("nan", "NaN"),
            ("0.000001", "0.000001"),
            ("0.0000001", "1E-7"),
            ("1E+1", "1E+1"),
            ("-0.0", "-0.0"),
            (".5", "0.5"),
            ("5.", "5"),
        ];
        for (text, shown) in cases {
            assert_eq!(
                Decimal::parse(text).map(|d| d.to_sci_string()).as_deref(),
                Some(shown),
                "{text}"
            );
        }
        for bad in [
            "", ".", "1e", "e5", "1.2.3", "0x1", " 1", "1_0", "NaNx", "infinit",
        ] {
            assert!(Decimal::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn converts_to_float_exactly() {
        let f = |text: &str| Decimal::parse(text).map(|d| d.to_f64());
        assert_eq!(f("0.1"), Some(0.1));
        assert_eq!(f("1E+400"), Some(f64::INFINITY));
        assert_eq!(f("-1E-400"), Some(-0.0));
        assert_eq!(f("2.5"), Some(2.5));
    }
}

// ------------------------------------------------------------------ arithmetic
//
// The default context of Python's decimal module: 28 digits, rounding half to
// even, exponents within ±999999; InvalidOperation, DivisionByZero and
// Overflow raise. The steps follow the General Decimal Arithmetic spec as
// Python's `_pydecimal` implements it.

const PRECISION: i64 = 28;
const EMAX: i64 = 999_999;
const EMIN: i64 = -999_999;
const ETINY: i64 = EMIN - PRECISION + 1;
const ETOP: i64 = EMAX - PRECISION + 1;

/// A condition of the decimal module that raises.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Signal {
    InvalidOperation,
    DivisionUndefined,
    DivisionImpossible,
    DivisionByZero,
    /// `divmod(x, 0)`: an invalid remainder and a division by zero at once.
    InvalidDivisionByZero,
    Overflow,
}

impl Signal {
    /// The exception Python's C decimal raises: InvalidOperation for its
    /// subconditions, with the condition's class named in the message.
    pub fn exception(self) -> Exception {
        let (raised, condition) = match self {
            Signal::InvalidOperation => ("InvalidOperation", "InvalidOperation"),
            Signal::DivisionUndefined => ("InvalidOperation", "DivisionUndefined"),
            Signal::DivisionImpossible => ("InvalidOperation", "DivisionImpossible"),
            Signal::DivisionByZero => ("DivisionByZero", "DivisionByZero"),
            Signal::Overflow => ("Overflow", "Overflow"),
            Signal::InvalidDivisionByZero => (
                "InvalidOperation",
                "InvalidOperation'>, <class 'decimal.DivisionByZero",
            ),
        };
        let chain: &[&str] = match raised {
            "DivisionByZero" => &[
                "decimal:DivisionByZero",
                "decimal:DecimalException",
                "builtins:ZeroDivisionError",
            ],
            "Overflow" => &[
                "decimal:Overflow",
                "decimal:Inexact",
                "decimal:Rounded",
                "decimal:DecimalException",
                "builtins:ArithmeticError",
            ],
            _ => &[
                "decimal:InvalidOperation",
                "decimal:DecimalException",
                "builtins:ArithmeticError",
            ],
        };
        Exception::construct(
            chain.iter().map(|name| ClassName::new(name)).collect(),
            vec![Value::str(&format!("[<class 'decimal.{condition}'>]"))],
        )
    }
}

fn raise<T>(signal: Signal) -> Outcome<T> {
    Err(signal.exception())
}

/// A finite decimal as digits: sign, coefficient digits (no leading zeros
/// except `"0"`), exponent.
#[derive(Clone, Debug)]
struct Work {
    negative: bool,
    digits: String,
    exponent: i64,
}

impl Work {
    fn of(d: &Decimal) -> Option<Work> {
        match &d.kind {
            DecimalKind::Finite {
                coefficient,
                exponent,
            } => Some(Work {
                negative: d.negative,
                digits: coefficient.to_string(),
                exponent: *exponent,
            }),
            _ => None,
        }
    }

    fn new(negative: bool, coefficient: &BigUint, exponent: i64) -> Work {
        Work {
            negative,
            digits: coefficient.to_string(),
            exponent,
        }
    }

    fn is_zero(&self) -> bool {
        self.digits == "0"
    }

    fn coefficient(&self) -> BigUint {
        self.digits.parse().unwrap_or_default()
    }

    fn adjusted(&self) -> i64 {
        self.exponent + self.digits.len() as i64 - 1
    }

    fn into_decimal(self) -> Decimal {
        Decimal::finite(self.negative, self.coefficient(), self.exponent)
    }

    /// Whether rounding half-even to `keep` digits goes up.
    fn rounds_up(&self, keep: usize) -> bool {
        let bytes = self.digits.as_bytes();
        let Some(&first_dropped) = bytes.get(keep) else {
            return false;
        };
        let rest_zero = bytes[keep + 1..].iter().all(|&b| b == b'0');
        match first_dropped {
            b'6'..=b'9' => true,
            b'5' if !rest_zero => true,
            b'5' => keep > 0 && (bytes[keep - 1] - b'0') % 2 == 1,
            _ => false,
        }
    }

    /// The same value at exponent `exponent`, rounded half-even (`_rescale`).
    fn rescale(self, exponent: i64) -> Work {
        if self.is_zero() {
            return Work { exponent, ..self };
        }
        if self.exponent >= exponent {
            let zeros = "0".repeat((self.exponent - exponent) as usize);
            return Work {
                digits: format!("{}{zeros}", self.digits),
                exponent,
                ..self
            };
        }
        let mut work = self;
        let mut keep = work.digits.len() as i64 + work.exponent - exponent;
        if keep < 0 {
            work = Work {
                digits: "1".to_string(),
                exponent: exponent - 1,
                ..work
            };
            keep = 0;
        }
        let keep = keep as usize;
        let up = work.rounds_up(keep);
        let kept = if keep == 0 { "0" } else { &work.digits[..keep] };
        let mut coefficient: BigUint = kept.parse().unwrap_or_default();
        if up {
            coefficient += 1u8;
        }
        Work::new(work.negative, &coefficient, exponent)
    }

    /// Fit the context: round to 28 digits, keep the exponent in range (`_fix`).
    fn fix(self) -> Outcome<Decimal> {
        if self.is_zero() {
            let exponent = self.exponent.clamp(ETINY, EMAX);
            return Ok(Work { exponent, ..self }.into_decimal());
        }
        let mut exponent_min = self.digits.len() as i64 + self.exponent - PRECISION;
        if exponent_min > ETOP {
            return raise(Signal::Overflow);
        }
        if exponent_min < ETINY {
            exponent_min = ETINY;
        }
        if self.exponent >= exponent_min {
            return Ok(self.into_decimal());
        }
        let mut work = self.rescale(exponent_min);
        if work.digits.len() as i64 > PRECISION {
            work.digits.pop();
            work.exponent += 1;
        }
        if work.exponent > ETOP {
            return raise(Signal::Overflow);
        }
        Ok(work.into_decimal())
    }
}

fn infinity(negative: bool) -> Decimal {
    Decimal {
        negative,
        kind: DecimalKind::Infinity,
    }
}

/// NaN operands: a signaling NaN raises, a quiet NaN is the result.
fn check_nans(a: &Decimal, b: Option<&Decimal>) -> Outcome<Option<Decimal>> {
    if a.is_signaling() || b.is_some_and(Decimal::is_signaling) {
        return raise(Signal::InvalidOperation);
    }
    for operand in std::iter::once(a).chain(b) {
        if operand.is_nan() {
            return Ok(Some(operand.clone()));
        }
    }
    Ok(None)
}

/// `-d` in the context: a zero is positive.
pub fn negate(d: &Decimal) -> Decimal {
    let mut out = plus(d);
    if !d.is_zero() && !d.is_nan() {
        out.negative = !d.negative;
    }
    out
}

/// `+d`: rounded to the context; a zero is positive.
pub fn plus(d: &Decimal) -> Decimal {
    match Work::of(d) {
        Some(mut work) => {
            if work.is_zero() {
                work.negative = false;
            }
            work.fix().unwrap_or_else(|_| infinity(d.negative))
        }
        None => d.clone(),
    }
}

/// `abs(d)`.
pub fn absolute(d: &Decimal) -> Decimal {
    let mut out = plus(d);
    if !out.is_nan() {
        out.negative = false;
    }
    out
}

fn add(a: &Decimal, b: &Decimal) -> Outcome<Decimal> {
    if let Some(nan) = check_nans(a, Some(b))? {
        return Ok(nan);
    }
    match (&a.kind, &b.kind) {
        (DecimalKind::Infinity, DecimalKind::Infinity) if a.negative != b.negative => {
            return raise(Signal::InvalidOperation);
        }
        (DecimalKind::Infinity, _) => return Ok(a.clone()),
        (_, DecimalKind::Infinity) => return Ok(b.clone()),
        _ => {}
    }
    let (Some(x), Some(y)) = (Work::of(a), Work::of(b)) else {
        return raise(Signal::InvalidOperation);
    };
    let exponent = x.exponent.min(y.exponent);
    if x.is_zero() && y.is_zero() {
        return Work {
            negative: x.negative && y.negative,
            digits: "0".to_string(),
            exponent,
        }
        .fix();
    }
    if x.is_zero() {
        return y
            .clone()
            .rescale(exponent.max(y.exponent - PRECISION - 1))
            .fix();
    }
    if y.is_zero() {
        return x
            .clone()
            .rescale(exponent.max(x.exponent - PRECISION - 1))
            .fix();
    }
    let (x, y) = normalize(x, y);
    let (p, q) = (x.coefficient(), y.coefficient());
    if x.negative != y.negative {
        if p == q {
            return Work {
                negative: false,
                digits: "0".to_string(),
                exponent,
            }
            .fix();
        }
        let (big, small, negative) = if p > q {
            (p, q, x.negative)
        } else {
            (q, p, y.negative)
        };
        return Work::new(negative, &(big - small), x.exponent).fix();
    }
    Work::new(x.negative, &(p + q), x.exponent).fix()
}

/// Bring two operands to one exponent for adding; an operand far below the
/// other's last digit stands in as a tiny sticky `1` (`_normalize`).
fn normalize(x: Work, y: Work) -> (Work, Work) {
    let swap = x.exponent < y.exponent;
    let (mut big, mut small) = if swap { (y, x) } else { (x, y) };
    let exponent = big.exponent + (-1i64).min(big.digits.len() as i64 - PRECISION - 2);
    if small.digits.len() as i64 + small.exponent - 1 < exponent {
        small.digits = "1".to_string();
        small.exponent = exponent;
    }
    let zeros = (big.exponent - small.exponent) as usize;
    big.digits = format!("{}{}", big.digits, "0".repeat(zeros));
    big.exponent = small.exponent;
    if swap { (small, big) } else { (big, small) }
}

fn multiply(a: &Decimal, b: &Decimal) -> Outcome<Decimal> {
    let negative = a.negative != b.negative;
    if let Some(nan) = check_nans(a, Some(b))? {
        return Ok(nan);
    }
    if matches!(a.kind, DecimalKind::Infinity) || matches!(b.kind, DecimalKind::Infinity) {
        if a.is_zero() || b.is_zero() {
            return raise(Signal::InvalidOperation);
        }
        return Ok(infinity(negative));
    }
    let (Some(x), Some(y)) = (Work::of(a), Work::of(b)) else {
        return raise(Signal::InvalidOperation);
    };
    Work::new(
        negative,
        &(x.coefficient() * y.coefficient()),
        x.exponent + y.exponent,
    )
    .fix()
}

fn ten_pow(n: i64) -> BigUint {
    Pow::pow(BigUint::from(10u8), n.unsigned_abs())
}

fn divide(a: &Decimal, b: &Decimal) -> Outcome<Decimal> {
    let negative = a.negative != b.negative;
    if let Some(nan) = check_nans(a, Some(b))? {
        return Ok(nan);
    }
    match (&a.kind, &b.kind) {
        (DecimalKind::Infinity, DecimalKind::Infinity) => return raise(Signal::InvalidOperation),
        (DecimalKind::Infinity, _) => return Ok(infinity(negative)),
        (_, DecimalKind::Infinity) => return Ok(Decimal::finite(negative, BigUint::zero(), ETINY)),
        _ => {}
    }
    let (Some(x), Some(y)) = (Work::of(a), Work::of(b)) else {
        return raise(Signal::InvalidOperation);
    };
    if y.is_zero() {
        return raise(if x.is_zero() {
            Signal::DivisionUndefined
        } else {
            Signal::DivisionByZero
        });
    }
    if x.is_zero() {
        return Work {
            negative,
            digits: "0".to_string(),
            exponent: x.exponent - y.exponent,
        }
        .fix();
    }
    let shift = y.digits.len() as i64 - x.digits.len() as i64 + PRECISION + 1;
    let mut exponent = x.exponent - y.exponent - shift;
    let (p, q) = (x.coefficient(), y.coefficient());
    let (mut quotient, remainder) = if shift >= 0 {
        num_integer::Integer::div_rem(&(p * ten_pow(shift)), &q)
    } else {
        num_integer::Integer::div_rem(&p, &(q * ten_pow(shift)))
    };
    let ten = BigUint::from(10u8);
    if !remainder.is_zero() {
        // Inexact: a last digit of 0 or 5 would round as a tie or exact; nudge it.
        if (&quotient % 5u8).is_zero() {
            quotient += 1u8;
        }
    } else {
        let ideal = x.exponent - y.exponent;
        while exponent < ideal && (&quotient % &ten).is_zero() {
            quotient /= &ten;
            exponent += 1;
        }
    }
    Work::new(negative, &quotient, exponent).fix()
}

/// `a // b` and `a % b` of finite operands, `b` not zero: the quotient
/// truncated toward zero, the remainder with `a`'s sign (`_divide`).
fn divide_integer(x: &Work, y: &Work) -> Outcome<(Decimal, Decimal)> {
    let negative = x.negative != y.negative;
    let ideal = x.exponent.min(y.exponent);
    let difference = x.adjusted() - y.adjusted();
    if x.is_zero() || difference <= -2 {
        let remainder = x.clone().rescale(ideal).fix()?;
        return Ok((Decimal::finite(negative, BigUint::zero(), 0), remainder));
    }
    if difference <= PRECISION {
        let (mut p, mut q) = (x.coefficient(), y.coefficient());
        if x.exponent >= y.exponent {
            p *= ten_pow(x.exponent - y.exponent);
        } else {
            q *= ten_pow(y.exponent - x.exponent);
        }
        let (quotient, remainder) = num_integer::Integer::div_rem(&p, &q);
        if quotient < ten_pow(PRECISION) {
            let remainder = Work::new(x.negative, &remainder, ideal).fix()?;
            return Ok((Decimal::finite(negative, quotient, 0), remainder));
        }
    }
    raise(Signal::DivisionImpossible)
}

fn floor_divide(a: &Decimal, b: &Decimal, remainder: bool) -> Outcome<Decimal> {
    if let Some(nan) = check_nans(a, Some(b))? {
        return Ok(nan);
    }
    let negative = a.negative != b.negative;
    match (&a.kind, &b.kind) {
        (DecimalKind::Infinity, DecimalKind::Infinity) => return raise(Signal::InvalidOperation),
        (DecimalKind::Infinity, _) if remainder => return raise(Signal::InvalidOperation),
        (DecimalKind::Infinity, _) => return Ok(infinity(negative)),
        (_, DecimalKind::Infinity) if remainder => return Ok(plus(a)),
        (_, DecimalKind::Infinity) => return Ok(Decimal::finite(negative, BigUint::zero(), 0)),
        _ => {}
    }
    let (Some(x), Some(y)) = (Work::of(a), Work::of(b)) else {
        return raise(Signal::InvalidOperation);
    };
    if y.is_zero() {
        return raise(match (x.is_zero(), remainder) {
            (true, _) => Signal::DivisionUndefined,
            (false, true) => Signal::InvalidOperation,
            (false, false) => Signal::DivisionByZero,
        });
    }
    let (quotient, rest) = divide_integer(&x, &y)?;
    Ok(if remainder { rest } else { quotient })
}

/// `a ** b` for an integral exponent: the exact power, rounded once.
fn power(a: &Decimal, b: &Decimal) -> Outcome<Decimal> {
    if let Some(nan) = check_nans(a, Some(b))? {
        return Ok(nan);
    }
    if b.is_zero() {
        if a.is_zero() {
            return raise(Signal::InvalidOperation);
        }
        return Ok(Decimal::finite(false, BigUint::one(), 0));
    }
    // An integral exponent, when it is one.
    let exponent = b
        .to_ratio()
        .filter(|(_, den)| den.is_one())
        .map(|(num, _)| num);
    let odd = exponent.as_ref().is_some_and(num_integer::Integer::is_odd);
    if a.negative && exponent.is_none() && !a.is_zero() {
        return raise(Signal::InvalidOperation);
    }
    let negative = a.negative && odd;
    let base = Decimal {
        negative: false,
        ..a.clone()
    };
    if base.is_zero() {
        return Ok(if b.negative {
            infinity(negative)
        } else {
            Decimal::finite(negative, BigUint::zero(), 0)
        });
    }
    if matches!(base.kind, DecimalKind::Infinity) {
        return Ok(if b.negative {
            Decimal::finite(negative, BigUint::zero(), 0)
        } else {
            infinity(negative)
        });
    }
    let unsupported = |what: &str| {
        Err(Exception::new(
            crate::value::BuiltinException::ValueError,
            format!("a Decimal {what} is not supported by the Rust core"),
        ))
    };
    let Some(x) = Work::of(&base) else {
        return raise(Signal::InvalidOperation);
    };
    if x.coefficient() == ten_pow(-x.exponent.min(0)) && x.exponent <= 0 {
        // The base is 1 (1, 1.0, 1.00, ...): a 1 with the exponent Python gives it.
        let ideal = match &exponent {
            Some(n) if n.sign() == num_bigint::Sign::Minus => 0,
            Some(n) => {
                x.exponent
                    * num_traits::ToPrimitive::to_i64(n)
                        .unwrap_or(PRECISION)
                        .min(PRECISION)
            }
            None => 1 - PRECISION,
        };
        let exponent = ideal.max(1 - PRECISION);
        return Ok(Decimal::finite(negative, ten_pow(-exponent), exponent));
    }
    if matches!(b.kind, DecimalKind::Infinity) {
        // Past 1 the power grows without bound, below 1 it vanishes.
        return Ok(if b.negative == (x.adjusted() < 0) {
            infinity(negative)
        } else {
            Decimal::finite(negative, BigUint::zero(), 0)
        });
    }
    let Some(exponent) = exponent else {
        return unsupported("to a fractional power");
    };
    // Far beyond the exponent range either way: Overflow, or a zero.
    let lead = &x.digits[..x.digits.len().min(17)];
    let log10 = lead.parse::<f64>().unwrap_or(1.0).log10()
        + (x.digits.len() - lead.len()) as f64
        + x.exponent as f64;
    let power = num_traits::ToPrimitive::to_f64(&exponent).unwrap_or(f64::INFINITY);
    let magnitude = log10 * power;
    if magnitude > (EMAX + 2) as f64 {
        return raise(Signal::Overflow);
    }
    if magnitude < (ETINY - 2) as f64 {
        return Ok(Decimal::finite(negative, BigUint::zero(), ETINY));
    }
    let n = num_traits::ToPrimitive::to_u32(exponent.magnitude())
        .filter(|&n| u64::from(n) * x.digits.len() as u64 <= 50_000);
    let Some(n) = n else {
        return unsupported("power this large");
    };
    let exact = Decimal::finite(
        negative,
        Pow::pow(x.coefficient(), n),
        x.exponent * i64::from(n),
    );
    if exponent.sign() == num_bigint::Sign::Minus {
        let one = Decimal::finite(false, BigUint::one(), 0);
        let inverse = divide(
            &one,
            &Decimal {
                negative: false,
                ..exact
            },
        )?;
        return Ok(Decimal {
            negative,
            ..inverse
        });
    }
    Work::of(&exact).map_or(Ok(exact.clone()), Work::fix)
}

/// `a <op> b` for Decimals (an int operand already made a Decimal).
pub fn arithmetic(op: BinaryOp, a: &Decimal, b: &Decimal) -> Outcome<Decimal> {
    match op {
        BinaryOp::Add => add(a, b),
        BinaryOp::Sub => add(a, &copy_negate(b)),
        BinaryOp::Mul => multiply(a, b),
        BinaryOp::Div => divide(a, b),
        BinaryOp::FloorDiv => floor_divide(a, b, false),
        BinaryOp::Mod => floor_divide(a, b, true),
        BinaryOp::Pow => power(a, b),
        BinaryOp::BitOr | BinaryOp::BitXor | BinaryOp::BitAnd => {
            Err(crate::eval::ops::type_error(format!(
                "unsupported operand type(s) for {}: 'decimal.Decimal' and 'decimal.Decimal'",
                op.symbol()
            )))
        }
    }
}

/// `-b` without rounding, for subtraction; a NaN keeps its sign.
fn copy_negate(b: &Decimal) -> Decimal {
    if b.is_nan() {
        b.clone()
    } else {
        Decimal {
            negative: !b.negative,
            ..b.clone()
        }
    }
}

/// `divmod(a, b)`.
pub fn div_mod(a: &Decimal, b: &Decimal) -> Outcome<(Decimal, Decimal)> {
    if let Some(nan) = check_nans(a, Some(b))? {
        return Ok((nan.clone(), nan));
    }
    match (Work::of(a), Work::of(b)) {
        (None, _) => raise(Signal::InvalidOperation),
        (Some(_), None) => Ok((
            Decimal::finite(a.negative != b.negative, BigUint::zero(), 0),
            plus(a),
        )),
        (Some(x), Some(y)) if y.is_zero() => raise(if x.is_zero() {
            Signal::DivisionUndefined
        } else {
            Signal::InvalidDivisionByZero
        }),
        (Some(x), Some(y)) => divide_integer(&x, &y),
    }
}

/// `round(d, n)`: `d` at exponent `-n`, rounded half to even (`quantize`).
pub fn round_to(d: &Decimal, ndigits: i64) -> Outcome<Decimal> {
    match Work::of(d) {
        Some(work) => {
            let rescaled = work.rescale(-ndigits);
            if rescaled.digits.len() as i64 > PRECISION && !rescaled.is_zero() {
                return raise(Signal::InvalidOperation);
            }
            Ok(rescaled.into_decimal())
        }
        None if d.is_signaling() => raise(Signal::InvalidOperation),
        None if d.is_nan() => Ok(d.clone()),
        None => raise(Signal::InvalidOperation),
    }
}

/// `round(d)` and `int(d)`: the int nearest (half to even) or truncated.
pub fn to_int(d: &Decimal, nearest: bool) -> Outcome<BigInt> {
    let Some(work) = Work::of(d) else {
        let message = if d.is_nan() {
            "cannot convert NaN to integer"
        } else {
            "cannot convert Infinity to integer"
        };
        let class = if d.is_nan() {
            crate::value::BuiltinException::ValueError
        } else {
            crate::value::BuiltinException::OverflowError
        };
        return Err(Exception::new(class, message));
    };
    let whole = if nearest || work.exponent >= 0 {
        work.rescale(0)
    } else {
        let keep = (work.digits.len() as i64 + work.exponent).max(0) as usize;
        let digits = if keep == 0 {
            "0".to_string()
        } else {
            work.digits[..keep].to_string()
        };
        Work {
            digits,
            exponent: 0,
            ..work
        }
    };
    let magnitude = BigInt::from(whole.coefficient());
    Ok(if whole.negative {
        -magnitude
    } else {
        magnitude
    })
}

#[cfg(test)]
mod arithmetic_tests {
    use super::*;

    fn d(text: &str) -> Decimal {
        Decimal::parse(text).unwrap_or_else(|| Decimal::finite(false, BigUint::zero(), 0))
    }

    fn show(result: Outcome<Decimal>) -> String {
        match result {
            Ok(d) => d.to_sci_string(),
            Err(exc) => format!("{}: {}", exc.class().qualname(), exc.message()),
        }
    }

    #[test]
    fn arithmetic_is_pythons() {
        let cases = [
            (
                BinaryOp::Div,
                "1",
                "0",
                "DivisionByZero: [<class 'decimal.DivisionByZero'>]",
            ),
            (
                BinaryOp::Div,
                "0",
                "0",
                "InvalidOperation: [<class 'decimal.DivisionUndefined'>]",
            ),
            (
                BinaryOp::FloorDiv,
                "1",
                "0",
                "DivisionByZero: [<class 'decimal.DivisionByZero'>]",
            ),
            (
                BinaryOp::Mod,
                "1",
                "0",
                "InvalidOperation: [<class 'decimal.InvalidOperation'>]",
            ),
            (BinaryOp::FloorDiv, "-7", "2", "-3"),
            (BinaryOp::Mod, "-7", "2", "-1"),
            (
                BinaryOp::FloorDiv,
                "1E+30",
                "1E-30",
                "InvalidOperation: [<class 'decimal.DivisionImpossible'>]",
            ),
            (BinaryOp::Pow, "2", "-2", "0.25"),
            (BinaryOp::Pow, "1.5", "3", "3.375"),
            (
                BinaryOp::Sub,
                "Inf",
                "Inf",
                "InvalidOperation: [<class 'decimal.InvalidOperation'>]",
            ),
            (
                BinaryOp::Mul,
                "9E+999999",
                "10",
                "Overflow: [<class 'decimal.Overflow'>]",
            ),
            (BinaryOp::Add, "1.30", "1.20", "2.50"),
            (BinaryOp::Mul, "1.3", "1.20", "1.560"),
            (BinaryOp::Add, "-0", "0", "0"),
            (BinaryOp::Add, "-0", "-0", "-0"),
            (BinaryOp::Sub, "1", "1", "0"),
            (
                BinaryOp::Add,
                "12345678901234567890123456789",
                "1",
                "1.234567890123456789012345679E+28",
            ),
            (BinaryOp::Add, "NaN", "1", "NaN"),
            (
                BinaryOp::Add,
                "sNaN",
                "1",
                "InvalidOperation: [<class 'decimal.InvalidOperation'>]",
            ),
            (BinaryOp::Div, "10", "4", "2.5"),
            (BinaryOp::Div, "1", "0.25", "4"),
            (BinaryOp::Div, "100", "1E+2", "1.00"),
            (BinaryOp::Div, "1.0", "3", "0.3333333333333333333333333333"),
            (BinaryOp::Div, "1", "3", "0.3333333333333333333333333333"),
            (
                BinaryOp::Add,
                "1E+40",
                "1E-40",
                "1.000000000000000000000000000E+40",
            ),
        ];
        for (op, a, b, expected) in cases {
            assert_eq!(
                show(arithmetic(op, &d(a), &d(b))),
                expected,
                "{a} {op:?} {b}"
            );
        }
        assert_eq!(show(round_to(&d("2.675"), 2)), "2.68");
        assert_eq!(to_int(&d("-2.5"), true).ok(), Some(BigInt::from(-2)));
        assert_eq!(to_int(&d("-2.7"), false).ok(), Some(BigInt::from(-2)));
        assert_eq!(negate(&d("0")).to_sci_string(), "0");
        assert_eq!(plus(&d("-0")).to_sci_string(), "0");
    }
}

/// `str(abs(d))` of a special value: `Infinity`, `NaN`, `sNaN12`.
pub fn absolute_text(d: &Decimal) -> String {
    Decimal {
        negative: false,
        ..d.clone()
    }
    .to_sci_string()
}

/// Digits and exponent at a new exponent, rounded half to even.
pub fn rescale_digits(digits: &str, exponent: i64, new_exponent: i64) -> (String, i64) {
    let work = Work {
        negative: false,
        digits: digits.to_string(),
        exponent,
    }
    .rescale(new_exponent);
    (work.digits, work.exponent)
}

/// Digits and exponent rounded half to even to `places` significant digits.
pub fn round_digits(digits: &str, exponent: i64, places: usize) -> (String, i64) {
    let work = Work {
        negative: false,
        digits: digits.to_string(),
        exponent,
    };
    let adjusted = work.adjusted();
    let rounded = work.rescale(adjusted + 1 - places as i64);
    if rounded.adjusted() != adjusted {
        let again = rounded.adjusted() + 1 - places as i64;
        let rounded = rounded.rescale(again);
        return (rounded.digits, rounded.exponent);
    }
    (rounded.digits, rounded.exponent)
}
