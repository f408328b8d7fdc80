//! The builtins and methods of dates, times, bytes and hashes
//! (`rrl.builtins`): `datetime(...)`, `date(...)`, `timedelta(...)`,
//! `hexdigest(algorithm, data)`, `digest(algorithm, data)`, the class methods
//! `datetime.fromisoformat`, `date.fromisoformat` and `bytes.fromhex`, and the
//! methods of dates, times, timedeltas and bytes and `str.encode()`. They
//! behave as the reference evaluator's (language/rrl/dates.py), with its
//! messages: a datetime's `tzinfo` is its UTC offset, a timedelta or None.

use std::sync::Arc;

use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{FromPrimitive, Zero};

use crate::value::datetime::{Date, DateTime, MAX_YEAR, MIN_YEAR, Time, UtcOffset};
use crate::value::{BuiltinException, Exception, Int, Outcome, Str, Value, repr};

use super::ops::{self, int_true_divide, type_error, unwrap_enum};

pub const FUNCTIONS: &[&str] = &["datetime", "date", "timedelta", "hexdigest", "digest"];
/// The algorithms of `hexdigest()` and `digest()`, as hashlib names them.
pub const HASH_ALGORITHMS: &[&str] = &["md5", "sha1", "sha256", "sha512", "blake2b"];

const DATE_METHODS: &[&str] = &["isoformat", "strftime", "weekday", "isoweekday", "replace"];
const DATETIME_METHODS: &[&str] = &[
    "isoformat",
    "strftime",
    "weekday",
    "isoweekday",
    "replace",
    "date",
    "time",
    "utcoffset",
];
const TIME_METHODS: &[&str] = &["isoformat", "strftime", "replace", "utcoffset"];
const NO_ARGUMENTS: &[&str] = &[
    "weekday",
    "isoweekday",
    "date",
    "time",
    "utcoffset",
    "total_seconds",
    "hex",
    "isoformat",
];

const DATETIME_PARAMS: &[&str] = &[
    "year",
    "month",
    "day",
    "hour",
    "minute",
    "second",
    "microsecond",
    "tzinfo",
];
const TIMEDELTA_PARAMS: &[&str] = &[
    "days",
    "seconds",
    "microseconds",
    "milliseconds",
    "minutes",
    "hours",
    "weeks",
];

fn value_error(message: impl Into<String>) -> Exception {
    Exception::new(BuiltinException::ValueError, message)
}

fn overflow(message: &str) -> Exception {
    Exception::new(BuiltinException::OverflowError, message)
}

/// Python's binding of `args` and `kwargs` to a function's parameters, of
/// which the first `required` have no default; with its messages.
fn bind(
    name: &str,
    params: &[&str],
    required: usize,
    args: Vec<Value>,
    kwargs: Vec<(Str, Value)>,
) -> Outcome<Vec<Option<Value>>> {
    if args.len() > params.len() {
        let takes = if required == params.len() {
            format!("{required}")
        } else {
            format!("from {required} to {}", params.len())
        };
        return Err(type_error(format!(
            "{name}() takes {takes} positional argument{} but {} {} given",
            if params.len() == 1 { "" } else { "s" },
            args.len(),
            if args.len() == 1 { "was" } else { "were" }
        )));
    }
    let mut bound: Vec<Option<Value>> = args.into_iter().map(Some).collect();
    bound.resize(params.len(), None);
    for (key, value) in kwargs {
        let Some(index) = params.iter().position(|param| **param == *key) else {
            return Err(type_error(format!(
                "{name}() got an unexpected keyword argument '{key}'"
            )));
        };
        if bound[index].is_some() {
            return Err(type_error(format!(
                "{name}() got multiple values for argument '{key}'"
            )));
        }
        bound[index] = Some(value);
    }
    let missing: Vec<String> = params[..required]
        .iter()
        .zip(&bound)
        .filter(|(_, value)| value.is_none())
        .map(|(param, _)| format!("'{param}'"))
        .collect();
    if !missing.is_empty() {
        let listed = match missing.as_slice() {
            [one] => one.clone(),
            [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
            [] => String::new(),
        };
        return Err(type_error(format!(
            "{name}() missing {} required positional argument{}: {listed}",
            missing.len(),
            if missing.len() == 1 { "" } else { "s" }
        )));
    }
    Ok(bound)
}

/// An int argument, as `isinstance(value, int)` accepts one.
fn integer(value: &Value) -> Outcome<Int> {
    ops::as_int(value).ok_or_else(|| {
        type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            value.type_name()
        ))
    })
}

/// An int as CPython's `i` argument format converts it, with its messages.
fn c_int(n: &Int) -> Outcome<i64> {
    match n.as_i64() {
        Some(small) if i32::try_from(small).is_ok() => Ok(small),
        Some(small) if small > 0 => Err(overflow("signed integer is greater than maximum")),
        Some(_) => Err(overflow("signed integer is less than minimum")),
        None => Err(overflow("Python int too large to convert to C long")),
    }
}

/// `datetime.timezone(offset)` of an RRL `tzinfo`: a timedelta or None.
fn offset(tzinfo: &Value) -> Outcome<Option<UtcOffset>> {
    match tzinfo {
        Value::None => Ok(None),
        Value::TimeDelta(delta) => {
            let micros = delta.total_micros();
            i64::try_from(micros)
                .ok()
                .and_then(UtcOffset::new)
                .map(Some)
                .ok_or_else(|| {
                    value_error(format!(
                        "offset must be a timedelta strictly between -timedelta(hours=24) and timedelta(hours=24), not {}.",
                        delta.repr()
                    ))
                })
        }
        other => Err(type_error(format!(
            "tzinfo must be a timedelta (the UTC offset) or None, not {}",
            other.type_name()
        ))),
    }
}

/// A date from its fields, checked as Python's `date()` checks them.
fn checked_date(year: i64, month: i64, day: i64) -> Outcome<Date> {
    if !(i64::from(MIN_YEAR)..=i64::from(MAX_YEAR)).contains(&year) {
        return Err(value_error(format!("year {year} is out of range")));
    }
    if !(1..=12).contains(&month) {
        return Err(value_error("month must be in 1..12"));
    }
    Date::new(year as i32, month as u8, u8::try_from(day).unwrap_or(0))
        .ok_or_else(|| value_error("day is out of range for month"))
}

/// A time of day from its fields, checked as Python's `time()` checks them.
fn checked_time(clock: [i64; 4], offset: Option<UtcOffset>) -> Outcome<Time> {
    let [hour, minute, second, microsecond] = clock;
    if !(0..24).contains(&hour) {
        return Err(value_error("hour must be in 0..23"));
    }
    if !(0..60).contains(&minute) {
        return Err(value_error("minute must be in 0..59"));
    }
    if !(0..60).contains(&second) {
        return Err(value_error("second must be in 0..59"));
    }
    if !(0..1_000_000).contains(&microsecond) {
        return Err(value_error("microsecond must be in 0..999999"));
    }
    Ok(Time::new(
        hour as u8,
        minute as u8,
        second as u8,
        microsecond as u32,
        offset,
    )
    .expect("checked fields"))
}

fn datetime_value(date: Date, time: Time) -> Value {
    Value::DateTime(Arc::new(DateTime {
        date,
        time,
        zone: None,
    }))
}

/// `name(*args, **kwargs)` for one of `FUNCTIONS`.
pub fn call_function(name: &str, args: Vec<Value>, kwargs: Vec<(Str, Value)>) -> Outcome {
    match name {
        "datetime" => {
            let bound = bind(name, DATETIME_PARAMS, 3, args, kwargs)?;
            let mut fields = [0_i64; 7];
            let ints: Vec<Int> = bound[..7]
                .iter()
                .map(|value| value.as_ref().map_or(Ok(Int::Small(0)), integer))
                .collect::<Outcome<_>>()?;
            let offset = offset(bound[7].as_ref().unwrap_or(&Value::None))?;
            for (field, n) in fields.iter_mut().zip(&ints) {
                *field = c_int(n)?;
            }
            let date = checked_date(fields[0], fields[1], fields[2])?;
            let time = checked_time([fields[3], fields[4], fields[5], fields[6]], offset)?;
            Ok(datetime_value(date, time))
        }
        "date" => {
            let bound = bind(name, &DATETIME_PARAMS[..3], 3, args, kwargs)?;
            let ints: Vec<Int> = bound
                .iter()
                .map(|value| integer(value.as_ref().expect("bound")))
                .collect::<Outcome<_>>()?;
            let (year, month, day) = (c_int(&ints[0])?, c_int(&ints[1])?, c_int(&ints[2])?);
            checked_date(year, month, day).map(Value::Date)
        }
        "timedelta" => {
            let bound = bind(name, TIMEDELTA_PARAMS, 0, args, kwargs)?;
            timedelta(&bound)
        }
        "hexdigest" | "digest" => {
            let bound = bind(name, &["algorithm", "data"], 2, args, kwargs)?;
            let (algorithm, data) = (
                bound[0].as_ref().expect("bound"),
                bound[1].as_ref().expect("bound"),
            );
            let hashed = hash(algorithm, data)?;
            Ok(if name == "digest" {
                Value::Bytes(Arc::from(hashed))
            } else {
                Value::str(&hex(&hashed))
            })
        }
        _ => Err(type_error(format!("unknown builtin {name}()"))),
    }
}

/// `timedelta(days, seconds, microseconds, milliseconds, minutes, hours, weeks)`
/// as CPython computes it: whole parts exactly, the fractions of float
/// arguments summed as floats and rounded half to even at the end.
fn timedelta(bound: &[Option<Value>]) -> Outcome {
    for (name, value) in TIMEDELTA_PARAMS.iter().zip(bound) {
        if let Some(value) = value {
            if !matches!(
                unwrap_enum(value),
                Value::Int(_) | Value::Bool(_) | Value::Float(_)
            ) {
                return Err(type_error(format!(
                    "unsupported type for timedelta {name} component: {}",
                    value.type_name()
                )));
            }
        }
    }
    // CPython's order: microseconds, milliseconds, seconds, minutes, hours, days, weeks.
    const ORDER: [(usize, i64); 7] = [
        (2, 1),
        (3, 1_000),
        (1, 1_000_000),
        (4, 60_000_000),
        (5, 3_600_000_000),
        (0, 86_400_000_000),
        (6, 604_800_000_000),
    ];
    let mut sum = BigInt::zero();
    let mut leftover = 0.0_f64;
    for (index, factor) in ORDER {
        let Some(value) = &bound[index] else { continue };
        match unwrap_enum(value) {
            Value::Float(x) => {
                let whole = float_to_int(x.trunc())?;
                sum += whole * factor;
                let fraction = x - x.trunc();
                if fraction != 0.0 {
                    let scaled = factor as f64 * fraction;
                    sum += float_to_int(scaled.trunc())?;
                    leftover += scaled - scaled.trunc();
                }
            }
            other => sum += ops::as_int(other).expect("checked").to_big() * factor,
        }
    }
    if leftover != 0.0 {
        let mut whole = leftover.round();
        if (whole - leftover).abs() == 0.5 {
            let odd = if sum.is_odd() { 1.0 } else { 0.0 };
            whole = 2.0 * ((leftover + odd) * 0.5).round() - odd;
        }
        sum += whole as i64;
    }
    ops::micros_result(sum)
}

fn float_to_int(x: f64) -> Outcome<BigInt> {
    if x.is_nan() {
        return Err(value_error("cannot convert float NaN to integer"));
    }
    BigInt::from_f64(x).ok_or_else(|| overflow("cannot convert float infinity to integer"))
}

fn hash(algorithm: &Value, data: &Value) -> Outcome<Vec<u8>> {
    use sha2::Digest;
    let algorithm = match unwrap_enum(algorithm) {
        Value::Str(name) if HASH_ALGORITHMS.contains(&&**name) => name.clone(),
        _ => {
            return Err(value_error(format!(
                "unsupported hash type {}: use one of {}",
                repr::repr(algorithm).unwrap_or_default(),
                HASH_ALGORITHMS.join(", ")
            )));
        }
    };
    let bytes = match unwrap_enum(data) {
        Value::Bytes(bytes) => bytes,
        Value::Str(_) => return Err(type_error("Strings must be encoded before hashing")),
        other => {
            return Err(type_error(format!(
                "object supporting the buffer API required, not {}",
                other.type_name()
            )));
        }
    };
    Ok(match &*algorithm {
        "md5" => md5::Md5::digest(bytes).to_vec(),
        "sha1" => sha1::Sha1::digest(bytes).to_vec(),
        "sha256" => sha2::Sha256::digest(bytes).to_vec(),
        "sha512" => sha2::Sha512::digest(bytes).to_vec(),
        _ => blake2::Blake2b512::digest(bytes).to_vec(),
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

fn text_argument<'a>(args: &'a [Value], kwargs: &[(Str, Value)], owner: &str) -> Outcome<&'a str> {
    if !kwargs.is_empty() {
        return Err(type_error(format!("{owner}() takes no keyword arguments")));
    }
    match args {
        [value] => match unwrap_enum(value) {
            Value::Str(text) => Ok(&**text),
            other => Err(type_error(format!(
                "{owner}() argument must be str, not {}",
                other.type_name()
            ))),
        },
        _ => Err(type_error(format!(
            "{owner}() takes exactly one argument ({} given)",
            args.len()
        ))),
    }
}

/// Whether `owner.method(...)` is one of the class methods here (`dict.fromkeys`
/// is the dict's own).
pub fn is_class_method(owner: &str, method: &str) -> bool {
    matches!(
        (owner, method),
        ("datetime" | "date", "fromisoformat") | ("bytes", "fromhex")
    )
}

/// `owner.method(...)` for a class method `is_class_method` accepts.
pub fn class_method(owner: &str, method: &str, args: &[Value], kwargs: &[(Str, Value)]) -> Outcome {
    let text = text_argument(args, kwargs, method)?;
    match owner {
        "datetime" => datetime_fromisoformat(text),
        "date" => date_fromisoformat(text),
        _ => bytes_fromhex(text),
    }
}

fn invalid_isoformat(text: &str) -> Exception {
    value_error(format!(
        "Invalid isoformat string: {}",
        repr::repr(&Value::str(text)).unwrap_or_default()
    ))
}

/// `N` ASCII digits at `at`: their value.
fn number(text: &[u8], at: usize, width: usize) -> Option<i64> {
    let digits = text.get(at..at + width)?;
    digits
        .iter()
        .all(u8::is_ascii_digit)
        .then(|| digits.iter().fold(0, |n, d| n * 10 + i64::from(d - b'0')))
}

/// `HH:MM:SS[.ffffff]` at `at`: the fields and where the text after them starts.
fn clock(text: &[u8], at: usize, seconds_optional: bool) -> Option<([i64; 4], usize)> {
    let hour = number(text, at, 2)?;
    (text.get(at + 2) == Some(&b':')).then_some(())?;
    let minute = number(text, at + 3, 2)?;
    let mut end = at + 5;
    let mut second = 0;
    if text.get(end) == Some(&b':') {
        second = number(text, end + 1, 2)?;
        end += 3;
    } else if !seconds_optional {
        return None;
    }
    let mut micro = 0;
    if end > at + 5 && text.get(end) == Some(&b'.') {
        micro = number(text, end + 1, 6)?;
        end += 7;
    }
    Some(([hour, minute, second, micro], end))
}

fn datetime_fromisoformat(text: &str) -> Outcome {
    let bytes = text.as_bytes();
    let parsed = (|| {
        let fields = iso_date(bytes)?;
        matches!(bytes.get(10), Some(b'T' | b' ')).then_some(())?;
        let (time, end) = clock(bytes, 11, false)?;
        let offset = match bytes.get(end) {
            None => None,
            Some(sign @ (b'+' | b'-')) => {
                let (parts, stop) = clock(bytes, end + 1, true)?;
                (stop == bytes.len()).then_some(())?;
                let [h, m, s, us] = parts;
                let micros = ((h * 60 + m) * 60 + s) * 1_000_000 + us;
                Some(if *sign == b'-' { -micros } else { micros })
            }
            Some(_) => return None,
        };
        Some((fields, time, offset))
    })();
    let Some((date, time, offset_micros)) = parsed else {
        return Err(invalid_isoformat(text));
    };
    // Python builds the timezone first, then the datetime.
    let offset = match offset_micros {
        Some(micros) => offset(&ops::micros_result(BigInt::from(micros))?)?,
        None => None,
    };
    let date = checked_date(date[0], date[1], date[2])?;
    let time = checked_time(time, offset)?;
    Ok(datetime_value(date, time))
}

fn iso_date(bytes: &[u8]) -> Option<[i64; 3]> {
    let year = number(bytes, 0, 4)?;
    (bytes.get(4) == Some(&b'-') && bytes.get(7) == Some(&b'-')).then_some(())?;
    Some([year, number(bytes, 5, 2)?, number(bytes, 8, 2)?])
}

fn date_fromisoformat(text: &str) -> Outcome {
    let bytes = text.as_bytes();
    match iso_date(bytes).filter(|_| bytes.len() == 10) {
        Some([year, month, day]) => checked_date(year, month, day).map(Value::Date),
        None => Err(invalid_isoformat(text)),
    }
}

/// `bytes.fromhex(text)`: pairs of hex digits, ASCII whitespace between pairs.
fn bytes_fromhex(text: &str) -> Outcome {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::with_capacity(chars.len() / 2);
    let mut at = 0;
    let bad = |position: usize| {
        value_error(format!(
            "non-hexadecimal number found in fromhex() arg at position {position}"
        ))
    };
    while at < chars.len() {
        if matches!(chars[at], ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c') {
            at += 1;
            continue;
        }
        let high = chars[at]
            .to_digit(16)
            .filter(|_| chars[at].is_ascii())
            .ok_or_else(|| bad(at))?;
        let low = chars
            .get(at + 1)
            .and_then(|c| c.to_digit(16).filter(|_| c.is_ascii()))
            .ok_or_else(|| bad(at + 1))?;
        out.push((high * 16 + low) as u8);
        at += 2;
    }
    Ok(Value::Bytes(Arc::from(out)))
}

/// Whether `name` is a method of `receiver` here.
pub fn usable(receiver: &Value, name: &str) -> bool {
    match receiver {
        Value::DateTime(_) => DATETIME_METHODS.contains(&name),
        Value::Date(_) => DATE_METHODS.contains(&name),
        Value::Time(_) => TIME_METHODS.contains(&name),
        Value::TimeDelta(_) => name == "total_seconds",
        Value::Bytes(_) => name == "hex",
        Value::Str(_) => name == "encode",
        _ => false,
    }
}

/// `receiver.name(*args, **kwargs)` for a method `usable` accepts.
pub fn call_method(
    receiver: &Value,
    name: &str,
    args: &[Value],
    kwargs: &[(Str, Value)],
) -> Outcome {
    let owner = receiver.type_of();
    let owner = owner.name();
    if NO_ARGUMENTS.contains(&name) && !(args.is_empty() && kwargs.is_empty()) {
        return Err(type_error(format!(
            "{owner}.{name}() takes no arguments ({} given)",
            args.len() + kwargs.len()
        )));
    }
    match (receiver, name) {
        (Value::DateTime(dt), "isoformat") => Ok(Value::str(&dt.isoformat_with('T', false))),
        (Value::Date(date), "isoformat") => Ok(Value::str(&date.isoformat())),
        (Value::Time(time), "isoformat") => Ok(Value::str(&time.isoformat())),
        (Value::DateTime(dt), "weekday") => Ok(Value::int(i64::from(dt.date.weekday()))),
        (Value::Date(date), "weekday") => Ok(Value::int(i64::from(date.weekday()))),
        (Value::DateTime(dt), "isoweekday") => Ok(Value::int(i64::from(dt.date.weekday()) + 1)),
        (Value::Date(date), "isoweekday") => Ok(Value::int(i64::from(date.weekday()) + 1)),
        (Value::DateTime(dt), "date") => Ok(Value::Date(dt.date)),
        (Value::DateTime(dt), "time") => Ok(Value::Time(Arc::new(Time {
            offset: None,
            ..dt.time.clone()
        }))),
        (Value::DateTime(dt), "utcoffset") => Ok(utcoffset(dt.time.offset)),
        (Value::Time(time), "utcoffset") => Ok(utcoffset(time.offset)),
        (Value::TimeDelta(delta), "total_seconds") => int_true_divide(
            &Int::from_big(BigInt::from(delta.total_micros())),
            &Int::Small(1_000_000),
        )
        .map(Value::Float),
        (Value::Bytes(bytes), "hex") => Ok(Value::str(&hex(bytes))),
        (Value::Str(text), "encode") => encode(text, args, kwargs),
        (_, "strftime") => strftime(receiver, args, kwargs),
        (_, "replace") => replace(receiver, args, kwargs),
        _ => Err(type_error(format!(
            "'{owner}' object has no method '{name}' usable in a workflow"
        ))),
    }
}

/// `strftime(format)`, its argument checked as CPython's `date.strftime` checks it.
fn strftime(receiver: &Value, args: &[Value], kwargs: &[(Str, Value)]) -> Outcome {
    let given = args.len() + kwargs.len();
    if given > 1 {
        return Err(type_error(format!(
            "strftime() takes at most 1 argument ({given} given)"
        )));
    }
    let pattern = match (args.first(), kwargs.first()) {
        (Some(pattern), _) => pattern,
        (None, Some((key, pattern))) if &**key == "format" => pattern,
        _ => {
            return Err(type_error(
                "strftime() missing required argument 'format' (pos 1)",
            ));
        }
    };
    match unwrap_enum(pattern) {
        Value::Str(pattern) => Ok(Value::str(&super::format::strftime(receiver, pattern)?)),
        Value::None => Err(type_error("strftime() argument 1 must be str, not None")),
        _ => Err(type_error(format!(
            "strftime() argument 1 must be str, not {}",
            pattern.type_name()
        ))),
    }
}

fn utcoffset(offset: Option<UtcOffset>) -> Value {
    offset.map_or(Value::None, |offset| {
        Value::TimeDelta(offset.as_timedelta())
    })
}

fn encode(text: &str, args: &[Value], kwargs: &[(Str, Value)]) -> Outcome {
    let keywords_ok = kwargs.iter().all(|(key, _)| &**key == "encoding");
    if args.len() + kwargs.len() > 1 || !keywords_ok {
        return Err(type_error(
            "str.encode() takes only the encoding in a workflow",
        ));
    }
    if let Some(encoding) = args
        .first()
        .or_else(|| kwargs.first().map(|(_, value)| value))
    {
        let utf8 = match unwrap_enum(encoding) {
            Value::Str(name) => matches!(
                name.to_lowercase().replace('_', "-").as_str(),
                "utf-8" | "utf8"
            ),
            _ => false,
        };
        if !utf8 {
            return Err(value_error(format!(
                "encode() in a workflow supports the encoding 'utf-8' only, not {}",
                repr::repr(encoding).unwrap_or_default()
            )));
        }
    }
    Ok(Value::Bytes(Arc::from(text.as_bytes())))
}

/// `replace(**fields)` of a datetime, date or time, as Python checks it.
fn replace(receiver: &Value, args: &[Value], kwargs: &[(Str, Value)]) -> Outcome {
    let owner = receiver.type_of();
    let owner = owner.name();
    if !args.is_empty() {
        return Err(type_error(format!(
            "{owner}.replace() takes keyword arguments only in a workflow"
        )));
    }
    if let Value::DateTime(dt) = receiver {
        if let Some(zone) = dt
            .zone
            .as_ref()
            .filter(|_| !kwargs.iter().any(|(key, _)| &**key == "tzinfo"))
        {
            // Python recomputes the offset from the zone's rules; the Rust core has no zone rules.
            return Err(Exception::new(
                BuiltinException::NotImplementedError,
                format!(
                    "replace() on a datetime in the time zone '{zone}' needs the zone's rules, which the Rust core does not have"
                ),
            ));
        }
    }
    let fields: &[&str] = match receiver {
        Value::DateTime(_) => DATETIME_PARAMS,
        Value::Date(_) => &DATETIME_PARAMS[..3],
        _ => &DATETIME_PARAMS[3..],
    };
    for (key, value) in kwargs {
        if !fields.contains(&&**key) {
            return Err(type_error(format!(
                "'{key}' is an invalid keyword argument for replace()"
            )));
        }
        if &**key != "tzinfo" {
            integer(value)?;
        }
    }
    let (date, time) = match receiver {
        Value::DateTime(dt) => (dt.date, dt.time.clone()),
        Value::Date(date) => (*date, Time::new(0, 0, 0, 0, None).expect("midnight")),
        Value::Time(time) => (Date::new(1, 1, 1).expect("day one"), (**time).clone()),
        _ => unreachable!("replace() of a datetime, date or time"),
    };
    let mut values = [
        i64::from(date.year),
        i64::from(date.month),
        i64::from(date.day),
        i64::from(time.hour),
        i64::from(time.minute),
        i64::from(time.second),
        i64::from(time.microsecond),
    ];
    let given = |name: &str| {
        kwargs
            .iter()
            .find(|(key, _)| &**key == name)
            .map(|(_, value)| value)
    };
    // Python builds the timezone first, then converts the fields in their order.
    let tz = match given("tzinfo") {
        Some(value) => offset(value)?,
        None => time.offset,
    };
    for (index, param) in DATETIME_PARAMS[..7].iter().enumerate() {
        if let Some(value) = given(param) {
            values[index] = c_int(&integer(value)?)?;
        }
    }
    let date = checked_date(values[0], values[1], values[2])?;
    let time = checked_time([values[3], values[4], values[5], values[6]], tz)?;
    Ok(match receiver {
        Value::DateTime(_) => datetime_value(date, time),
        Value::Date(_) => Value::Date(date),
        _ => Value::Time(Arc::new(time)),
    })
}
