//! Classes of the program: models, dataclasses and enums as values know them.
//!
//! RRL has no class objects; a value names its class by identity,
//! `module:qualname` (the codec's spelling), and carries what its behaviour
//! needs from the class's declaration: a record whether it is frozen, an enum
//! member its name and the kind of enum. Where the program does not declare a
//! class (a value that only passes through), the value still has its identity
//! and its data, so it encodes back unchanged.

use std::sync::Arc;

use super::{Str, Value};

/// A class's identity: `module:qualname` (`app.models:Order.Line`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ClassName(Arc<str>);

impl ClassName {
    pub fn new(identity: &str) -> ClassName {
        ClassName(Arc::from(identity))
    }

    /// The name of a builtin class: `builtins:KeyError`.
    pub fn builtin(name: &str) -> ClassName {
        ClassName(Arc::from(format!("builtins:{name}")))
    }

    /// The whole identity, `module:qualname`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn module(&self) -> &str {
        self.0.split_once(':').map_or("", |(module, _)| module)
    }

    pub fn qualname(&self) -> &str {
        self.0
            .split_once(':')
            .map_or(&*self.0, |(_, qualname)| qualname)
    }

    /// `__name__`: the last part of the qualname.
    pub fn name(&self) -> &str {
        let qualname = self.qualname();
        qualname.rsplit('.').next().unwrap_or(qualname)
    }

    pub fn is_builtin(&self) -> bool {
        self.module() == "builtins"
    }
}

impl std::fmt::Display for ClassName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordKind {
    /// A pydantic model.
    Model,
    Dataclass,
}

/// A model or dataclass class, as far as its values need it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordClass {
    pub name: ClassName,
    pub kind: RecordKind,
    /// Instances are hashable (a frozen dataclass, a frozen model) and refuse
    /// assignment to their fields.
    pub frozen: bool,
}

impl RecordClass {
    pub fn new(name: ClassName, kind: RecordKind) -> RecordClass {
        RecordClass {
            name,
            kind,
            frozen: false,
        }
    }
}

/// An instance of a model or a dataclass: its fields in their order.
#[derive(Clone, Debug)]
pub struct Record {
    pub class: Arc<RecordClass>,
    pub fields: Vec<(Str, Value)>,
}

impl Record {
    pub fn field(&self, name: &str) -> Option<&Value> {
        self.fields
            .iter()
            .find(|(field, _)| &**field == name)
            .map(|(_, value)| value)
    }
}

/// A NamedTuple class (`typing.NamedTuple`, `collections.namedtuple`): its
/// identity and the names of its items, in order. Its values are tuples.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NamedTupleClass {
    pub name: ClassName,
    pub fields: Vec<Str>,
}

impl NamedTupleClass {
    /// The position of the field `name`.
    pub fn index(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|field| &**field == name)
    }
}

/// What kind of enum a class is: it decides `str()`, equality and hashing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EnumKind {
    /// `class C(Enum)` (and `Flag`): a member equals only itself; `str()` is `C.NAME`.
    Plain,
    /// `class C(str, Enum)`, `class C(int, Enum)`: a member also equals its value
    /// and hashes as it, but `str()` is still `C.NAME`.
    Mixin,
    /// `StrEnum`, `IntEnum`, `IntFlag` (Python's `ReprEnum`): like a mixin, and
    /// `str()` and `format()` are those of the value.
    ReprEnum,
}

impl EnumKind {
    /// Whether a member behaves as its value in `==`, hashing and arithmetic.
    pub fn is_value_like(self) -> bool {
        self != EnumKind::Plain
    }
}

/// An enum class: its kind and its members in definition order.
#[derive(Clone, Debug)]
pub struct EnumClass {
    pub name: ClassName,
    pub kind: EnumKind,
    pub members: Vec<(Str, Value)>,
}

impl EnumClass {
    /// A class the program does not declare: a plain enum with unknown members.
    pub fn undeclared(name: ClassName) -> EnumClass {
        EnumClass {
            name,
            kind: EnumKind::Plain,
            members: Vec::new(),
        }
    }
}

/// A member of an enum: `Color.RED`.
#[derive(Clone, Debug)]
pub struct EnumMember {
    pub class: Arc<EnumClass>,
    /// The member's name; unknown for a member of an undeclared class.
    pub name: Option<Str>,
    pub value: Value,
}

/// The classes a decoder can look up: the program's declarations. Decoding
/// needs none of them (an undeclared class keeps its identity and data), but
/// with them an enum member knows its name and kind, and a record whether it
/// is frozen.
pub trait Classes {
    fn enum_class(&self, _name: &str) -> Option<Arc<EnumClass>> {
        None
    }

    fn record_class(&self, _name: &str) -> Option<Arc<RecordClass>> {
        None
    }

    fn named_tuple_class(&self, _name: &str) -> Option<Arc<NamedTupleClass>> {
        None
    }

    /// The chain of a declared exception class: an exception of it is read
    /// as an instance of the declared class, whose chain it then has.
    fn exception_chain(&self, _name: &str) -> Option<Vec<ClassName>> {
        None
    }
}

/// No declarations: every class is taken as it comes.
pub struct Undeclared;

impl Classes for Undeclared {}
