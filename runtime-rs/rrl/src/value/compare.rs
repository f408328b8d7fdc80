//! Equality, ordering and hashing, as Python's `==`, `<` and `hash()`.
//!
//! Numbers compare by exact value across `bool`, `int`, `float` and
//! `Decimal` (`1 == 1.0 == True`, and `2**53 + 1 != 2.0**53`). Containers,
//! dict keys and `in` compare items with `==` too. Python looks at identity
//! first there, but values have none here: every value a workflow holds is
//! decoded on its own, and distinct NaN objects are unequal in Python, so a NaN
//! never equals another NaN, not even in a set or as a dict key
//! (`{nan, nan}` keeps both, `[nan] != [nan]`, `nan not in [nan]`).

use std::cmp::Ordering;
use std::hash::{Hash, Hasher};

use num_bigint::BigInt;
use num_traits::{One, Zero};

use super::datetime::{cmp_datetimes, cmp_times};
use super::decimal::{DecimalKind, cmp_decimals, cmp_ratios};
use super::exception::Builtin;
use super::int::cmp_int_float;
use super::{Decimal, EnumMember, Exception, Function, Int, Outcome, Value, float};

/// A number, for comparisons across numeric types.
enum Num<'a> {
    Int(Int),
    Float(f64),
    Decimal(&'a Decimal),
}

/// The value a value-like enum member stands for (`IntEnum`, `(str, Enum)`).
fn unwrap_enum(value: &Value) -> &Value {
    match value {
        Value::Enum(member) if member.class.kind.is_value_like() => unwrap_enum(&member.value),
        other => other,
    }
}

fn as_number(value: &Value) -> Option<Num<'_>> {
    match unwrap_enum(value) {
        Value::Bool(b) => Some(Num::Int(Int::Small(i64::from(*b)))),
        Value::Int(n) => Some(Num::Int(n.clone())),
        Value::Float(x) => Some(Num::Float(*x)),
        Value::Decimal(d) => Some(Num::Decimal(d)),
        _ => None,
    }
}

/// Exact comparison of two numbers; None when a NaN takes part.
fn cmp_numbers(a: &Num, b: &Num) -> Option<Ordering> {
    match (a, b) {
        (Num::Int(x), Num::Int(y)) => Some(x.cmp(y)),
        (Num::Int(x), Num::Float(y)) => cmp_int_float(x, *y),
        (Num::Float(x), Num::Int(y)) => cmp_int_float(y, *x).map(Ordering::reverse),
        (Num::Float(x), Num::Float(y)) => x.partial_cmp(y),
        (Num::Decimal(x), Num::Decimal(y)) => cmp_decimals(x, y),
        (Num::Decimal(x), other) => cmp_numbers(other, &Num::Decimal(x)).map(Ordering::reverse),
        (Num::Int(x), Num::Decimal(y)) => cmp_decimals(&Decimal::from_int(&x.to_big()), y),
        (Num::Float(x), Num::Decimal(y)) => {
            if x.is_nan() || y.is_nan() {
                None
            } else if x.is_infinite() {
                let infinity = Decimal {
                    negative: *x < 0.0,
                    kind: DecimalKind::Infinity,
                };
                cmp_decimals(&infinity, y)
            } else {
                let (num, den) = float::to_ratio(*x);
                match (&y.kind, y.to_ratio()) {
                    (_, Some(ratio)) => Some(cmp_ratios(&(num, den), &ratio)),
                    _ => Some(if y.negative {
                        Ordering::Greater
                    } else {
                        Ordering::Less
                    }),
                }
            }
        }
    }
}

/// Python's `a == b`.
pub fn eq(a: &Value, b: &Value) -> bool {
    if let (Some(x), Some(y)) = (as_number(a), as_number(b)) {
        return cmp_numbers(&x, &y) == Some(Ordering::Equal);
    }
    // A NamedTuple is a tuple: `Point(1, 2) == (1, 2)`.
    if let (Some(x), Some(y)) = (a.tuple_items(), b.tuple_items()) {
        return x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| eq(p, q));
    }
    match (a, b) {
        (Value::Enum(x), Value::Enum(y))
            if !x.class.kind.is_value_like() || !y.class.kind.is_value_like() =>
        {
            same_member(x, y)
        }
        (Value::Enum(x), _) if x.class.kind.is_value_like() => eq(&x.value, b),
        (_, Value::Enum(y)) if y.class.kind.is_value_like() => eq(a, &y.value),
        (Value::None, Value::None) => true,
        (Value::Str(x), Value::Str(y)) => x == y,
        (Value::Bytes(x), Value::Bytes(y)) => x == y,
        (Value::List(x), Value::List(y)) => {
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| eq(p, q))
        }
        (Value::Dict(x), Value::Dict(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(key, value)| y.get_key(key).is_some_and(|other| eq(value, other)))
        }
        (Value::Set(x) | Value::FrozenSet(x), Value::Set(y) | Value::FrozenSet(y)) => {
            x.len() == y.len() && x.iter().all(|key| y.contains_key(key))
        }
        (Value::DateTime(x), Value::DateTime(y)) => cmp_datetimes(x, y) == Some(Ordering::Equal),
        (Value::Date(x), Value::Date(y)) => x == y,
        (Value::Time(x), Value::Time(y)) => cmp_times(x, y) == Some(Ordering::Equal),
        (Value::TimeDelta(x), Value::TimeDelta(y)) => x == y,
        (Value::Uuid(x), Value::Uuid(y)) => x == y,
        (Value::Record(x), Value::Record(y)) => {
            x.class.name == y.class.name
                && x.class.kind == y.class.kind
                && x.fields.len() == y.fields.len()
                && x.fields
                    .iter()
                    .zip(&y.fields)
                    .all(|((n, p), (m, q))| n == m && eq(p, q))
        }
        (Value::Exception(x), Value::Exception(y)) => x.same(y),
        (Value::Type(x), Value::Type(y)) => x == y,
        (Value::Function(Function::Builtin(x)), Value::Function(Function::Builtin(y))) => x == y,
        (Value::Function(Function::Lambda(x)), Value::Function(Function::Lambda(y))) => {
            std::sync::Arc::ptr_eq(&x.0, &y.0)
        }
        _ => false,
    }
}

/// Whether two enum members are one member: its class's, with its value (an
/// enum member is a singleton in Python, even one whose value is a NaN).
pub fn same_member(x: &EnumMember, y: &EnumMember) -> bool {
    let both_nan = matches!((&x.value, &y.value), (Value::Float(p), Value::Float(q)) if p.is_nan() && q.is_nan());
    x.class.name == y.class.name && (both_nan || eq(&x.value, &y.value))
}

/// An ordering comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Order {
    Lt,
    Le,
    Gt,
    Ge,
}

impl Order {
    pub fn symbol(self) -> &'static str {
        match self {
            Order::Lt => "<",
            Order::Le => "<=",
            Order::Gt => ">",
            Order::Ge => ">=",
        }
    }

    fn holds(self, ordering: Ordering) -> bool {
        match self {
            Order::Lt => ordering == Ordering::Less,
            Order::Le => ordering != Ordering::Greater,
            Order::Gt => ordering == Ordering::Greater,
            Order::Ge => ordering != Ordering::Less,
        }
    }
}

pub fn unsupported(op: Order, a: &Value, b: &Value) -> Exception {
    Exception::new(
        Builtin::TypeError,
        format!(
            "'{}' not supported between instances of '{}' and '{}'",
            op.symbol(),
            a.type_name(),
            b.type_name()
        ),
    )
}

/// `decimal.InvalidOperation`, as ordering a NaN Decimal raises it.
pub fn decimal_invalid_operation() -> Exception {
    Exception::construct(
        vec![
            super::ClassName::new("decimal:InvalidOperation"),
            super::ClassName::new("decimal:DecimalException"),
            Builtin::ArithmeticError.class_name(),
        ],
        vec![Value::str("[<class 'decimal.InvalidOperation'>]")],
    )
}

/// Python's `a < b` (and `<=`, `>`, `>=`).
pub fn order(a: &Value, b: &Value, op: Order) -> Outcome<bool> {
    if let (Some(x), Some(y)) = (as_number(a), as_number(b)) {
        // Ordering a Decimal against any NaN (a float's too) is an invalid operation.
        let nan = |n: &Num| {
            matches!(n, Num::Decimal(d) if d.is_nan()) || matches!(n, Num::Float(f) if f.is_nan())
        };
        let decimal = |n: &Num| matches!(n, Num::Decimal(_));
        if (decimal(&x) || decimal(&y)) && (nan(&x) || nan(&y)) {
            return Err(decimal_invalid_operation());
        }
        return Ok(cmp_numbers(&x, &y).is_some_and(|ordering| op.holds(ordering)));
    }
    let (x, y) = (unwrap_enum(a), unwrap_enum(b));
    if let (Some(p), Some(q)) = (x.tuple_items(), y.tuple_items()) {
        return match p.iter().zip(q.iter()).position(|(i, j)| !eq(i, j)) {
            Some(index) => order(&p[index], &q[index], op),
            None => Ok(op.holds(p.len().cmp(&q.len()))),
        };
    }
    let ordering = match (x, y) {
        (Value::Str(p), Value::Str(q)) => p.cmp(q),
        (Value::Bytes(p), Value::Bytes(q)) => p.cmp(q),
        (Value::List(p), Value::List(q)) => {
            match p.iter().zip(q.iter()).position(|(i, j)| !eq(i, j)) {
                Some(index) => return order(&p[index], &q[index], op),
                None => p.len().cmp(&q.len()),
            }
        }
        (Value::Set(p) | Value::FrozenSet(p), Value::Set(q) | Value::FrozenSet(q)) => {
            let subset = |small: &super::Set, big: &super::Set| {
                small.len() <= big.len() && small.iter().all(|key| big.contains_key(key))
            };
            return Ok(match op {
                Order::Le => subset(p, q),
                Order::Lt => p.len() < q.len() && subset(p, q),
                Order::Ge => subset(q, p),
                Order::Gt => q.len() < p.len() && subset(q, p),
            });
        }
        (Value::DateTime(p), Value::DateTime(q)) => cmp_datetimes(p, q).ok_or_else(|| {
            Exception::new(
                Builtin::TypeError,
                "can't compare offset-naive and offset-aware datetimes",
            )
        })?,
        (Value::DateTime(_), Value::Date(_)) | (Value::Date(_), Value::DateTime(_)) => {
            return Err(Exception::new(
                Builtin::TypeError,
                "can't compare datetime.datetime to datetime.date",
            ));
        }
        (Value::Date(p), Value::Date(q)) => p.cmp(q),
        (Value::Time(p), Value::Time(q)) => cmp_times(p, q).ok_or_else(|| {
            Exception::new(
                Builtin::TypeError,
                "can't compare offset-naive and offset-aware times",
            )
        })?,
        (Value::TimeDelta(p), Value::TimeDelta(q)) => p.cmp(q),
        (Value::Uuid(p), Value::Uuid(q)) => p.cmp(q),
        _ => return Err(unsupported(op, a, b)),
    };
    Ok(op.holds(ordering))
}

/// `TypeError: unhashable type: 'list'` unless the value can be a dict key.
pub fn check_hashable(value: &Value) -> Outcome<()> {
    let unhashable = |value: &Value| {
        Err(Exception::new(
            Builtin::TypeError,
            format!("unhashable type: '{}'", value.type_name()),
        ))
    };
    match value {
        Value::List(_) | Value::Dict(_) | Value::Set(_) => unhashable(value),
        Value::Tuple(items) | Value::NamedTuple(_, items) => {
            items.iter().try_for_each(check_hashable)
        }
        Value::Record(record) if !record.class.frozen => unhashable(value),
        Value::Record(record) => record
            .fields
            .iter()
            .try_for_each(|(_, field)| check_hashable(field)),
        Value::Enum(member) if member.class.kind.is_value_like() => check_hashable(&member.value),
        Value::Decimal(d) if d.is_signaling() => Err(Exception::new(
            Builtin::TypeError,
            "Cannot hash a signaling NaN value",
        )),
        _ => Ok(()),
    }
}

/// Feed the hash of a hashable value: equal values (`eq`, and `same` for
/// NaNs) feed equal data, across numeric types too.
pub fn hash_into<H: Hasher>(value: &Value, state: &mut H) {
    if let Some(number) = as_number(value) {
        return hash_number(&number, state);
    }
    match value {
        Value::None => 0u8.hash(state),
        Value::Str(text) => {
            1u8.hash(state);
            text.hash(state);
        }
        Value::Bytes(bytes) => {
            2u8.hash(state);
            bytes.hash(state);
        }
        // A NamedTuple hashes as the tuple it equals.
        Value::Tuple(items) | Value::List(items) | Value::NamedTuple(_, items) => {
            3u8.hash(state);
            items.len().hash(state);
            items.iter().for_each(|item| hash_into(item, state));
        }
        Value::FrozenSet(items) | Value::Set(items) => {
            // Order-independent: a sum of the items' own hashes.
            4u8.hash(state);
            let total = items.iter().fold(0u64, |sum, key| {
                let mut item = std::hash::DefaultHasher::new();
                hash_into(key.value(), &mut item);
                sum.wrapping_add(item.finish())
            });
            total.hash(state);
        }
        Value::DateTime(dt) => {
            5u8.hash(state);
            dt.utc_micros()
                .unwrap_or_else(|| dt.wall_micros())
                .hash(state);
        }
        Value::Date(date) => {
            6u8.hash(state);
            date.hash(state);
        }
        Value::Time(time) => {
            7u8.hash(state);
            (time.micros() - time.offset.map_or(0, |offset| offset.0)).hash(state);
        }
        Value::TimeDelta(delta) => delta.hash(state),
        Value::Uuid(uuid) => uuid.hash(state),
        Value::Enum(member) => {
            8u8.hash(state);
            member.class.name.hash(state);
            hash_into(&member.value, state);
        }
        Value::Record(record) => {
            9u8.hash(state);
            record.class.name.hash(state);
            record
                .fields
                .iter()
                .for_each(|(_, field)| hash_into(field, state));
        }
        Value::Exception(exc) => exc.identity().hash(state),
        Value::Type(ty) => ty.hash(state),
        Value::Function(Function::Builtin(name)) => name.hash(state),
        Value::Function(Function::Lambda(lambda)) => {
            (std::sync::Arc::as_ptr(&lambda.0) as *const u8 as usize).hash(state)
        }
        Value::Dict(_) | Value::Bool(_) | Value::Int(_) | Value::Float(_) | Value::Decimal(_) => {}
    }
}

/// Numbers hash by value: an integral value as its int, any other as the
/// float it equals exactly, or as its reduced decimal digits.
fn hash_number<H: Hasher>(number: &Num, state: &mut H) {
    match number {
        Num::Int(n) => hash_int(n, state),
        Num::Float(x) => {
            if x.is_finite() && x.fract() == 0.0 {
                hash_int(&Int::from_f64_truncated(*x), state);
            } else if x.is_nan() {
                20u8.hash(state);
            } else {
                21u8.hash(state);
                x.to_bits().hash(state);
            }
        }
        Num::Decimal(d) => match &d.kind {
            DecimalKind::NaN { .. } => 20u8.hash(state),
            DecimalKind::Infinity => {
                21u8.hash(state);
                (if d.negative {
                    f64::NEG_INFINITY
                } else {
                    f64::INFINITY
                })
                .to_bits()
                .hash(state);
            }
            DecimalKind::Finite { .. } => {
                let Some((num, den)) = d.to_ratio() else {
                    return;
                };
                let divisor = num_integer::Integer::gcd(&num, &BigInt::from(den.clone()));
                let (num, den) = if divisor.is_zero() {
                    (num, BigInt::from(den))
                } else {
                    (num / &divisor, BigInt::from(den) / divisor)
                };
                if den.is_one() {
                    return hash_int(&Int::from_big(num), state);
                }
                let as_float = d.to_f64();
                let exact = as_float.is_finite()
                    && cmp_ratios(
                        &float::to_ratio(as_float),
                        &(num.clone(), den.magnitude().clone()),
                    ) == Ordering::Equal;
                if exact {
                    21u8.hash(state);
                    return as_float.to_bits().hash(state);
                }
                22u8.hash(state);
                num.hash(state);
                den.hash(state);
            }
        },
    }
}

fn hash_int<H: Hasher>(n: &Int, state: &mut H) {
    23u8.hash(state);
    match n {
        Int::Small(small) => small.hash(state),
        Int::Big(big) => big.hash(state),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::DefaultHasher;

    fn hash_of(value: &Value) -> u64 {
        let mut state = DefaultHasher::new();
        hash_into(value, &mut state);
        state.finish()
    }

    #[test]
    fn numbers_are_equal_across_types() {
        let one = [
            Value::int(1),
            Value::Float(1.0),
            Value::Bool(true),
            Value::Decimal(std::sync::Arc::new(
                Decimal::parse("1.000").unwrap_or_else(|| Decimal::from_int(&BigInt::from(0))),
            )),
        ];
        for a in &one {
            for b in &one {
                assert!(eq(a, b), "{a:?} == {b:?}");
                assert_eq!(hash_of(a), hash_of(b));
            }
        }
        let big = Value::Int(Int::from_big(BigInt::from(1u64 << 53) + 1));
        assert!(!eq(&big, &Value::Float(9007199254740992.0)));
        assert!(order(&big, &Value::Float(9007199254740992.0), Order::Gt).unwrap_or(false));
        let half = Value::Decimal(std::sync::Arc::new(
            Decimal::parse("0.5").unwrap_or_else(|| Decimal::from_int(&BigInt::from(0))),
        ));
        assert!(eq(&half, &Value::Float(0.5)));
        assert_eq!(hash_of(&half), hash_of(&Value::Float(0.5)));
        let tenth = Value::Decimal(std::sync::Arc::new(
            Decimal::parse("0.1").unwrap_or_else(|| Decimal::from_int(&BigInt::from(0))),
        ));
        assert!(!eq(&tenth, &Value::Float(0.1)));
    }

    #[test]
    fn a_nan_never_equals_a_nan_even_inside_containers() {
        let nan = Value::Float(f64::NAN);
        assert!(!eq(&nan, &nan));
        assert!(!eq(
            &Value::list(vec![nan.clone()]),
            &Value::list(vec![nan])
        ));
    }

    #[test]
    fn orderings_raise_pythons_type_errors() {
        let err = order(&Value::int(1), &Value::str("a"), Order::Lt)
            .err()
            .map(|e| e.message().to_string());
        assert_eq!(
            err.as_deref(),
            Some("'<' not supported between instances of 'int' and 'str'")
        );
        let err = order(&Value::None, &Value::None, Order::Ge)
            .err()
            .map(|e| e.message().to_string());
        assert_eq!(
            err.as_deref(),
            Some("'>=' not supported between instances of 'NoneType' and 'NoneType'")
        );
        let lists = order(
            &Value::list(vec![Value::int(1), Value::int(2)]),
            &Value::list(vec![Value::int(1), Value::int(3)]),
            Order::Lt,
        );
        assert_eq!(lists.ok(), Some(true));
        let prefix = order(
            &Value::tuple(vec![Value::int(1)]),
            &Value::tuple(vec![Value::int(1), Value::int(0)]),
            Order::Lt,
        );
        assert_eq!(prefix.ok(), Some(true));
    }
}
