//! Operators, subscripts, slices, attributes and truthiness, as Python's.

use std::sync::Arc;

use num_bigint::BigInt;
use num_traits::{ToPrimitive, Zero};

use crate::value::compare::{self, Order};
use crate::value::datetime::{Date, DateTime, TimeDelta};
use crate::value::decimal::{self, Decimal};
use crate::value::{BuiltinException, Dict, Exception, Int, Key, Outcome, Set, Value, float, text};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinaryOp {
    Add,
    Sub,
    Mul,
    Div,
    FloorDiv,
    Mod,
    Pow,
    BitOr,
    BitXor,
    BitAnd,
}

impl BinaryOp {
    pub fn from_symbol(symbol: &str) -> Option<BinaryOp> {
        Some(match symbol {
            "+" => BinaryOp::Add,
            "-" => BinaryOp::Sub,
            "*" => BinaryOp::Mul,
            "/" => BinaryOp::Div,
            "//" => BinaryOp::FloorDiv,
            "%" => BinaryOp::Mod,
            "**" => BinaryOp::Pow,
            "|" => BinaryOp::BitOr,
            "^" => BinaryOp::BitXor,
            "&" => BinaryOp::BitAnd,
            _ => return None,
        })
    }

    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::FloorDiv => "//",
            BinaryOp::Mod => "%",
            BinaryOp::Pow => "**",
            BinaryOp::BitOr => "|",
            BinaryOp::BitXor => "^",
            BinaryOp::BitAnd => "&",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    Neg,
    Pos,
    Not,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompareOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    NotIn,
    Is,
    IsNot,
}

impl CompareOp {
    pub fn from_symbol(symbol: &str) -> Option<CompareOp> {
        Some(match symbol {
            "==" => CompareOp::Eq,
            "!=" => CompareOp::Ne,
            "<" => CompareOp::Lt,
            "<=" => CompareOp::Le,
            ">" => CompareOp::Gt,
            ">=" => CompareOp::Ge,
            "in" => CompareOp::In,
            "not in" => CompareOp::NotIn,
            "is" => CompareOp::Is,
            "is not" => CompareOp::IsNot,
            _ => return None,
        })
    }
}

pub fn type_error(message: impl Into<String>) -> Exception {
    Exception::new(BuiltinException::TypeError, message)
}

fn zero_division(message: &str) -> Exception {
    Exception::new(BuiltinException::ZeroDivisionError, message)
}

fn overflow(message: &str) -> Exception {
    Exception::new(BuiltinException::OverflowError, message)
}

pub fn memory_error() -> Exception {
    Exception::builtin(BuiltinException::MemoryError, vec![])
}

fn unsupported(op: BinaryOp, a: &Value, b: &Value) -> Exception {
    let symbol = if op == BinaryOp::Pow {
        "** or pow()"
    } else {
        op.symbol()
    };
    type_error(format!(
        "unsupported operand type(s) for {symbol}: '{}' and '{}'",
        a.type_name(),
        b.type_name()
    ))
}

/// A value's type as CPython's argument parsing names it: `None` for None.
pub fn clinic_name(value: &Value) -> &str {
    if matches!(value, Value::None) {
        "None"
    } else {
        value.type_name()
    }
}

/// The most items a sequence may have: past it, Python would run out of memory.
pub const MAX_ITEMS: u64 = 1 << 32;

/// The value a value-like enum member stands for (`IntEnum`, `(str, Enum)`).
pub fn unwrap_enum(value: &Value) -> &Value {
    match value {
        Value::Enum(member) if member.class.kind.is_value_like() => unwrap_enum(&member.value),
        other => other,
    }
}

/// An int operand: `int`, `bool`, an int-valued enum (`__index__`).
pub fn as_int(value: &Value) -> Option<Int> {
    match unwrap_enum(value) {
        Value::Int(n) => Some(n.clone()),
        Value::Bool(b) => Some(Int::Small(i64::from(*b))),
        _ => None,
    }
}

/// `float(int)` for arithmetic: OverflowError past the float range.
pub fn int_to_float(n: &Int) -> Outcome<f64> {
    n.to_f64()
        .ok_or_else(|| overflow("int too large to convert to float"))
}

/// An operand as a float when it is an int, bool or float.
fn as_float(value: &Value) -> Option<Outcome<f64>> {
    match unwrap_enum(value) {
        Value::Float(x) => Some(Ok(*x)),
        other => as_int(other).map(|n| int_to_float(&n)),
    }
}

/// `a <op> b`.
pub fn binary(op: BinaryOp, a: &Value, b: &Value) -> Outcome {
    let (x, y) = (unwrap_enum(a), unwrap_enum(b));
    if matches!(op, BinaryOp::BitOr | BinaryOp::BitXor | BinaryOp::BitAnd) {
        return bitwise(op, x, y).unwrap_or_else(|| Err(unsupported(op, a, b)));
    }
    if let (Some(m), Some(n)) = (as_int(x), as_int(y)) {
        return int_binary(op, &m, &n);
    }
    if matches!(x, Value::Float(_)) || matches!(y, Value::Float(_)) {
        if let (Some(p), Some(q)) = (as_float(x), as_float(y)) {
            return float_binary(op, p?, q?);
        }
    }
    if matches!(x, Value::Decimal(_)) || matches!(y, Value::Decimal(_)) {
        if let Some(result) = decimal_binary(op, x, y) {
            return result;
        }
    }
    match op {
        BinaryOp::Add => add(x, y, a, b),
        BinaryOp::Mul => multiply(x, y, a, b),
        BinaryOp::Mod => match x {
            Value::Str(format) => super::format::percent(format, b).map(|text| Value::str(&text)),
            Value::TimeDelta(_) => {
                timedelta_binary(op, x, y).unwrap_or_else(|| Err(unsupported(op, a, b)))
            }
            _ => Err(unsupported(op, a, b)),
        },
        BinaryOp::Sub => subtract(x, y).unwrap_or_else(|| Err(unsupported(op, a, b))),
        BinaryOp::Div | BinaryOp::FloorDiv => {
            timedelta_binary(op, x, y).unwrap_or_else(|| Err(unsupported(op, a, b)))
        }
        BinaryOp::Pow | BinaryOp::BitOr | BinaryOp::BitXor | BinaryOp::BitAnd => {
            Err(unsupported(op, a, b))
        }
    }
}

/// `xs += ys` as Python does it: a list extends with any iterable (`xs += (1, 2)`,
/// `xs += "ab"`; a set, in no order, is refused), any other value is added to,
/// and an error names the operator as written.
pub fn in_place_add(a: &Value, b: &Value) -> Outcome {
    if let Value::List(items) = a {
        let mut extended = items.as_ref().clone();
        extended.extend(super::builtins::iterate(b)?);
        return Ok(Value::list(extended));
    }
    in_place_binary(BinaryOp::Add, a, b)
}

/// `d |= e` as Python does it: a dict is updated as `dict.update` would, from a
/// dict or any iterable of pairs (`d |= [("k", 1)]`, where `d | [...]` raises
/// TypeError; a set, in no order, is refused); any other value gives what `|`
/// does, and an error names the operator as written.
pub fn in_place_or(a: &Value, b: &Value) -> Outcome {
    if let Value::Dict(dict) = a {
        let mut merged = Dict::clone(dict);
        for (key, value) in super::builtins::dict_from(b)?.iter() {
            merged.insert(key.clone(), value.clone());
        }
        return Ok(Value::Dict(Arc::new(merged)));
    }
    in_place_binary(BinaryOp::BitOr, a, b)
}

/// `a op= b` where it gives what `a op b` does, with Python's message naming `op=`.
fn in_place_binary(op: BinaryOp, a: &Value, b: &Value) -> Outcome {
    binary(op, a, b).map_err(|error| {
        let plain = format!("unsupported operand type(s) for {}:", op.symbol());
        match error.message().strip_prefix(plain.as_str()) {
            Some(types) => type_error(format!(
                "unsupported operand type(s) for {}=:{types}",
                op.symbol()
            )),
            None => error,
        }
    })
}

/// `|`, `^`, `&`: bitwise on ints (on two bools, a bool); union, symmetric
/// difference and intersection of sets; `|` merges two dicts. None when
/// Python has no such operation.
fn bitwise(op: BinaryOp, x: &Value, y: &Value) -> Option<Outcome> {
    let result = match (x, y) {
        (Value::Bool(p), Value::Bool(q)) => Value::Bool(match op {
            BinaryOp::BitOr => p | q,
            BinaryOp::BitXor => p ^ q,
            _ => p & q,
        }),
        (Value::Set(p) | Value::FrozenSet(p), Value::Set(q) | Value::FrozenSet(q)) => {
            let combined = Arc::new(combine_sets(op, p, q));
            if matches!(x, Value::Set(_)) {
                Value::Set(combined)
            } else {
                Value::FrozenSet(combined)
            }
        }
        (Value::Dict(p), Value::Dict(q)) if op == BinaryOp::BitOr => {
            let mut merged = Dict::clone(p);
            for (key, value) in q.iter() {
                merged.insert(key.clone(), value.clone());
            }
            Value::Dict(Arc::new(merged))
        }
        _ => {
            let (m, n) = (as_int(x)?, as_int(y)?);
            Value::Int(match (op, &m, &n) {
                (BinaryOp::BitOr, Int::Small(p), Int::Small(q)) => Int::Small(p | q),
                (BinaryOp::BitXor, Int::Small(p), Int::Small(q)) => Int::Small(p ^ q),
                (_, Int::Small(p), Int::Small(q)) => Int::Small(p & q),
                (BinaryOp::BitOr, ..) => Int::from_big(m.to_big() | n.to_big()),
                (BinaryOp::BitXor, ..) => Int::from_big(m.to_big() ^ n.to_big()),
                _ => Int::from_big(m.to_big() & n.to_big()),
            })
        }
    };
    Some(Ok(result))
}

/// The set operators, which the set methods share: `|` union, `^` symmetric
/// difference, `&` intersection and `-` difference.
pub fn combine_sets(op: BinaryOp, p: &Set, q: &Set) -> Set {
    match op {
        BinaryOp::BitOr => p.iter().chain(q.iter()).cloned().collect(),
        BinaryOp::BitAnd => p
            .iter()
            .filter(|key| q.contains_key(key))
            .cloned()
            .collect(),
        BinaryOp::BitXor => p
            .iter()
            .filter(|key| !q.contains_key(key))
            .chain(q.iter().filter(|key| !p.contains_key(key)))
            .cloned()
            .collect(),
        _ => p
            .iter()
            .filter(|key| !q.contains_key(key))
            .cloned()
            .collect(),
    }
}

fn int_binary(op: BinaryOp, m: &Int, n: &Int) -> Outcome {
    Ok(Value::Int(match op {
        BinaryOp::Add => m.add(n),
        BinaryOp::Sub => m.sub(n),
        BinaryOp::Mul => m.mul(n),
        BinaryOp::Div => return int_true_divide(m, n).map(Value::Float),
        BinaryOp::FloorDiv => {
            m.div_mod_floor(n)
                .ok_or_else(|| zero_division("integer division or modulo by zero"))?
                .0
        }
        BinaryOp::Mod => {
            m.div_mod_floor(n)
                .ok_or_else(|| zero_division("integer modulo by zero"))?
                .1
        }
        BinaryOp::Pow => return int_pow(m, n),
        BinaryOp::BitOr | BinaryOp::BitXor | BinaryOp::BitAnd => {
            return bitwise(op, &Value::Int(m.clone()), &Value::Int(n.clone()))
                .unwrap_or_else(|| Err(type_error("bitwise operands must be ints")));
        }
    }))
}

/// `m / n` for ints: correctly rounded, as CPython divides.
pub fn int_true_divide(m: &Int, n: &Int) -> Outcome<f64> {
    if n.is_zero() {
        return Err(zero_division("division by zero"));
    }
    if let (Int::Small(p), Int::Small(q)) = (m, n) {
        if p.unsigned_abs() <= 1 << 53 && q.unsigned_abs() <= 1 << 53 {
            return Ok(*p as f64 / *q as f64);
        }
    }
    let (p, q) = (m.to_big(), n.to_big());
    // A zero dividend takes the divisor's sign: 0 / -3 is -0.0.
    let negative = (p.sign() == num_bigint::Sign::Minus) != (q.sign() == num_bigint::Sign::Minus);
    float::ratio_to_f64(p.magnitude(), q.magnitude(), negative)
        .ok_or_else(|| overflow("integer division result too large for a float"))
}

fn int_pow(base: &Int, exponent: &Int) -> Outcome {
    if exponent.is_negative() {
        let result = float::pow(int_to_float(base)?, int_to_float(exponent)?);
        return float_pow_result(result);
    }
    match exponent.as_i64().and_then(|e| u32::try_from(e).ok()) {
        Some(e) if base.bit_length().saturating_mul(u64::from(e)) <= MAX_ITEMS * 8 => {
            Ok(Value::Int(base.pow(e)))
        }
        _ => match base.as_i64() {
            Some(0 | 1) => Ok(Value::Int(base.clone())),
            Some(-1) => {
                let odd = exponent
                    .div_mod_floor(&Int::Small(2))
                    .is_some_and(|(_, r)| !r.is_zero());
                Ok(Value::int(if odd { -1 } else { 1 }))
            }
            _ => Err(memory_error()),
        },
    }
}

fn float_pow_result(result: Result<f64, float::PowError>) -> Outcome {
    match result {
        Ok(x) => Ok(Value::Float(x)),
        Err(float::PowError::ZeroToNegative) => {
            Err(zero_division("0.0 cannot be raised to a negative power"))
        }
        Err(float::PowError::Overflow) => Err(Exception::builtin(
            BuiltinException::OverflowError,
            vec![Value::int(34), Value::str("Numerical result out of range")],
        )),
        // Python's result is a complex number, which RRL has no value for.
        Err(float::PowError::Complex) => Err(Exception::new(
            BuiltinException::ValueError,
            "a negative number raised to a fractional power is a complex number, which RRL has no value for",
        )),
    }
}

fn float_binary(op: BinaryOp, x: f64, y: f64) -> Outcome {
    Ok(Value::Float(match op {
        BinaryOp::Add => x + y,
        BinaryOp::Sub => x - y,
        BinaryOp::Mul => x * y,
        BinaryOp::Div => {
            if y == 0.0 {
                return Err(zero_division("float division by zero"));
            }
            x / y
        }
        BinaryOp::FloorDiv => {
            float::div_mod(x, y)
                .ok_or_else(|| zero_division("float floor division by zero"))?
                .0
        }
        BinaryOp::Mod => float::modulo(x, y).ok_or_else(|| zero_division("float modulo"))?,
        BinaryOp::Pow => return float_pow_result(float::pow(x, y)),
        BinaryOp::BitOr | BinaryOp::BitXor | BinaryOp::BitAnd => {
            return Err(type_error(format!(
                "unsupported operand type(s) for {}: 'float' and 'float'",
                op.symbol()
            )));
        }
    }))
}

fn decimal_binary(op: BinaryOp, x: &Value, y: &Value) -> Option<Outcome> {
    let operand = |value: &Value| -> Option<Decimal> {
        match value {
            Value::Decimal(d) => Some((**d).clone()),
            other => as_int(other).map(|n| Decimal::from_int(&n.to_big())),
        }
    };
    let (p, q) = (operand(x)?, operand(y)?);
    Some(decimal::arithmetic(op, &p, &q).map(|d| Value::Decimal(Arc::new(d))))
}

fn concat(a: &[Value], b: &[Value]) -> Outcome<Vec<Value>> {
    if (a.len() + b.len()) as u64 > MAX_ITEMS {
        return Err(memory_error());
    }
    Ok(a.iter().chain(b).cloned().collect())
}

fn add(x: &Value, y: &Value, a: &Value, b: &Value) -> Outcome {
    match (x, y) {
        (Value::Str(p), Value::Str(q)) => Ok(Value::str(&format!("{p}{q}"))),
        (Value::List(p), Value::List(q)) => Ok(Value::list(concat(p, q)?)),
        (Value::Tuple(p) | Value::NamedTuple(_, p), Value::Tuple(q) | Value::NamedTuple(_, q)) => {
            Ok(Value::tuple(concat(p, q)?))
        }
        (Value::Bytes(p), Value::Bytes(q)) => {
            Ok(Value::Bytes(p.iter().chain(q.iter()).copied().collect()))
        }
        (Value::Str(_), _) => Err(type_error(format!(
            "can only concatenate str (not \"{}\") to str",
            b.type_name()
        ))),
        (Value::List(_), _) => Err(type_error(format!(
            "can only concatenate list (not \"{}\") to list",
            b.type_name()
        ))),
        (Value::Tuple(_) | Value::NamedTuple(..), _) => Err(type_error(format!(
            "can only concatenate tuple (not \"{}\") to tuple",
            b.type_name()
        ))),
        (Value::Bytes(_), _) => Err(type_error(format!(
            "can't concat {} to bytes",
            b.type_name()
        ))),
        _ => timedelta_binary(BinaryOp::Add, x, y)
            .unwrap_or_else(|| Err(unsupported(BinaryOp::Add, a, b))),
    }
}

/// A repeat count for `seq * n`: OverflowError past an index, 0 for negatives.
fn repeat_count(n: &Int, length: usize) -> Outcome<usize> {
    let Some(count) = n.as_i64() else {
        return Err(Exception::new(
            BuiltinException::OverflowError,
            "cannot fit 'int' into an index-sized integer",
        ));
    };
    let count = count.max(0) as u64;
    if count.saturating_mul(length as u64) > MAX_ITEMS {
        return Err(memory_error());
    }
    Ok(count as usize)
}

fn repeat_items(items: &[Value], count: usize) -> Vec<Value> {
    let mut out = Vec::with_capacity(items.len() * count);
    for _ in 0..count {
        out.extend_from_slice(items);
    }
    out
}

fn multiply(x: &Value, y: &Value, a: &Value, b: &Value) -> Outcome {
    let is_sequence = |v: &Value| {
        matches!(
            v,
            Value::Str(_)
                | Value::List(_)
                | Value::Tuple(_)
                | Value::NamedTuple(..)
                | Value::Bytes(_)
        )
    };
    let (sequence, count, other) = match (x, y) {
        _ if is_sequence(x) => (x, y, b),
        _ if is_sequence(y) => (y, x, a),
        _ => {
            return timedelta_binary(BinaryOp::Mul, x, y)
                .unwrap_or_else(|| Err(unsupported(BinaryOp::Mul, a, b)));
        }
    };
    let Some(n) = as_int(count) else {
        return Err(type_error(format!(
            "can't multiply sequence by non-int of type '{}'",
            other.type_name()
        )));
    };
    Ok(match sequence {
        Value::Str(text) => Value::str(&text.repeat(repeat_count(&n, text.len())?)),
        Value::Bytes(bytes) => {
            Value::Bytes(Arc::from(bytes.repeat(repeat_count(&n, bytes.len())?)))
        }
        Value::List(items) => Value::list(repeat_items(items, repeat_count(&n, items.len())?)),
        Value::Tuple(items) | Value::NamedTuple(_, items) => {
            Value::tuple(repeat_items(items, repeat_count(&n, items.len())?))
        }
        _ => return Err(unsupported(BinaryOp::Mul, a, b)),
    })
}

fn subtract(x: &Value, y: &Value) -> Option<Outcome> {
    match (x, y) {
        (Value::Set(p) | Value::FrozenSet(p), Value::Set(q) | Value::FrozenSet(q)) => {
            let difference = Arc::new(combine_sets(BinaryOp::Sub, p, q));
            Some(Ok(if matches!(x, Value::Set(_)) {
                Value::Set(difference)
            } else {
                Value::FrozenSet(difference)
            }))
        }
        _ => timedelta_binary(BinaryOp::Sub, x, y),
    }
}

fn timedelta(micros: i128) -> Outcome {
    TimeDelta::from_micros(micros)
        .map(Value::TimeDelta)
        .ok_or_else(|| {
            let days = micros.div_euclid(86_400_000_000);
            if i32::try_from(days).is_err() {
                overflow("Python int too large to convert to C int")
            } else {
                overflow(&format!("days={days}; must have magnitude <= 999999999"))
            }
        })
}

/// `a / b` rounded half to even: how timedelta divides microseconds.
fn divide_nearest(a: &BigInt, b: &BigInt) -> BigInt {
    let (q, r) = num_integer::Integer::div_mod_floor(a, b);
    // The remainder has b's sign: compare |2r| with |b|.
    let twice: BigInt = r * 2;
    match twice.magnitude().cmp(b.magnitude()) {
        std::cmp::Ordering::Greater => q + 1,
        std::cmp::Ordering::Equal if num_integer::Integer::is_odd(&q) => q + 1,
        _ => q,
    }
}

/// A timedelta of `micros` microseconds, with Python's overflow errors.
pub fn micros_result(micros: BigInt) -> Outcome {
    match micros.to_i128() {
        Some(micros) => timedelta(micros),
        None => Err(overflow("Python int too large to convert to C int")),
    }
}

/// timedelta times or divided by a float: its exact ratio, rounded half to even.
fn scale_timedelta(delta: TimeDelta, factor: f64, divide: bool) -> Outcome {
    if factor.is_nan() {
        return Err(Exception::new(
            BuiltinException::ValueError,
            "cannot convert NaN to integer ratio",
        ));
    }
    if factor.is_infinite() {
        return Err(overflow("cannot convert Infinity to integer ratio"));
    }
    let (num, den) = float::to_ratio(factor);
    let den = BigInt::from(den);
    let micros = BigInt::from(delta.total_micros());
    if divide {
        if num.is_zero() {
            return Err(zero_division("integer division or modulo by zero"));
        }
        micros_result(divide_nearest(&(micros * den), &num))
    } else {
        micros_result(divide_nearest(&(micros * num), &den))
    }
}

/// Arithmetic with timedeltas, dates and datetimes; None when the operand
/// types do not combine.
fn timedelta_binary(op: BinaryOp, x: &Value, y: &Value) -> Option<Outcome> {
    let micros = |delta: &TimeDelta| delta.total_micros();
    Some(match (op, x, y) {
        (BinaryOp::Add, Value::TimeDelta(p), Value::TimeDelta(q)) => {
            timedelta(micros(p) + micros(q))
        }
        (BinaryOp::Sub, Value::TimeDelta(p), Value::TimeDelta(q)) => {
            timedelta(micros(p) - micros(q))
        }
        (BinaryOp::Mul, Value::TimeDelta(delta), other)
        | (BinaryOp::Mul, other, Value::TimeDelta(delta)) => match other {
            Value::Float(factor) => scale_timedelta(*delta, *factor, false),
            other => micros_result(BigInt::from(micros(delta)) * as_int(other)?.to_big()),
        },
        (BinaryOp::Div, Value::TimeDelta(p), Value::TimeDelta(q)) => {
            if q.is_zero() {
                return Some(Err(zero_division("division by zero")));
            }
            int_true_divide(
                &Int::from_big(BigInt::from(micros(p))),
                &Int::from_big(BigInt::from(micros(q))),
            )
            .map(Value::Float)
        }
        (BinaryOp::Div, Value::TimeDelta(delta), Value::Float(divisor)) => {
            scale_timedelta(*delta, *divisor, true)
        }
        (BinaryOp::Div, Value::TimeDelta(delta), other) => {
            let divisor = as_int(other)?.to_big();
            if divisor.is_zero() {
                return Some(Err(zero_division("integer division or modulo by zero")));
            }
            micros_result(divide_nearest(&BigInt::from(micros(delta)), &divisor))
        }
        (BinaryOp::FloorDiv | BinaryOp::Mod, Value::TimeDelta(p), Value::TimeDelta(q)) => {
            let Some((quotient, remainder)) = Int::from_big(BigInt::from(micros(p)))
                .div_mod_floor(&Int::from_big(BigInt::from(micros(q))))
            else {
                return Some(Err(zero_division("integer division or modulo by zero")));
            };
            if op == BinaryOp::FloorDiv {
                Ok(Value::Int(quotient))
            } else {
                micros_result(remainder.to_big())
            }
        }
        (BinaryOp::FloorDiv, Value::TimeDelta(delta), other) => {
            let divisor = as_int(other)?;
            match Int::from_big(BigInt::from(micros(delta))).div_mod_floor(&divisor) {
                Some((quotient, _)) => micros_result(quotient.to_big()),
                None => Err(zero_division("integer division or modulo by zero")),
            }
        }
        (BinaryOp::Add, Value::Date(date), Value::TimeDelta(delta))
        | (BinaryOp::Add, Value::TimeDelta(delta), Value::Date(date)) => {
            date_plus_days(*date, delta.days)
        }
        (BinaryOp::Sub, Value::Date(date), Value::TimeDelta(delta)) => {
            date_plus_days(*date, -delta.days)
        }
        (BinaryOp::Sub, Value::Date(p), Value::Date(q)) => {
            timedelta(i128::from(p.ordinal() - q.ordinal()) * 86_400_000_000)
        }
        (BinaryOp::Add, Value::DateTime(dt), Value::TimeDelta(delta))
        | (BinaryOp::Add, Value::TimeDelta(delta), Value::DateTime(dt)) => {
            datetime_plus(dt, micros(delta))
        }
        (BinaryOp::Sub, Value::DateTime(dt), Value::TimeDelta(delta)) => {
            datetime_plus(dt, -micros(delta))
        }
        (BinaryOp::Sub, Value::DateTime(p), Value::DateTime(q)) => {
            let difference = match (p.utc_micros(), q.utc_micros()) {
                (None, None) => p.wall_micros() - q.wall_micros(),
                (Some(_), Some(_)) if p.zone.is_some() && p.zone == q.zone => {
                    p.wall_micros() - q.wall_micros()
                }
                (Some(m), Some(n)) => m - n,
                _ => {
                    return Some(Err(type_error(
                        "can't subtract offset-naive and offset-aware datetimes",
                    )));
                }
            };
            timedelta(difference)
        }
        _ => return None,
    })
}

fn date_plus_days(date: Date, days: i64) -> Outcome {
    Date::from_ordinal(date.ordinal() + days)
        .map(Value::Date)
        .ok_or_else(|| overflow("date value out of range"))
}

fn datetime_plus(dt: &DateTime, micros: i128) -> Outcome {
    if let Some(zone) = &dt.zone {
        // Python recomputes the offset from the zone's rules; the Rust core has no zone rules.
        return Err(Exception::new(
            BuiltinException::NotImplementedError,
            format!(
                "arithmetic on a datetime in the time zone '{zone}' needs the zone's rules, which the Rust core does not have"
            ),
        ));
    }
    dt.plus_micros(micros)
        .map(|dt| Value::DateTime(Arc::new(dt)))
        .ok_or_else(|| overflow("date value out of range"))
}

/// `-x`, `+x`, `not x`.
pub fn unary(op: UnaryOp, value: &Value) -> Outcome {
    if op == UnaryOp::Not {
        return Ok(Value::Bool(!truthy(value)));
    }
    let negate = op == UnaryOp::Neg;
    Ok(match unwrap_enum(value) {
        Value::Bool(b) => Value::int(if negate {
            -i64::from(*b)
        } else {
            i64::from(*b)
        }),
        Value::Int(n) => Value::Int(if negate { n.neg() } else { n.clone() }),
        Value::Float(x) => Value::Float(if negate { -x } else { *x }),
        Value::Decimal(d) => Value::Decimal(Arc::new(if negate {
            decimal::negate(d)
        } else {
            decimal::plus(d)
        })),
        Value::TimeDelta(delta) => {
            if negate {
                timedelta(-delta.total_micros())?
            } else {
                Value::TimeDelta(*delta)
            }
        }
        _ => {
            let symbol = if negate { "-" } else { "+" };
            return Err(type_error(format!(
                "bad operand type for unary {symbol}: '{}'",
                value.type_name()
            )));
        }
    })
}

/// `bool(value)`.
pub fn truthy(value: &Value) -> bool {
    match value {
        Value::None => false,
        Value::Bool(b) => *b,
        Value::Int(n) => !n.is_zero(),
        Value::Float(x) => *x != 0.0,
        Value::Str(text) => !text.is_empty(),
        Value::Bytes(bytes) => !bytes.is_empty(),
        Value::List(items) | Value::Tuple(items) | Value::NamedTuple(_, items) => !items.is_empty(),
        Value::Dict(dict) => !dict.is_empty(),
        Value::Set(set) | Value::FrozenSet(set) => !set.is_empty(),
        Value::Decimal(d) => !d.is_zero(),
        Value::TimeDelta(delta) => !delta.is_zero(),
        Value::Enum(member) if member.class.kind.is_value_like() => truthy(&member.value),
        _ => true,
    }
}

/// `a <op> b` for a comparison operator.
pub fn compare(op: CompareOp, a: &Value, b: &Value) -> Outcome<bool> {
    match op {
        CompareOp::Eq => Ok(compare::eq(a, b)),
        CompareOp::Ne => Ok(!compare::eq(a, b)),
        CompareOp::Lt => compare::order(a, b, Order::Lt),
        CompareOp::Le => compare::order(a, b, Order::Le),
        CompareOp::Gt => compare::order(a, b, Order::Gt),
        CompareOp::Ge => compare::order(a, b, Order::Ge),
        CompareOp::In => contains(b, a),
        CompareOp::NotIn => contains(b, a).map(|found| !found),
        CompareOp::Is => Ok(is(a, b)),
        CompareOp::IsNot => Ok(!is(a, b)),
    }
}

/// `a is b`. Containers, records and exceptions are the same object when
/// they are one shared value (`b = a`); None, bools and enum members are
/// singletons. The Rust core has no identity for ints, floats, strings and
/// bytes: equal ones are taken to be the same object (Python's answer for
/// those depends on how they were made).
pub fn is(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::None, Value::None) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Int(x), Value::Int(y)) => x == y,
        (Value::Float(x), Value::Float(y)) => x.to_bits() == y.to_bits(),
        (Value::Str(x), Value::Str(y)) => x == y,
        (Value::Bytes(x), Value::Bytes(y)) => x == y,
        (Value::Enum(x), Value::Enum(y)) => compare::same_member(x, y),
        (Value::List(x), Value::List(y)) | (Value::Tuple(x), Value::Tuple(y)) => Arc::ptr_eq(x, y),
        (Value::NamedTuple(c, x), Value::NamedTuple(d, y)) => c.name == d.name && Arc::ptr_eq(x, y),
        (Value::Dict(x), Value::Dict(y)) => Arc::ptr_eq(x, y),
        (Value::Set(x), Value::Set(y)) | (Value::FrozenSet(x), Value::FrozenSet(y)) => {
            Arc::ptr_eq(x, y)
        }
        (Value::Record(x), Value::Record(y)) => Arc::ptr_eq(x, y),
        (Value::Exception(x), Value::Exception(y)) => x.same(y),
        (Value::Type(x), Value::Type(y)) => x == y,
        (Value::Function(_), Value::Function(_)) => compare::eq(a, b),
        (Value::DateTime(x), Value::DateTime(y)) => Arc::ptr_eq(x, y),
        (Value::Time(x), Value::Time(y)) => Arc::ptr_eq(x, y),
        (Value::Decimal(x), Value::Decimal(y)) => Arc::ptr_eq(x, y),
        (Value::Date(x), Value::Date(y)) => x == y,
        (Value::TimeDelta(x), Value::TimeDelta(y)) => x == y,
        (Value::Uuid(x), Value::Uuid(y)) => x == y,
        _ => false,
    }
}

/// `item in container`.
pub fn contains(container: &Value, item: &Value) -> Outcome<bool> {
    match container {
        Value::Str(text) => match unwrap_enum(item) {
            Value::Str(part) => Ok(text.contains(&**part)),
            _ => Err(type_error(format!(
                "'in <string>' requires string as left operand, not {}",
                item.type_name()
            ))),
        },
        Value::Bytes(bytes) => match unwrap_enum(item) {
            Value::Bytes(part) => {
                Ok(part.is_empty() || bytes.windows(part.len()).any(|window| window == &part[..]))
            }
            other => match as_int(other) {
                Some(n) => match n.as_i64().filter(|b| (0..256).contains(b)) {
                    Some(b) => Ok(bytes.contains(&(b as u8))),
                    None => Err(Exception::new(
                        BuiltinException::ValueError,
                        "byte must be in range(0, 256)",
                    )),
                },
                None => Err(type_error(format!(
                    "a bytes-like object is required, not '{}'",
                    item.type_name()
                ))),
            },
        },
        Value::List(items) | Value::Tuple(items) | Value::NamedTuple(_, items) => {
            Ok(items.iter().any(|x| compare::eq(x, item)))
        }
        Value::Dict(dict) => Ok(dict.get(item)?.is_some()),
        Value::Set(set) | Value::FrozenSet(set) => set.contains(item),
        // A str enum's member is a str; an int or float one is not a container.
        Value::Enum(member)
            if member.class.kind.is_value_like() && matches!(member.value, Value::Str(_)) =>
        {
            contains(&member.value, item)
        }
        // A model iterates over its (name, value) pairs.
        Value::Record(record) if record.class.kind == crate::value::RecordKind::Model => {
            Ok(record.fields.iter().any(|(name, field)| {
                compare::eq(
                    &Value::tuple(vec![Value::Str(name.clone()), field.clone()]),
                    item,
                )
            }))
        }
        other => Err(type_error(format!(
            "argument of type '{}' is not iterable",
            other.type_name()
        ))),
    }
}

/// An index into a sequence of `length` items: negative counts from the end;
/// None when out of range.
fn resolve_index(index: &Int, length: usize) -> Outcome<Option<usize>> {
    let Some(index) = index.as_i64() else {
        return Err(Exception::new(
            BuiltinException::IndexError,
            "cannot fit 'int' into an index-sized integer",
        ));
    };
    let resolved = if index < 0 {
        index + length as i64
    } else {
        index
    };
    Ok((0..length as i64)
        .contains(&resolved)
        .then_some(resolved as usize))
}

/// `value[index]`.
pub fn subscript(value: &Value, index: &Value) -> Outcome {
    let original = value;
    let value = unwrap_enum(value);
    let out_of_range = |what: &str| {
        Exception::new(
            BuiltinException::IndexError,
            format!("{what} index out of range"),
        )
    };
    match value {
        Value::List(items) | Value::Tuple(items) | Value::NamedTuple(_, items) => {
            let kind = if matches!(value, Value::List(_)) {
                "list"
            } else {
                "tuple"
            };
            let Some(n) = as_int(index) else {
                return Err(type_error(format!(
                    "{kind} indices must be integers or slices, not {}",
                    index.type_name()
                )));
            };
            let position = resolve_index(&n, items.len())?.ok_or_else(|| out_of_range(kind))?;
            Ok(items[position].clone())
        }
        Value::Str(text) => {
            let Some(n) = as_int(index) else {
                return Err(type_error(format!(
                    "string indices must be integers, not '{}'",
                    index.type_name()
                )));
            };
            let position =
                resolve_index(&n, text::char_len(text))?.ok_or_else(|| out_of_range("string"))?;
            Ok(text::char_at(text, position)
                .map(|c| Value::str(c.encode_utf8(&mut [0; 4])))
                .unwrap_or(Value::None))
        }
        Value::Bytes(bytes) => {
            let Some(n) = as_int(index) else {
                return Err(type_error(format!(
                    "byte indices must be integers or slices, not {}",
                    index.type_name()
                )));
            };
            let position = resolve_index(&n, bytes.len())?.ok_or_else(|| {
                Exception::new(BuiltinException::IndexError, "index out of range")
            })?;
            Ok(Value::int(i64::from(bytes[position])))
        }
        Value::Dict(dict) => match dict.get(index)? {
            Some(found) => Ok(found.clone()),
            None => Err(Exception::builtin(
                BuiltinException::KeyError,
                vec![index.clone()],
            )),
        },
        _ => Err(type_error(format!(
            "'{}' object is not subscriptable",
            original.type_name()
        ))),
    }
}

/// A slice's bounds resolved against a length, as `slice.indices(length)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SliceBounds {
    pub start: i64,
    pub stop: i64,
    pub step: i64,
}

impl SliceBounds {
    /// The positions the slice selects, in order.
    pub fn positions(self) -> impl Iterator<Item = usize> {
        let SliceBounds { start, stop, step } = self;
        let count = if step > 0 {
            if stop > start {
                (stop - start - 1) / step + 1
            } else {
                0
            }
        } else if start > stop {
            (start - stop - 1) / (-step) + 1
        } else {
            0
        };
        (0..count).map(move |k| (start + k * step) as usize)
    }
}

/// A slice bound: an int (huge ones clipped, as Python clips them) or None.
pub fn slice_index(bound: Option<&Value>) -> Outcome<Option<i64>> {
    match bound {
        None | Some(Value::None) => Ok(None),
        Some(value) => match as_int(value) {
            Some(n) => Ok(Some(n.as_i64().unwrap_or(if n.is_negative() {
                i64::MIN / 2
            } else {
                i64::MAX / 2
            }))),
            None => Err(type_error(
                "slice indices must be integers or None or have an __index__ method",
            )),
        },
    }
}

/// Resolve `[lower:upper:step]` against `length`, as CPython's `PySlice_AdjustIndices`.
pub fn slice_bounds(
    length: usize,
    lower: Option<&Value>,
    upper: Option<&Value>,
    step: Option<&Value>,
) -> Outcome<SliceBounds> {
    let step = slice_index(step)?.unwrap_or(1);
    if step == 0 {
        return Err(Exception::new(
            BuiltinException::ValueError,
            "slice step cannot be zero",
        ));
    }
    let length = length as i64;
    let adjust = |bound: Option<i64>, default: i64| -> i64 {
        match bound {
            None => default,
            Some(mut index) => {
                if index < 0 {
                    index += length;
                    if index < 0 {
                        index = if step < 0 { -1 } else { 0 };
                    }
                } else if index >= length {
                    index = if step < 0 { length - 1 } else { length };
                }
                index
            }
        }
    };
    let (start_default, stop_default) = if step < 0 {
        (length - 1, -1)
    } else {
        (0, length)
    };
    Ok(SliceBounds {
        start: adjust(slice_index(lower)?, start_default),
        stop: adjust(slice_index(upper)?, stop_default),
        step,
    })
}

/// `value[lower:upper:step]`.
pub fn slice(
    value: &Value,
    lower: Option<&Value>,
    upper: Option<&Value>,
    step: Option<&Value>,
) -> Outcome {
    let pick = |items: &[Value]| -> Outcome<Vec<Value>> {
        let bounds = slice_bounds(items.len(), lower, upper, step)?;
        Ok(bounds.positions().map(|i| items[i].clone()).collect())
    };
    match unwrap_enum(value) {
        Value::List(items) => Ok(Value::list(pick(items)?)),
        Value::Tuple(items) | Value::NamedTuple(_, items) => Ok(Value::tuple(pick(items)?)),
        Value::Str(text) => {
            let bounds = slice_bounds(text::char_len(text), lower, upper, step)?;
            if bounds.step == 1 {
                let stop = bounds.stop.max(bounds.start);
                return Ok(Value::str(text::char_slice(
                    text,
                    bounds.start as usize,
                    stop as usize,
                )));
            }
            let chars: Vec<char> = text.chars().collect();
            Ok(Value::str(
                &bounds.positions().map(|i| chars[i]).collect::<String>(),
            ))
        }
        Value::Bytes(bytes) => {
            let bounds = slice_bounds(bytes.len(), lower, upper, step)?;
            Ok(Value::Bytes(bounds.positions().map(|i| bytes[i]).collect()))
        }
        Value::Dict(_) => Err(type_error("unhashable type: 'slice'")),
        _ => Err(type_error(format!(
            "'{}' object is not subscriptable",
            value.type_name()
        ))),
    }
}

fn no_attribute(value: &Value, name: &str) -> Exception {
    Exception::new(
        BuiltinException::AttributeError,
        format!("'{}' object has no attribute '{name}'", value.type_name()),
    )
}

/// `value.name`: a field of a model or dataclass, an exception's `args` or
/// attribute, an enum member's `name` and `value`, the parts of a date,
/// time or timedelta.
pub fn attribute(value: &Value, name: &str) -> Outcome {
    let found = match value {
        Value::Record(record) => record.field(name).cloned(),
        Value::NamedTuple(class, items) => match name {
            "_fields" => Some(Value::tuple(
                class.fields.iter().map(|f| Value::Str(f.clone())).collect(),
            )),
            _ => class.index(name).map(|index| items[index].clone()),
        },
        Value::Exception(exc) => match name {
            "args" => Some(Value::tuple(exc.args().to_vec())),
            _ => exc
                .attribute(name)
                .cloned()
                .or_else(|| os_error_attribute(exc, name)),
        },
        Value::Enum(member) => match name {
            "name" => member.name.as_deref().map(Value::str),
            "value" => Some(member.value.clone()),
            // An `IntEnum` member is an int, with an int's parts.
            _ if member.class.kind.is_value_like() => attribute(&member.value, name).ok(),
            _ => None,
        },
        Value::Date(date) => date_attribute(date, name),
        Value::DateTime(dt) => {
            date_attribute(&dt.date, name).or_else(|| time_attribute(&dt.time, name))
        }
        Value::Time(time) => time_attribute(time, name),
        Value::TimeDelta(delta) => match name {
            "days" => Some(Value::int(delta.days)),
            "seconds" => Some(Value::int(delta.seconds)),
            "microseconds" => Some(Value::int(delta.microseconds)),
            _ => None,
        },
        Value::Type(ty) if name == "__name__" => Some(Value::str(ty.name())),
        // The number's parts, as Python's int and float have them.
        Value::Int(_) | Value::Bool(_) => match name {
            "real" | "numerator" => as_int(value).map(Value::Int),
            "imag" => Some(Value::int(0)),
            "denominator" => Some(Value::int(1)),
            _ => None,
        },
        Value::Float(x) => match name {
            "real" => Some(Value::Float(*x)),
            "imag" => Some(Value::Float(0.0)),
            _ => None,
        },
        _ => None,
    };
    found.ok_or_else(|| no_attribute(value, name))
}

/// OSError's `errno`, `strerror`, `filename` and `filename2`.
fn os_error_attribute(exc: &Exception, name: &str) -> Option<Value> {
    if !exc.is(BuiltinException::OSError) {
        return None;
    }
    let arguments = exc
        .data()
        .rebuild
        .as_ref()
        .map_or(exc.args(), |rebuild| &rebuild.args[..]);
    let two = arguments.len() >= 2;
    match name {
        "errno" => Some(if two {
            arguments[0].clone()
        } else {
            Value::None
        }),
        "strerror" => Some(if two {
            arguments[1].clone()
        } else {
            Value::None
        }),
        "filename" => Some(
            arguments
                .get(2)
                .filter(|_| two)
                .cloned()
                .unwrap_or(Value::None),
        ),
        "filename2" => Some(
            arguments
                .get(4)
                .filter(|_| two)
                .cloned()
                .unwrap_or(Value::None),
        ),
        _ => None,
    }
}

fn date_attribute(date: &Date, name: &str) -> Option<Value> {
    Some(Value::int(match name {
        "year" => i64::from(date.year),
        "month" => i64::from(date.month),
        "day" => i64::from(date.day),
        _ => return None,
    }))
}

fn time_attribute(time: &crate::value::Time, name: &str) -> Option<Value> {
    Some(Value::int(match name {
        "hour" => i64::from(time.hour),
        "minute" => i64::from(time.minute),
        "second" => i64::from(time.second),
        "microsecond" => i64::from(time.microsecond),
        "fold" => 0,
        _ => return None,
    }))
}

/// A list's or dict's copy with `container[key] = item`, as `x[k] = v`
/// rebinds `x`; a tuple too when the change comes back through it
/// (`with_tuples`), as RRL binds a changed item back into its tuple.
pub fn set_item(container: &Value, key: &Value, item: Value, with_tuples: bool) -> Outcome {
    match container {
        Value::List(items) | Value::Tuple(items) | Value::NamedTuple(_, items)
            if matches!(container, Value::List(_)) || with_tuples =>
        {
            let kind = if matches!(container, Value::List(_)) {
                "list"
            } else {
                "tuple"
            };
            let Some(n) = as_int(key) else {
                return Err(type_error(format!(
                    "{kind} indices must be integers or slices, not {}",
                    key.type_name()
                )));
            };
            let position = resolve_index(&n, items.len())?.ok_or_else(|| {
                Exception::new(
                    BuiltinException::IndexError,
                    format!("{kind} assignment index out of range"),
                )
            })?;
            let mut changed = (**items).clone();
            changed[position] = item;
            Ok(match container {
                Value::List(_) => Value::list(changed),
                Value::NamedTuple(class, _) => Value::NamedTuple(class.clone(), Arc::new(changed)),
                _ => Value::tuple(changed),
            })
        }
        Value::Dict(dict) => {
            let mut changed: Dict = (**dict).clone();
            changed.insert(Key::new(key.clone())?, item);
            Ok(Value::Dict(Arc::new(changed)))
        }
        other => Err(type_error(format!(
            "'{}' object does not support item assignment",
            other.type_name()
        ))),
    }
}

/// A copy of a list without `container[key]`, or of a dict without the key (`del x[k]`).
pub fn delete_item(container: &Value, key: &Value) -> Outcome {
    match container {
        Value::List(items) => {
            let Some(n) = as_int(key) else {
                return Err(type_error(format!(
                    "list indices must be integers or slices, not {}",
                    key.type_name()
                )));
            };
            let position = resolve_index(&n, items.len())?.ok_or_else(|| {
                Exception::new(
                    BuiltinException::IndexError,
                    "list assignment index out of range",
                )
            })?;
            let mut changed = (**items).clone();
            changed.remove(position);
            Ok(Value::list(changed))
        }
        Value::Dict(dict) => {
            let key = Key::new(key.clone())?;
            let mut changed: Dict = (**dict).clone();
            match changed.remove(&key) {
                Some(_) => Ok(Value::Dict(Arc::new(changed))),
                None => Err(Exception::builtin(
                    BuiltinException::KeyError,
                    vec![key.into_value()],
                )),
            }
        }
        other => Err(type_error(format!(
            "'{}' object doesn't support item deletion",
            other.type_name()
        ))),
    }
}

/// A copy of a list with `container[lower:upper:step] = items`.
pub fn set_slice(
    container: &Value,
    lower: Option<&Value>,
    upper: Option<&Value>,
    step: Option<&Value>,
    items: Vec<Value>,
) -> Outcome {
    let Value::List(current) = container else {
        return Err(type_error(format!(
            "'{}' object does not support item assignment",
            container.type_name()
        )));
    };
    let bounds = slice_bounds(current.len(), lower, upper, step)?;
    let mut changed = (**current).clone();
    if bounds.step == 1 {
        let start = bounds.start as usize;
        let stop = (bounds.stop.max(bounds.start)) as usize;
        changed.splice(start..stop, items);
        return Ok(Value::list(changed));
    }
    let positions: Vec<usize> = bounds.positions().collect();
    if positions.len() != items.len() {
        return Err(Exception::new(
            BuiltinException::ValueError,
            format!(
                "attempt to assign sequence of size {} to extended slice of size {}",
                items.len(),
                positions.len()
            ),
        ));
    }
    for (position, item) in positions.into_iter().zip(items) {
        changed[position] = item;
    }
    Ok(Value::list(changed))
}

/// A copy of a list without `container[lower:upper:step]`.
pub fn delete_slice(
    container: &Value,
    lower: Option<&Value>,
    upper: Option<&Value>,
    step: Option<&Value>,
) -> Outcome {
    let Value::List(current) = container else {
        return Err(type_error(format!(
            "'{}' object doesn't support item deletion",
            container.type_name()
        )));
    };
    let bounds = slice_bounds(current.len(), lower, upper, step)?;
    let removed: std::collections::HashSet<usize> = bounds.positions().collect();
    let kept = current
        .iter()
        .enumerate()
        .filter(|(i, _)| !removed.contains(i))
        .map(|(_, item)| item.clone())
        .collect();
    Ok(Value::list(kept))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::repr;

    fn show(result: Outcome) -> String {
        match result {
            Ok(value) => repr::repr(&value).unwrap_or_default(),
            Err(exc) => format!("{} {}", exc.class().name(), exc.message()),
        }
    }

    fn big(text: &str) -> Value {
        Value::Int(Int::from_big(text.parse().unwrap_or_default()))
    }

    #[test]
    fn in_place_or_updates_a_dict_from_any_pairs() {
        let (i, s) = (Value::int, Value::str);
        let dict = |pairs: Vec<(&str, i64)>| {
            let mut dict = Dict::new();
            for (key, value) in pairs {
                let _ = dict.set(s(key), i(value));
            }
            Value::Dict(Arc::new(dict))
        };
        let set = |items: Vec<i64>| {
            Value::Set(Arc::new(
                items
                    .into_iter()
                    .filter_map(|n| Key::new(i(n)).ok())
                    .collect(),
            ))
        };
        let pair = |key: &str, value: i64| Value::tuple(vec![s(key), i(value)]);
        let cases = [
            (
                dict(vec![("a", 1), ("b", 2)]),
                Value::list(vec![pair("b", 3), pair("c", 4)]),
                "{'a': 1, 'b': 3, 'c': 4}",
            ),
            (dict(vec![("a", 1)]), dict(vec![("a", 5)]), "{'a': 5}"),
            (dict(vec![]), Value::list(vec![s("kv")]), "{'k': 'v'}"),
            (
                dict(vec![]),
                Value::list(vec![i(1)]),
                "TypeError cannot convert dictionary update sequence element #0 to a sequence",
            ),
            (
                dict(vec![]),
                Value::list(vec![s("abc")]),
                "ValueError dictionary update sequence element #0 has length 3; 2 is required",
            ),
            (dict(vec![]), i(5), "TypeError 'int' object is not iterable"),
            (set(vec![1]), set(vec![2]), "{1, 2}"),
            (
                set(vec![1]),
                Value::list(vec![]),
                "TypeError unsupported operand type(s) for |=: 'set' and 'list'",
            ),
            (i(1), i(6), "7"),
            (
                i(1),
                s("a"),
                "TypeError unsupported operand type(s) for |=: 'int' and 'str'",
            ),
        ];
        for (left, right, expected) in cases {
            assert_eq!(show(in_place_or(&left, &right)), expected);
        }
        // `d | pairs` stays Python's TypeError: only `|=` takes pairs.
        assert_eq!(
            show(binary(
                BinaryOp::BitOr,
                &dict(vec![]),
                &Value::list(vec![pair("a", 1)])
            )),
            "TypeError unsupported operand type(s) for |: 'dict' and 'list'"
        );
    }

    #[test]
    fn in_place_addition_extends_a_list_with_any_iterable() {
        let (i, s) = (Value::int, Value::str);
        let cases = [
            (
                Value::list(vec![i(0)]),
                Value::tuple(vec![i(1), i(2)]),
                "[0, 1, 2]",
            ),
            (Value::list(vec![i(0)]), s("ab"), "[0, 'a', 'b']"),
            (Value::tuple(vec![i(0)]), Value::tuple(vec![i(1)]), "(0, 1)"),
            (s("a"), s("b"), "'ab'"),
            (
                Value::list(vec![]),
                i(5),
                "TypeError 'int' object is not iterable",
            ),
            (
                Value::tuple(vec![]),
                Value::list(vec![]),
                "TypeError can only concatenate tuple (not \"list\") to tuple",
            ),
            (
                i(1),
                s("a"),
                "TypeError unsupported operand type(s) for +=: 'int' and 'str'",
            ),
        ];
        for (left, right, expected) in cases {
            assert_eq!(show(in_place_add(&left, &right)), expected);
        }
    }

    #[test]
    fn binary_operators_are_pythons() {
        let (i, f, s) = (Value::int, Value::Float, Value::str);
        let cases = [
            (
                BinaryOp::Div,
                i(1),
                i(0),
                "ZeroDivisionError division by zero",
            ),
            (
                BinaryOp::FloorDiv,
                i(1),
                i(0),
                "ZeroDivisionError integer division or modulo by zero",
            ),
            (
                BinaryOp::Mod,
                i(1),
                i(0),
                "ZeroDivisionError integer modulo by zero",
            ),
            (
                BinaryOp::Div,
                f(1.0),
                i(0),
                "ZeroDivisionError float division by zero",
            ),
            (
                BinaryOp::FloorDiv,
                f(1.0),
                i(0),
                "ZeroDivisionError float floor division by zero",
            ),
            (
                BinaryOp::Mod,
                f(1.0),
                i(0),
                "ZeroDivisionError float modulo",
            ),
            (
                BinaryOp::Pow,
                i(0),
                i(-1),
                "ZeroDivisionError 0.0 cannot be raised to a negative power",
            ),
            (BinaryOp::Pow, i(2), i(-1), "0.5"),
            (
                BinaryOp::Pow,
                f(10.0),
                i(400),
                "OverflowError (34, 'Numerical result out of range')",
            ),
            (
                BinaryOp::Mul,
                big(&format!("1{}", "0".repeat(400))),
                f(1.0),
                "OverflowError int too large to convert to float",
            ),
            (
                BinaryOp::Div,
                i(1),
                big(&format!("1{}", "0".repeat(400))),
                "0.0",
            ),
            (
                BinaryOp::Div,
                big(&format!("1{}", "0".repeat(400))),
                i(1),
                "OverflowError integer division result too large for a float",
            ),
            (
                BinaryOp::Add,
                Value::list(vec![i(1)]),
                Value::tuple(vec![i(1)]),
                "TypeError can only concatenate list (not \"tuple\") to list",
            ),
            (
                BinaryOp::Add,
                s("a"),
                i(1),
                "TypeError can only concatenate str (not \"int\") to str",
            ),
            (
                BinaryOp::Add,
                i(1),
                s("a"),
                "TypeError unsupported operand type(s) for +: 'int' and 'str'",
            ),
            (
                BinaryOp::Mul,
                Value::list(vec![i(1)]),
                s("a"),
                "TypeError can't multiply sequence by non-int of type 'str'",
            ),
            (
                BinaryOp::Mul,
                s("a"),
                big("9223372036854775808"),
                "OverflowError cannot fit 'int' into an index-sized integer",
            ),
            (
                BinaryOp::Pow,
                i(2),
                s("a"),
                "TypeError unsupported operand type(s) for ** or pow(): 'int' and 'str'",
            ),
            (BinaryOp::Add, Value::Bool(true), Value::Bool(true), "2"),
            (BinaryOp::Div, Value::Bool(true), Value::Bool(true), "1.0"),
            (BinaryOp::Mul, Value::Bool(true), s("ab"), "'ab'"),
            (
                BinaryOp::Mod,
                s("%s-%d"),
                Value::tuple(vec![s("a"), i(2)]),
                "'a-2'",
            ),
            (BinaryOp::Mod, i(-7), i(2), "1"),
            (BinaryOp::FloorDiv, i(-7), i(2), "-4"),
            (BinaryOp::Mod, f(-1.0), i(3), "2.0"),
            (
                BinaryOp::Add,
                big("9223372036854775807"),
                i(1),
                "9223372036854775808",
            ),
            (BinaryOp::Mul, Value::tuple(vec![i(1)]), i(2), "(1, 1)"),
        ];
        for (op, a, b, expected) in cases {
            assert_eq!(show(binary(op, &a, &b)), expected, "{a:?} {op:?} {b:?}");
        }
    }

    #[test]
    fn subscripts_and_slices_are_pythons() {
        let (i, s) = (Value::int, Value::str);
        let list = Value::list(vec![i(1), i(2), i(3), i(4)]);
        assert_eq!(
            show(subscript(&list, &s("a"))),
            "TypeError list indices must be integers or slices, not str"
        );
        assert_eq!(show(subscript(&list, &i(-1))), "4");
        assert_eq!(
            show(subscript(&list, &i(4))),
            "IndexError list index out of range"
        );
        assert_eq!(show(subscript(&s("héllo"), &i(1))), "'é'");
        assert_eq!(
            show(subscript(&s("ab"), &s("a"))),
            "TypeError string indices must be integers, not 'str'"
        );
        assert_eq!(
            show(subscript(&i(1), &i(0))),
            "TypeError 'int' object is not subscriptable"
        );
        assert_eq!(
            show(subscript(&list, &big("1180591620717411303424"))),
            "IndexError cannot fit 'int' into an index-sized integer"
        );
        assert_eq!(show(slice(&list, None, None, Some(&i(-2)))), "[4, 2]");
        assert_eq!(
            show(slice(&list, Some(&i(-3)), Some(&i(100)), None)),
            "[2, 3, 4]"
        );
        assert_eq!(
            show(slice(&list, None, None, Some(&i(0)))),
            "ValueError slice step cannot be zero"
        );
        assert_eq!(
            show(slice(&s("héllo"), Some(&i(1)), Some(&i(-1)), None)),
            "'éll'"
        );
        assert_eq!(
            show(slice(&s("héllo"), None, None, Some(&i(-1)))),
            "'olléh'"
        );
        let mut dict = Dict::new();
        let _ = dict.set(s("a"), i(1));
        assert_eq!(
            show(subscript(&Value::Dict(Arc::new(dict)), &s("b"))),
            "KeyError 'b'"
        );
    }

    #[test]
    fn membership_and_identity_are_pythons() {
        let (i, s) = (Value::int, Value::str);
        let show_bool = |result: Outcome<bool>| show(result.map(Value::Bool));
        assert_eq!(
            show_bool(contains(&s("a"), &i(1))),
            "TypeError 'in <string>' requires string as left operand, not int"
        );
        assert_eq!(
            show_bool(contains(&Value::Bytes(Arc::from(&b"a"[..])), &i(300))),
            "ValueError byte must be in range(0, 256)"
        );
        assert_eq!(
            show_bool(contains(&i(5), &i(1))),
            "TypeError argument of type 'int' is not iterable"
        );
        assert_eq!(
            show_bool(contains(
                &Value::list(vec![Value::Float(1.0)]),
                &Value::Bool(true)
            )),
            "True"
        );
        let shared = Value::list(vec![]);
        assert!(is(&shared, &shared.clone()) && !is(&shared, &Value::list(vec![])));
    }
}
