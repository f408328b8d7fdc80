//! Python's `int`: any size, a machine word while it fits.

use std::cmp::Ordering;
use std::sync::Arc;

use num_bigint::{BigInt, BigUint, Sign};
use num_integer::Integer;
use num_traits::{Signed, ToPrimitive};

use super::float;

/// An int of any size. `Small` whenever the value fits in an `i64`, so two
/// equal ints always have the same representation.
#[derive(Clone, Debug)]
pub enum Int {
    Small(i64),
    Big(Arc<BigInt>),
}

/// CPython's limit on the decimal digits of an int converted to or from text
/// (`sys.get_int_max_str_digits()`, 4300 by default).
pub const MAX_STR_DIGITS: usize = 4300;

impl Int {
    pub fn from_big(value: BigInt) -> Int {
        match value.to_i64() {
            Some(small) => Int::Small(small),
            None => Int::Big(Arc::new(value)),
        }
    }

    pub fn to_big(&self) -> BigInt {
        match self {
            Int::Small(n) => BigInt::from(*n),
            Int::Big(big) => (**big).clone(),
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Int::Small(n) => Some(*n),
            Int::Big(_) => None,
        }
    }

    pub fn is_zero(&self) -> bool {
        matches!(self, Int::Small(0))
    }

    pub fn is_negative(&self) -> bool {
        match self {
            Int::Small(n) => *n < 0,
            Int::Big(big) => big.is_negative(),
        }
    }

    pub fn add(&self, other: &Int) -> Int {
        if let (Int::Small(a), Int::Small(b)) = (self, other) {
            if let Some(sum) = a.checked_add(*b) {
                return Int::Small(sum);
            }
        }
        Int::from_big(self.to_big() + other.to_big())
    }

    pub fn sub(&self, other: &Int) -> Int {
        if let (Int::Small(a), Int::Small(b)) = (self, other) {
            if let Some(difference) = a.checked_sub(*b) {
                return Int::Small(difference);
            }
        }
        Int::from_big(self.to_big() - other.to_big())
    }

    pub fn mul(&self, other: &Int) -> Int {
        if let (Int::Small(a), Int::Small(b)) = (self, other) {
            if let Some(product) = a.checked_mul(*b) {
                return Int::Small(product);
            }
        }
        Int::from_big(self.to_big() * other.to_big())
    }

    pub fn neg(&self) -> Int {
        match self {
            Int::Small(n) => n
                .checked_neg()
                .map_or_else(|| Int::from_big(-BigInt::from(*n)), Int::Small),
            Int::Big(big) => Int::from_big(-(**big).clone()),
        }
    }

    pub fn abs(&self) -> Int {
        if self.is_negative() {
            self.neg()
        } else {
            self.clone()
        }
    }

    /// Floor division and its remainder, Python's way (the remainder has the
    /// sign of the divisor). None when dividing by zero.
    pub fn div_mod_floor(&self, other: &Int) -> Option<(Int, Int)> {
        if other.is_zero() {
            return None;
        }
        if let (Int::Small(a), Int::Small(b)) = (self, other) {
            if !(*a == i64::MIN && *b == -1) {
                let (q, r) = a.div_mod_floor(b);
                return Some((Int::Small(q), Int::Small(r)));
            }
        }
        let (q, r) = self.to_big().div_mod_floor(&other.to_big());
        Some((Int::from_big(q), Int::from_big(r)))
    }

    /// `self ** exponent` for a non-negative exponent.
    pub fn pow(&self, exponent: u32) -> Int {
        if let Int::Small(base) = self {
            if let Some(power) = base.checked_pow(exponent) {
                return Int::Small(power);
            }
        }
        Int::from_big(num_traits::Pow::pow(self.to_big(), exponent))
    }

    /// The nearest float (ties to even), or None when it is beyond the float range.
    pub fn to_f64(&self) -> Option<f64> {
        match self {
            Int::Small(n) if n.unsigned_abs() <= 1 << 53 => Some(*n as f64),
            _ => {
                let big = self.to_big();
                float::ratio_to_f64(big.magnitude(), &BigUint::from(1u8), big.is_negative())
            }
        }
    }

    /// The exact int value of a finite float, its fraction dropped (`int(2.7)`).
    pub fn from_f64_truncated(value: f64) -> Int {
        if value.abs() < 9.2e18 {
            return Int::Small(value.trunc() as i64);
        }
        let bits = value.to_bits();
        let exponent = ((bits >> 52) & 0x7ff) as i64 - 1075;
        let mantissa = (bits & ((1 << 52) - 1)) | (1 << 52);
        // |value| >= 2**63 here, so the exponent is positive: no fraction.
        let magnitude = BigInt::from(mantissa) << exponent.max(0) as usize;
        Int::from_big(if value < 0.0 { -magnitude } else { magnitude })
    }

    pub fn bit_length(&self) -> u64 {
        match self {
            Int::Small(n) => 64 - n.unsigned_abs().leading_zeros() as u64,
            Int::Big(big) => big.bits(),
        }
    }

    /// The digits in `radix` (2..=36), lowercase, with a `-` for a negative value.
    pub fn to_str_radix(&self, radix: u32) -> String {
        match self {
            Int::Small(n) if radix == 10 => n.to_string(),
            _ => self.to_big().to_str_radix(radix),
        }
    }

    /// `str(n)`; None beyond CPython's limit on decimal digits.
    pub fn to_decimal(&self) -> Option<String> {
        let text = self.to_str_radix(10);
        let digits = text.len() - usize::from(text.starts_with('-'));
        (digits <= MAX_STR_DIGITS).then_some(text)
    }

    pub fn sign(&self) -> Sign {
        match self {
            Int::Small(n) => match n.cmp(&0) {
                Ordering::Less => Sign::Minus,
                Ordering::Equal => Sign::NoSign,
                Ordering::Greater => Sign::Plus,
            },
            Int::Big(big) => big.sign(),
        }
    }
}

impl From<i64> for Int {
    fn from(n: i64) -> Int {
        Int::Small(n)
    }
}

impl From<BigInt> for Int {
    fn from(n: BigInt) -> Int {
        Int::from_big(n)
    }
}

impl PartialEq for Int {
    fn eq(&self, other: &Int) -> bool {
        match (self, other) {
            (Int::Small(a), Int::Small(b)) => a == b,
            (Int::Big(a), Int::Big(b)) => a == b,
            // Normalized: a big int never equals a small one.
            _ => false,
        }
    }
}

impl Eq for Int {}

impl PartialOrd for Int {
    fn partial_cmp(&self, other: &Int) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Int {
    fn cmp(&self, other: &Int) -> Ordering {
        match (self, other) {
            (Int::Small(a), Int::Small(b)) => a.cmp(b),
            (Int::Big(a), Int::Big(b)) => a.cmp(b),
            (Int::Small(_), Int::Big(b)) => {
                if b.is_negative() {
                    Ordering::Greater
                } else {
                    Ordering::Less
                }
            }
            (Int::Big(a), Int::Small(_)) => {
                if a.is_negative() {
                    Ordering::Less
                } else {
                    Ordering::Greater
                }
            }
        }
    }
}

/// How an int compares with a float, exactly (Python never rounds the int):
/// None when the float is NaN.
pub fn cmp_int_float(int: &Int, float: f64) -> Option<Ordering> {
    if float.is_nan() {
        return None;
    }
    if float.is_infinite() {
        return Some(if float > 0.0 {
            Ordering::Less
        } else {
            Ordering::Greater
        });
    }
    if let Int::Small(n) = int {
        if n.unsigned_abs() <= 1 << 53 {
            return (*n as f64).partial_cmp(&float);
        }
    }
    let floor = float.floor();
    let whole = Int::from_f64_truncated(floor);
    match int.cmp(&whole) {
        Ordering::Equal if floor != float => Some(Ordering::Less),
        ordering => Some(ordering),
    }
}

impl std::fmt::Display for Int {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_str_radix(10))
    }
}
