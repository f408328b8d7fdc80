//! RRL values: what a workflow computes with, and what crosses a process
//! boundary in the value codec (docs/language.md, "Values and the codec").
//!
//! A value behaves as the Python value it stands for: `language/rrl/` (Python)
//! is the reference, CPython 3.11 the authority on every operator, message and
//! format. Values are immutable and cheap to clone (containers are shared
//! behind `Arc`); a change builds a new value, as RRL's value semantics say.

pub mod class;
pub mod codec;

pub mod compare;
pub mod datetime;
pub mod decimal;
pub mod dict;
pub mod exception;
pub mod float;
pub mod int;
pub mod repr;
pub mod text;
pub mod unicode;
mod unicode_tables;

use std::sync::Arc;

pub use class::{
    ClassName, EnumClass, EnumKind, EnumMember, NamedTupleClass, Record, RecordClass, RecordKind,
};
pub use datetime::{Date, DateTime, Time, TimeDelta, UtcOffset};
pub use decimal::Decimal;
pub use dict::{Dict, Key, Set};
pub use exception::{Builtin as BuiltinException, Exception};
pub use int::Int;

/// A string value: a sequence of Unicode code points, shared.
pub type Str = Arc<str>;

/// What an operation on values gives: a value, or the exception Python
/// would raise (`Err(TypeError("unsupported operand ..."))`).
pub type Outcome<T = Value> = Result<T, Exception>;

#[derive(Clone, Debug)]
pub enum Value {
    None,
    Bool(bool),
    Int(Int),
    Float(f64),
    Str(Str),
    Bytes(Arc<[u8]>),
    List(Arc<Vec<Value>>),
    Tuple(Arc<Vec<Value>>),
    Dict(Arc<Dict>),
    Set(Arc<Set>),
    FrozenSet(Arc<Set>),
    DateTime(Arc<DateTime>),
    Date(Date),
    Time(Arc<Time>),
    TimeDelta(TimeDelta),
    Uuid(Uuid),
    Decimal(Arc<Decimal>),
    Enum(Arc<EnumMember>),
    /// A pydantic model or a dataclass: its class and its fields in order.
    Record(Arc<Record>),
    /// A NamedTuple: a tuple (its items, in order) of a class that names them.
    /// Everything a tuple does, it does; its class adds the names.
    NamedTuple(Arc<NamedTupleClass>, Arc<Vec<Value>>),
    Exception(Exception),
    /// A class as a value: `type(x)`, or a builtin type's name (`str` in `map(str, xs)`).
    Type(Type),
    /// A builtin function or a lambda: what `sorted(key=...)`, `map` and `filter` call.
    Function(Function),
}

/// A UUID, its 16 bytes in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Uuid(pub [u8; 16]);

impl Uuid {
    pub fn as_u128(self) -> u128 {
        u128::from_be_bytes(self.0)
    }
}

/// The builtin classes a value can have, by their Python name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BuiltinType {
    NoneType,
    Bool,
    Int,
    Float,
    Str,
    Bytes,
    List,
    Tuple,
    Dict,
    Set,
    FrozenSet,
    DateTime,
    Date,
    Time,
    TimeDelta,
    Uuid,
    Decimal,
    Type,
    Function,
}

impl BuiltinType {
    /// `type(x).__name__`.
    pub fn name(self) -> &'static str {
        match self {
            BuiltinType::NoneType => "NoneType",
            BuiltinType::Bool => "bool",
            BuiltinType::Int => "int",
            BuiltinType::Float => "float",
            BuiltinType::Str => "str",
            BuiltinType::Bytes => "bytes",
            BuiltinType::List => "list",
            BuiltinType::Tuple => "tuple",
            BuiltinType::Dict => "dict",
            BuiltinType::Set => "set",
            BuiltinType::FrozenSet => "frozenset",
            BuiltinType::DateTime => "datetime",
            BuiltinType::Date => "date",
            BuiltinType::Time => "time",
            BuiltinType::TimeDelta => "timedelta",
            BuiltinType::Uuid => "UUID",
            BuiltinType::Decimal => "Decimal",
            BuiltinType::Type => "type",
            BuiltinType::Function => "function",
        }
    }

    /// The class's name in Python's messages (`tp_name`): a class of a C
    /// module has its module in it (`'<' not supported between instances of
    /// 'datetime.date' and 'int'`).
    pub fn tp_name(self) -> &'static str {
        match self {
            BuiltinType::DateTime => "datetime.datetime",
            BuiltinType::Date => "datetime.date",
            BuiltinType::Time => "datetime.time",
            BuiltinType::TimeDelta => "datetime.timedelta",
            BuiltinType::Decimal => "decimal.Decimal",
            BuiltinType::Function => "builtin_function_or_method",
            other => other.name(),
        }
    }

    /// The module that defines the class, for `repr` (`<class 'datetime.date'>`).
    pub fn module(self) -> &'static str {
        match self {
            BuiltinType::DateTime
            | BuiltinType::Date
            | BuiltinType::Time
            | BuiltinType::TimeDelta => "datetime",
            BuiltinType::Uuid => "uuid",
            BuiltinType::Decimal => "decimal",
            _ => "builtins",
        }
    }

    /// The builtin type named `name` in an RRL program (`int`, `NoneType`, ...).
    pub fn from_name(name: &str) -> Option<BuiltinType> {
        Some(match name {
            "NoneType" => BuiltinType::NoneType,
            "bool" => BuiltinType::Bool,
            "int" => BuiltinType::Int,
            "float" => BuiltinType::Float,
            "str" => BuiltinType::Str,
            "bytes" => BuiltinType::Bytes,
            "list" => BuiltinType::List,
            "tuple" => BuiltinType::Tuple,
            "dict" => BuiltinType::Dict,
            "type" => BuiltinType::Type,
            _ => return None,
        })
    }
}

/// A class as a value.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Type {
    Builtin(BuiltinType),
    /// A model, dataclass, enum or exception class, by `module:qualname`.
    Class(ClassName),
}

impl Type {
    /// `T.__name__`: the last part of the qualname.
    pub fn name(&self) -> &str {
        match self {
            Type::Builtin(builtin) => builtin.name(),
            Type::Class(class) => class.name(),
        }
    }
}

/// A callable value.
#[derive(Clone, Debug)]
pub enum Function {
    /// A builtin function that is not a class (`len`, `sorted`, ...).
    Builtin(&'static str),
    /// A lambda of the program; the evaluator that made it knows how to call it.
    Lambda(Lambda),
}

/// An opaque lambda: the evaluator stores its closure here and downcasts it
/// when the lambda is called back (`sorted(xs, key=lambda x: -x)`).
#[derive(Clone)]
pub struct Lambda(pub Arc<dyn std::any::Any + Send + Sync>);

impl std::fmt::Debug for Lambda {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<lambda>")
    }
}

impl Value {
    pub fn str(text: &str) -> Value {
        Value::Str(Arc::from(text))
    }

    pub fn int(n: i64) -> Value {
        Value::Int(Int::Small(n))
    }

    pub fn list(items: Vec<Value>) -> Value {
        Value::List(Arc::new(items))
    }

    pub fn tuple(items: Vec<Value>) -> Value {
        Value::Tuple(Arc::new(items))
    }

    /// The items of a tuple, a NamedTuple's too.
    pub fn tuple_items(&self) -> Option<&Arc<Vec<Value>>> {
        match self {
            Value::Tuple(items) | Value::NamedTuple(_, items) => Some(items),
            _ => None,
        }
    }

    /// The class of the value, as `type(x)` gives it.
    pub fn type_of(&self) -> Type {
        Type::Builtin(match self {
            Value::None => BuiltinType::NoneType,
            Value::Bool(_) => BuiltinType::Bool,
            Value::Int(_) => BuiltinType::Int,
            Value::Float(_) => BuiltinType::Float,
            Value::Str(_) => BuiltinType::Str,
            Value::Bytes(_) => BuiltinType::Bytes,
            Value::List(_) => BuiltinType::List,
            Value::Tuple(_) => BuiltinType::Tuple,
            Value::Dict(_) => BuiltinType::Dict,
            Value::Set(_) => BuiltinType::Set,
            Value::FrozenSet(_) => BuiltinType::FrozenSet,
            Value::DateTime(_) => BuiltinType::DateTime,
            Value::Date(_) => BuiltinType::Date,
            Value::Time(_) => BuiltinType::Time,
            Value::TimeDelta(_) => BuiltinType::TimeDelta,
            Value::Uuid(_) => BuiltinType::Uuid,
            Value::Decimal(_) => BuiltinType::Decimal,
            Value::Enum(member) => return Type::Class(member.class.name.clone()),
            Value::Record(record) => return Type::Class(record.class.name.clone()),
            Value::NamedTuple(class, _) => return Type::Class(class.name.clone()),
            Value::Exception(exc) => return Type::Class(exc.class().clone()),
            Value::Type(_) => BuiltinType::Type,
            Value::Function(_) => BuiltinType::Function,
        })
    }

    /// The name of the value's class in Python's messages (`tp_name`):
    /// `'int'`, `'datetime.date'`, `'Order'`.
    pub fn type_name(&self) -> &str {
        match self {
            Value::Enum(member) => member.class.name.name(),
            Value::Record(record) => record.class.name.name(),
            Value::NamedTuple(class, _) => class.name.name(),
            Value::Exception(exc) => exc.class().name(),
            Value::Function(Function::Lambda(_)) => "function",
            other => match other.type_of() {
                Type::Builtin(builtin) => builtin.tp_name(),
                Type::Class(_) => "object",
            },
        }
    }
}
