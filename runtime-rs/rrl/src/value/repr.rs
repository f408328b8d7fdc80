//! Python's `repr()` and `str()` of every value.

use super::class::RecordKind;
use super::exception::Builtin;
use super::text::{repr_bytes, repr_str};
use super::{EnumKind, Exception, Function, Int, Outcome, Type, Value, float};

/// How deep `repr` goes before it gives up with a RecursionError, as Python
/// does (its repr of a list nested 990 deep works, 1000 deep fails).
const MAX_DEPTH: usize = 995;

/// `repr(value)`.
pub fn repr(value: &Value) -> Outcome<String> {
    let mut out = String::new();
    write_repr(value, &mut out, 0)?;
    Ok(out)
}

/// `str(value)`.
pub fn str(value: &Value) -> Outcome<String> {
    match value {
        Value::Str(text) => Ok(text.to_string()),
        Value::Exception(exc) => Ok(exc.message().to_string()),
        Value::DateTime(dt) => Ok(dt.isoformat_with(' ', false)),
        Value::Date(date) => Ok(date.isoformat()),
        Value::Time(time) => Ok(time.isoformat()),
        Value::TimeDelta(delta) => Ok(delta.str()),
        Value::Uuid(uuid) => Ok(uuid_text(uuid.0)),
        Value::Decimal(d) => Ok(d.to_sci_string()),
        // A member of an undeclared enum has no str() of its own: its repr.
        Value::Enum(member) if member.name.is_none() => repr(value),
        Value::Enum(member) => match member.class.kind {
            EnumKind::ReprEnum => str(&member.value),
            _ => Ok(format!(
                "{}.{}",
                member.class.name.name(),
                member_name(member)
            )),
        },
        Value::Record(record) if record.class.kind == RecordKind::Model => {
            // pydantic's __str__: the fields without the class.
            let mut out = String::new();
            for (index, (name, field)) in record.fields.iter().enumerate() {
                if index > 0 {
                    out.push(' ');
                }
                out.push_str(name);
                out.push('=');
                write_repr(field, &mut out, 1)?;
            }
            Ok(out)
        }
        _ => repr(value),
    }
}

fn member_name(member: &super::EnumMember) -> &str {
    member.name.as_deref().unwrap_or("?")
}

/// `str(n)` of an int, or CPython's ValueError past its digit limit.
pub fn int_text(n: &Int) -> Outcome<String> {
    n.to_decimal().ok_or_else(|| {
        Exception::new(
            Builtin::ValueError,
            format!(
                "Exceeds the limit ({}) for integer string conversion; use sys.set_int_max_str_digits() to increase the limit",
                super::int::MAX_STR_DIGITS
            ),
        )
    })
}

/// The 8-4-4-4-12 lowercase hex form of a UUID.
pub fn uuid_text(bytes: [u8; 16]) -> String {
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

fn write_items(items: &[Value], out: &mut String, depth: usize) -> Outcome<()> {
    for (index, item) in items.iter().enumerate() {
        if index > 0 {
            out.push_str(", ");
        }
        write_repr(item, out, depth + 1)?;
    }
    Ok(())
}

fn recursion_error() -> Exception {
    Exception::new(
        Builtin::RecursionError,
        "maximum recursion depth exceeded while getting the repr of an object",
    )
}

// The recursive path (write_repr, write_items and the container writers) keeps
// its frames small; everything else is in `write_leaf`.
fn write_repr(value: &Value, out: &mut String, depth: usize) -> Outcome<()> {
    if depth > MAX_DEPTH {
        return Err(recursion_error());
    }
    match value {
        Value::List(items) => {
            out.push('[');
            write_items(items, out, depth)?;
            out.push(']');
        }
        Value::Tuple(items) => {
            out.push('(');
            write_items(items, out, depth)?;
            out.push_str(if items.len() == 1 { ",)" } else { ")" });
        }
        Value::Dict(dict) => write_dict(dict, out, depth)?,
        Value::Set(set) => write_set(set, false, out, depth)?,
        Value::FrozenSet(set) => write_set(set, true, out, depth)?,
        Value::Enum(member) => write_enum(member, out, depth)?,
        Value::Record(record) => write_record(record, out, depth)?,
        Value::NamedTuple(class, items) => write_named_tuple(class, items, out, depth)?,
        Value::Exception(exc) => {
            out.push_str(exc.class().name());
            out.push('(');
            write_items(exc.args(), out, depth)?;
            out.push(')');
        }
        leaf => write_leaf(leaf, out)?,
    }
    Ok(())
}

fn write_dict(dict: &super::Dict, out: &mut String, depth: usize) -> Outcome<()> {
    out.push('{');
    for (index, (key, item)) in dict.iter().enumerate() {
        if index > 0 {
            out.push_str(", ");
        }
        write_repr(key.value(), out, depth + 1)?;
        out.push_str(": ");
        write_repr(item, out, depth + 1)?;
    }
    out.push('}');
    Ok(())
}

fn write_set(set: &super::Set, frozen: bool, out: &mut String, depth: usize) -> Outcome<()> {
    if set.is_empty() {
        out.push_str(if frozen { "frozenset()" } else { "set()" });
        return Ok(());
    }
    out.push_str(if frozen { "frozenset({" } else { "{" });
    for (index, item) in set.values().enumerate() {
        if index > 0 {
            out.push_str(", ");
        }
        write_repr(item, out, depth + 1)?;
    }
    out.push_str(if frozen { "})" } else { "}" });
    Ok(())
}

fn write_enum(member: &super::EnumMember, out: &mut String, depth: usize) -> Outcome<()> {
    out.push('<');
    out.push_str(member.class.name.name());
    if let Some(name) = &member.name {
        out.push('.');
        out.push_str(name);
    }
    out.push_str(": ");
    write_repr(&member.value, out, depth + 1)?;
    out.push('>');
    Ok(())
}

fn write_record(record: &super::Record, out: &mut String, depth: usize) -> Outcome<()> {
    // pydantic shows the class's __name__, a dataclass its __qualname__.
    let shown = match record.class.kind {
        RecordKind::Model => record.class.name.name(),
        RecordKind::Dataclass => record.class.name.qualname(),
    };
    let fields = record.fields.iter().map(|(name, field)| (&**name, field));
    write_fields(shown, fields, out, depth)
}

/// `Point(x=1, y=2)`: a NamedTuple shows its class's `__name__`, then each item by its name.
fn write_named_tuple(
    class: &super::NamedTupleClass,
    items: &[Value],
    out: &mut String,
    depth: usize,
) -> Outcome<()> {
    let fields = class.fields.iter().map(|name| &**name).zip(items);
    write_fields(class.name.name(), fields, out, depth)
}

/// `Name(field=repr, ...)`.
fn write_fields<'a>(
    shown: &str,
    fields: impl Iterator<Item = (&'a str, &'a Value)>,
    out: &mut String,
    depth: usize,
) -> Outcome<()> {
    out.push_str(shown);
    out.push('(');
    for (index, (name, field)) in fields.enumerate() {
        if index > 0 {
            out.push_str(", ");
        }
        out.push_str(name);
        out.push('=');
        write_repr(field, out, depth + 1)?;
    }
    out.push(')');
    Ok(())
}

#[inline(never)]
fn write_leaf(value: &Value, out: &mut String) -> Outcome<()> {
    match value {
        Value::None => out.push_str("None"),
        Value::Bool(b) => out.push_str(if *b { "True" } else { "False" }),
        Value::Int(n) => out.push_str(&int_text(n)?),
        Value::Float(x) => out.push_str(&float::repr(*x)),
        Value::Str(text) => out.push_str(&repr_str(text)),
        Value::Bytes(bytes) => out.push_str(&repr_bytes(bytes)),
        Value::DateTime(dt) => out.push_str(&dt.repr()),
        Value::Date(date) => out.push_str(&format!(
            "datetime.date({}, {}, {})",
            date.year, date.month, date.day
        )),
        Value::Time(time) => out.push_str(&time.repr()),
        Value::TimeDelta(delta) => out.push_str(&delta.repr()),
        Value::Uuid(uuid) => out.push_str(&format!("UUID('{}')", uuid_text(uuid.0))),
        Value::Decimal(d) => out.push_str(&format!("Decimal('{}')", d.to_sci_string())),
        Value::Type(Type::Builtin(builtin)) => {
            let module = builtin.module();
            if module == "builtins" {
                out.push_str(&format!("<class '{}'>", builtin.name()));
            } else {
                out.push_str(&format!("<class '{module}.{}'>", builtin.name()));
            }
        }
        Value::Type(Type::Class(class)) => {
            out.push_str(&format!(
                "<class '{}.{}'>",
                class.module(),
                class.qualname()
            ));
        }
        Value::Function(Function::Builtin(name)) => {
            out.push_str(&format!("<built-in function {name}>"))
        }
        Value::Function(Function::Lambda(_)) => out.push_str("<function <lambda>>"),
        Value::List(_)
        | Value::Tuple(_)
        | Value::Dict(_)
        | Value::Set(_)
        | Value::FrozenSet(_)
        | Value::Enum(_)
        | Value::Record(_)
        | Value::NamedTuple(..)
        | Value::Exception(_) => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::value::{ClassName, Dict, EnumClass, EnumMember, Record, RecordClass, Set};

    fn shown(value: &Value) -> (String, String) {
        (
            repr(value).unwrap_or_default(),
            str(value).unwrap_or_default(),
        )
    }

    #[test]
    fn containers_are_pythons() -> Outcome<()> {
        let mut dict = Dict::new();
        dict.set(
            Value::str("a"),
            Value::list(vec![Value::int(1), Value::Float(2.5)]),
        )?;
        dict.set(Value::None, Value::tuple(vec![Value::Bool(true)]))?;
        assert_eq!(
            repr(&Value::Dict(Arc::new(dict)))?,
            "{'a': [1, 2.5], None: (True,)}"
        );
        assert_eq!(repr(&Value::tuple(vec![]))?, "()");
        assert_eq!(repr(&Value::Set(Arc::new(Set::new())))?, "set()");
        assert_eq!(
            repr(&Value::FrozenSet(Arc::new(Set::new())))?,
            "frozenset()"
        );
        Ok(())
    }

    #[test]
    fn classes_are_pythons() {
        let color = Arc::new(EnumClass {
            name: ClassName::new("app:Color"),
            kind: EnumKind::Plain,
            members: vec![],
        });
        let member = Value::Enum(Arc::new(EnumMember {
            class: color,
            name: Some(Arc::from("RED")),
            value: Value::str("red"),
        }));
        assert_eq!(
            shown(&member),
            ("<Color.RED: 'red'>".to_string(), "Color.RED".to_string())
        );
        let point = |kind| {
            Value::Record(Arc::new(Record {
                class: Arc::new(RecordClass::new(ClassName::new("app:Shapes.Point"), kind)),
                fields: vec![
                    (Arc::from("x"), Value::int(1)),
                    (Arc::from("y"), Value::str("b")),
                ],
            }))
        };
        assert_eq!(
            shown(&point(RecordKind::Model)),
            ("Point(x=1, y='b')".to_string(), "x=1 y='b'".to_string())
        );
        assert_eq!(
            shown(&point(RecordKind::Dataclass)).0,
            "Shapes.Point(x=1, y='b')"
        );
        let error = Value::Exception(Exception::new(Builtin::KeyError, "k"));
        assert_eq!(
            shown(&error),
            ("KeyError('k')".to_string(), "'k'".to_string())
        );
        assert_eq!(
            repr(&Value::Type(Type::Class(ClassName::new(
                "app.models:Order"
            ))))
            .ok()
            .as_deref(),
            Some("<class 'app.models.Order'>")
        );
    }

    #[test]
    fn deep_nesting_is_a_recursion_error() {
        let mut value = Value::None;
        for depth in 1..=1000 {
            value = Value::list(vec![value]);
            if depth == 990 {
                assert!(repr(&value).is_ok());
            }
        }
        assert!(repr(&value).is_err_and(|e| e.is(Builtin::RecursionError)));
    }
}
