//! The value codec: how a value crosses a process boundary, as JSON
//! (docs/language.md, "Values and the codec"; `language/rrl/codec.py` is the
//! reference). `encode` and `decode` convert between values and JSON data
//! (`serde_json::Value`), `dumps` writes the canonical text, `loads` reads
//! any JSON text. Errors say where in the value they are, as Python would
//! reach it (`value['items'][3].conn is ...`), with the reference's words.

use std::sync::Arc;

use num_bigint::BigInt;
use serde_json::{Map, Number, Value as Json};

use super::class::{Classes, EnumKind, RecordKind};
use super::datetime::{Date, DateTime, Time, TimeDelta};
use super::exception::{ExceptionData, Rebuild};
use super::{
    ClassName, Decimal, Dict, EnumClass, EnumMember, Exception, Function, Int, Key,
    NamedTupleClass, Record, RecordClass, Set, Str, Type, Uuid, Value, compare, float, repr,
};

/// Integers up to this magnitude are JSON numbers; beyond, `{"int": "..."}`.
pub const SAFE_INT: i64 = (1 << 53) - 1;

/// How deep a value may nest before the codec gives up.
const MAX_DEPTH: usize = 480;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CodecError {
    /// The value holds something the codec has no encoding for.
    #[error("value{} {reason}", path.concat())]
    Encode { reason: String, path: Vec<String> },
    /// The data is not a valid encoding.
    #[error("value{} {reason}", path.concat())]
    Decode { reason: String, path: Vec<String> },
}

impl CodecError {
    fn encode(reason: impl Into<String>) -> CodecError {
        CodecError::Encode {
            reason: reason.into(),
            path: Vec::new(),
        }
    }

    fn decode(reason: impl Into<String>) -> CodecError {
        CodecError::Decode {
            reason: reason.into(),
            path: Vec::new(),
        }
    }

    pub fn reason(&self) -> &str {
        match self {
            CodecError::Encode { reason, .. } | CodecError::Decode { reason, .. } => reason,
        }
    }

    /// Where the error is, after a root name: `result['items'][3]`.
    pub fn location(&self, root: &str) -> String {
        match self {
            CodecError::Encode { path, .. } | CodecError::Decode { path, .. } => {
                format!("{root}{}", path.concat())
            }
        }
    }

    /// The same error one level down: `segment` goes first in the path.
    fn within(mut self, segment: String) -> CodecError {
        match &mut self {
            CodecError::Encode { path, .. } | CodecError::Decode { path, .. } => {
                path.insert(0, segment)
            }
        }
        self
    }
}

type Encoded = Result<Json, CodecError>;

// ------------------------------------------------------------------ public API

/// The JSON data of a value.
pub fn encode(value: &Value) -> Encoded {
    encode_at(value, 0)
}

/// The value JSON data encodes; `classes` names what the program declares.
pub fn decode(data: &Json, classes: &dyn Classes) -> Result<Value, CodecError> {
    Decoder { classes }.value(data, 0)
}

/// The canonical JSON text of a value: compact, members sorted, UTF-8 as it is.
pub fn dumps(value: &Value) -> Result<String, CodecError> {
    Ok(canonical(&encode(value)?))
}

pub fn loads(text: &str, classes: &dyn Classes) -> Result<Value, CodecError> {
    let data: Json = serde_json::from_str(text)
        .map_err(|err| CodecError::decode(format!("is not JSON: {err}")))?;
    decode(&data, classes)
}

/// JSON data as canonical text, as Python's `json.dumps(data,
/// ensure_ascii=False, separators=(",", ":"), sort_keys=True)` writes it.
pub fn canonical(data: &Json) -> String {
    let mut out = String::new();
    write_json(data, COMPACT, &mut out);
    out
}

/// JSON data as Python's `json.dumps(data, ensure_ascii=False, sort_keys=True)`
/// writes it, with its default separators `", "` and `": "` (for messages).
pub fn dumps_spaced(data: &Json) -> String {
    let mut out = String::new();
    write_json(data, SPACED, &mut out);
    out
}

/// The item and key separators of `json.dumps`.
type Separators = (&'static str, &'static str);
const COMPACT: Separators = (",", ":");
const SPACED: Separators = (", ", ": ");

fn write_json(data: &Json, separators: Separators, out: &mut String) {
    match data {
        Json::Null => out.push_str("null"),
        Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Json::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => out.push_str(&i.to_string()),
            (None, Some(u), _) => out.push_str(&u.to_string()),
            (_, _, Some(x)) => out.push_str(&float::repr(x)),
            _ => out.push_str(&n.to_string()),
        },
        Json::String(text) => write_json_str(text, out),
        Json::Array(items) => {
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push_str(separators.0);
                }
                write_json(item, separators, out);
            }
            out.push(']');
        }
        Json::Object(members) => {
            let mut sorted: Vec<(&String, &Json)> = members.iter().collect();
            sorted.sort_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (index, (name, member)) in sorted.into_iter().enumerate() {
                if index > 0 {
                    out.push_str(separators.0);
                }
                write_json_str(name, out);
                out.push_str(separators.1);
                write_json(member, separators, out);
            }
            out.push('}');
        }
    }
}

/// A JSON string as `json.dumps(text, ensure_ascii=False)` writes it.
pub(crate) fn write_json_str(text: &str, out: &mut String) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

// ------------------------------------------------------------------ encoding

fn tagged(tag: &str, payload: Json) -> Json {
    let mut members = Map::new();
    members.insert(tag.to_string(), payload);
    Json::Object(members)
}

fn object(members: Vec<(&str, Json)>) -> Json {
    Json::Object(
        members
            .into_iter()
            .map(|(name, member)| (name.to_string(), member))
            .collect(),
    )
}

pub fn encode_str(text: &str) -> Json {
    if text.contains('\0') {
        // Postgres cannot store U+0000: keep the parts around it.
        return tagged(
            "str",
            Json::Array(
                text.split('\0')
                    .map(|part| Json::String(part.to_string()))
                    .collect(),
            ),
        );
    }
    Json::String(text.to_string())
}

fn encode_int(n: &Int) -> Encoded {
    match n {
        Int::Small(small) if small.unsigned_abs() <= SAFE_INT as u64 => {
            Ok(Json::Number(Number::from(*small)))
        }
        _ => match n.to_decimal() {
            Some(text) => Ok(tagged("int", Json::String(text))),
            None => Err(CodecError::encode(
                "is an int too large to write in decimal",
            )),
        },
    }
}

fn encode_items(items: &[Value], depth: usize) -> Result<Vec<Json>, CodecError> {
    items
        .iter()
        .enumerate()
        .map(|(index, item)| {
            encode_at(item, depth + 1).map_err(|err| err.within(format!("[{index}]")))
        })
        .collect()
}

fn encode_at(value: &Value, depth: usize) -> Encoded {
    if depth > MAX_DEPTH {
        return Err(CodecError::encode(
            "is nested too deeply, or contains itself",
        ));
    }
    Ok(match value {
        Value::None => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Int(n) => encode_int(n)?,
        Value::Float(x) => tagged("float", Json::String(float::repr(*x))),
        Value::Str(text) => encode_str(text),
        Value::List(items) => Json::Array(encode_items(items, depth)?),
        Value::Tuple(items) => tagged("tuple", Json::Array(encode_items(items, depth)?)),
        Value::Dict(dict) => {
            let mut pairs = Vec::with_capacity(dict.len());
            for (key, item) in dict.iter() {
                let encoded_key = encode_key(key.value(), depth)?;
                let encoded = encode_at(item, depth + 1)
                    .map_err(|err| err.within(key_segment(key.value())))?;
                pairs.push(Json::Array(vec![encoded_key, encoded]));
            }
            tagged("dict", Json::Array(pairs))
        }
        Value::Set(set) => tagged("set", encode_set(set, depth)?),
        Value::FrozenSet(set) => tagged("frozenset", encode_set(set, depth)?),
        Value::Bytes(bytes) => tagged("bytes", Json::String(base64_encode(bytes))),
        Value::DateTime(dt) => tagged("datetime", Json::String(dt.encoded())),
        Value::Date(date) => tagged("date", Json::String(date.isoformat())),
        Value::Time(time) => tagged("time", Json::String(time.isoformat())),
        Value::TimeDelta(delta) => tagged(
            "timedelta",
            Json::Array(vec![
                Json::from(delta.days),
                Json::from(delta.seconds),
                Json::from(delta.microseconds),
            ]),
        ),
        Value::Uuid(uuid) => tagged("uuid", Json::String(repr::uuid_text(uuid.0))),
        Value::Decimal(d) => tagged("decimal", Json::String(d.to_sci_string())),
        Value::Enum(member) => {
            let encoded = encode_at(&member.value, depth + 1)
                .map_err(|err| err.within(".value".to_string()))?;
            tagged(
                "enum",
                object(vec![
                    ("class", Json::String(member.class.name.to_string())),
                    ("value", encoded),
                ]),
            )
        }
        Value::Record(record) => {
            let tag = match record.class.kind {
                RecordKind::Model => "model",
                RecordKind::Dataclass => "dataclass",
            };
            let fields = encode_fields(&record.fields, depth)?;
            tagged(
                tag,
                object(vec![
                    ("class", Json::String(record.class.name.to_string())),
                    ("fields", fields),
                ]),
            )
        }
        Value::NamedTuple(class, items) => {
            let mut pairs = Vec::with_capacity(items.len());
            for (name, item) in class.fields.iter().zip(items.iter()) {
                let encoded =
                    encode_at(item, depth + 1).map_err(|err| err.within(format!(".{name}")))?;
                pairs.push(Json::Array(vec![Json::String(name.to_string()), encoded]));
            }
            tagged(
                "namedtuple",
                object(vec![
                    ("class", Json::String(class.name.to_string())),
                    ("fields", Json::Array(pairs)),
                ]),
            )
        }
        Value::Exception(exc) => encode_exception(exc, depth),
        Value::Type(ty) => {
            let (module, qualname) = match ty {
                Type::Builtin(builtin) => (builtin.module(), builtin.name()),
                Type::Class(class) => (class.module(), class.qualname()),
            };
            return Err(CodecError::encode(format!(
                "is a class ({module}.{qualname}), not a value"
            )));
        }
        Value::Function(function) => {
            let kind = match function {
                Function::Builtin(_) => "builtin_function_or_method",
                Function::Lambda(_) => "function",
            };
            return Err(CodecError::encode(format!(
                "is a function ({kind}), which cannot cross a process boundary"
            )));
        }
    })
}

fn encode_fields(fields: &[(Str, Value)], depth: usize) -> Encoded {
    let mut pairs = Vec::with_capacity(fields.len());
    for (name, field) in fields {
        let encoded = encode_at(field, depth + 1).map_err(|err| err.within(format!(".{name}")))?;
        pairs.push(Json::Array(vec![Json::String(name.to_string()), encoded]));
    }
    Ok(Json::Array(pairs))
}

/// The path segment of a dict item: `['key']`.
fn key_segment(key: &Value) -> String {
    format!(
        "[{}]",
        repr::repr(key).unwrap_or_else(|_| "...".to_string())
    )
}

/// Whether the codec takes the value as a dict key or set item.
fn is_key(value: &Value) -> bool {
    match value {
        Value::None
        | Value::Bool(_)
        | Value::Int(_)
        | Value::Float(_)
        | Value::Str(_)
        | Value::Bytes(_)
        | Value::DateTime(_)
        | Value::Date(_)
        | Value::Time(_)
        | Value::TimeDelta(_)
        | Value::Uuid(_)
        | Value::Decimal(_)
        | Value::Enum(_) => true,
        Value::Tuple(items) | Value::NamedTuple(_, items) => items.iter().all(is_key),
        Value::FrozenSet(set) => set.values().all(is_key),
        _ => false,
    }
}

/// A class's name as Python's messages write it: `int`, `app.models.Point`.
fn type_label(value: &Value) -> String {
    match value.type_of() {
        Type::Builtin(builtin) if builtin.module() == "builtins" => builtin.name().to_string(),
        Type::Builtin(builtin) => format!("{}.{}", builtin.module(), builtin.name()),
        Type::Class(class) => format!("{}.{}", class.module(), class.qualname()),
    }
}

/// `repr()` cut to 60 characters, as the reference shows a value in a message.
fn shown(value: &Value) -> String {
    let text = repr::repr(value).unwrap_or_else(|_| format!("<{} object>", type_label(value)));
    shorten(text)
}

fn shorten(text: String) -> String {
    if text.chars().count() <= 60 {
        text
    } else {
        format!("{}...", text.chars().take(57).collect::<String>())
    }
}

fn encode_key(key: &Value, depth: usize) -> Encoded {
    if !is_key(key) {
        return Err(CodecError::encode(format!(
            "has a key {} of type {}; dict keys and set items are None, bool, int, float, str, bytes, dates and times, UUID, \
             Decimal, enum members, and tuples and frozensets of these",
            shown(key),
            type_label(key)
        )));
    }
    encode_at(key, depth + 1)
}

fn encode_set(set: &Set, depth: usize) -> Encoded {
    let mut items: Vec<(String, Json)> = Vec::with_capacity(set.len());
    for item in set.values() {
        let encoded = encode_key(item, depth)?;
        items.push((canonical(&encoded), encoded));
    }
    // Sets have no order of their own: the items are sorted by their canonical text.
    items.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(Json::Array(
        items.into_iter().map(|(_, item)| item).collect(),
    ))
}

fn encode_or_repr(value: &Value, depth: usize) -> Json {
    encode_at(value, depth + 1)
        .unwrap_or_else(|_| encode_str(&repr::repr(value).unwrap_or_default()))
}

fn encode_exception(exc: &Exception, depth: usize) -> Json {
    // An exception is always encodable: losing the failure is worse than losing a detail.
    let data = exc.data();
    let attributes: Vec<Json> = data
        .attributes
        .iter()
        .filter(|(name, _)| !name.starts_with('_'))
        .filter_map(|(name, value)| {
            let encoded = encode_at(value, depth + 1).ok()?;
            Some(Json::Array(vec![Json::String(name.to_string()), encoded]))
        })
        .collect();
    let cause = match &data.cause {
        Some(cause) if depth < MAX_DEPTH => encode_exception(cause, depth + 1),
        _ => Json::Null,
    };
    let mut members = vec![
        (
            "class",
            Json::Array(
                data.chain
                    .iter()
                    .map(|name| Json::String(name.to_string()))
                    .collect(),
            ),
        ),
        ("message", encode_str(&data.message)),
        (
            "args",
            Json::Array(
                data.args
                    .iter()
                    .map(|arg| encode_or_repr(arg, depth))
                    .collect(),
            ),
        ),
        ("attributes", Json::Array(attributes)),
        ("cause", cause),
    ];
    if let Some(rebuild) = &data.rebuild {
        let method = rebuild
            .method
            .as_ref()
            .map_or(Json::Null, |method| Json::String(method.to_string()));
        let args = Json::Array(
            rebuild
                .args
                .iter()
                .map(|arg| encode_or_repr(arg, depth))
                .collect(),
        );
        members.push(("rebuild", object(vec![("method", method), ("args", args)])));
    }
    tagged("exception", object(members))
}

// ------------------------------------------------------------------ decoding

type Decoded = Result<Value, CodecError>;

struct Decoder<'a> {
    classes: &'a dyn Classes,
}

/// Python's repr of JSON data, as the reference shows it in its messages.
pub fn json_repr(data: &Json) -> String {
    match data {
        Json::Null => "None".to_string(),
        Json::Bool(b) => (if *b { "True" } else { "False" }).to_string(),
        Json::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => i.to_string(),
            (None, Some(u), _) => u.to_string(),
            (_, _, Some(x)) => float::repr(x),
            _ => n.to_string(),
        },
        Json::String(text) => super::text::repr_str(text),
        Json::Array(items) => format!(
            "[{}]",
            items.iter().map(json_repr).collect::<Vec<_>>().join(", ")
        ),
        Json::Object(members) => format!(
            "{{{}}}",
            members
                .iter()
                .map(|(name, member)| format!(
                    "{}: {}",
                    super::text::repr_str(name),
                    json_repr(member)
                ))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn shown_json(data: &Json) -> String {
    shorten(json_repr(data))
}

fn list(payload: &Json) -> Result<&Vec<Json>, CodecError> {
    match payload {
        Json::Array(items) => Ok(items),
        other => Err(CodecError::decode(format!(
            "has {} where a JSON array belongs",
            shown_json(other)
        ))),
    }
}

fn text(payload: &Json) -> Result<&str, CodecError> {
    match payload {
        Json::String(text) => Ok(text),
        other => Err(CodecError::decode(format!(
            "has {} where a JSON string belongs",
            shown_json(other)
        ))),
    }
}

/// An object with exactly the members `required` (and maybe `optional`).
fn members<'j>(
    payload: &'j Json,
    required: &[&str],
    optional: &[&str],
) -> Result<&'j Map<String, Json>, CodecError> {
    match payload {
        Json::Object(members)
            if required.iter().all(|name| members.contains_key(*name))
                && members.keys().all(|name| {
                    required.contains(&name.as_str()) || optional.contains(&name.as_str())
                }) =>
        {
            Ok(members)
        }
        other => Err(CodecError::decode(format!(
            "has {} where an object with members {} belongs",
            shown_json(other),
            required.join(", ")
        ))),
    }
}

fn member<'j>(members: &'j Map<String, Json>, name: &str) -> &'j Json {
    members.get(name).unwrap_or(&Json::Null)
}

fn invalid(what: &str, text: &str) -> CodecError {
    CodecError::decode(format!(
        "is not a valid {what}: {}",
        super::text::repr_str(text)
    ))
}

impl Decoder<'_> {
    fn value(&self, data: &Json, depth: usize) -> Decoded {
        if depth > MAX_DEPTH {
            return Err(CodecError::decode("is nested too deeply"));
        }
        match data {
            Json::Null => Ok(Value::None),
            Json::Bool(b) => Ok(Value::Bool(*b)),
            Json::String(text) => Ok(Value::str(text)),
            Json::Number(n) => match n.as_i64() {
                Some(i) if i.unsigned_abs() <= SAFE_INT as u64 => Ok(Value::int(i)),
                Some(i) => Err(beyond_safe(&i.to_string())),
                None => match (n.as_u64(), n.as_f64()) {
                    (Some(u), _) => Err(beyond_safe(&u.to_string())),
                    (_, Some(x)) => {
                        let shown = float::repr(x);
                        Err(CodecError::decode(format!(
                            "is the JSON number {shown}; floats are written {{\"float\": \"{shown}\"}}"
                        )))
                    }
                    _ => Err(CodecError::decode(format!("is the JSON number {n}"))),
                },
            },
            Json::Array(items) => Ok(Value::list(self.items(items, depth)?)),
            Json::Object(members) => {
                if members.len() != 1 {
                    return Err(CodecError::decode(format!(
                        "is an object with {} members; an encoded value has exactly one, its tag",
                        members.len()
                    )));
                }
                let Some((tag, payload)) = members.iter().next() else {
                    return Err(CodecError::decode(
                        "is an object with 0 members; an encoded value has exactly one, its tag",
                    ));
                };
                self.tagged(tag, payload, depth)
            }
        }
    }

    fn items(&self, items: &[Json], depth: usize) -> Result<Vec<Value>, CodecError> {
        items
            .iter()
            .enumerate()
            .map(|(index, item)| {
                self.value(item, depth + 1)
                    .map_err(|err| err.within(format!("[{index}]")))
            })
            .collect()
    }

    fn tagged(&self, tag: &str, payload: &Json, depth: usize) -> Decoded {
        match tag {
            "int" => decode_int(text(payload)?),
            "float" => decode_float(text(payload)?),
            "str" => decode_nul_str(list(payload)?),
            "tuple" => Ok(Value::tuple(self.items(list(payload)?, depth)?)),
            "dict" => self.dict(list(payload)?, depth),
            "set" => Ok(Value::Set(Arc::new(self.set(list(payload)?, depth)?))),
            "frozenset" => Ok(Value::FrozenSet(Arc::new(self.set(list(payload)?, depth)?))),
            "bytes" => base64_decode(text(payload)?)
                .map(|bytes| Value::Bytes(Arc::from(bytes)))
                .ok_or_else(|| CodecError::decode("is not base64 (RFC 4648, with padding)")),
            "date" => parsed(payload, "date", Date::parse, Value::Date),
            "time" => parsed(payload, "time", Time::parse, |time| {
                Value::Time(Arc::new(time))
            }),
            "datetime" => decode_datetime(text(payload)?),
            "timedelta" => decode_timedelta(list(payload)?),
            "uuid" => parsed(payload, "UUID", parse_uuid, Value::Uuid),
            "decimal" => parsed(payload, "Decimal", Decimal::parse, |d| {
                Value::Decimal(Arc::new(d))
            }),
            "enum" => self.enum_member(payload, depth),
            "model" => self.record(payload, RecordKind::Model, depth),
            "dataclass" => self.record(payload, RecordKind::Dataclass, depth),
            "namedtuple" => self.named_tuple(payload, depth),
            "exception" => self.exception(payload, depth).map(Value::Exception),
            other => Err(CodecError::decode(format!(
                "has the unknown tag {}",
                super::text::repr_str(other)
            ))),
        }
    }

    fn key(&self, data: &Json, depth: usize, what: &str) -> Result<Key, CodecError> {
        let value = self.value(data, depth + 1)?;
        if !is_key(&value) {
            return Err(CodecError::decode(format!(
                "has {} of type {}, which cannot be {what}",
                article_for(what),
                type_label(&value)
            )));
        }
        Key::new(value).map_err(|exc| CodecError::decode(exc.message().to_string()))
    }

    fn set(&self, items: &[Json], depth: usize) -> Result<Set, CodecError> {
        let mut keys = Vec::with_capacity(items.len());
        for (index, item) in items.iter().enumerate() {
            keys.push(
                self.key(item, depth, "a set item")
                    .map_err(|err| err.within(format!("[{index}]")))?,
            );
        }
        let count = keys.len();
        let set: Set = keys.into_iter().collect();
        if set.len() != count {
            return Err(CodecError::decode("has the same item twice"));
        }
        Ok(set)
    }

    fn dict(&self, pairs: &[Json], depth: usize) -> Decoded {
        let mut dict = Dict::new();
        for (index, pair) in pairs.iter().enumerate() {
            let (key, item) = match pair {
                Json::Array(pair) if pair.len() == 2 => (&pair[0], &pair[1]),
                _ => {
                    return Err(CodecError::decode("is not a [key, value] pair")
                        .within(format!("[{index}]")));
                }
            };
            let key = self.key(key, depth, "a dict key")?;
            if dict.contains_key(&key) {
                return Err(CodecError::decode(format!(
                    "has {} twice",
                    shown(key.value())
                )));
            }
            let item = self
                .value(item, depth + 1)
                .map_err(|err| err.within(key_segment(key.value())))?;
            dict.insert(key, item);
        }
        Ok(Value::Dict(Arc::new(dict)))
    }

    /// `[[name, value], ...]`: fields by name, each at most once.
    fn fields(&self, payload: &Json, depth: usize) -> Result<Vec<(Str, Value)>, CodecError> {
        let mut fields: Vec<(Str, Value)> = Vec::new();
        for (index, pair) in list(payload)?.iter().enumerate() {
            let (name, item) = match pair {
                Json::Array(pair) if pair.len() == 2 => (&pair[0], &pair[1]),
                _ => {
                    return Err(CodecError::decode("is not a [key, value] pair")
                        .within(format!("[{index}]")));
                }
            };
            let Json::String(name) = name else {
                return Err(CodecError::decode(format!(
                    "has the field name {}, which is not a string",
                    shown_json(name)
                )));
            };
            if fields.iter().any(|(field, _)| **field == **name) {
                return Err(CodecError::decode(format!(
                    "has {} twice",
                    super::text::repr_str(name)
                )));
            }
            let item = self
                .value(item, depth + 1)
                .map_err(|err| err.within(format!(".{name}")))?;
            fields.push((Arc::from(name.as_str()), item));
        }
        Ok(fields)
    }

    fn enum_member(&self, payload: &Json, depth: usize) -> Decoded {
        let members = members(payload, &["class", "value"], &[])?;
        let name = text(member(members, "class"))?;
        let value = self
            .value(member(members, "value"), depth + 1)
            .map_err(|err| err.within(".value".to_string()))?;
        let class = self
            .classes
            .enum_class(name)
            .unwrap_or_else(|| Arc::new(EnumClass::undeclared(ClassName::new(name))));
        if class.members.is_empty() && class.kind == EnumKind::Plain {
            return Ok(Value::Enum(Arc::new(EnumMember {
                class,
                name: None,
                value,
            })));
        }
        let found = class
            .members
            .iter()
            .find(|(_, member)| compare::eq(member, &value))
            .cloned();
        match found {
            Some((member_name, member_value)) => Ok(Value::Enum(Arc::new(EnumMember {
                class,
                name: Some(member_name),
                value: member_value,
            }))),
            None => Err(CodecError::decode(format!(
                "is not a member of {name}: ValueError(\"{} is not a valid {}\")",
                repr::repr(&value).unwrap_or_default(),
                class.name.qualname()
            ))),
        }
    }

    fn record(&self, payload: &Json, kind: RecordKind, depth: usize) -> Decoded {
        let members = members(payload, &["class", "fields"], &[])?;
        let name = text(member(members, "class"))?;
        let fields = self.fields(member(members, "fields"), depth)?;
        let class = match self.classes.record_class(name) {
            Some(class) if class.kind == kind => class,
            Some(class) => {
                let what = if class.kind == RecordKind::Model {
                    "a dataclass"
                } else {
                    "a pydantic model"
                };
                return Err(CodecError::decode(format!(
                    "names {name}, which is not {what}"
                )));
            }
            None => Arc::new(RecordClass::new(ClassName::new(name), kind)),
        };
        Ok(Value::Record(Arc::new(Record { class, fields })))
    }

    /// A NamedTuple: of its declared class, whose fields it must have in
    /// their order, or of a class the program does not declare, which it
    /// brings its fields' names to.
    fn named_tuple(&self, payload: &Json, depth: usize) -> Decoded {
        let members = members(payload, &["class", "fields"], &[])?;
        let name = text(member(members, "class"))?;
        let fields = self.fields(member(members, "fields"), depth)?;
        let names: Vec<Str> = fields.iter().map(|(name, _)| name.clone()).collect();
        let class = match self.classes.named_tuple_class(name) {
            Some(class) => class,
            None if self.classes.record_class(name).is_some()
                || self.classes.enum_class(name).is_some()
                || self.classes.exception_chain(name).is_some() =>
            {
                return Err(CodecError::decode(format!(
                    "names {name}, which is not a NamedTuple"
                )));
            }
            None => Arc::new(NamedTupleClass {
                name: ClassName::new(name),
                fields: names.clone(),
            }),
        };
        if class.fields != names {
            let listed: Vec<String> = names.iter().map(|n| super::text::repr_str(n)).collect();
            return Err(CodecError::decode(format!(
                "does not have the fields of {name} in their order: [{}]",
                listed.join(", ")
            )));
        }
        let items = fields.into_iter().map(|(_, value)| value).collect();
        Ok(Value::NamedTuple(class, Arc::new(items)))
    }

    fn exception(&self, payload: &Json, depth: usize) -> Result<Exception, CodecError> {
        let members = members(
            payload,
            &["class", "message", "args", "attributes", "cause"],
            &["rebuild"],
        )?;
        let no_chain = || {
            CodecError::decode("has no class chain of module:qualname names")
                .within(".class".to_string())
        };
        let chain = list(member(members, "class")).map_err(|_| no_chain())?;
        let chain: Vec<ClassName> = chain
            .iter()
            .map(|name| match name {
                Json::String(name) if name.contains(':') => Ok(ClassName::new(name)),
                _ => Err(no_chain()),
            })
            .collect::<Result<_, _>>()?;
        if chain.is_empty() {
            return Err(no_chain());
        }
        let chain = self
            .classes
            .exception_chain(chain[0].as_str())
            .unwrap_or(chain);
        let message = decode_text_value(member(members, "message"))?;
        let args = list(member(members, "args"))
            .and_then(|items| self.items(items, depth))
            .map_err(|err| err.within(".args".to_string()))?;
        let attributes = self.fields(member(members, "attributes"), depth)?;
        let rebuild = match members.get("rebuild") {
            None => None,
            Some(rebuild) => {
                let parts = members_of_rebuild(rebuild)?;
                let method = match member(parts, "method") {
                    Json::Null => None,
                    Json::String(method) => Some(Arc::from(method.as_str())),
                    _ => {
                        return Err(
                            CodecError::decode("has a rebuild method that is not a name")
                                .within(".rebuild".to_string()),
                        );
                    }
                };
                let args = list(member(parts, "args"))
                    .and_then(|items| self.items(items, depth))
                    .map_err(|err| err.within(".rebuild.args".to_string()))?;
                Some(Rebuild { method, args })
            }
        };
        let cause = match member(members, "cause") {
            Json::Null => None,
            data => match self
                .value(data, depth + 1)
                .map_err(|err| err.within(".__cause__".to_string()))?
            {
                Value::Exception(cause) => Some(cause),
                _ => {
                    return Err(CodecError::decode("has a cause that is not an exception")
                        .within(".__cause__".to_string()));
                }
            },
        };
        Ok(Exception::from_data(ExceptionData {
            chain,
            args,
            message,
            attributes,
            cause,
            rebuild,
        }))
    }
}

fn members_of_rebuild(payload: &Json) -> Result<&Map<String, Json>, CodecError> {
    members(payload, &["method", "args"], &[])
}

fn article_for(what: &str) -> &'static str {
    if what == "a dict key" {
        "a key"
    } else {
        "an item"
    }
}

/// A message is a JSON string (`{"str": [...]}` with U+0000 in it).
fn decode_text_value(data: &Json) -> Result<Str, CodecError> {
    match data {
        Json::String(text) => Ok(Arc::from(text.as_str())),
        Json::Object(members) if members.len() == 1 && members.contains_key("str") => {
            match decode_nul_str(list(member(members, "str"))?)? {
                Value::Str(text) => Ok(text),
                _ => Err(CodecError::decode("has a message that is not a str")),
            }
        }
        other => Err(CodecError::decode(format!(
            "has {} where a JSON string belongs",
            shown_json(other)
        ))),
    }
}

/// A payload that is a text to parse: `{"date": "2024-02-29"}`.
fn parsed<T>(
    payload: &Json,
    what: &str,
    parse: fn(&str) -> Option<T>,
    wrap: fn(T) -> Value,
) -> Decoded {
    let text = text(payload)?;
    parse(text).map(wrap).ok_or_else(|| invalid(what, text))
}

fn beyond_safe(digits: &str) -> CodecError {
    CodecError::decode(format!(
        "is the number {digits}, beyond ±(2**53 - 1): write it {{\"int\": \"{digits}\"}}"
    ))
}

fn decode_int(text: &str) -> Decoded {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let canonical = !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !text.starts_with('0')
        && !text.starts_with("-0");
    if !canonical {
        return Err(CodecError::decode(format!(
            "is not a canonical decimal int: {}",
            super::text::repr_str(text)
        )));
    }
    if digits.len() > super::int::MAX_STR_DIGITS {
        return Err(invalid("int", text));
    }
    let value: BigInt = text.parse().map_err(|_| invalid("int", text))?;
    let value = Int::from_big(value);
    if value
        .as_i64()
        .is_some_and(|n| n.unsigned_abs() <= SAFE_INT as u64)
    {
        return Err(CodecError::decode(format!(
            "is {text}, which is written as a plain JSON number"
        )));
    }
    Ok(Value::Int(value))
}

fn decode_float(text: &str) -> Decoded {
    let allowed = matches!(text, "nan" | "inf" | "-inf")
        || text.chars().all(|c| "0123456789.e+-".contains(c));
    if !allowed {
        return Err(CodecError::decode(format!(
            "is not a float: {}",
            super::text::repr_str(text)
        )));
    }
    float::parse(text)
        .map(Value::Float)
        .ok_or_else(|| invalid("float", text))
}

fn decode_nul_str(parts: &[Json]) -> Decoded {
    let parts: Option<Vec<&str>> = parts
        .iter()
        .map(|part| match part {
            Json::String(part) if !part.contains('\0') => Some(part.as_str()),
            _ => None,
        })
        .collect();
    match parts {
        Some(parts) if parts.len() >= 2 => Ok(Value::str(&parts.join("\0"))),
        _ => Err(CodecError::decode(
            "is not a str with U+0000: the parts between its NULs, at least two",
        )),
    }
}

fn decode_datetime(text: &str) -> Decoded {
    let (body, zone) = match text.strip_suffix(']').and_then(|rest| rest.split_once('[')) {
        Some((body, zone)) => (body, Some(zone)),
        None => (text, None),
    };
    let Some(parsed) = DateTime::parse(body) else {
        return Err(invalid("datetime", body));
    };
    if let Some(zone) = zone {
        if parsed.time.offset.is_none() {
            return Err(CodecError::decode(format!(
                "names the zone {} but has no UTC offset",
                super::text::repr_str(zone)
            )));
        }
        return match DateTime::parse(text) {
            Some(zoned) => Ok(Value::DateTime(Arc::new(zoned))),
            None => Err(CodecError::decode(format!(
                "names the unknown time zone {}",
                super::text::repr_str(zone)
            ))),
        };
    }
    Ok(Value::DateTime(Arc::new(parsed)))
}

fn decode_timedelta(parts: &[Json]) -> Decoded {
    let numbers: Option<Vec<i64>> = parts.iter().map(Json::as_i64).collect();
    let integral = parts.iter().all(|part| part.is_i64() || part.is_u64());
    let Some([days, seconds, microseconds]) = numbers
        .filter(|_| integral)
        .and_then(|n| <[i64; 3]>::try_from(n).ok())
    else {
        return Err(CodecError::decode(
            "is not a timedelta: [days, seconds, microseconds]",
        ));
    };
    if !((0..86_400).contains(&seconds) && (0..1_000_000).contains(&microseconds)) {
        return Err(CodecError::decode(
            "is not a normalized timedelta (0 <= seconds < 86400, 0 <= microseconds < 10**6)",
        ));
    }
    TimeDelta::from_parts(days, seconds, microseconds)
        .map(Value::TimeDelta)
        .ok_or_else(|| {
            CodecError::decode(format!(
                "is a timedelta of {days} days, beyond Python's range"
            ))
        })
}

/// A UUID as `uuid.UUID(text)` reads it: 32 hex digits, hyphens, braces and
/// a `urn:uuid:` prefix optional.
pub fn parse_uuid(text: &str) -> Option<Uuid> {
    let hex = text.replace("urn:", "").replace("uuid:", "");
    let hex = hex.trim_matches(['{', '}']).replace('-', "");
    if hex.len() != 32 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let value = u128::from_str_radix(&hex, 16).ok()?;
    Some(Uuid(value.to_be_bytes()))
}

const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

pub fn base64_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let word = (u32::from(chunk[0]) << 16)
            | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8)
            | u32::from(*chunk.get(2).unwrap_or(&0));
        for index in 0..4 {
            if index <= chunk.len() {
                out.push(BASE64[((word >> (18 - 6 * index)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Strict RFC 4648 base64 with padding, as `base64.b64decode(text, validate=True)`.
pub fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    if bytes.len() % 4 != 0 {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len() / 4 * 3);
    for (index, chunk) in bytes.chunks(4).enumerate() {
        let last = index + 1 == bytes.len() / 4;
        let padding = chunk.iter().rev().take_while(|&&b| b == b'=').count();
        if padding > 2 || (padding > 0 && !last) {
            return None;
        }
        let mut word = 0u32;
        for &b in &chunk[..4 - padding] {
            let digit = BASE64.iter().position(|&c| c == b)? as u32;
            word = (word << 6) | digit;
        }
        word <<= 6 * padding as u32;
        let decoded = [(word >> 16) as u8, (word >> 8) as u8, word as u8];
        out.extend_from_slice(&decoded[..3 - padding]);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::class::Undeclared;

    fn round_trip(text: &str) -> String {
        match loads(text, &Undeclared).and_then(|value| dumps(&value)) {
            Ok(out) => out,
            Err(err) => format!("error: {err}"),
        }
    }

    fn error(text: &str) -> String {
        match loads(text, &Undeclared) {
            Ok(value) => format!("ok: {value:?}"),
            Err(err) => err.to_string(),
        }
    }

    #[test]
    fn encodings_round_trip() {
        for text in [
            r#"{"dict":[["b",[1,{"float":"2.5"}]],["a",null]]}"#,
            r#"{"int":"18446744073709551616"}"#,
            r#"{"float":"1e+16"}"#,
            r#"{"str":["a","b"]}"#,
            r#"{"set":[1,3]}"#,
            r#"{"bytes":"AP8="}"#,
            r#"{"timedelta":[-1,82800,0]}"#,
            r#"{"uuid":"6f1c2a0e-3b44-4c1d-9a55-0e0f3d1b2c3a"}"#,
            r#"{"decimal":"1E+3"}"#,
            r#"{"enum":{"class":"app.models:Status","value":"paid"}}"#,
            r#"{"dataclass":{"class":"app.geo:Point","fields":[["x",1],["y",{"float":"2.0"}]]}}"#,
            r#"{"exception":{"args":[2,"No such file"],"attributes":[],"cause":null,"class":["builtins:FileNotFoundError"],"message":"[Errno 2] No such file: 'x.txt'","rebuild":{"args":[2,"No such file","x.txt"],"method":null}}}"#,
            "[\"\\u0001\\n\\\"é\"]",
        ] {
            assert_eq!(round_trip(text), text);
        }
        // Sets are written sorted by canonical text, whatever order they came in.
        assert_eq!(
            round_trip(r#"{"set":["b",{"tuple":[1]},"a"]}"#),
            r#"{"set":["a","b",{"tuple":[1]}]}"#
        );
    }

    #[test]
    fn decoding_rejects_what_the_reference_rejects() {
        let cases = [
            (
                "1.5",
                "value is the JSON number 1.5; floats are written {\"float\": \"1.5\"}",
            ),
            (
                "9007199254740992",
                "value is the number 9007199254740992, beyond ±(2**53 - 1): write it {\"int\": \"9007199254740992\"}",
            ),
            (
                r#"{"int":"5"}"#,
                "value is 5, which is written as a plain JSON number",
            ),
            (
                r#"{"int":"05"}"#,
                "value is not a canonical decimal int: '05'",
            ),
            (
                r#"{"a":1,"b":2}"#,
                "value is an object with 2 members; an encoded value has exactly one, its tag",
            ),
            (r#"{"nope":1}"#, "value has the unknown tag 'nope'"),
            (r#"[1,{"float":"x"}]"#, "value[1] is not a float: 'x'"),
            (r#"{"dict":[["a",1],["a",2]]}"#, "value has 'a' twice"),
            (
                r#"{"dict":[["a",{"float":1}]]}"#,
                "value['a'] has 1 where a JSON string belongs",
            ),
            (
                r#"{"dict":[[[1],2]]}"#,
                "value has a key of type list, which cannot be a dict key",
            ),
            (r#"{"set":[1,1]}"#, "value has the same item twice"),
            (
                r#"{"bytes":"AP8"}"#,
                "value is not base64 (RFC 4648, with padding)",
            ),
            (
                r#"{"timedelta":[0,86400,0]}"#,
                "value is not a normalized timedelta (0 <= seconds < 86400, 0 <= microseconds < 10**6)",
            ),
            (
                r#"{"date":"2024-02-30"}"#,
                "value is not a valid date: '2024-02-30'",
            ),
            (
                r#"{"enum":{"class":"x"}}"#,
                "value has {'class': 'x'} where an object with members class, value belongs",
            ),
            (
                r#"{"exception":{"class":[],"message":"","args":[],"attributes":[],"cause":null}}"#,
                "value.class has no class chain of module:qualname names",
            ),
            (
                r#"{"exception":{"class":["a:B"],"message":"","args":[],"attributes":[],"cause":1}}"#,
                "value.__cause__ has a cause that is not an exception",
            ),
            (
                r#"{"datetime":"2024-01-01T00:00:00[Europe/Paris]"}"#,
                "value names the zone 'Europe/Paris' but has no UTC offset",
            ),
        ];
        for (text, message) in cases {
            assert_eq!(error(text), message, "{text}");
        }
    }

    #[test]
    fn encoding_refuses_what_cannot_cross() {
        let mut dict = Dict::new();
        let point = Value::Record(Arc::new(Record {
            class: Arc::new(RecordClass {
                name: ClassName::new("app:Point"),
                kind: RecordKind::Dataclass,
                frozen: true,
            }),
            fields: vec![(Arc::from("x"), Value::int(1))],
        }));
        dict.insert(
            Key::new(point)
                .unwrap_or_else(|_| Key::new(Value::None).unwrap_or_else(|_| unreachable!())),
            Value::None,
        );
        let nested = Value::list(vec![Value::Dict(Arc::new(dict))]);
        let err = encode(&nested).err().map(|err| err.to_string());
        assert_eq!(
            err.as_deref(),
            Some(
                "value[0] has a key Point(x=1) of type app.Point; dict keys and set items are None, bool, int, float, str, bytes, \
                 dates and times, UUID, Decimal, enum members, and tuples and frozensets of these"
            )
        );
        let err = encode(&Value::tuple(vec![Value::Function(Function::Builtin(
            "len",
        ))]))
        .err()
        .map(|err| err.to_string());
        assert_eq!(
            err.as_deref(),
            Some(
                "value[0] is a function (builtin_function_or_method), which cannot cross a process boundary"
            )
        );
    }

    #[test]
    fn base64_is_strict() {
        assert_eq!(base64_encode(b""), "");
        assert_eq!(base64_encode(b"\x00\xff"), "AP8=");
        assert_eq!(
            base64_encode(b"name,report.csv\n\x00\xff"),
            "bmFtZSxyZXBvcnQuY3N2CgD/"
        );
        assert_eq!(
            base64_decode("bmFtZSxyZXBvcnQuY3N2CgD/").as_deref(),
            Some(&b"name,report.csv\n\x00\xff"[..])
        );
        for bad in ["A", "AP8", "A===", "AP8=AP8=", "AP 8", "AP-="] {
            assert_eq!(base64_decode(bad), None, "{bad}");
        }
    }
}
