//! The classes of a program, built from its declarations alone, as
//! `language/rrl/classes.py` builds them: exception classes with their
//! chains (the declared hierarchy, linearized as Python's MRO), record
//! classes (models and dataclasses) with their fields, enum classes with
//! their members. `ProgramClasses` is also the codec's resolver for values
//! entering the program (`value::class::Classes`).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use crate::syntax::ast::{ClassDecl, ClassKind, Expr};
use crate::value::class::Classes;
use crate::value::{
    BuiltinException, ClassName, EnumClass, EnumKind, Exception, NamedTupleClass, Outcome,
    RecordClass, RecordKind, Value, compare, repr,
};

use super::builtins::{to_float, to_int};
use super::ops::type_error;

/// A program's class declarations cannot be built into classes (the checker
/// reports these for a program it checked; a DAG from elsewhere may have them).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct EvalSetupError(pub String);

/// The exception classes an RRL program names without declaring them
/// (`rrl.builtins.EXCEPTIONS`).
pub const EXCEPTIONS: &[&str] = crate::validate::EXCEPTIONS;

/// The engine's own exceptions, which every program knows (`rrl.classes`).
const RAPPEL_ERROR: &str = "rappel:RappelError";
const RAPPEL_TIMEOUT: &str = "rappel:RappelTimeout";

/// A class a program names, built.
#[derive(Clone, Debug)]
pub enum Class {
    /// An exception class: its chain (the codec's `class`), most derived first.
    Exception(Vec<ClassName>),
    Record {
        class: Arc<RecordClass>,
        /// The program's name for it, for its declaration (fields, defaults).
        name: String,
        /// Its identity and those of its declared bases: what `isinstance` accepts.
        ancestors: Vec<ClassName>,
    },
    Enum {
        class: Arc<EnumClass>,
        /// Every member name, aliases included, to its member's index.
        names: Vec<(String, usize)>,
        ancestors: Vec<ClassName>,
    },
    NamedTuple {
        class: Arc<NamedTupleClass>,
        /// The defaults of its last fields, computed once, as Python
        /// computes a NamedTuple's.
        defaults: Vec<Value>,
    },
}

/// The classes of one program's declarations.
#[derive(Clone, Debug, Default)]
pub struct ProgramClasses {
    pub decls: HashMap<String, ClassDecl>,
    /// `module:qualname` to the program's name.
    by_identity: HashMap<String, String>,
    built: HashMap<String, Class>,
}

/// A node of the exception hierarchy, for linearization.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Node {
    Declared(String),
    Builtin(BuiltinException),
    Engine(&'static str),
}

impl ProgramClasses {
    /// Builds every declared class; `constant` evaluates an enum member's value.
    pub fn new(
        types: &BTreeMap<String, ClassDecl>,
        constant: &dyn Fn(&Expr) -> Outcome,
    ) -> Result<ProgramClasses, EvalSetupError> {
        let mut classes = ProgramClasses {
            decls: types.clone().into_iter().collect(),
            by_identity: types
                .iter()
                .map(|(name, decl)| (decl.identity(), name.clone()))
                .collect(),
            built: HashMap::new(),
        };
        for name in types.keys() {
            let class = classes.build(name, constant, &mut Vec::new())?;
            classes.built.insert(name.clone(), class);
        }
        Ok(classes)
    }

    /// The class a name of the program stands for: a declared class or a
    /// builtin exception; None for any other name.
    pub fn named(&self, name: &str) -> Option<Class> {
        if let Some(class) = self.built.get(name) {
            return Some(class.clone());
        }
        if !EXCEPTIONS.contains(&name) {
            return None;
        }
        let node = builtin_node(name)?;
        Some(Class::Exception(self.chain_of(&node).ok()?))
    }

    /// Whether the program names a class `name` (declared or a builtin exception).
    pub fn is_class_name(&self, name: &str) -> bool {
        self.decls.contains_key(name) || EXCEPTIONS.contains(&name)
    }

    pub fn declaration(&self, name: &str) -> Option<&ClassDecl> {
        self.decls.get(name)
    }

    /// The program's name of the class with this identity.
    pub fn name_of(&self, identity: &str) -> Option<&str> {
        self.by_identity.get(identity).map(String::as_str)
    }

    fn build(
        &self,
        name: &str,
        constant: &dyn Fn(&Expr) -> Outcome,
        building: &mut Vec<String>,
    ) -> Result<Class, EvalSetupError> {
        if let Some(built) = self.built.get(name) {
            return Ok(built.clone());
        }
        let decl = &self.decls[name];
        if building.iter().any(|b| b == name) {
            return Err(EvalSetupError(format!(
                "the class `{name}` derives from itself"
            )));
        }
        building.push(name.to_string());
        let built = match decl.kind {
            ClassKind::Exception => self
                .chain_of(&Node::Declared(name.to_string()))
                .map(Class::Exception),
            ClassKind::Enum => self.enum_class(decl, constant, building),
            ClassKind::Model | ClassKind::Dataclass => self.record_class(decl, constant, building),
            ClassKind::NamedTuple => named_tuple_class(decl, constant),
        };
        building.pop();
        built
    }

    // ------------------------------------------------------------- exceptions

    fn node(&self, decl: &ClassDecl, base: &str) -> Result<Node, EvalSetupError> {
        if let Some(base_decl) = self.decls.get(base) {
            if base_decl.kind != ClassKind::Exception {
                return Err(EvalSetupError(format!(
                    "the exception `{}` derives from a class that is not an exception",
                    decl.name
                )));
            }
            return Ok(Node::Declared(base.to_string()));
        }
        if EXCEPTIONS.contains(&base) {
            if let Some(node) = builtin_node(base) {
                return Ok(node);
            }
        }
        Err(EvalSetupError(format!(
            "the base `{base}` of `{}` is not declared",
            decl.name
        )))
    }

    /// What a node stands for: a declaration `from builtins` is Python's own
    /// class, and the engine's classes are the engine's.
    fn resolved(&self, node: Node) -> Result<Node, EvalSetupError> {
        let Node::Declared(name) = &node else {
            return Ok(node);
        };
        let decl = &self.decls[name];
        let identity = decl.identity();
        if identity == RAPPEL_ERROR || identity == RAPPEL_TIMEOUT {
            return Ok(Node::Engine(if identity == RAPPEL_ERROR {
                RAPPEL_ERROR
            } else {
                RAPPEL_TIMEOUT
            }));
        }
        if decl.module == "builtins" {
            return BuiltinException::from_name(&decl.qualname)
                .map(Node::Builtin)
                .ok_or_else(|| {
                    EvalSetupError(format!(
                        "`builtins.{}` is not a builtin exception",
                        decl.qualname
                    ))
                });
        }
        Ok(node)
    }

    fn bases(&self, node: &Node) -> Result<Vec<Node>, EvalSetupError> {
        Ok(match node {
            Node::Builtin(builtin) => builtin.bases().iter().copied().map(Node::Builtin).collect(),
            Node::Engine(RAPPEL_TIMEOUT) => vec![Node::Engine(RAPPEL_ERROR)],
            Node::Engine(_) => vec![Node::Builtin(BuiltinException::Exception)],
            Node::Declared(name) => {
                let decl = &self.decls[name];
                if decl.bases.is_empty() {
                    vec![Node::Builtin(BuiltinException::Exception)]
                } else {
                    decl.bases
                        .iter()
                        .map(|base| self.node(decl, base).and_then(|n| self.resolved(n)))
                        .collect::<Result<_, _>>()?
                }
            }
        })
    }

    /// Python's method resolution order (C3) of an exception class.
    fn linearize(&self, node: &Node, depth: usize) -> Result<Vec<Node>, EvalSetupError> {
        if depth > 100 {
            let name = match node {
                Node::Declared(name) => name.as_str(),
                _ => "?",
            };
            return Err(EvalSetupError(format!(
                "the class `{name}` derives from itself"
            )));
        }
        let bases = self.bases(node)?;
        let mut sequences: Vec<Vec<Node>> = bases
            .iter()
            .map(|base| self.linearize(base, depth + 1))
            .collect::<Result<_, _>>()?;
        sequences.push(bases);
        let mut out = vec![node.clone()];
        loop {
            sequences.retain(|s| !s.is_empty());
            if sequences.is_empty() {
                return Ok(out);
            }
            let head = sequences
                .iter()
                .map(|s| &s[0])
                .find(|candidate| !sequences.iter().any(|s| s[1..].contains(candidate)))
                .cloned();
            let Some(head) = head else {
                let name = match node {
                    Node::Declared(name) => name.clone(),
                    _ => "?".to_string(),
                };
                return Err(EvalSetupError(format!(
                    "the exception `{name}` cannot derive from its bases: Cannot create a consistent method resolution order (MRO)"
                )));
            };
            for sequence in &mut sequences {
                if sequence[0] == head {
                    sequence.remove(0);
                }
            }
            out.push(head);
        }
    }

    /// The codec's chain of an exception class: every class of its MRO,
    /// except builtin classes implied by an earlier builtin one.
    fn chain_of(&self, node: &Node) -> Result<Vec<ClassName>, EvalSetupError> {
        let node = self.resolved(node.clone())?;
        let mut chain = Vec::new();
        let mut kept: Vec<BuiltinException> = Vec::new();
        for entry in self.linearize(&node, 0)? {
            match entry {
                Node::Builtin(builtin) => {
                    if kept.iter().any(|k| k.derives_from(builtin)) {
                        continue;
                    }
                    kept.push(builtin);
                    chain.push(builtin.class_name());
                }
                Node::Engine(identity) => chain.push(ClassName::new(identity)),
                Node::Declared(name) => chain.push(ClassName::new(&self.decls[&name].identity())),
            }
        }
        Ok(chain)
    }

    // ------------------------------------------------------------- records

    fn ancestors(
        &self,
        decl: &ClassDecl,
        constant: &dyn Fn(&Expr) -> Outcome,
        building: &mut Vec<String>,
    ) -> Result<Vec<ClassName>, EvalSetupError> {
        let mut ancestors = vec![ClassName::new(&decl.identity())];
        for base in &decl.bases {
            let inherited = match self.decls.get(base) {
                Some(base_decl) if base_decl.kind == decl.kind => {
                    match self.build(base, constant, building)? {
                        Class::Record { ancestors, .. } | Class::Enum { ancestors, .. } => {
                            ancestors
                        }
                        Class::Exception(_) | Class::NamedTuple { .. } => Vec::new(),
                    }
                }
                _ => {
                    return Err(EvalSetupError(format!(
                        "the {} `{}` derives from a class that is not a {}",
                        decl.kind.as_str(),
                        decl.name,
                        decl.kind.as_str()
                    )));
                }
            };
            for ancestor in inherited {
                if !ancestors.contains(&ancestor) {
                    ancestors.push(ancestor);
                }
            }
        }
        Ok(ancestors)
    }

    fn record_class(
        &self,
        decl: &ClassDecl,
        constant: &dyn Fn(&Expr) -> Outcome,
        building: &mut Vec<String>,
    ) -> Result<Class, EvalSetupError> {
        let ancestors = self.ancestors(decl, constant, building)?;
        let kind = if decl.kind == ClassKind::Model {
            RecordKind::Model
        } else {
            RecordKind::Dataclass
        };
        Ok(Class::Record {
            class: Arc::new(RecordClass {
                name: ClassName::new(&decl.identity()),
                kind,
                frozen: decl.frozen,
            }),
            name: decl.name.clone(),
            ancestors,
        })
    }

    // ------------------------------------------------------------- enums

    fn enum_class(
        &self,
        decl: &ClassDecl,
        constant: &dyn Fn(&Expr) -> Outcome,
        building: &mut Vec<String>,
    ) -> Result<Class, EvalSetupError> {
        let mixins: Vec<&str> = decl
            .bases
            .iter()
            .map(String::as_str)
            .filter(|b| matches!(*b, "str" | "int" | "float"))
            .collect();
        let others: Vec<&str> = decl
            .bases
            .iter()
            .map(String::as_str)
            .filter(|b| !matches!(*b, "str" | "int" | "float"))
            .collect();
        if mixins.len() > 1 || others.len() != 1 {
            let bases = if decl.bases.is_empty() {
                "nothing".to_string()
            } else {
                decl.bases.join(", ")
            };
            return Err(EvalSetupError(format!(
                "the enum `{}` derives from {bases}: an enum derives from one enum class, after at most one of str, int and float",
                decl.name
            )));
        }
        let base = others[0];
        let not_an_enum = || {
            EvalSetupError(format!(
                "the enum `{}` derives from `{base}`, which is not an enum without members",
                decl.name
            ))
        };
        // The flavor decides str(), equality and the members' type.
        let (mut kind, mut member_type, mut ancestors) = match base {
            "Enum" | "Flag" => (EnumKind::Plain, None, Vec::new()),
            "IntEnum" | "IntFlag" => (EnumKind::ReprEnum, Some("int"), Vec::new()),
            "StrEnum" => (EnumKind::ReprEnum, Some("strenum"), Vec::new()),
            _ => match self.decls.get(base) {
                Some(base_decl) if base_decl.kind == ClassKind::Enum => {
                    match self.build(base, constant, building)? {
                        Class::Enum {
                            class, ancestors, ..
                        } if class.members.is_empty() => {
                            let base_type = self.enum_member_type(base_decl);
                            (class.kind, base_type, ancestors)
                        }
                        _ => return Err(not_an_enum()),
                    }
                }
                _ => return Err(not_an_enum()),
            },
        };
        if let Some(mixin) = mixins.first() {
            if kind == EnumKind::Plain {
                kind = EnumKind::Mixin;
            }
            if member_type.is_none() {
                member_type = Some(mixin);
            }
        }
        ancestors.insert(0, ClassName::new(&decl.identity()));
        let mut members: Vec<(crate::value::Str, Value)> = Vec::new();
        let mut names: Vec<(String, usize)> = Vec::new();
        let failed = |exc: Exception| {
            EvalSetupError(format!(
                "cannot build the enum `{}`: {}",
                decl.name,
                exc.message()
            ))
        };
        for member in decl.members() {
            let value = constant(&member.value).map_err(failed)?;
            let value = match member_type {
                None => value,
                Some("int") => Value::Int(to_int(&value, None).map_err(failed)?),
                Some("float") => Value::Float(to_float(&value).map_err(failed)?),
                Some("strenum") => match value {
                    Value::Str(_) => value,
                    other => {
                        return Err(failed(type_error(format!(
                            "{} is not a string",
                            repr::repr(&other).unwrap_or_default()
                        ))));
                    }
                },
                Some(_) => Value::str(&repr::str(&value).map_err(failed)?),
            };
            // A member whose value equals an earlier one's is an alias of it.
            let index = match members.iter().position(|(_, v)| compare::eq(v, &value)) {
                Some(index) => index,
                None => {
                    members.push((Arc::from(member.name.as_str()), value));
                    members.len() - 1
                }
            };
            names.push((member.name.clone(), index));
        }
        Ok(Class::Enum {
            class: Arc::new(EnumClass {
                name: ClassName::new(&decl.identity()),
                kind,
                members,
            }),
            names,
            ancestors,
        })
    }

    /// The type an enum's members are converted to, by its bases.
    fn enum_member_type(&self, decl: &ClassDecl) -> Option<&'static str> {
        for base in &decl.bases {
            match base.as_str() {
                "str" => return Some("str"),
                "int" | "IntEnum" | "IntFlag" => return Some("int"),
                "float" => return Some("float"),
                "StrEnum" => return Some("strenum"),
                other => {
                    if let Some(base_decl) = self.decls.get(other) {
                        if base_decl.kind == ClassKind::Enum && base_decl.name != decl.name {
                            if let Some(found) = self.enum_member_type(base_decl) {
                                return Some(found);
                            }
                        }
                    }
                }
            }
        }
        None
    }

    /// The chain of the declared exception class (or engine class) with this identity.
    fn declared_chain(&self, identity: &str) -> Option<Vec<ClassName>> {
        if identity == RAPPEL_ERROR || identity == RAPPEL_TIMEOUT {
            let engine = if identity == RAPPEL_ERROR {
                RAPPEL_ERROR
            } else {
                RAPPEL_TIMEOUT
            };
            return self.chain_of(&Node::Engine(engine)).ok();
        }
        match self.built.get(self.by_identity.get(identity)?)? {
            Class::Exception(chain) => Some(chain.clone()),
            _ => None,
        }
    }

    /// Whether the exception is an instance of the class with identity
    /// `class`: its chain names it, or names a builtin class derived from it,
    /// or names a declared class derived from it (an exception of an
    /// undeclared class stands in for one deriving from its declared bases).
    pub fn exception_is(&self, exc: &Exception, class: &ClassName) -> bool {
        if exc.matches(class) {
            return true;
        }
        exc.chain().iter().any(|entry| {
            self.declared_chain(entry.as_str()).is_some_and(|chain| {
                chain.len() > 1 && {
                    let stand_in = Exception::construct(chain, Vec::new());
                    stand_in.matches(class)
                }
            })
        })
    }
}

fn builtin_node(name: &str) -> Option<Node> {
    if name == "RappelTimeout" {
        return Some(Node::Engine(RAPPEL_TIMEOUT));
    }
    BuiltinException::from_name(name).map(Node::Builtin)
}

/// A NamedTuple class: its fields, and the defaults of the last ones.
fn named_tuple_class(
    decl: &ClassDecl,
    constant: &dyn Fn(&Expr) -> Outcome,
) -> Result<Class, EvalSetupError> {
    if !decl.bases.is_empty() {
        return Err(EvalSetupError(format!(
            "the NamedTuple `{}` derives from {}: a NamedTuple has no base",
            decl.name,
            decl.bases.join(", ")
        )));
    }
    let fields = decl.fields().unwrap_or_default();
    let mut defaults = Vec::new();
    for field in &fields {
        match &field.default {
            Some(default) => defaults.push(constant(default).map_err(|exc| {
                EvalSetupError(format!(
                    "the default of the field `{}` of `{}`: {}",
                    field.name,
                    decl.name,
                    exc.message()
                ))
            })?),
            None if !defaults.is_empty() => {
                return Err(EvalSetupError(format!(
                    "the NamedTuple `{}` has a field without a default after one with a default",
                    decl.name
                )));
            }
            None => {}
        }
    }
    Ok(Class::NamedTuple {
        class: Arc::new(NamedTupleClass {
            name: ClassName::new(&decl.identity()),
            fields: fields.iter().map(|f| Arc::from(f.name.as_str())).collect(),
        }),
        defaults,
    })
}

impl Classes for ProgramClasses {
    fn enum_class(&self, name: &str) -> Option<Arc<EnumClass>> {
        match self.built.get(self.by_identity.get(name)?)? {
            Class::Enum { class, .. } => Some(class.clone()),
            _ => None,
        }
    }

    fn record_class(&self, name: &str) -> Option<Arc<RecordClass>> {
        match self.built.get(self.by_identity.get(name)?)? {
            Class::Record { class, .. } => Some(class.clone()),
            _ => None,
        }
    }

    fn named_tuple_class(&self, name: &str) -> Option<Arc<NamedTupleClass>> {
        match self.built.get(self.by_identity.get(name)?)? {
            Class::NamedTuple { class, .. } => Some(class.clone()),
            _ => None,
        }
    }

    fn exception_chain(&self, name: &str) -> Option<Vec<ClassName>> {
        self.declared_chain(name)
    }
}
