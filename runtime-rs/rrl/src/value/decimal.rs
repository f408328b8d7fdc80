//! `decimal.Decimal`: a sign, a coefficient and an exponent, or a special
//! value. Its text is Python's `str(d)` (the General Decimal Arithmetic
//! to-scientific-string), exponent and trailing zeros kept.

use std::cmp::Ordering;

use num_bigint::{BigInt, BigUint};
use num_traits::{One, Pow, Zero};

use super::float;

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
