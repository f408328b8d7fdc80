//! The builtin functions of `rrl.builtins` (language/rrl/builtins.py), each
//! as Python's builtin of that name behaves on RRL values; the lazy ones
//! (`range`, `enumerate`, `zip`, `reversed`, `map`, `filter`) give lists.

use std::sync::Arc;

use num_bigint::BigInt;
use num_traits::{Pow, Zero};

use crate::value::compare::{self, Order};
use crate::value::decimal;
use crate::value::{
    BuiltinException, BuiltinType, Dict, Exception, Function, Int, Key, Lambda, Outcome, Set, Str,
    Type, Value, float, repr, text, unicode,
};

use super::format;
use super::ops::{self, BinaryOp, as_int, int_to_float, memory_error, type_error, unwrap_enum};

/// Calls back into the evaluator for a lambda (`sorted(xs, key=lambda x: -x)`).
pub trait Invoke {
    fn call_lambda(&mut self, lambda: &Lambda, args: Vec<Value>) -> Outcome;
}

/// An evaluator with no lambdas: builtin functions and types are all it calls.
pub struct NoLambdas;

impl Invoke for NoLambdas {
    fn call_lambda(&mut self, _lambda: &Lambda, _args: Vec<Value>) -> Outcome {
        Err(type_error("'function' object is not callable here"))
    }
}

/// The builtin functions, by name (types like `int` and `str` among them).
pub const FUNCTIONS: &[&str] = &[
    "len",
    "range",
    "enumerate",
    "zip",
    "sorted",
    "reversed",
    "min",
    "max",
    "sum",
    "abs",
    "round",
    "str",
    "int",
    "float",
    "bool",
    "list",
    "dict",
    "tuple",
    "isinstance",
    "any",
    "all",
    "repr",
    "format",
    "divmod",
    "pow",
    "map",
    "filter",
    "set",
    "frozenset",
    "type",
    // Dates, times and hashes (eval::dates).
    "datetime",
    "date",
    "timedelta",
    "hexdigest",
    "digest",
    // The items of an iterable, a set's in the codec's order (`unordered`).
    "unordered",
];

/// The value a builtin's name stands for: a type (`str`, `int`) or a function.
pub fn builtin_value(name: &str) -> Option<Value> {
    if let Some(builtin) = BuiltinType::from_name(name).filter(|_| name != "NoneType") {
        return Some(Value::Type(Type::Builtin(builtin)));
    }
    FUNCTIONS
        .iter()
        .find(|&&function| function == name)
        .map(|&function| Value::Function(Function::Builtin(function)))
}

/// Call a callable value: a builtin function or type, or a lambda.
pub fn call(callee: &Value, args: Vec<Value>, invoke: &mut dyn Invoke) -> Outcome {
    match callee {
        Value::Function(Function::Builtin(name)) => call_builtin(name, args, Vec::new(), invoke),
        Value::Function(Function::Lambda(lambda)) => invoke.call_lambda(lambda, args),
        Value::Type(Type::Builtin(builtin)) => {
            call_builtin(builtin.name(), args, Vec::new(), invoke)
        }
        other => Err(type_error(format!(
            "'{}' object is not callable",
            other.type_name()
        ))),
    }
}

/// The items of an iterable, as `for` sees them: a str's characters, a
/// dict's keys, bytes as ints, a model's `(name, value)` pairs. A set is
/// refused: its order is not deterministic (language/rrl/builtins.py,
/// `SET_CONSUMERS`, names the builtins that take a set's items anyway).
pub fn iterate(value: &Value) -> Outcome<Vec<Value>> {
    if let Value::Set(_) | Value::FrozenSet(_) = value {
        return Err(type_error(format!(
            "cannot iterate over a {} in a workflow: {UNORDERED_SET_HELP}",
            value.type_name()
        )));
    }
    unordered_items(value)
}

/// `unordered(x)`: the items of an iterable; a set's sorted by their canonical
/// text in the value codec, the one order every runtime shares (a set keeps the
/// order its items came in, which crossing the codec changes). The frontend
/// writes it where the result cannot depend on the order (`any(... for x in s)`).
pub fn unordered(value: &Value) -> Outcome<Vec<Value>> {
    let (Value::Set(set) | Value::FrozenSet(set)) = value else {
        return iterate(value);
    };
    let mut items = Vec::with_capacity(set.len());
    for item in set.values() {
        let text = crate::value::codec::dumps(item).map_err(|_| {
            type_error(format!(
                "cannot iterate over a {} in a workflow: {UNORDERED_SET_HELP}",
                value.type_name()
            ))
        })?;
        items.push((text, item.clone()));
    }
    items.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(items.into_iter().map(|(_, item)| item).collect())
}

/// The items `sorted`, `min` and `max` compare: a set's in `unordered`'s order
/// (Python's reference takes it too), since which two items they compare first,
/// named by a TypeError, depends on it.
fn compared_items(value: &Value) -> Outcome<Vec<Value>> {
    match value {
        Value::Set(_) | Value::FrozenSet(_) => unordered(value).or_else(|_| unordered_items(value)),
        _ => unordered_items(value),
    }
}

/// What a workflow should do instead of iterating a set.
pub const UNORDERED_SET_HELP: &str = "a set has no deterministic order: iterate sorted(s) instead";

/// The items of an iterable, a set's included, for a consumer whose result
/// does not depend on their order (`sorted`, `any`, `set`, ...).
pub fn unordered_items(value: &Value) -> Outcome<Vec<Value>> {
    Ok(match unwrap_enum(value) {
        Value::List(items) | Value::Tuple(items) | Value::NamedTuple(_, items) => items.to_vec(),
        Value::Str(text) => text
            .chars()
            .map(|c| Value::str(c.encode_utf8(&mut [0; 4])))
            .collect(),
        Value::Bytes(bytes) => bytes.iter().map(|&b| Value::int(i64::from(b))).collect(),
        Value::Dict(dict) => dict.keys().cloned().collect(),
        Value::Set(set) | Value::FrozenSet(set) => set.values().cloned().collect(),
        Value::Record(record) if record.class.kind == crate::value::RecordKind::Model => record
            .fields
            .iter()
            .map(|(name, field)| Value::tuple(vec![Value::Str(name.clone()), field.clone()]))
            .collect(),
        _ => {
            return Err(type_error(format!(
                "'{}' object is not iterable",
                value.type_name()
            )));
        }
    })
}

fn keyword<'a>(kwargs: &'a [(Str, Value)], name: &str) -> Option<&'a Value> {
    kwargs
        .iter()
        .find(|(key, _)| &**key == name)
        .map(|(_, value)| value)
}

fn check_keywords(function: &str, kwargs: &[(Str, Value)], allowed: &[&str]) -> Outcome<()> {
    match kwargs.iter().find(|(key, _)| !allowed.contains(&&**key)) {
        None => Ok(()),
        Some(_) if allowed.is_empty() => Err(type_error(format!(
            "{function}() takes no keyword arguments"
        ))),
        Some((key, _)) => {
            // sorted() hands its keywords to list.sort().
            let function = if function == "sorted" {
                "sort"
            } else {
                function
            };
            Err(type_error(format!(
                "'{key}' is an invalid keyword argument for {function}()"
            )))
        }
    }
}

fn exactly_one(function: &str, args: &[Value]) -> Outcome<Value> {
    match args {
        [arg] => Ok(arg.clone()),
        _ => Err(type_error(format!(
            "{function}() takes exactly one argument ({} given)",
            args.len()
        ))),
    }
}

fn arity(function: &str, args: &[Value], min: usize, max: usize) -> Outcome<()> {
    if args.len() < min {
        let plural = if min == 1 { "" } else { "s" };
        return Err(type_error(format!(
            "{function} expected at least {min} argument{plural}, got {}",
            args.len()
        )));
    }
    if args.len() > max {
        let plural = if max == 1 { "" } else { "s" };
        return Err(type_error(format!(
            "{function} expected at most {max} argument{plural}, got {}",
            args.len()
        )));
    }
    Ok(())
}

/// An int argument, as `__index__` reads one.
pub fn index_arg(value: &Value) -> Outcome<Int> {
    as_int(value).ok_or_else(|| {
        type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            value.type_name()
        ))
    })
}

/// An int argument that must fit a machine index (`Py_ssize_t`).
pub fn ssize_arg(value: &Value) -> Outcome<i64> {
    index_arg(value)?.as_i64().ok_or_else(|| {
        Exception::new(
            BuiltinException::OverflowError,
            "Python int too large to convert to C ssize_t",
        )
    })
}

/// `name(*args, **kwargs)` for a builtin function.
pub fn call_builtin(
    name: &str,
    args: Vec<Value>,
    kwargs: Vec<(Str, Value)>,
    invoke: &mut dyn Invoke,
) -> Outcome {
    if super::dates::FUNCTIONS.contains(&name) {
        return super::dates::call_function(name, args, kwargs);
    }
    match name {
        "len" => {
            check_keywords(name, &kwargs, &[])?;
            len(&exactly_one(name, &args)?).map(|n| Value::int(n as i64))
        }
        "range" => {
            check_keywords(name, &kwargs, &[])?;
            range(&args)
        }
        "enumerate" => {
            check_keywords(name, &kwargs, &["start"])?;
            if args.len() > 2 {
                return Err(type_error(format!(
                    "enumerate() takes at most 2 arguments ({} given)",
                    args.len()
                )));
            }
            let start = match (args.get(1), keyword(&kwargs, "start")) {
                (Some(start), _) | (None, Some(start)) => index_arg(start)?,
                (None, None) => Int::Small(0),
            };
            let Some(iterable) = args.first() else {
                return Err(type_error(
                    "enumerate() missing required argument 'iterable'",
                ));
            };
            let items = iterate(iterable)?;
            let mut out = Vec::with_capacity(items.len());
            let mut counter = start;
            for item in items {
                out.push(Value::tuple(vec![Value::Int(counter.clone()), item]));
                counter = counter.add(&Int::Small(1));
            }
            Ok(Value::list(out))
        }
        "zip" => {
            check_keywords(name, &kwargs, &["strict"])?;
            let strict = keyword(&kwargs, "strict").is_some_and(ops::truthy);
            zip(&args, strict)
        }
        "sorted" => {
            if args.len() != 1 {
                return Err(type_error(format!(
                    "sorted expected 1 argument, got {}",
                    args.len()
                )));
            }
            check_keywords(name, &kwargs, &["key", "reverse"])?;
            let key = keyword(&kwargs, "key").filter(|key| !matches!(key, Value::None));
            // A key could tie two items of a set, whose order would then show.
            let items = if keyword(&kwargs, "key").is_some() {
                iterate(&args[0])?
            } else {
                compared_items(&args[0])?
            };
            let reverse = keyword(&kwargs, "reverse").is_some_and(ops::truthy);
            sort(items, key, reverse, invoke).map(Value::list)
        }
        "reversed" => {
            check_keywords(name, &kwargs, &[])?;
            if args.len() != 1 {
                return Err(type_error(format!(
                    "reversed expected 1 argument, got {}",
                    args.len()
                )));
            }
            let value = args[0].clone();
            match unwrap_enum(&value) {
                Value::Record(_) => Err(type_error(format!(
                    "'{}' object is not reversible",
                    value.type_name()
                ))),
                // A set is refused by `iterate`: it has no order to reverse.
                Value::Set(_)
                | Value::FrozenSet(_)
                | Value::List(_)
                | Value::Tuple(_)
                | Value::NamedTuple(..)
                | Value::Str(_)
                | Value::Bytes(_)
                | Value::Dict(_) => {
                    let mut items = iterate(&value)?;
                    items.reverse();
                    Ok(Value::list(items))
                }
                _ => Err(type_error(format!(
                    "'{}' object is not reversible",
                    value.type_name()
                ))),
            }
        }
        "min" | "max" => extreme(name, &args, &kwargs, invoke),
        "sum" => {
            check_keywords(name, &kwargs, &["start"])?;
            if args.is_empty() {
                return Err(type_error(
                    "sum() takes at least 1 positional argument (0 given)",
                ));
            }
            if args.len() > 2 {
                return Err(type_error(format!(
                    "sum() takes at most 2 arguments ({} given)",
                    args.len()
                )));
            }
            let items = iterate(&args[0])?;
            let start = args
                .get(1)
                .or_else(|| keyword(&kwargs, "start"))
                .cloned()
                .unwrap_or(Value::int(0));
            match &start {
                Value::Str(_) => {
                    return Err(type_error(
                        "sum() can't sum strings [use ''.join(seq) instead]",
                    ));
                }
                Value::Bytes(_) => {
                    return Err(type_error(
                        "sum() can't sum bytes [use b''.join(seq) instead]",
                    ));
                }
                _ => {}
            }
            let mut total = start;
            for item in items {
                total = ops::binary(BinaryOp::Add, &total, &item)?;
            }
            Ok(total)
        }
        "abs" => {
            check_keywords(name, &kwargs, &[])?;
            absolute(&exactly_one(name, &args)?)
        }
        "round" => {
            check_keywords(name, &kwargs, &["ndigits"])?;
            if args.len() > 2 {
                return Err(type_error(format!(
                    "round() takes at most 2 arguments ({} given)",
                    args.len()
                )));
            }
            let Some(number) = args.first().or_else(|| keyword(&kwargs, "number")) else {
                return Err(type_error(
                    "round() missing required argument 'number' (pos 1)",
                ));
            };
            let ndigits = args
                .get(1)
                .or_else(|| keyword(&kwargs, "ndigits"))
                .filter(|n| !matches!(n, Value::None));
            round(number, ndigits)
        }
        "str" => {
            check_keywords(name, &kwargs, &[])?;
            match args.as_slice() {
                [] => Ok(Value::str("")),
                [value] => repr::str(value).map(|text| Value::str(&text)),
                [value, ..] if args.len() <= 3 => Err(type_error(format!(
                    "decoding to str: need a bytes-like object, {} found",
                    value.type_name()
                ))),
                _ => Err(type_error(format!(
                    "str() takes at most 3 arguments ({} given)",
                    args.len()
                ))),
            }
        }
        "int" => {
            check_keywords(name, &kwargs, &["base"])?;
            if args.len() > 2 {
                return Err(type_error(format!(
                    "int() takes at most 2 arguments ({} given)",
                    args.len()
                )));
            }
            let base = args.get(1).or_else(|| keyword(&kwargs, "base"));
            match args.first() {
                None if base.is_none() => Ok(Value::int(0)),
                None => Err(type_error("int() missing string argument")),
                Some(value) => to_int(value, base).map(Value::Int),
            }
        }
        "float" => {
            check_keywords(name, &kwargs, &[])?;
            match args.as_slice() {
                [] => Ok(Value::Float(0.0)),
                [value] => to_float(value).map(Value::Float),
                _ => Err(type_error(format!(
                    "float expected at most 1 argument, got {}",
                    args.len()
                ))),
            }
        }
        "bool" => {
            check_keywords(name, &kwargs, &[])?;
            arity("bool", &args, 0, 1)?;
            Ok(Value::Bool(args.first().is_some_and(ops::truthy)))
        }
        "list" | "tuple" => {
            check_keywords(name, &kwargs, &[])?;
            arity(name, &args, 0, 1)?;
            let items = match args.first() {
                Some(value) => iterate(value)?,
                None => Vec::new(),
            };
            Ok(if name == "list" {
                Value::list(items)
            } else {
                Value::tuple(items)
            })
        }
        "dict" => {
            arity("dict", &args, 0, 1)?;
            let mut dict = match args.first() {
                Some(value) => dict_from(value)?,
                None => Dict::new(),
            };
            for (key, value) in kwargs {
                dict.set(Value::Str(key), value)?;
            }
            Ok(Value::Dict(Arc::new(dict)))
        }
        "any" | "all" => {
            check_keywords(name, &kwargs, &[])?;
            let items = unordered_items(&exactly_one(name, &args)?)?;
            Ok(Value::Bool(if name == "any" {
                items.iter().any(ops::truthy)
            } else {
                items.iter().all(ops::truthy)
            }))
        }
        "set" | "frozenset" => {
            check_keywords(name, &kwargs, &[])?;
            arity(name, &args, 0, 1)?;
            let set = match args.first() {
                Some(iterable) => set_of(iterable)?,
                None => Set::new(),
            };
            Ok(if name == "set" {
                Value::Set(Arc::new(set))
            } else {
                Value::FrozenSet(Arc::new(set))
            })
        }
        "repr" => {
            check_keywords(name, &kwargs, &[])?;
            repr::repr(&exactly_one(name, &args)?).map(|text| Value::str(&text))
        }
        "unordered" => {
            check_keywords(name, &kwargs, &[])?;
            unordered(&exactly_one(name, &args)?).map(Value::list)
        }
        "format" => {
            check_keywords(name, &kwargs, &[])?;
            arity("format", &args, 1, 2)?;
            let spec = match args.get(1).map(unwrap_enum) {
                None => String::new(),
                Some(Value::Str(spec)) => spec.to_string(),
                Some(_) => {
                    let other = &args[1];
                    return Err(type_error(format!(
                        "format() argument 2 must be str, not {}",
                        ops::clinic_name(other)
                    )));
                }
            };
            format::format_value(&args[0], &spec).map(|text| Value::str(&text))
        }
        "divmod" => {
            check_keywords(name, &kwargs, &[])?;
            let [a, b] = args.as_slice() else {
                return Err(type_error(format!(
                    "divmod expected 2 arguments, got {}",
                    args.len()
                )));
            };
            div_mod(a, b)
        }
        "pow" => {
            check_keywords(name, &kwargs, &[])?;
            match args.as_slice() {
                [] => Err(type_error("pow() missing required argument 'base' (pos 1)")),
                [_] => Err(type_error("pow() missing required argument 'exp' (pos 2)")),
                [a, b] => ops::binary(BinaryOp::Pow, a, b),
                [a, b, modulus] => modular_pow(a, b, modulus),
                _ => Err(type_error(format!(
                    "pow() takes at most 3 arguments ({} given)",
                    args.len()
                ))),
            }
        }
        "map" => {
            check_keywords(name, &kwargs, &[])?;
            if args.len() < 2 {
                return Err(type_error("map() must have at least two arguments."));
            }
            let columns: Vec<Vec<Value>> = args[1..].iter().map(iterate).collect::<Outcome<_>>()?;
            let rows = columns.iter().map(Vec::len).min().unwrap_or(0);
            let mut out = Vec::with_capacity(rows);
            for row in 0..rows {
                out.push(call(
                    &args[0],
                    columns.iter().map(|column| column[row].clone()).collect(),
                    invoke,
                )?);
            }
            Ok(Value::list(out))
        }
        "filter" => {
            check_keywords(name, &kwargs, &[])?;
            let [function, iterable] = args.as_slice() else {
                return Err(type_error(format!(
                    "filter expected 2 arguments, got {}",
                    args.len()
                )));
            };
            let mut out = Vec::new();
            for item in iterate(iterable)? {
                let keep = match function {
                    Value::None => ops::truthy(&item),
                    callee => ops::truthy(&call(callee, vec![item.clone()], invoke)?),
                };
                if keep {
                    out.push(item);
                }
            }
            Ok(Value::list(out))
        }
        "type" => {
            check_keywords(name, &kwargs, &[])?;
            match args.as_slice() {
                [value] => Ok(Value::Type(value.type_of())),
                _ => Err(type_error("type() takes 1 or 3 arguments")),
            }
        }
        other => Err(Exception::new(
            BuiltinException::NameError,
            format!("name '{other}' is not defined"),
        )),
    }
}

/// The items of an iterable as a set: `set(xs)`, `s.union(xs)`.
pub fn set_of(iterable: &Value) -> Outcome<Set> {
    let mut set = Set::new();
    for item in unordered_items(iterable)? {
        set.insert(Key::new(item)?);
    }
    Ok(set)
}

/// `len(value)`.
pub fn len(value: &Value) -> Outcome<usize> {
    Ok(match unwrap_enum(value) {
        Value::Str(text) => text::char_len(text),
        Value::Bytes(bytes) => bytes.len(),
        Value::List(items) | Value::Tuple(items) | Value::NamedTuple(_, items) => items.len(),
        Value::Dict(dict) => dict.len(),
        Value::Set(set) | Value::FrozenSet(set) => set.len(),
        _ => {
            return Err(type_error(format!(
                "object of type '{}' has no len()",
                value.type_name()
            )));
        }
    })
}

fn range(args: &[Value]) -> Outcome {
    arity("range", args, 1, 3)?;
    let ints: Vec<Int> = args.iter().map(index_arg).collect::<Outcome<_>>()?;
    let (start, stop, step) = match ints.as_slice() {
        [stop] => (Int::Small(0), stop.clone(), Int::Small(1)),
        [start, stop] => (start.clone(), stop.clone(), Int::Small(1)),
        [start, stop, step] => (start.clone(), stop.clone(), step.clone()),
        _ => return Err(type_error("range expected at most 3 arguments")),
    };
    if step.is_zero() {
        return Err(Exception::new(
            BuiltinException::ValueError,
            "range() arg 3 must not be zero",
        ));
    }
    // The number of items: ceil((stop - start) / step), at least 0.
    let span = stop.sub(&start);
    let (count, rest) = span
        .div_mod_floor(&step)
        .unwrap_or((Int::Small(0), Int::Small(0)));
    let count = if rest.is_zero() {
        count
    } else {
        count.add(&Int::Small(1))
    };
    let count = if count.is_negative() {
        0
    } else {
        count.as_i64().unwrap_or(i64::MAX) as u64
    };
    if count > ops::MAX_ITEMS {
        return Err(memory_error());
    }
    let mut out = Vec::with_capacity(count as usize);
    let mut current = start;
    for _ in 0..count {
        out.push(Value::Int(current.clone()));
        current = current.add(&step);
    }
    Ok(Value::list(out))
}

fn zip(args: &[Value], strict: bool) -> Outcome {
    let columns: Vec<Vec<Value>> = args.iter().map(iterate).collect::<Outcome<_>>()?;
    let Some(shortest) = columns.iter().map(Vec::len).min() else {
        return Ok(Value::list(Vec::new()));
    };
    if strict {
        // Python advances the iterators in turn: the first to run out at the
        // last row decides the message.
        let exhausted = columns
            .iter()
            .position(|column| column.len() == shortest)
            .unwrap_or(0);
        let against = |n: usize| {
            if n == 1 {
                "argument 1".to_string()
            } else {
                format!("arguments 1-{n}")
            }
        };
        let message = if exhausted > 0 {
            Some(format!(
                "zip() argument {} is shorter than {}",
                exhausted + 1,
                against(exhausted)
            ))
        } else {
            columns
                .iter()
                .position(|column| column.len() > shortest)
                .map(|longer| {
                    format!(
                        "zip() argument {} is longer than {}",
                        longer + 1,
                        against(longer)
                    )
                })
        };
        if let Some(message) = message {
            return Err(Exception::new(BuiltinException::ValueError, message));
        }
    }
    Ok(Value::list(
        (0..shortest)
            .map(|row| Value::tuple(columns.iter().map(|column| column[row].clone()).collect()))
            .collect(),
    ))
}

fn less(a: &Value, b: &Value) -> Outcome<bool> {
    compare::order(a, b, Order::Lt)
}

/// `sorted(items, key=..., reverse=...)`: stable, comparing with `<` only, as
/// CPython's list.sort does. Lists of fewer than 64 items are sorted exactly as
/// CPython sorts them (a run, then binary insertion), so even comparisons that
/// are not a total order (NaN) give its result; longer lists merge stably.
pub fn sort(
    items: Vec<Value>,
    key: Option<&Value>,
    reverse: bool,
    invoke: &mut dyn Invoke,
) -> Outcome<Vec<Value>> {
    let mut keyed: Vec<(Value, Value)> = Vec::with_capacity(items.len());
    for item in items {
        let sort_key = match key {
            Some(function) => call(function, vec![item.clone()], invoke)?,
            None => item.clone(),
        };
        keyed.push((sort_key, item));
    }
    if reverse {
        keyed.reverse();
    }
    let sorted = if keyed.len() < 64 {
        sort_small(keyed)?
    } else {
        merge_sort(keyed)?
    };
    let mut out: Vec<Value> = sorted.into_iter().map(|(_, item)| item).collect();
    if reverse {
        out.reverse();
    }
    Ok(out)
}

/// CPython's sort of a short list: the leading run (reversed when strictly
/// descending), then binary insertion of the rest.
fn sort_small(mut keyed: Vec<(Value, Value)>) -> Outcome<Vec<(Value, Value)>> {
    let n = keyed.len();
    if n < 2 {
        return Ok(keyed);
    }
    let mut run = 2;
    if less(&keyed[1].0, &keyed[0].0)? {
        while run < n && less(&keyed[run].0, &keyed[run - 1].0)? {
            run += 1;
        }
        keyed[..run].reverse();
    } else {
        while run < n && !less(&keyed[run].0, &keyed[run - 1].0)? {
            run += 1;
        }
    }
    for start in run..n {
        let (mut low, mut high) = (0, start);
        while low < high {
            let middle = low + (high - low) / 2;
            if less(&keyed[start].0, &keyed[middle].0)? {
                high = middle;
            } else {
                low = middle + 1;
            }
        }
        let pivot = keyed.remove(start);
        keyed.insert(low, pivot);
    }
    Ok(keyed)
}

fn merge_sort(keyed: Vec<(Value, Value)>) -> Outcome<Vec<(Value, Value)>> {
    if keyed.len() < 64 {
        return sort_small(keyed);
    }
    let mut left = keyed;
    let right = left.split_off(left.len() / 2);
    let (left, right) = (merge_sort(left)?, merge_sort(right)?);
    let mut out = Vec::with_capacity(left.len() + right.len());
    let (mut left, mut right) = (left.into_iter().peekable(), right.into_iter().peekable());
    while let (Some(a), Some(b)) = (left.peek(), right.peek()) {
        // Stable: the right item goes first only when strictly less.
        if less(&b.0, &a.0)? {
            out.extend(right.next());
        } else {
            out.extend(left.next());
        }
    }
    out.extend(left);
    out.extend(right);
    Ok(out)
}

fn extreme(
    name: &str,
    args: &[Value],
    kwargs: &[(Str, Value)],
    invoke: &mut dyn Invoke,
) -> Outcome {
    if args.is_empty() {
        return Err(type_error(format!(
            "{name} expected at least 1 argument, got 0"
        )));
    }
    check_keywords(name, kwargs, &["key", "default"])?;
    let key = keyword(kwargs, "key").filter(|key| !matches!(key, Value::None));
    let default = keyword(kwargs, "default");
    let items = match args {
        [] => {
            return Err(type_error(format!(
                "{name} expected at least 1 argument, got 0"
            )));
        }
        [iterable] if keyword(kwargs, "key").is_some() => iterate(iterable)?,
        [iterable] => compared_items(iterable)?,
        several => {
            if default.is_some() {
                return Err(type_error(format!(
                    "Cannot specify a default for {name}() with multiple positional arguments"
                )));
            }
            several.to_vec()
        }
    };
    let order = if name == "min" { Order::Lt } else { Order::Gt };
    let mut best: Option<(Value, Value)> = None;
    for item in items {
        let item_key = match key {
            Some(function) => call(function, vec![item.clone()], invoke)?,
            None => item.clone(),
        };
        let replace = match &best {
            None => true,
            Some((best_key, _)) => compare::order(&item_key, best_key, order)?,
        };
        if replace {
            best = Some((item_key, item));
        }
    }
    match (best, default) {
        (Some((_, item)), _) => Ok(item),
        (None, Some(default)) => Ok(default.clone()),
        (None, None) => Err(Exception::new(
            BuiltinException::ValueError,
            format!("{name}() arg is an empty sequence"),
        )),
    }
}

/// `pow(base, exp, mod)`: modular exponentiation of ints.
fn modular_pow(base: &Value, exponent: &Value, modulus: &Value) -> Outcome {
    let (Some(b), Some(e), Some(m)) = (as_int(base), as_int(exponent), as_int(modulus)) else {
        return Err(type_error(format!(
            "unsupported operand type(s) for ** or pow(): '{}', '{}', '{}'",
            base.type_name(),
            exponent.type_name(),
            modulus.type_name()
        )));
    };
    if m.is_zero() {
        return Err(Exception::new(
            BuiltinException::ValueError,
            "pow() 3rd argument cannot be 0",
        ));
    }
    let (b, e, m) = (b.to_big(), e.to_big(), m.to_big());
    let modulus_abs = BigInt::from(m.magnitude().clone());
    let base = if e.sign() == num_bigint::Sign::Minus {
        // A negative exponent takes the inverse of the base modulo m.
        let reduced = num_integer::Integer::mod_floor(&b, &modulus_abs);
        let extended = num_integer::Integer::extended_gcd(&reduced, &modulus_abs);
        if extended.gcd != BigInt::from(1) {
            return Err(Exception::new(
                BuiltinException::ValueError,
                "base is not invertible for the given modulus",
            ));
        }
        extended.x
    } else {
        b
    };
    let base = num_integer::Integer::mod_floor(&base, &modulus_abs);
    let power = base.modpow(&BigInt::from(e.magnitude().clone()), &modulus_abs);
    // The result takes the modulus's sign, as Python's % does.
    let result = if m.sign() == num_bigint::Sign::Minus && !power.is_zero() {
        power + &m
    } else {
        power
    };
    Ok(Value::Int(Int::from_big(result)))
}

/// `abs(value)`.
pub fn absolute(value: &Value) -> Outcome {
    match unwrap_enum(value) {
        Value::Decimal(d) => Ok(Value::Decimal(Arc::new(decimal::absolute(d)))),
        Value::Float(x) => Ok(Value::Float(x.abs())),
        Value::TimeDelta(delta) if delta.days < 0 => ops::unary(ops::UnaryOp::Neg, value),
        Value::TimeDelta(delta) => Ok(Value::TimeDelta(*delta)),
        other => match as_int(other) {
            Some(n) => Ok(Value::Int(n.abs())),
            None => Err(type_error(format!(
                "bad operand type for abs(): '{}'",
                value.type_name()
            ))),
        },
    }
}

/// `round(number[, ndigits])`.
pub fn round(number: &Value, ndigits: Option<&Value>) -> Outcome {
    // Python looks up the number's `__round__` before it reads `ndigits`.
    if !matches!(
        unwrap_enum(number),
        Value::Float(_) | Value::Int(_) | Value::Bool(_) | Value::Decimal(_)
    ) {
        return Err(type_error(format!(
            "type {} doesn't define __round__ method",
            number.type_name()
        )));
    }
    if let (Value::Decimal(_), Some(n)) = (unwrap_enum(number), ndigits) {
        if as_int(n).is_none() {
            return Err(type_error("optional arg must be an integer"));
        }
    }
    let ndigits = ndigits.map(index_arg).transpose()?;
    match unwrap_enum(number) {
        Value::Float(x) => match ndigits {
            None => float_to_int(x.round_ties_even()).map(Value::Int),
            Some(n) => {
                if !x.is_finite() {
                    return Ok(Value::Float(*x));
                }
                let n = n
                    .as_i64()
                    .unwrap_or(if n.is_negative() { i64::MIN } else { i64::MAX });
                let rounded = float::round_to(*x, n);
                if rounded.is_infinite() {
                    return Err(Exception::new(
                        BuiltinException::OverflowError,
                        "rounded value too large to represent",
                    ));
                }
                Ok(Value::Float(rounded))
            }
        },
        Value::Decimal(d) => match ndigits {
            None => decimal::to_int(d, true).map(|n| Value::Int(Int::from_big(n))),
            Some(n) => {
                let Some(n) = n.as_i64() else {
                    return Err(Exception::new(
                        BuiltinException::OverflowError,
                        "Python int too large to convert to C ssize_t",
                    ));
                };
                decimal::round_to(d, n).map(|d| Value::Decimal(Arc::new(d)))
            }
        },
        other => match as_int(other) {
            Some(n) => match ndigits {
                Some(digits) if digits.is_negative() => Ok(Value::Int(round_int(&n, &digits))),
                _ => Ok(Value::Int(n)),
            },
            None => Err(type_error(format!(
                "type {} doesn't define __round__ method",
                number.type_name()
            ))),
        },
    }
}

/// An int rounded half to even to a multiple of `10**-ndigits` (ndigits < 0).
fn round_int(n: &Int, ndigits: &Int) -> Int {
    let Some(power) = ndigits
        .neg()
        .as_i64()
        .and_then(|p| u32::try_from(p).ok())
        .filter(|&p| u64::from(p) <= n.bit_length() + 1)
    else {
        return Int::Small(0);
    };
    let scale = Int::from_big(Pow::pow(BigInt::from(10), power));
    let Some((quotient, remainder)) = n.div_mod_floor(&scale) else {
        return n.clone();
    };
    let twice = remainder.mul(&Int::Small(2));
    let quotient = match twice.cmp(&scale) {
        std::cmp::Ordering::Greater => quotient.add(&Int::Small(1)),
        std::cmp::Ordering::Equal
            if quotient
                .div_mod_floor(&Int::Small(2))
                .is_some_and(|(_, r)| !r.is_zero()) =>
        {
            quotient.add(&Int::Small(1))
        }
        _ => quotient,
    };
    quotient.mul(&scale)
}

/// The int of an integral float (`round(x)`, `int(x)`): Python's errors for inf and NaN.
pub fn float_to_int(x: f64) -> Outcome<Int> {
    if x.is_nan() {
        return Err(Exception::new(
            BuiltinException::ValueError,
            "cannot convert float NaN to integer",
        ));
    }
    if x.is_infinite() {
        return Err(Exception::new(
            BuiltinException::OverflowError,
            "cannot convert float infinity to integer",
        ));
    }
    Ok(Int::from_f64_truncated(x))
}

/// Python's text of a number: whitespace stripped, digits of any script as ASCII.
fn number_text(text: &str) -> String {
    // CPython maps non-ASCII spaces to ' ' and digits to ASCII, then strips
    // only ASCII whitespace.
    text.chars()
        .map(|c| match unicode::decimal_value(c) {
            _ if c.is_ascii() => c,
            Some(digit) => char::from_digit(digit, 10).unwrap_or(c),
            None if unicode::is_space(c) => ' ',
            None => c,
        })
        .collect::<String>()
        .trim_matches([' ', '\t', '\n', '\x0b', '\x0c', '\r'])
        .to_string()
}

/// `int(value[, base])`.
pub fn to_int(value: &Value, base: Option<&Value>) -> Outcome<Int> {
    // An explicit base is checked first, then the value's type.
    let base = match base {
        None => None,
        Some(base) => {
            let base = index_arg(base)?;
            match base.as_i64().filter(|&b| b == 0 || (2..=36).contains(&b)) {
                Some(base) => Some(base),
                None => {
                    return Err(Exception::new(
                        BuiltinException::ValueError,
                        "int() base must be >= 2 and <= 36, or 0",
                    ));
                }
            }
        }
    };
    let text = match unwrap_enum(value) {
        Value::Str(text) => text.to_string(),
        Value::Bytes(bytes) => String::from_utf8_lossy(bytes).to_string(),
        _ if base.is_some() => {
            return Err(type_error(
                "int() can't convert non-string with explicit base",
            ));
        }
        Value::Float(x) => return float_to_int(*x),
        Value::Decimal(d) => return decimal::to_int(d, false).map(Int::from_big),
        other => {
            return as_int(other).ok_or_else(|| {
                type_error(format!(
                    "int() argument must be a string, a bytes-like object or a real number, not '{}'",
                    value.type_name()
                ))
            });
        }
    };
    let base = base.unwrap_or(10);
    let invalid = || {
        let shown = match unwrap_enum(value) {
            Value::Bytes(bytes) => repr::repr(&Value::Bytes(bytes.clone())).unwrap_or_default(),
            _ => shown_text(value, &text),
        };
        Exception::new(
            BuiltinException::ValueError,
            format!("invalid literal for int() with base {base}: {shown}"),
        )
    };
    parse_int(&number_text(&text), base as u32).ok_or_else(invalid)?
}

/// Python's int literal syntax in `base` (0: from its prefix): sign, optional
/// 0x/0o/0b prefix, digits with single underscores between them.
fn parse_int(text: &str, base: u32) -> Option<Outcome<Int>> {
    let negative = text.starts_with('-');
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    let lower = unsigned.to_ascii_lowercase();
    let prefixed = |prefix: &str| lower.starts_with(prefix);
    let (base, digits) = match base {
        0 if prefixed("0x") => (16, &unsigned[2..]),
        0 if prefixed("0o") => (8, &unsigned[2..]),
        0 if prefixed("0b") => (2, &unsigned[2..]),
        0 => {
            // Base 0 takes no leading zeros on a non-zero decimal.
            if unsigned.len() > 1
                && unsigned.starts_with('0')
                && unsigned.bytes().any(|b| b != b'0' && b != b'_')
            {
                return None;
            }
            (10, unsigned)
        }
        16 if prefixed("0x") => (16, &unsigned[2..]),
        8 if prefixed("0o") => (8, &unsigned[2..]),
        2 if prefixed("0b") => (2, &unsigned[2..]),
        base => (base, unsigned),
    };
    // After a prefix, one underscore may come before the digits.
    let digits = if digits.len() != unsigned.len() {
        digits.strip_prefix('_').unwrap_or(digits)
    } else {
        digits
    };
    if digits.is_empty()
        || digits.starts_with('_')
        || digits.ends_with('_')
        || digits.contains("__")
    {
        return None;
    }
    let clean: String = digits.chars().filter(|&c| c != '_').collect();
    if !clean.chars().all(|c| c.is_digit(base)) {
        return None;
    }
    if base == 10 && clean.len() > crate::value::int::MAX_STR_DIGITS {
        return Some(Err(Exception::new(
            BuiltinException::ValueError,
            format!(
                "Exceeds the limit ({}) for integer string conversion: value has {} digits; use sys.set_int_max_str_digits() to increase the limit",
                crate::value::int::MAX_STR_DIGITS,
                clean.len()
            ),
        )));
    }
    let magnitude = BigInt::parse_bytes(clean.as_bytes(), base)?;
    Some(Ok(Int::from_big(if negative {
        -magnitude
    } else {
        magnitude
    })))
}

/// A str argument as Python's messages show it: its repr, which for a str
/// enum member is the member's (`<Color.RED: 'red'>`).
fn shown_text(value: &Value, text: &str) -> String {
    match value {
        Value::Enum(_) => repr::repr(value).unwrap_or_else(|_| text::repr_str(text)),
        _ => text::repr_str(text),
    }
}

/// `float(value)`.
pub fn to_float(value: &Value) -> Outcome<f64> {
    match unwrap_enum(value) {
        Value::Float(x) => Ok(*x),
        Value::Str(text) => float::parse(&number_text(text)).ok_or_else(|| {
            Exception::new(
                BuiltinException::ValueError,
                format!(
                    "could not convert string to float: {}",
                    shown_text(value, text)
                ),
            )
        }),
        Value::Bytes(bytes) => {
            let text = if bytes.is_ascii() {
                String::from_utf8_lossy(bytes).to_string()
            } else {
                String::new()
            };
            float::parse(&number_text(&text))
                .filter(|_| bytes.is_ascii())
                .ok_or_else(|| {
                    Exception::new(
                        BuiltinException::ValueError,
                        format!(
                            "could not convert string to float: {}",
                            text::repr_bytes(bytes)
                        ),
                    )
                })
        }
        Value::Decimal(d) => Ok(d.to_f64()),
        other => match as_int(other) {
            Some(n) => int_to_float(&n),
            None => Err(type_error(format!(
                "float() argument must be a string or a real number, not '{}'",
                value.type_name()
            ))),
        },
    }
}

/// `dict(value)`: a copy of a dict, or a dict of `(key, value)` pairs.
pub(crate) fn dict_from(value: &Value) -> Outcome<Dict> {
    if let Value::Dict(dict) = value {
        return Ok((**dict).clone());
    }
    let mut dict = Dict::new();
    for (index, item) in iterate(value)?.into_iter().enumerate() {
        let pair = iterate(&item).map_err(|_| {
            type_error(format!(
                "cannot convert dictionary update sequence element #{index} to a sequence"
            ))
        })?;
        let [key, item] = <[Value; 2]>::try_from(pair).map_err(|pair| {
            Exception::new(
                BuiltinException::ValueError,
                format!(
                    "dictionary update sequence element #{index} has length {}; 2 is required",
                    pair.len()
                ),
            )
        })?;
        dict.insert(Key::new(key)?, item);
    }
    Ok(dict)
}

/// `divmod(a, b)`.
pub fn div_mod(a: &Value, b: &Value) -> Outcome {
    let (x, y) = (unwrap_enum(a), unwrap_enum(b));
    if let (Some(m), Some(n)) = (as_int(x), as_int(y)) {
        let (q, r) = m.div_mod_floor(&n).ok_or_else(|| {
            Exception::new(
                BuiltinException::ZeroDivisionError,
                "integer division or modulo by zero",
            )
        })?;
        return Ok(Value::tuple(vec![Value::Int(q), Value::Int(r)]));
    }
    let float_operand = |value: &Value| match value {
        Value::Float(x) => Some(Ok(*x)),
        other => as_int(other).map(|n| int_to_float(&n)),
    };
    if matches!(x, Value::Float(_)) || matches!(y, Value::Float(_)) {
        if let (Some(p), Some(q)) = (float_operand(x), float_operand(y)) {
            let (q, r) = float::div_mod(p?, q?).ok_or_else(|| {
                Exception::new(BuiltinException::ZeroDivisionError, "float divmod()")
            })?;
            return Ok(Value::tuple(vec![Value::Float(q), Value::Float(r)]));
        }
    }
    let decimal_operand = |value: &Value| match value {
        Value::Decimal(d) => Some((**d).clone()),
        other => as_int(other).map(|n| decimal::Decimal::from_int(&n.to_big())),
    };
    if matches!(x, Value::Decimal(_)) || matches!(y, Value::Decimal(_)) {
        if let (Some(p), Some(q)) = (decimal_operand(x), decimal_operand(y)) {
            let (q, r) = decimal::div_mod(&p, &q)?;
            return Ok(Value::tuple(vec![
                Value::Decimal(Arc::new(q)),
                Value::Decimal(Arc::new(r)),
            ]));
        }
    }
    if let (Value::TimeDelta(_), Value::TimeDelta(_)) = (x, y) {
        let quotient = ops::binary(BinaryOp::FloorDiv, x, y)?;
        let remainder = ops::binary(BinaryOp::Mod, x, y)?;
        return Ok(Value::tuple(vec![quotient, remainder]));
    }
    Err(type_error(format!(
        "unsupported operand type(s) for divmod(): '{}' and '{}'",
        a.type_name(),
        b.type_name()
    )))
}

/// `isinstance(value, T)` for a builtin type name (`int`, `str`, `NoneType`, ...).
pub fn is_instance_of_builtin(value: &Value, name: &str) -> bool {
    let value_like =
        |value: &Value| matches!(value, Value::Enum(member) if member.class.kind.is_value_like());
    match (name, value) {
        ("int", Value::Int(_) | Value::Bool(_)) => true,
        ("float", Value::Float(_))
        | ("str", Value::Str(_))
        | ("bool", Value::Bool(_))
        | ("list", Value::List(_)) => true,
        ("dict", Value::Dict(_))
        | ("tuple", Value::Tuple(_) | Value::NamedTuple(..))
        | ("NoneType", Value::None)
        | ("bytes", Value::Bytes(_)) => true,
        (_, Value::Enum(member)) if value_like(value) => {
            is_instance_of_builtin(&member.value, name) && name != "bool"
        }
        _ => false,
    }
}

/// `isinstance(value, C)` for a class of the program, by its identity
/// (`module:qualname`): a model, dataclass or enum of that class, or an
/// exception whose chain matches it (its class or a base, as `except C` does).
/// A builtin exception class is named `builtins:KeyError`.
pub fn is_instance_of_class(value: &Value, class: &crate::value::ClassName) -> bool {
    match value {
        Value::Record(record) => &record.class.name == class,
        Value::NamedTuple(named, _) => &named.name == class,
        Value::Enum(member) => &member.class.name == class,
        Value::Exception(exc) => exc.matches(class),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(name: &str, args: Vec<Value>, kwargs: Vec<(&str, Value)>) -> String {
        let kwargs = kwargs
            .into_iter()
            .map(|(key, value)| (Arc::from(key), value))
            .collect();
        match call_builtin(name, args, kwargs, &mut NoLambdas) {
            Ok(value) => repr::repr(&value).unwrap_or_default(),
            Err(exc) => format!("{} {}", exc.class().name(), exc.message()),
        }
    }

    #[test]
    fn builtins_are_pythons() {
        let (i, f, s, l) = (Value::int, Value::Float, Value::str, Value::list);
        type Case = (
            &'static str,
            Vec<Value>,
            Vec<(&'static str, Value)>,
            &'static str,
        );
        let cases: Vec<Case> = vec![
            (
                "len",
                vec![i(1)],
                vec![],
                "TypeError object of type 'int' has no len()",
            ),
            (
                "len",
                vec![],
                vec![],
                "TypeError len() takes exactly one argument (0 given)",
            ),
            (
                "range",
                vec![],
                vec![],
                "TypeError range expected at least 1 argument, got 0",
            ),
            (
                "range",
                vec![f(1.5)],
                vec![],
                "TypeError 'float' object cannot be interpreted as an integer",
            ),
            (
                "range",
                vec![i(0), i(5), i(0)],
                vec![],
                "ValueError range() arg 3 must not be zero",
            ),
            ("range", vec![i(10), i(0), i(-3)], vec![], "[10, 7, 4, 1]"),
            (
                "enumerate",
                vec![s("ab")],
                vec![("start", i(5))],
                "[(5, 'a'), (6, 'b')]",
            ),
            (
                "zip",
                vec![l(vec![i(1), i(2)]), l(vec![i(1), i(2)]), l(vec![i(1)])],
                vec![("strict", Value::Bool(true))],
                "ValueError zip() argument 3 is shorter than arguments 1-2",
            ),
            (
                "zip",
                vec![l(vec![i(1)]), l(vec![i(1), i(2)])],
                vec![("strict", Value::Bool(true))],
                "ValueError zip() argument 2 is longer than argument 1",
            ),
            (
                "sorted",
                vec![l(vec![i(1), s("a")])],
                vec![],
                "TypeError '<' not supported between instances of 'str' and 'int'",
            ),
            (
                "sorted",
                vec![l(vec![i(3), i(1), i(2)])],
                vec![("reverse", Value::Bool(true))],
                "[3, 2, 1]",
            ),
            (
                "sorted",
                vec![l(vec![f(3.0), f(f64::NAN), f(1.0), f(2.0)])],
                vec![],
                "[3.0, nan, 1.0, 2.0]",
            ),
            ("reversed", vec![s("ab")], vec![], "['b', 'a']"),
            (
                "min",
                vec![l(vec![])],
                vec![],
                "ValueError min() arg is an empty sequence",
            ),
            ("min", vec![l(vec![])], vec![("default", i(3))], "3"),
            (
                "min",
                vec![i(1), i(2)],
                vec![("default", i(3))],
                "TypeError Cannot specify a default for min() with multiple positional arguments",
            ),
            ("max", vec![s("abc")], vec![], "'c'"),
            (
                "sum",
                vec![l(vec![s("a")]), s("")],
                vec![],
                "TypeError sum() can't sum strings [use ''.join(seq) instead]",
            ),
            ("sum", vec![l(vec![i(1), f(2.5)])], vec![], "3.5"),
            (
                "abs",
                vec![s("a")],
                vec![],
                "TypeError bad operand type for abs(): 'str'",
            ),
            ("round", vec![f(2.5)], vec![], "2"),
            (
                "round",
                vec![f(f64::INFINITY)],
                vec![],
                "OverflowError cannot convert float infinity to integer",
            ),
            (
                "round",
                vec![f(1.5), f(1.0)],
                vec![],
                "TypeError 'float' object cannot be interpreted as an integer",
            ),
            ("round", vec![i(12350), i(-2)], vec![], "12400"),
            ("round", vec![i(-15), i(-1)], vec![], "-20"),
            ("round", vec![f(2.675), i(2)], vec![], "2.67"),
            (
                "round",
                vec![s("a")],
                vec![],
                "TypeError type str doesn't define __round__ method",
            ),
            ("int", vec![s(" 1_0 ")], vec![], "10"),
            (
                "int",
                vec![s("abc")],
                vec![],
                "ValueError invalid literal for int() with base 10: 'abc'",
            ),
            ("int", vec![s("0x1f"), i(0)], vec![], "31"),
            (
                "int",
                vec![s("010"), i(0)],
                vec![],
                "ValueError invalid literal for int() with base 0: '010'",
            ),
            ("int", vec![s("00"), i(0)], vec![], "0"),
            ("int", vec![s("\u{663}")], vec![], "3"),
            (
                "int",
                vec![f(1.5), i(10)],
                vec![],
                "TypeError int() can't convert non-string with explicit base",
            ),
            (
                "int",
                vec![s("z"), i(37)],
                vec![],
                "ValueError int() base must be >= 2 and <= 36, or 0",
            ),
            (
                "int",
                vec![Value::None],
                vec![],
                "TypeError int() argument must be a string, a bytes-like object or a real number, not 'NoneType'",
            ),
            (
                "int",
                vec![s("+_1")],
                vec![],
                "ValueError invalid literal for int() with base 10: '+_1'",
            ),
            ("float", vec![s("\u{661}.\u{665}")], vec![], "1.5"),
            (
                "float",
                vec![s("abc")],
                vec![],
                "ValueError could not convert string to float: 'abc'",
            ),
            (
                "dict",
                vec![l(vec![Value::tuple(vec![i(1), i(2), i(3)])])],
                vec![],
                "ValueError dictionary update sequence element #0 has length 3; 2 is required",
            ),
            (
                "dict",
                vec![l(vec![i(1)])],
                vec![],
                "TypeError cannot convert dictionary update sequence element #0 to a sequence",
            ),
            (
                "divmod",
                vec![f(1.0), i(0)],
                vec![],
                "ZeroDivisionError float divmod()",
            ),
            (
                "divmod",
                vec![s("a"), i(1)],
                vec![],
                "TypeError unsupported operand type(s) for divmod(): 'str' and 'int'",
            ),
            (
                "map",
                vec![
                    Value::Type(Type::Builtin(BuiltinType::Str)),
                    l(vec![i(1), i(2)]),
                ],
                vec![],
                "['1', '2']",
            ),
            (
                "filter",
                vec![Value::None, l(vec![i(0), i(1), i(2)])],
                vec![],
                "[1, 2]",
            ),
            ("type", vec![Value::None], vec![], "<class 'NoneType'>"),
            (
                "str",
                vec![Value::Bytes(Arc::from(&b"a"[..]))],
                vec![],
                "\"b'a'\"",
            ),
        ];
        for (name, args, kwargs, expected) in cases {
            let shown = format!("{name}({args:?}, {kwargs:?})");
            assert_eq!(run(name, args, kwargs), expected, "{shown}");
        }
    }

    #[test]
    fn unordered_takes_a_set_in_the_codec_order_whatever_order_it_was_built_in() -> Outcome<()> {
        let items = [
            Value::int(3),
            Value::str("b"),
            Value::None,
            Value::Float(1.5),
            Value::str("a"),
        ];
        let forward: Set = items
            .iter()
            .cloned()
            .map(Key::new)
            .collect::<Outcome<_>>()?;
        let backward: Set = items
            .iter()
            .rev()
            .cloned()
            .map(Key::new)
            .collect::<Outcome<_>>()?;
        let expected = "['a', 'b', 3, None, 1.5]"; // by canonical text: `"a"`, `"b"`, `3`, `null`, `{"float":...}`
        assert_eq!(
            run("unordered", vec![Value::Set(Arc::new(forward))], vec![]),
            expected
        );
        assert_eq!(
            run(
                "unordered",
                vec![Value::FrozenSet(Arc::new(backward))],
                vec![]
            ),
            expected
        );
        let list = Value::list(vec![Value::int(2), Value::int(1)]);
        assert_eq!(run("unordered", vec![list], vec![]), "[2, 1]");
        Ok(())
    }
}
