//! The methods of `rrl.builtins`: str, list, tuple, dict and model methods,
//! and `dict.fromkeys`. A changing method (`xs.append(x)`) does not change
//! its receiver: it returns the changed copy, which the evaluator binds back
//! to the variable it was called on (docs/language.md, "Methods that change a
//! variable").

use std::sync::Arc;

use crate::value::class::RecordKind;
use crate::value::compare;
use crate::value::{
    BuiltinException, Dict, Exception, Key, NamedTupleClass, Outcome, Record, Set, Str, Value,
    repr, text, unicode,
};

use super::builtins::{Invoke, index_arg, iterate, set_of, sort, ssize_arg};
use super::dates;
use super::format;
use super::ops::{self, BinaryOp, slice_bounds, slice_index, type_error, unwrap_enum};

/// What a method call gives: its result and, for a changing method, the
/// changed copy of its receiver.
#[derive(Clone, Debug)]
pub struct Called {
    pub value: Value,
    pub changed: Option<Value>,
}

impl Called {
    fn value(value: Value) -> Outcome<Called> {
        Ok(Called {
            value,
            changed: None,
        })
    }

    fn changed(value: Value, receiver: Value) -> Outcome<Called> {
        Ok(Called {
            value,
            changed: Some(receiver),
        })
    }
}

pub const STR_METHODS: &[&str] = &[
    "upper",
    "lower",
    "title",
    "capitalize",
    "casefold",
    "swapcase",
    "strip",
    "lstrip",
    "rstrip",
    "removeprefix",
    "removesuffix",
    "split",
    "rsplit",
    "splitlines",
    "join",
    "replace",
    "format",
    "startswith",
    "endswith",
    "find",
    "rfind",
    "index",
    "rindex",
    "count",
    "isdigit",
    "isalpha",
    "isalnum",
    "isspace",
    "isupper",
    "islower",
    "zfill",
    "center",
    "ljust",
    "rjust",
    "partition",
    "rpartition",
];
pub const LIST_METHODS: &[&str] = &["index", "count", "copy"];
pub const DICT_METHODS: &[&str] = &["get", "keys", "values", "items", "copy"];
pub const MODEL_METHODS: &[&str] = &["model_copy", "model_dump"];
/// A NamedTuple's own methods: a copy with fields replaced, the fields as a dict.
pub const NAMED_TUPLE_METHODS: &[&str] = &["_replace", "_asdict"];
pub const CHANGING_LIST_METHODS: &[&str] = &[
    "append", "extend", "insert", "remove", "pop", "clear", "sort", "reverse",
];
pub const CHANGING_DICT_METHODS: &[&str] = &["update", "pop", "popitem", "setdefault", "clear"];
pub const SET_METHODS: &[&str] = &[
    "union",
    "intersection",
    "difference",
    "symmetric_difference",
    "issubset",
    "issuperset",
    "isdisjoint",
    "copy",
];
/// `set.pop()` is not one: which item it takes depends on the set's order.
pub const CHANGING_SET_METHODS: &[&str] = &["add", "discard", "remove", "update", "clear"];

/// Whether calling `name` on `receiver` changes it (and so rebinds its variable).
pub fn changes_receiver(receiver: &Value, name: &str) -> bool {
    match receiver {
        Value::List(_) => CHANGING_LIST_METHODS.contains(&name),
        Value::Dict(_) => CHANGING_DICT_METHODS.contains(&name),
        Value::Set(_) => CHANGING_SET_METHODS.contains(&name),
        _ => false,
    }
}

/// Whether `name` is a method of `receiver` that a workflow may call.
pub fn usable(receiver: &Value, name: &str) -> bool {
    match unwrap_enum(receiver) {
        Value::Str(_) => STR_METHODS.contains(&name) || name == "encode",
        Value::Tuple(_) => LIST_METHODS.contains(&name) && name != "copy",
        Value::NamedTuple(..) => {
            (LIST_METHODS.contains(&name) && name != "copy") || NAMED_TUPLE_METHODS.contains(&name)
        }
        Value::List(_) => LIST_METHODS.contains(&name) || CHANGING_LIST_METHODS.contains(&name),
        Value::Dict(_) => DICT_METHODS.contains(&name) || CHANGING_DICT_METHODS.contains(&name),
        Value::Set(_) => SET_METHODS.contains(&name) || CHANGING_SET_METHODS.contains(&name),
        Value::FrozenSet(_) => SET_METHODS.contains(&name),
        Value::Record(record) => {
            record.class.kind == RecordKind::Model && MODEL_METHODS.contains(&name)
        }
        _ => dates::usable(unwrap_enum(receiver), name),
    }
}

fn keyword<'a>(kwargs: &'a [(Str, Value)], name: &str) -> Option<&'a Value> {
    kwargs
        .iter()
        .find(|(key, _)| &**key == name)
        .map(|(_, value)| value)
}

/// Positional or keyword argument `index`/`name`, for methods that take both.
fn argument<'a>(
    args: &'a [Value],
    kwargs: &'a [(Str, Value)],
    index: usize,
    name: &str,
) -> Option<&'a Value> {
    args.get(index).or_else(|| keyword(kwargs, name))
}

/// How a method checks its number of arguments, which decides CPython's message.
#[derive(Clone, Copy)]
enum Arity {
    /// `str.upper() takes no arguments (1 given)`.
    NoArgs,
    /// `list.append() takes exactly one argument (0 given)`.
    One,
    /// `center expected at least 1 argument, got 0`.
    Expected(usize, usize),
    /// `find() takes at least 1 argument (0 given)`.
    Takes(usize, usize),
}

fn arity(owner: &str, name: &str) -> Arity {
    match (owner, name) {
        (
            _,
            "clear" | "copy" | "reverse" | "items" | "keys" | "values" | "popitem" | "model_dump",
        ) => Arity::NoArgs,
        (
            "str",
            "capitalize" | "casefold" | "isalnum" | "isalpha" | "isdigit" | "islower" | "isspace"
            | "isupper",
        ) => Arity::NoArgs,
        ("str", "lower" | "swapcase" | "title" | "upper") => Arity::NoArgs,
        (
            "str",
            "join" | "partition" | "removeprefix" | "removesuffix" | "rpartition" | "zfill",
        ) => Arity::One,
        ("list" | "tuple", "append" | "count" | "extend" | "remove") => Arity::One,
        (
            "set" | "frozenset",
            "add"
            | "discard"
            | "remove"
            | "issubset"
            | "issuperset"
            | "isdisjoint"
            | "symmetric_difference",
        ) => Arity::One,
        ("str", "center" | "ljust" | "rjust") => Arity::Expected(1, 2),
        ("str", "lstrip" | "rstrip" | "strip") | ("list", "pop") | ("dict", "update") => {
            Arity::Expected(0, 1)
        }
        ("str", "replace") => Arity::Expected(2, 3),
        ("str", "count" | "endswith" | "find" | "index" | "rfind" | "rindex" | "startswith") => {
            Arity::Takes(1, 3)
        }
        ("str", "rsplit" | "split") => Arity::Takes(0, 2),
        ("str", "splitlines") => Arity::Takes(0, 1),
        (_, "index") => Arity::Expected(1, 3),
        ("list", "insert") => Arity::Expected(2, 2),
        ("dict", "get" | "pop" | "setdefault" | "fromkeys") => Arity::Expected(1, 2),
        (_, "model_copy") => Arity::Expected(0, 1),
        _ => Arity::Expected(0, usize::MAX),
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Check a method call's arguments as CPython checks them, with its messages.
fn arguments(
    owner: &str,
    method: &str,
    args: &[Value],
    kwargs: &[(Str, Value)],
    keywords: &[&str],
) -> Outcome<()> {
    if let Some((key, _)) = kwargs.iter().find(|(key, _)| !keywords.contains(&&**key)) {
        return Err(if keywords.is_empty() {
            type_error(format!("{owner}.{method}() takes no keyword arguments"))
        } else {
            type_error(format!(
                "'{key}' is an invalid keyword argument for {method}()"
            ))
        });
    }
    let n = args.len();
    let given = n + kwargs.len();
    let message = match arity(owner, method) {
        Arity::NoArgs if n > 0 => format!("{owner}.{method}() takes no arguments ({n} given)"),
        Arity::One if n != 1 => {
            format!("{owner}.{method}() takes exactly one argument ({n} given)")
        }
        Arity::Expected(min, max) if min == max && n != min => {
            format!("{method} expected {min} arguments, got {n}")
        }
        Arity::Expected(min, _) if given < min => format!(
            "{method} expected at least {min} argument{}, got {n}",
            plural(min)
        ),
        Arity::Expected(_, max) if n > max => format!(
            "{method} expected at most {max} argument{}, got {n}",
            plural(max)
        ),
        Arity::Takes(min, _) if given < min => format!(
            "{method}() takes at least {min} argument{} ({n} given)",
            plural(min)
        ),
        Arity::Takes(_, max) if n > max => format!(
            "{method}() takes at most {max} argument{} ({n} given)",
            plural(max)
        ),
        _ => return Ok(()),
    };
    Err(type_error(message))
}

fn text_arg(value: &Value, message: impl FnOnce(&Value) -> String) -> Outcome<&str> {
    match unwrap_enum(value) {
        Value::Str(text) => Ok(text),
        _ => Err(type_error(message(value))),
    }
}

/// `receiver.name(*args, **kwargs)`.
pub fn call_method(
    receiver: &Value,
    name: &str,
    args: Vec<Value>,
    kwargs: Vec<(Str, Value)>,
    invoke: &mut dyn Invoke,
) -> Outcome<Called> {
    if !usable(receiver, name) {
        return Err(type_error(format!(
            "'{}' object has no method '{name}' usable in a workflow",
            receiver.type_name()
        )));
    }
    if dates::usable(unwrap_enum(receiver), name) {
        return dates::call_method(unwrap_enum(receiver), name, &args, &kwargs).map(|value| {
            Called {
                value,
                changed: None,
            }
        });
    }
    match unwrap_enum(receiver) {
        Value::Str(text) => str_method(text, name, &args, &kwargs).map(|value| Called {
            value,
            changed: None,
        }),
        Value::List(items) if CHANGING_LIST_METHODS.contains(&name) => {
            list_change(items, name, args, &kwargs, invoke)
        }
        Value::NamedTuple(class, items) if NAMED_TUPLE_METHODS.contains(&name) => {
            named_tuple_method(class, items, name, &args, &kwargs)
        }
        Value::List(items) | Value::Tuple(items) | Value::NamedTuple(_, items) => {
            sequence_method(receiver, items, name, &args, &kwargs)
        }
        Value::Dict(dict) => dict_method(dict, name, args, kwargs),
        Value::Set(set) | Value::FrozenSet(set) => set_method(receiver, set, name, &args, &kwargs),
        Value::Record(record) => model_method(record, name, &args, &kwargs),
        _ => Err(type_error(format!(
            "'{}' object has no method '{name}' usable in a workflow",
            receiver.type_name()
        ))),
    }
}

/// The methods of sets; the changing ones only reach here for a `set`.
fn set_method(
    receiver: &Value,
    set: &Set,
    name: &str,
    args: &[Value],
    kwargs: &[(Str, Value)],
) -> Outcome<Called> {
    let owner = receiver.type_name();
    arguments(owner, name, args, kwargs, &[])?;
    let like_receiver = |items: Set| {
        if matches!(receiver, Value::Set(_)) {
            Value::Set(Arc::new(items))
        } else {
            Value::FrozenSet(Arc::new(items))
        }
    };
    let changed = |items: Set| Called::changed(Value::None, Value::Set(Arc::new(items)));
    match name {
        "add" | "discard" | "remove" => {
            let key = Key::new(args[0].clone())?;
            let mut items = set.clone();
            match name {
                "add" => {
                    items.insert(key);
                }
                "discard" => {
                    items.remove(&key);
                }
                _ if !items.remove(&key) => {
                    return Err(Exception::builtin(
                        BuiltinException::KeyError,
                        vec![key.into_value()],
                    ));
                }
                _ => {}
            }
            changed(items)
        }
        "clear" => changed(Set::new()),
        "update" => {
            let mut items = set.clone();
            for other in args {
                for key in set_of(other)?.iter() {
                    items.insert(key.clone());
                }
            }
            changed(items)
        }
        "copy" => Called::value(like_receiver(set.clone())),
        "union" | "intersection" | "difference" | "symmetric_difference" => {
            let operator = match name {
                "union" => BinaryOp::BitOr,
                "intersection" => BinaryOp::BitAnd,
                "difference" => BinaryOp::Sub,
                _ => BinaryOp::BitXor,
            };
            let mut items = set.clone();
            for other in args {
                items = ops::combine_sets(operator, &items, &set_of(other)?);
            }
            Called::value(like_receiver(items))
        }
        _ => {
            let other = set_of(&args[0])?;
            let answer = match name {
                "issubset" => set.iter().all(|k| other.contains_key(k)),
                "issuperset" => other.iter().all(|k| set.contains_key(k)),
                _ => !set.iter().any(|k| other.contains_key(k)),
            };
            Called::value(Value::Bool(answer))
        }
    }
}

/// `dict.fromkeys(keys[, value])`.
pub fn dict_fromkeys(args: &[Value]) -> Outcome {
    arguments("dict", "fromkeys", args, &[], &[])?;
    let value = args.get(1).cloned().unwrap_or(Value::None);
    let mut dict = Dict::new();
    for key in iterate(&args[0])? {
        dict.set(key, value.clone())?;
    }
    Ok(Value::Dict(Arc::new(dict)))
}

// ------------------------------------------------------------------ str

fn chars(text: &str) -> Vec<char> {
    text.chars().collect()
}

fn strings(parts: Vec<String>) -> Value {
    Value::list(parts.iter().map(|part| Value::str(part)).collect())
}

/// Start and end of `[start:end]` resolved as CPython's ADJUST_INDICES: the
/// end clamped to the length, the start not.
fn adjust_indices(
    length: usize,
    start: Option<&Value>,
    end: Option<&Value>,
) -> Outcome<(i64, i64)> {
    let length = length as i64;
    let mut start = slice_index(start)?.unwrap_or(0);
    let mut end = slice_index(end)?.unwrap_or(length);
    if end > length {
        end = length;
    } else if end < 0 {
        end = (end + length).max(0);
    }
    if start < 0 {
        start = (start + length).max(0);
    }
    Ok((start, end))
}

/// Positions where `needle` occurs in `hay[start..end]`, left to right, not overlapping.
fn occurrences(hay: &[char], needle: &[char], start: i64, end: i64) -> Vec<usize> {
    let mut found = Vec::new();
    if end - start < needle.len() as i64 {
        return found;
    }
    let (start, end) = (start as usize, end as usize);
    let mut i = start;
    while i + needle.len() <= end {
        if hay[i..i + needle.len()] == *needle {
            found.push(i);
            i += needle.len().max(1);
            if needle.is_empty() && i > end {
                break;
            }
        } else {
            i += 1;
        }
    }
    if needle.is_empty() && found.last() != Some(&end) {
        found.push(end);
    }
    found
}

fn find(hay: &[char], needle: &[char], start: i64, end: i64, reverse: bool) -> i64 {
    if end - start < needle.len() as i64 {
        return -1;
    }
    let (start, end) = (start as usize, end as usize);
    let last = end - needle.len();
    let matches = |i: &usize| hay[*i..*i + needle.len()] == *needle;
    let found = if reverse {
        (start..=last).rev().find(matches)
    } else {
        (start..=last).find(matches)
    };
    found.map_or(-1, |i| i as i64)
}

fn is_space_char(c: char) -> bool {
    unicode::is_space(c)
}

/// `split()` on whitespace, at most `limit` splits (None: all), from the left or right.
fn split_whitespace(chars: &[char], limit: Option<usize>, from_right: bool) -> Vec<String> {
    let mut parts = Vec::new();
    if from_right {
        let mut end = chars.len();
        loop {
            while end > 0 && is_space_char(chars[end - 1]) {
                end -= 1;
            }
            if end == 0 {
                break;
            }
            if limit.is_some_and(|limit| parts.len() == limit) {
                parts.push(chars[..end].iter().collect());
                break;
            }
            let mut start = end;
            while start > 0 && !is_space_char(chars[start - 1]) {
                start -= 1;
            }
            parts.push(chars[start..end].iter().collect());
            end = start;
        }
        parts.reverse();
    } else {
        let mut start = 0;
        loop {
            while start < chars.len() && is_space_char(chars[start]) {
                start += 1;
            }
            if start == chars.len() {
                break;
            }
            if limit.is_some_and(|limit| parts.len() == limit) {
                parts.push(chars[start..].iter().collect());
                break;
            }
            let mut end = start;
            while end < chars.len() && !is_space_char(chars[end]) {
                end += 1;
            }
            parts.push(chars[start..end].iter().collect());
            start = end;
        }
    }
    parts
}

fn split_on(text: &str, separator: &str, limit: Option<usize>, from_right: bool) -> Vec<String> {
    let parts: Vec<String> = match (limit, from_right) {
        (None, _) => text.split(separator).map(String::from).collect(),
        (Some(limit), false) => text
            .splitn(limit + 1, separator)
            .map(String::from)
            .collect(),
        (Some(limit), true) => {
            let mut parts: Vec<String> = text
                .rsplitn(limit + 1, separator)
                .map(String::from)
                .collect();
            parts.reverse();
            parts
        }
    };
    parts
}

const LINE_BREAKS: &[char] = &[
    '\n', '\r', '\x0b', '\x0c', '\x1c', '\x1d', '\x1e', '\u{85}', '\u{2028}', '\u{2029}',
];

fn splitlines(chars: &[char], keep_ends: bool) -> Vec<String> {
    let mut lines = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < chars.len() {
        if LINE_BREAKS.contains(&chars[i]) {
            let mut end = i + 1;
            if chars[i] == '\r' && chars.get(i + 1) == Some(&'\n') {
                end += 1;
            }
            lines.push(
                chars[start..if keep_ends { end } else { i }]
                    .iter()
                    .collect(),
            );
            start = end;
            i = end;
        } else {
            i += 1;
        }
    }
    if start < chars.len() {
        lines.push(chars[start..].iter().collect());
    }
    lines
}

fn strip_chars(
    text: &str,
    chars: Option<&Value>,
    method: &str,
    left: bool,
    right: bool,
) -> Outcome<String> {
    let set: Option<Vec<char>> = match chars {
        None | Some(Value::None) => None,
        Some(value) => match unwrap_enum(value) {
            Value::Str(set) => Some(set.chars().collect()),
            _ => return Err(type_error(format!("{method} arg must be None or str"))),
        },
    };
    let strip = |c: char| match &set {
        None => is_space_char(c),
        Some(set) => set.contains(&c),
    };
    let mut out = text;
    if left {
        out = out.trim_start_matches(strip);
    }
    if right {
        out = out.trim_end_matches(strip);
    }
    Ok(out.to_string())
}

fn lower_text(chars: &[char]) -> String {
    let mut out = String::with_capacity(chars.len());
    for i in 0..chars.len() {
        unicode::push_lower_at(chars, i, &mut out);
    }
    out
}

fn case_test(text: &str, upper: bool) -> bool {
    let mut cased = false;
    for c in text.chars() {
        let (wrong, right) = if upper {
            (
                unicode::is_lower(c) || unicode::is_title(c),
                unicode::is_upper(c),
            )
        } else {
            (
                unicode::is_upper(c) || unicode::is_title(c),
                unicode::is_lower(c),
            )
        };
        if wrong {
            return false;
        }
        cased |= right;
    }
    cased
}

fn fill_char(value: Option<&Value>) -> Outcome<char> {
    match value {
        None => Ok(' '),
        Some(value) => match unwrap_enum(value) {
            Value::Str(text) if text::char_len(text) == 1 => Ok(text.chars().next().unwrap_or(' ')),
            Value::Str(_) => Err(type_error(
                "The fill character must be exactly one character long",
            )),
            _ => Err(type_error(format!(
                "The fill character must be a unicode character, not {}",
                value.type_name()
            ))),
        },
    }
}

fn width_arg(value: &Value) -> Outcome<usize> {
    let width = ssize_arg(value)?;
    if width as u64 > ops::MAX_ITEMS && width > 0 {
        return Err(ops::memory_error());
    }
    Ok(width.max(0) as usize)
}

fn prefix_arg<'a>(value: &'a Value, method: &str) -> Outcome<Vec<&'a str>> {
    match unwrap_enum(value) {
        Value::Str(text) => Ok(vec![text]),
        Value::Tuple(items) | Value::NamedTuple(_, items) => items
            .iter()
            .map(|item| match unwrap_enum(item) {
                Value::Str(text) => Ok(&**text),
                _ => Err(type_error(format!(
                    "tuple for {method} must only contain str, not {}",
                    item.type_name()
                ))),
            })
            .collect(),
        _ => Err(type_error(format!(
            "{method} first arg must be str or a tuple of str, not {}",
            value.type_name()
        ))),
    }
}

fn str_method(text: &str, name: &str, args: &[Value], kwargs: &[(Str, Value)]) -> Outcome {
    let cs = chars(text);
    let no_args = |args: &[Value]| arguments("str", name, args, kwargs, &[]);
    Ok(match name {
        "upper" => {
            no_args(args)?;
            let mut out = String::with_capacity(text.len());
            cs.iter().for_each(|&c| unicode::push_upper(c, &mut out));
            Value::str(&out)
        }
        "lower" => {
            no_args(args)?;
            Value::str(&lower_text(&cs))
        }
        "casefold" => {
            no_args(args)?;
            let mut out = String::with_capacity(text.len());
            cs.iter().for_each(|&c| unicode::push_casefold(c, &mut out));
            Value::str(&out)
        }
        "swapcase" => {
            no_args(args)?;
            let mut out = String::with_capacity(text.len());
            for (i, &c) in cs.iter().enumerate() {
                if unicode::is_upper(c) {
                    unicode::push_lower_at(&cs, i, &mut out);
                } else if unicode::is_lower(c) {
                    unicode::push_upper(c, &mut out);
                } else {
                    out.push(c);
                }
            }
            Value::str(&out)
        }
        "title" => {
            no_args(args)?;
            let mut out = String::with_capacity(text.len());
            let mut previous_cased = false;
            for (i, &c) in cs.iter().enumerate() {
                if previous_cased {
                    unicode::push_lower_at(&cs, i, &mut out);
                } else {
                    unicode::push_title(c, &mut out);
                }
                previous_cased = unicode::is_cased(c);
            }
            Value::str(&out)
        }
        "capitalize" => {
            no_args(args)?;
            let mut out = String::with_capacity(text.len());
            for (i, &c) in cs.iter().enumerate() {
                if i == 0 {
                    unicode::push_title(c, &mut out);
                } else {
                    unicode::push_lower_at(&cs, i, &mut out);
                }
            }
            Value::str(&out)
        }
        "strip" | "lstrip" | "rstrip" => {
            arguments("str", name, args, kwargs, &[])?;
            Value::str(&strip_chars(
                text,
                args.first(),
                name,
                name != "rstrip",
                name != "lstrip",
            )?)
        }
        "removeprefix" | "removesuffix" => {
            arguments("str", name, args, kwargs, &[])?;
            let affix = text_arg(&args[0], |other| {
                format!(
                    "{name}() argument must be str, not {}",
                    ops::clinic_name(other)
                )
            })?;
            let out = if name == "removeprefix" {
                text.strip_prefix(affix)
            } else {
                text.strip_suffix(affix)
            };
            Value::str(out.unwrap_or(text))
        }
        "split" | "rsplit" => {
            arguments("str", name, args, kwargs, &["sep", "maxsplit"])?;
            let separator =
                argument(args, kwargs, 0, "sep").filter(|sep| !matches!(sep, Value::None));
            let limit = match argument(args, kwargs, 1, "maxsplit") {
                Some(value) => ssize_arg(value)?,
                None => -1,
            };
            let limit = if limit < 0 {
                None
            } else {
                Some(limit as usize)
            };
            match separator {
                None => strings(split_whitespace(&cs, limit, name == "rsplit")),
                Some(separator) => {
                    let separator = text_arg(separator, |other| {
                        format!("must be str or None, not {}", other.type_name())
                    })?;
                    if separator.is_empty() {
                        return Err(Exception::new(
                            BuiltinException::ValueError,
                            "empty separator",
                        ));
                    }
                    strings(split_on(text, separator, limit, name == "rsplit"))
                }
            }
        }
        "splitlines" => {
            arguments("str", name, args, kwargs, &["keepends"])?;
            let keep = match argument(args, kwargs, 0, "keepends") {
                Some(keep) => !index_arg(keep)?.is_zero(),
                None => false,
            };
            strings(splitlines(&cs, keep))
        }
        "join" => {
            arguments("str", name, args, kwargs, &[])?;
            let items = match &args[0] {
                set @ (Value::Set(_) | Value::FrozenSet(_)) => iterate(set)?, // refused: no order
                iterable => {
                    iterate(iterable).map_err(|_| type_error("can only join an iterable"))?
                }
            };
            let mut parts = Vec::with_capacity(items.len());
            for (index, item) in items.iter().enumerate() {
                match unwrap_enum(item) {
                    Value::Str(part) => parts.push(part.to_string()),
                    _ => {
                        return Err(type_error(format!(
                            "sequence item {index}: expected str instance, {} found",
                            item.type_name()
                        )));
                    }
                }
            }
            Value::str(&parts.join(text))
        }
        "replace" => {
            arguments("str", name, args, kwargs, &[])?;
            let old = text_arg(&args[0], |other| {
                format!(
                    "replace() argument 1 must be str, not {}",
                    ops::clinic_name(other)
                )
            })?;
            let new = text_arg(&args[1], |other| {
                format!(
                    "replace() argument 2 must be str, not {}",
                    ops::clinic_name(other)
                )
            })?;
            let count = match args.get(2) {
                Some(count) => ssize_arg(count)?,
                None => -1,
            };
            let count = if count < 0 {
                usize::MAX
            } else {
                count as usize
            };
            if old.is_empty() {
                let mut out = String::new();
                let mut done = 0;
                for c in cs.iter() {
                    if done < count {
                        out.push_str(new);
                        done += 1;
                    }
                    out.push(*c);
                }
                if done < count {
                    out.push_str(new);
                }
                Value::str(&out)
            } else {
                Value::str(&text.replacen(old, new, count))
            }
        }
        "format" => Value::str(&format::format_template(text, args, kwargs)?),
        "startswith" | "endswith" => {
            arguments("str", name, args, kwargs, &[])?;
            let (start, end) = adjust_indices(cs.len(), args.get(1), args.get(2))?;
            let prefixes = prefix_arg(&args[0], name)?;
            let found = prefixes.iter().any(|prefix| {
                let needle = chars(prefix);
                let last = end - needle.len() as i64;
                if last < start {
                    return false;
                }
                let at = if name == "startswith" {
                    start as usize
                } else {
                    last as usize
                };
                cs[at..at + needle.len()] == needle[..]
            });
            Value::Bool(found)
        }
        "find" | "rfind" | "index" | "rindex" | "count" => {
            arguments("str", name, args, kwargs, &[])?;
            let (start, end) = adjust_indices(cs.len(), args.get(1), args.get(2))?;
            let needle = chars(text_arg(&args[0], |other| {
                format!("must be str, not {}", other.type_name())
            })?);
            if name == "count" {
                if start > cs.len() as i64 {
                    return Ok(Value::int(0));
                }
                return Ok(Value::int(
                    occurrences(&cs, &needle, start, end).len() as i64
                ));
            }
            let raises = name == "index" || name == "rindex";
            if start > cs.len() as i64 {
                return if raises {
                    Err(Exception::new(
                        BuiltinException::ValueError,
                        "substring not found",
                    ))
                } else {
                    Ok(Value::int(-1))
                };
            }
            let position = find(&cs, &needle, start, end, name.starts_with('r'));
            if position < 0 && raises {
                return Err(Exception::new(
                    BuiltinException::ValueError,
                    "substring not found",
                ));
            }
            Value::int(position)
        }
        "isdigit" | "isalpha" | "isalnum" | "isspace" => {
            no_args(args)?;
            let test: fn(char) -> bool = match name {
                "isdigit" => unicode::is_digit,
                "isalpha" => unicode::is_alpha,
                "isalnum" => unicode::is_alnum,
                _ => unicode::is_space,
            };
            Value::Bool(!cs.is_empty() && cs.iter().all(|&c| test(c)))
        }
        "isupper" | "islower" => {
            no_args(args)?;
            Value::Bool(case_test(text, name == "isupper"))
        }
        "zfill" => {
            arguments("str", name, args, kwargs, &[])?;
            let width = width_arg(&args[0])?;
            if cs.len() >= width {
                return Ok(Value::str(text));
            }
            let zeros = "0".repeat(width - cs.len());
            match cs.first() {
                Some(&sign @ ('+' | '-')) => Value::str(&format!(
                    "{sign}{zeros}{}",
                    cs[1..].iter().collect::<String>()
                )),
                _ => Value::str(&format!("{zeros}{text}")),
            }
        }
        "center" | "ljust" | "rjust" => {
            arguments("str", name, args, kwargs, &[])?;
            let width = width_arg(&args[0])?;
            let fill = fill_char(args.get(1))?;
            if cs.len() >= width {
                return Ok(Value::str(text));
            }
            let margin = width - cs.len();
            let left = match name {
                "ljust" => 0,
                "rjust" => margin,
                _ => margin / 2 + (margin & width & 1),
            };
            let pad = |n: usize| std::iter::repeat_n(fill, n).collect::<String>();
            Value::str(&format!("{}{text}{}", pad(left), pad(margin - left)))
        }
        "partition" | "rpartition" => {
            arguments("str", name, args, kwargs, &[])?;
            let separator = text_arg(&args[0], |other| {
                format!("must be str, not {}", other.type_name())
            })?;
            if separator.is_empty() {
                return Err(Exception::new(
                    BuiltinException::ValueError,
                    "empty separator",
                ));
            }
            let found = if name == "partition" {
                text.find(separator)
            } else {
                text.rfind(separator)
            };
            let parts = match found {
                Some(at) => [&text[..at], separator, &text[at + separator.len()..]],
                None if name == "partition" => [text, "", ""],
                None => ["", "", text],
            };
            Value::tuple(parts.iter().map(|part| Value::str(part)).collect())
        }
        _ => {
            return Err(type_error(format!(
                "'str' object has no method '{name}' usable in a workflow"
            )));
        }
    })
}

// ------------------------------------------------------------------ list, tuple

fn sequence_method(
    receiver: &Value,
    items: &[Value],
    name: &str,
    args: &[Value],
    kwargs: &[(Str, Value)],
) -> Outcome<Called> {
    match name {
        "copy" => {
            arguments(receiver.type_name(), name, args, kwargs, &[])?;
            Called::value(Value::list(items.to_vec()))
        }
        "count" => {
            arguments(receiver.type_name(), name, args, kwargs, &[])?;
            Called::value(Value::int(
                items
                    .iter()
                    .filter(|item| compare::eq(item, &args[0]))
                    .count() as i64,
            ))
        }
        "index" => {
            arguments(receiver.type_name(), name, args, kwargs, &[])?;
            // list.index takes no None for its bounds.
            if args[1..].iter().any(|bound| ops::as_int(bound).is_none()) {
                return Err(type_error(
                    "slice indices must be integers or have an __index__ method",
                ));
            }
            let bounds = slice_bounds(items.len(), args.get(1), args.get(2), None)?;
            let found = (bounds.start.max(0) as usize..bounds.stop.max(0) as usize)
                .find(|&i| compare::eq(&items[i], &args[0]));
            match found {
                Some(position) => Called::value(Value::int(position as i64)),
                None if matches!(receiver, Value::Tuple(_) | Value::NamedTuple(..)) => {
                    Err(Exception::new(
                        BuiltinException::ValueError,
                        "tuple.index(x): x not in tuple",
                    ))
                }
                None => Err(Exception::new(
                    BuiltinException::ValueError,
                    format!("{} is not in list", repr::repr(&args[0])?),
                )),
            }
        }
        _ => Err(type_error(format!(
            "'{}' object has no method '{name}' usable in a workflow",
            receiver.type_name()
        ))),
    }
}

/// The changing list methods that `change_list_in_place` does.
pub const IN_PLACE_LIST_METHODS: &[&str] = &[
    "append", "extend", "insert", "remove", "pop", "clear", "reverse",
];

/// `receiver.name(*args)` for a list `receiver` that nothing else holds (a
/// variable's own value), changed where it is rather than copied; the method
/// is one of `IN_PLACE_LIST_METHODS`. Nothing changes when it fails.
pub fn change_list_in_place(
    receiver: &mut Value,
    name: &str,
    args: Vec<Value>,
    kwargs: &[(Str, Value)],
) -> Outcome {
    match receiver {
        Value::List(items) => list_change_in(Arc::make_mut(items), name, args, kwargs),
        other => Err(type_error(format!(
            "'{}' object has no method '{name}' usable in a workflow",
            other.type_name()
        ))),
    }
}

fn list_change(
    items: &[Value],
    name: &str,
    args: Vec<Value>,
    kwargs: &[(Str, Value)],
    invoke: &mut dyn Invoke,
) -> Outcome<Called> {
    let mut list = items.to_vec();
    let result = if name == "sort" {
        if args.len() > 2 {
            return Err(type_error(format!(
                "sort() takes at most 2 arguments ({} given)",
                args.len()
            )));
        }
        if !args.is_empty() {
            return Err(type_error("sort() takes no positional arguments"));
        }
        arguments("list", name, &args, kwargs, &["key", "reverse"])?;
        let key = keyword(kwargs, "key").filter(|key| !matches!(key, Value::None));
        let reverse = keyword(kwargs, "reverse").is_some_and(ops::truthy);
        list = sort(list, key, reverse, invoke)?;
        Value::None
    } else {
        list_change_in(&mut list, name, args, kwargs)?
    };
    Called::changed(result, Value::list(list))
}

/// A changing list method other than `sort`, on `list`: every check comes
/// before the change, so a failure leaves `list` as it was.
fn list_change_in(
    list: &mut Vec<Value>,
    name: &str,
    args: Vec<Value>,
    kwargs: &[(Str, Value)],
) -> Outcome {
    Ok(match name {
        "append" => {
            arguments("list", name, &args, kwargs, &[])?;
            list.extend(args);
            Value::None
        }
        "extend" => {
            arguments("list", name, &args, kwargs, &[])?;
            list.extend(iterate(&args[0])?);
            Value::None
        }
        "insert" => {
            if args.len() != 2 {
                return Err(type_error(format!(
                    "insert expected 2 arguments, got {}",
                    args.len()
                )));
            }
            arguments("list", name, &args, kwargs, &[])?;
            let index = ssize_arg(&args[0])?;
            let length = list.len() as i64;
            let position = if index < 0 {
                (index + length).max(0)
            } else {
                index.min(length)
            };
            list.insert(position as usize, args[1].clone());
            Value::None
        }
        "remove" => {
            arguments("list", name, &args, kwargs, &[])?;
            let Some(position) = list.iter().position(|item| compare::eq(item, &args[0])) else {
                return Err(Exception::new(
                    BuiltinException::ValueError,
                    "list.remove(x): x not in list",
                ));
            };
            list.remove(position);
            Value::None
        }
        "pop" => {
            arguments("list", name, &args, kwargs, &[])?;
            let index = match args.first() {
                Some(index) => ssize_arg(index)?,
                None => -1,
            };
            if list.is_empty() {
                return Err(Exception::new(
                    BuiltinException::IndexError,
                    "pop from empty list",
                ));
            }
            let length = list.len() as i64;
            let position = Some(if index < 0 { index + length } else { index })
                .filter(|i| (0..length).contains(i));
            let Some(position) = position else {
                return Err(Exception::new(
                    BuiltinException::IndexError,
                    "pop index out of range",
                ));
            };
            list.remove(position as usize)
        }
        "clear" => {
            arguments("list", name, &args, kwargs, &[])?;
            list.clear();
            Value::None
        }
        "reverse" => {
            arguments("list", name, &args, kwargs, &[])?;
            list.reverse();
            Value::None
        }
        _ => {
            return Err(type_error(format!(
                "'list' object has no method '{name}' usable in a workflow"
            )));
        }
    })
}

// ------------------------------------------------------------------ dict

fn dict_method(
    dict: &Dict,
    name: &str,
    args: Vec<Value>,
    kwargs: Vec<(Str, Value)>,
) -> Outcome<Called> {
    match name {
        "get" => {
            arguments("dict", name, &args, &kwargs, &[])?;
            let found = dict.get(&args[0])?.cloned();
            Called::value(found.unwrap_or_else(|| args.get(1).cloned().unwrap_or(Value::None)))
        }
        "keys" | "values" | "items" => {
            arguments("dict", name, &args, &kwargs, &[])?;
            let items: Vec<Value> = match name {
                "keys" => dict.keys().cloned().collect(),
                "values" => dict.values().cloned().collect(),
                _ => dict
                    .iter()
                    .map(|(key, value)| Value::tuple(vec![key.value().clone(), value.clone()]))
                    .collect(),
            };
            Called::value(Value::list(items))
        }
        "copy" => {
            arguments("dict", name, &args, &kwargs, &[])?;
            Called::value(Value::Dict(Arc::new(dict.clone())))
        }
        "update" => {
            if args.len() > 1 {
                return Err(type_error(format!(
                    "update expected at most 1 argument, got {}",
                    args.len()
                )));
            }
            let mut changed = dict.clone();
            if let Some(other) = args.first() {
                // A dict, or any iterable of pairs: what `dict(other)` takes.
                for (key, value) in super::builtins::dict_from(other)?.iter() {
                    changed.insert(key.clone(), value.clone());
                }
            }
            for (key, value) in kwargs {
                changed.set(Value::Str(key), value)?;
            }
            Called::changed(Value::None, Value::Dict(Arc::new(changed)))
        }
        "pop" => {
            arguments("dict", name, &args, &kwargs, &[])?;
            if dict.is_empty() {
                // An empty dict looks nothing up: no hashing, no TypeError.
                return match args.get(1) {
                    Some(default) => {
                        Called::changed(default.clone(), Value::Dict(Arc::new(Dict::new())))
                    }
                    None => Err(Exception::builtin(
                        BuiltinException::KeyError,
                        vec![args[0].clone()],
                    )),
                };
            }
            let key = Key::new(args[0].clone())?;
            let mut changed = dict.clone();
            match (changed.remove(&key), args.get(1)) {
                (Some(value), _) => Called::changed(value, Value::Dict(Arc::new(changed))),
                (None, Some(default)) => {
                    Called::changed(default.clone(), Value::Dict(Arc::new(changed)))
                }
                (None, None) => Err(Exception::builtin(
                    BuiltinException::KeyError,
                    vec![key.into_value()],
                )),
            }
        }
        "popitem" => {
            arguments("dict", name, &args, &kwargs, &[])?;
            let mut changed = dict.clone();
            match changed.pop_last() {
                Some((key, value)) => Called::changed(
                    Value::tuple(vec![key.into_value(), value]),
                    Value::Dict(Arc::new(changed)),
                ),
                None => Err(Exception::builtin(
                    BuiltinException::KeyError,
                    vec![Value::str("popitem(): dictionary is empty")],
                )),
            }
        }
        "setdefault" => {
            arguments("dict", name, &args, &kwargs, &[])?;
            let key = Key::new(args[0].clone())?;
            if let Some(value) = dict.get_key(&key) {
                return Called::changed(value.clone(), Value::Dict(Arc::new(dict.clone())));
            }
            let default = args.get(1).cloned().unwrap_or(Value::None);
            let mut changed = dict.clone();
            changed.insert(key, default.clone());
            Called::changed(default, Value::Dict(Arc::new(changed)))
        }
        "clear" => {
            arguments("dict", name, &args, &kwargs, &[])?;
            Called::changed(Value::None, Value::Dict(Arc::new(Dict::new())))
        }
        _ => Err(type_error(format!(
            "'dict' object has no method '{name}' usable in a workflow"
        ))),
    }
}

// ------------------------------------------------------------------ models

/// `model_dump()`: the fields as a dict, nested models and dataclasses too.
pub fn model_dump(value: &Value) -> Outcome {
    Ok(match value {
        Value::Record(record) => {
            let mut dict = Dict::new();
            for (name, field) in &record.fields {
                dict.set(Value::Str(name.clone()), model_dump(field)?)?;
            }
            Value::Dict(Arc::new(dict))
        }
        Value::List(items) => Value::list(items.iter().map(model_dump).collect::<Outcome<_>>()?),
        Value::Tuple(items) => Value::tuple(items.iter().map(model_dump).collect::<Outcome<_>>()?),
        Value::Dict(dict) => {
            let mut out = Dict::new();
            for (key, item) in dict.iter() {
                out.insert(key.clone(), model_dump(item)?);
            }
            Value::Dict(Arc::new(out))
        }
        other => other.clone(),
    })
}

/// `p._replace(x=1)` and `p._asdict()`, with the messages of the methods
/// `collections.namedtuple` writes (`Point._replace()` ...).
fn named_tuple_method(
    class: &Arc<NamedTupleClass>,
    items: &Arc<Vec<Value>>,
    name: &str,
    args: &[Value],
    kwargs: &[(Str, Value)],
) -> Outcome<Called> {
    let owner = class.name.name();
    if !args.is_empty() {
        return Err(type_error(format!(
            "{owner}.{name}() takes 1 positional argument but {} were given",
            args.len() + 1
        )));
    }
    match name {
        "_asdict" => {
            if let Some((keyword, _)) = kwargs.first() {
                return Err(type_error(format!(
                    "{owner}._asdict() got an unexpected keyword argument '{keyword}'"
                )));
            }
            let mut dict = Dict::new();
            for (field, item) in class.fields.iter().zip(items.iter()) {
                dict.set(Value::Str(field.clone()), item.clone())?;
            }
            Called::value(Value::Dict(Arc::new(dict)))
        }
        _ => {
            let unknown: Vec<String> = kwargs
                .iter()
                .filter(|(key, _)| class.index(key).is_none())
                .map(|(key, _)| text::repr_str(key))
                .collect();
            if !unknown.is_empty() {
                return Err(Exception::new(
                    BuiltinException::ValueError,
                    format!("Got unexpected field names: [{}]", unknown.join(", ")),
                ));
            }
            let mut changed = (**items).clone();
            for (key, value) in kwargs {
                if let Some(index) = class.index(key) {
                    changed[index] = value.clone();
                }
            }
            Called::value(Value::NamedTuple(class.clone(), Arc::new(changed)))
        }
    }
}

fn model_method(
    record: &Arc<Record>,
    name: &str,
    args: &[Value],
    kwargs: &[(Str, Value)],
) -> Outcome<Called> {
    match name {
        "model_dump" => {
            arguments(record.class.name.name(), name, args, kwargs, &[])?;
            Called::value(model_dump(&Value::Record(record.clone()))?)
        }
        "model_copy" => {
            arguments(
                record.class.name.name(),
                name,
                args,
                kwargs,
                &["update", "deep"],
            )?;
            let mut copy = (**record).clone();
            if let Some(update) =
                argument(args, kwargs, 0, "update").filter(|update| !matches!(update, Value::None))
            {
                let Value::Dict(update) = update else {
                    return Err(type_error(format!(
                        "'{}' object is not a mapping",
                        update.type_name()
                    )));
                };
                for (key, value) in update.iter() {
                    let Value::Str(field) = key.value() else {
                        return Err(type_error("model_copy() update keys must be str"));
                    };
                    match copy.fields.iter_mut().find(|(name, _)| name == field) {
                        Some((_, slot)) => *slot = value.clone(),
                        None => copy.fields.push((field.clone(), value.clone())),
                    }
                }
            }
            Called::value(Value::Record(Arc::new(copy)))
        }
        _ => Err(type_error(format!(
            "'{}' object has no method '{name}' usable in a workflow",
            record.class.name.name()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::builtins::NoLambdas;

    fn run(receiver: Value, name: &str, args: Vec<Value>) -> String {
        match call_method(&receiver, name, args, Vec::new(), &mut NoLambdas) {
            Ok(Called {
                value,
                changed: None,
            }) => repr::repr(&value).unwrap_or_default(),
            Ok(Called {
                value,
                changed: Some(changed),
            }) => {
                format!(
                    "{} -> {}",
                    repr::repr(&value).unwrap_or_default(),
                    repr::repr(&changed).unwrap_or_default()
                )
            }
            Err(exc) => format!("{} {}", exc.class().name(), exc.message()),
        }
    }

    #[test]
    fn str_methods_are_pythons() {
        let (i, s) = (Value::int, Value::str);
        let cases: Vec<(&str, &str, Vec<Value>, &str)> = vec![
            (
                "a b  c ",
                "split",
                vec![Value::None, i(1)],
                "['a', 'b  c ']",
            ),
            (
                " a b c ",
                "rsplit",
                vec![Value::None, i(1)],
                "[' a b', 'c']",
            ),
            ("a,b,,c", "rsplit", vec![s(","), i(1)], "['a,b,', 'c']"),
            ("abc", "split", vec![s("")], "ValueError empty separator"),
            (
                "a\r\nb\x0bc\u{85}d",
                "splitlines",
                vec![],
                "['a', 'b', 'c', 'd']",
            ),
            (
                "a\r\nb\n",
                "splitlines",
                vec![Value::Bool(true)],
                "['a\\r\\n', 'b\\n']",
            ),
            ("xxaxx", "strip", vec![s("x")], "'a'"),
            (
                "a",
                "strip",
                vec![i(1)],
                "TypeError strip arg must be None or str",
            ),
            (
                "ab",
                "removeprefix",
                vec![i(1)],
                "TypeError removeprefix() argument must be str, not int",
            ),
            (
                ",",
                "join",
                vec![Value::list(vec![s("a"), i(1)])],
                "TypeError sequence item 1: expected str instance, int found",
            ),
            ("abc", "replace", vec![s(""), s("-")], "'-a-b-c-'"),
            ("abc", "replace", vec![s(""), s("-"), i(2)], "'-a-bc'"),
            (
                "abc",
                "startswith",
                vec![i(1)],
                "TypeError startswith first arg must be str or a tuple of str, not int",
            ),
            ("abc", "startswith", vec![s(""), i(5)], "False"),
            (
                "abc",
                "endswith",
                vec![Value::tuple(vec![s("x"), s("bc")])],
                "True",
            ),
            ("abc", "find", vec![s(""), i(4)], "-1"),
            ("abc", "count", vec![s("")], "4"),
            ("abc", "count", vec![s(""), i(1), i(2)], "2"),
            ("aaa", "count", vec![s("aa")], "1"),
            ("abc", "rfind", vec![s("")], "3"),
            ("abcab", "rindex", vec![s("ab")], "3"),
            ("abcab", "rindex", vec![s("ab"), i(0), i(4)], "0"),
            (
                "abc",
                "index",
                vec![s("x")],
                "ValueError substring not found",
            ),
            ("-42", "zfill", vec![i(5)], "'-0042'"),
            ("ab", "center", vec![i(5)], "'  ab '"),
            ("abc", "center", vec![i(6)], "' abc  '"),
            (
                "ab",
                "center",
                vec![i(5), s("xy")],
                "TypeError The fill character must be exactly one character long",
            ),
            ("a-b-c", "rpartition", vec![s("x")], "('', '', 'a-b-c')"),
            ("they're bill's", "title", vec![], "\"They'Re Bill'S\""),
            ("ǆUNGLA", "title", vec![], "'ǅungla'"),
            ("ǆungla", "capitalize", vec![], "'ǅungla'"),
            ("ΑΣ", "swapcase", vec![], "'ας'"),
            ("A1", "isupper", vec![], "True"),
            ("ǅ", "islower", vec![], "False"),
            ("", "isdigit", vec![], "False"),
            ("{} {x}", "format", vec![i(1)], "KeyError 'x'"),
        ];
        for (text, name, args, expected) in cases {
            let shown = format!("{text:?}.{name}({args:?})");
            assert_eq!(run(s(text), name, args), expected, "{shown}");
        }
    }

    #[test]
    fn list_and_dict_methods_are_pythons() {
        let (i, s, l) = (Value::int, Value::str, Value::list);
        assert_eq!(
            run(l(vec![i(1), i(2)]), "index", vec![i(3)]),
            "ValueError 3 is not in list"
        );
        assert_eq!(
            run(Value::tuple(vec![i(1)]), "index", vec![i(3)]),
            "ValueError tuple.index(x): x not in tuple"
        );
        assert_eq!(
            run(l(vec![i(1), i(2), i(1)]), "index", vec![i(1), i(1)]),
            "2"
        );
        assert_eq!(run(l(vec![i(1)]), "append", vec![i(2)]), "None -> [1, 2]");
        assert_eq!(
            run(l(vec![]), "pop", vec![]),
            "IndexError pop from empty list"
        );
        assert_eq!(
            run(l(vec![i(1)]), "pop", vec![i(5)]),
            "IndexError pop index out of range"
        );
        assert_eq!(
            run(l(vec![i(1), i(3)]), "insert", vec![i(-1), i(2)]),
            "None -> [1, 2, 3]"
        );
        assert_eq!(
            run(l(vec![i(1)]), "remove", vec![i(2)]),
            "ValueError list.remove(x): x not in list"
        );
        assert_eq!(
            run(Value::tuple(vec![]), "append", vec![i(1)]),
            "TypeError 'tuple' object has no method 'append' usable in a workflow"
        );
        let mut dict = Dict::new();
        let _ = dict.set(s("a"), i(1));
        let dict = Value::Dict(Arc::new(dict));
        assert_eq!(
            run(dict.clone(), "setdefault", vec![s("b"), l(vec![])]),
            "[] -> {'a': 1, 'b': []}"
        );
        assert_eq!(run(dict.clone(), "pop", vec![s("x")]), "KeyError 'x'");
        assert_eq!(
            run(Value::Dict(Arc::new(Dict::new())), "popitem", vec![]),
            "KeyError 'popitem(): dictionary is empty'"
        );
        assert_eq!(run(dict.clone(), "items", vec![]), "[('a', 1)]");
        assert_eq!(
            run(dict, "get", vec![l(vec![])]),
            "TypeError unhashable type: 'list'"
        );
    }
}
