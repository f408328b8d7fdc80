//! The evaluator: RRL expressions walked over their AST with the semantics of
//! `language/rrl/evaluate.py` (the reference), binding and deleting targets
//! with RRL's value semantics.
//!
//! Values are immutable: `x[k] = v`, `x.f = v`, `del x[k]` and a changing
//! method (`xs.append(1)`) rebind the variable to a changed copy, put back
//! through every container on the way to it (`bind_back`), a tuple or a
//! frozen model included, exactly where Python would have changed the object
//! in place. A value held by one variable alone is changed where it is
//! (`Arc::make_mut`): nothing else can see the difference, and appending to a
//! list in a loop stays linear.

use std::collections::BTreeMap;
use std::sync::Arc;

use indexmap::IndexMap;
use num_bigint::BigInt;

use crate::syntax::ast::{ClassDecl, Comprehension, Constant, Expr, ExprKind, FPart, Keyword};
use crate::value::class::Classes;
use crate::value::{
    BuiltinException, ClassName, EnumMember, Exception, Function, Int, Key, Lambda,
    NamedTupleClass, Outcome, Record, RecordKind, Str, Type, Value,
};

use super::builtins::{FUNCTIONS, Invoke, builtin_value, call, call_builtin, iterate};
use super::classes::{Class, ProgramClasses};
use super::dates;
use super::format::format_field;
use super::methods::{
    IN_PLACE_LIST_METHODS, call_method, change_list_in_place, changes_receiver, dict_fromkeys,
    usable,
};
use super::ops::{
    self, BinaryOp, CompareOp, UnaryOp, binary, compare, delete_item, delete_slice, in_place_add,
    in_place_or, set_item, set_slice, truthy, type_error, unary,
};

pub use super::classes::EvalSetupError;

/// A region's variables, in the order they were first bound.
pub type Env = IndexMap<String, Value>;

/// Evaluates the expressions of one program, whose declared classes it
/// builds once (`new`).
#[derive(Clone, Debug)]
pub struct Evaluator {
    classes: ProgramClasses,
}

/// A lambda of the program: its parameters, its body and the variables it
/// was made in.
struct Closure {
    params: Vec<String>,
    body: Expr,
    env: Env,
}

/// The evaluator's way back in for a lambda that a builtin calls.
struct Calls<'a>(&'a Evaluator);

impl Invoke for Calls<'_> {
    fn call_lambda(&mut self, lambda: &Lambda, args: Vec<Value>) -> Outcome {
        let Some(closure) = lambda.0.downcast_ref::<Closure>() else {
            return Err(type_error("'function' object is not callable"));
        };
        if args.len() != closure.params.len() {
            return Err(type_error(format!(
                "<lambda>() takes {} positional arguments but {} were given",
                closure.params.len(),
                args.len()
            )));
        }
        let mut scope = closure.env.clone();
        for (param, arg) in closure.params.iter().zip(args) {
            scope.insert(param.clone(), arg);
        }
        self.0.eval(&closure.body, &mut scope)
    }
}

/// An index as a subscript evaluates it: an item's key or a slice's bounds.
enum Index {
    Item(Value),
    Slice(Option<Value>, Option<Value>, Option<Value>),
}

/// Keyword arguments, in order.
type Kwargs = Vec<(Str, Value)>;

impl Evaluator {
    /// From the declared classes of a program or DAG (`Dag.types`).
    pub fn new(types: &BTreeMap<String, ClassDecl>) -> Result<Evaluator, EvalSetupError> {
        let plain = Evaluator {
            classes: ProgramClasses::default(),
        };
        let constant = |expr: &Expr| plain.eval(expr, &mut Env::new());
        Ok(Evaluator {
            classes: ProgramClasses::new(types, &constant)?,
        })
    }

    /// Values arriving from outside (arguments, action results, snapshots)
    /// read into the program's classes, as the Python codec's resolver does:
    /// pass it to `value::codec::decode`.
    pub fn resolver(&self) -> &dyn Classes {
        &self.classes
    }

    /// Whether `exc` is an instance of the class the program names `class`
    /// (declared exception classes, builtin hierarchy), as `except class:`
    /// tests it. A name that is not an exception class matches nothing.
    pub fn matches(&self, exc: &Exception, class: &str) -> bool {
        self.catches(exc, class).unwrap_or(false)
    }

    /// `matches`, with Python's TypeError for a name that is not an
    /// exception class (`except Color:`).
    pub fn catches(&self, exc: &Exception, class: &str) -> Outcome<bool> {
        match self.classes.named(class) {
            Some(Class::Exception(chain)) => Ok(self.classes.exception_is(exc, &chain[0])),
            _ => Err(type_error(format!(
                "catching classes that do not inherit from BaseException is not allowed: {class}"
            ))),
        }
    }

    // ---------------------------------------------------------- expressions

    pub fn eval(&self, expr: &Expr, env: &mut Env) -> Outcome {
        match &expr.kind {
            ExprKind::Name(id) => self.name(id, env),
            ExprKind::Constant(constant) => Ok(constant_value(constant)),
            ExprKind::FString(parts) => {
                let mut out = String::new();
                for part in parts {
                    match part {
                        FPart::Text(text) => out.push_str(text),
                        FPart::Field {
                            value,
                            conversion,
                            spec,
                            ..
                        } => {
                            let value = self.eval(value, env)?;
                            out.push_str(&format_field(
                                &value,
                                *conversion,
                                spec.as_deref().unwrap_or(""),
                            )?);
                        }
                    }
                }
                Ok(Value::str(&out))
            }
            ExprKind::List(elts) => Ok(Value::list(self.elements(elts, env)?)),
            ExprKind::Tuple(elts) => Ok(Value::tuple(self.elements(elts, env)?)),
            ExprKind::Starred(_) => Err(Exception::new(
                BuiltinException::SyntaxError,
                "can't use starred expression here",
            )),
            ExprKind::Dict(items) => {
                let mut out = crate::value::Dict::new();
                for (key, value) in items {
                    match key {
                        None => {
                            let mapping = self.eval(value, env)?;
                            let Value::Dict(mapping) = mapping else {
                                return Err(type_error(format!(
                                    "'{}' object is not a mapping",
                                    python_type_name(&mapping)
                                )));
                            };
                            for (k, v) in mapping.iter() {
                                out.insert(k.clone(), v.clone());
                            }
                        }
                        Some(key) => {
                            let key = self.eval(key, env)?;
                            let value = self.eval(value, env)?;
                            out.set(key, value)?;
                        }
                    }
                }
                Ok(Value::Dict(Arc::new(out)))
            }
            ExprKind::Attribute(owner, attr) => self.attribute(owner, attr, env),
            ExprKind::Subscript(value, index) => {
                let value = self.eval(value, env)?;
                match self.index(index, env)? {
                    Index::Item(key) => ops::subscript(&value, &key),
                    Index::Slice(lower, upper, step) => {
                        ops::slice(&value, lower.as_ref(), upper.as_ref(), step.as_ref())
                    }
                }
            }
            ExprKind::Slice(..) => Err(type_error("a slice is only an index")),
            ExprKind::BinOp(left, op, right) => {
                let left = self.eval(left, env)?;
                let right = self.eval(right, env)?;
                match op.as_str() {
                    "+=" => return in_place_add(&left, &right),
                    "|=" => return in_place_or(&left, &right),
                    _ => {}
                }
                let op = BinaryOp::from_symbol(op)
                    .ok_or_else(|| type_error(format!("no operator {op}")))?;
                binary(op, &left, &right)
            }
            ExprKind::UnaryOp(op, operand) => {
                let value = self.eval(operand, env)?;
                match op.as_str() {
                    "not" => Ok(Value::Bool(!truthy(&value))),
                    "-" => unary(UnaryOp::Neg, &value),
                    _ => unary(UnaryOp::Pos, &value),
                }
            }
            ExprKind::BoolOp(op, operands) => {
                let mut value = Value::None;
                let is_and = op == "and";
                for operand in operands {
                    value = self.eval(operand, env)?;
                    if is_and != truthy(&value) {
                        return Ok(value);
                    }
                }
                Ok(value)
            }
            ExprKind::Compare(left, rest) => {
                let mut left = self.eval(left, env)?;
                for (op, comparator) in rest {
                    let right = self.eval(comparator, env)?;
                    let op = CompareOp::from_symbol(op)
                        .ok_or_else(|| type_error(format!("no comparison {op}")))?;
                    if !compare(op, &left, &right)? {
                        return Ok(Value::Bool(false));
                    }
                    left = right;
                }
                Ok(Value::Bool(true))
            }
            ExprKind::Conditional { test, body, orelse } => {
                if truthy(&self.eval(test, env)?) {
                    self.eval(body, env)
                } else {
                    self.eval(orelse, env)
                }
            }
            ExprKind::Call { func, args, kwargs } => self.call(func, args, kwargs, env),
            ExprKind::Lambda(params, body) => Ok(Value::Function(Function::Lambda(Lambda(
                Arc::new(Closure {
                    params: params.clone(),
                    body: (**body).clone(),
                    env: env.clone(),
                }),
            )))),
            ExprKind::ListComp(elt, generators) => {
                let mut out = Vec::new();
                self.comprehension(generators, env, &mut |scope| {
                    out.push(self.eval(elt, scope)?);
                    Ok(())
                })?;
                Ok(Value::list(out))
            }
            ExprKind::DictComp(key, value, generators) => {
                let mut out = crate::value::Dict::new();
                self.comprehension(generators, env, &mut |scope| {
                    let key = self.eval(key, scope)?;
                    let value = self.eval(value, scope)?;
                    out.set(key, value)
                })?;
                Ok(Value::Dict(Arc::new(out)))
            }
        }
    }

    fn name(&self, id: &str, env: &Env) -> Outcome {
        if let Some(value) = env.get(id) {
            return Ok(value.clone());
        }
        if id != "isinstance" {
            if let Some(value) = builtin_value(id) {
                return Ok(value);
            }
        }
        Err(unbound(id))
    }

    fn elements(&self, elts: &[Expr], env: &mut Env) -> Outcome<Vec<Value>> {
        let mut out = Vec::with_capacity(elts.len());
        for elt in elts {
            match &elt.kind {
                ExprKind::Starred(value) => out.extend(iterate(&self.eval(value, env)?)?),
                _ => out.push(self.eval(elt, env)?),
            }
        }
        Ok(out)
    }

    fn index(&self, index: &Expr, env: &mut Env) -> Outcome<Index> {
        if let ExprKind::Slice(lower, upper, step) = &index.kind {
            let mut bound = |part: &Option<Box<Expr>>| -> Outcome<Option<Value>> {
                part.as_ref().map(|p| self.eval(p, env)).transpose()
            };
            return Ok(Index::Slice(bound(lower)?, bound(upper)?, bound(step)?));
        }
        self.eval(index, env).map(Index::Item)
    }

    /// The declared class (or builtin exception) `node` names, when it names
    /// one rather than a variable.
    fn type_name<'e>(&self, node: &'e Expr, env: &Env) -> Option<&'e str> {
        match &node.kind {
            ExprKind::Name(id) if !env.contains_key(id) && self.classes.is_class_name(id) => {
                Some(id)
            }
            _ => None,
        }
    }

    fn attribute(&self, owner: &Expr, attr: &str, env: &mut Env) -> Outcome {
        if let Some(class) = self.type_name(owner, env) {
            return self.member(class, attr);
        }
        let value = self.eval(owner, env)?;
        if let (Value::Type(ty), "__name__") = (&value, attr) {
            return Ok(Value::str(ty.name()));
        }
        if attr.starts_with('_') && !(attr == "_fields" && matches!(value, Value::NamedTuple(..))) {
            return Err(Exception::new(
                BuiltinException::AttributeError,
                format!(
                    "'{}' object attribute '{attr}' is private",
                    python_type_name(&value)
                ),
            ));
        }
        if let Value::Type(ty) = &value {
            return self.class_attribute(ty, attr);
        }
        if let (Value::Enum(member), "name") = (&value, attr) {
            if member.name.is_none() {
                return Err(Exception::new(
                    BuiltinException::AttributeError,
                    format!(
                        "the program does not declare the enum {}, so the names of its members are unknown",
                        member.class.name
                    ),
                ));
            }
        }
        ops::attribute(&value, attr)
    }

    /// `type(x).NAME`: a member of a declared enum; a class has no other
    /// attribute a workflow reads (an enum class says so with the bare name,
    /// as Python's `EnumType.__getattr__` does).
    fn class_attribute(&self, ty: &Type, attr: &str) -> Outcome {
        if let Type::Class(identity) = ty {
            let declared = self
                .classes
                .name_of(identity.as_str())
                .and_then(|name| self.classes.named(name).map(|class| (name, class)));
            if let Some((name, Class::Enum { .. })) = declared {
                return self.member(name, attr).map_err(|_| {
                    Exception::builtin(BuiltinException::AttributeError, vec![Value::str(attr)])
                });
            }
        }
        Err(Exception::new(
            BuiltinException::AttributeError,
            format!("type object '{}' has no attribute '{attr}'", ty.name()),
        ))
    }

    /// `T.NAME`: the member `NAME` of the enum `T`.
    fn member(&self, class: &str, attr: &str) -> Outcome {
        let shown = match self.classes.named(class) {
            Some(Class::Enum { class, names, .. }) => {
                if let Some((_, index)) = names.iter().find(|(name, _)| name == attr) {
                    let (name, value) = &class.members[*index];
                    return Ok(Value::Enum(Arc::new(EnumMember {
                        class: class.clone(),
                        name: Some(name.clone()),
                        value: value.clone(),
                    })));
                }
                class.name.name().to_string()
            }
            Some(Class::Record { class, .. }) => class.name.name().to_string(),
            Some(Class::NamedTuple { class, .. }) => class.name.name().to_string(),
            Some(Class::Exception(chain)) => chain[0].name().to_string(),
            None => class.to_string(),
        };
        Err(Exception::new(
            BuiltinException::AttributeError,
            format!("type object '{shown}' has no attribute '{attr}'"),
        ))
    }

    /// The variable scopes of a comprehension's iterations, in order, each
    /// given to `each`. The first iterable is evaluated in the enclosing
    /// scope, as Python does; every iteration has its own copy of the scope.
    fn comprehension(
        &self,
        generators: &[Comprehension],
        env: &mut Env,
        each: &mut dyn FnMut(&mut Env) -> Outcome<()>,
    ) -> Outcome<()> {
        let Some(first) = generators.first() else {
            return Ok(());
        };
        let items = iterate(&self.eval(&first.iter, env)?)?;
        self.scopes(generators, env, items, each)
    }

    fn scopes(
        &self,
        generators: &[Comprehension],
        env: &Env,
        items: Vec<Value>,
        each: &mut dyn FnMut(&mut Env) -> Outcome<()>,
    ) -> Outcome<()> {
        let Some((first, rest)) = generators.split_first() else {
            return Ok(());
        };
        'items: for item in items {
            let mut scope = env.clone();
            self.bind(&first.target, item, &mut scope)?;
            for condition in &first.ifs {
                if !truthy(&self.eval(condition, &mut scope)?) {
                    continue 'items;
                }
            }
            match rest.first() {
                Some(next) => {
                    let inner = iterate(&self.eval(&next.iter, &mut scope)?)?;
                    self.scopes(rest, &scope, inner, each)?;
                }
                None => each(&mut scope)?,
            }
        }
        Ok(())
    }

    // ---------------------------------------------------------- calls

    fn arguments(
        &self,
        args: &[Expr],
        kwargs: &[Keyword],
        env: &mut Env,
    ) -> Outcome<(Vec<Value>, Kwargs)> {
        let positional = self.elements(args, env)?;
        let mut keywords: Kwargs = Vec::with_capacity(kwargs.len());
        for keyword in kwargs {
            let value = self.eval(&keyword.value, env)?;
            match keywords
                .iter_mut()
                .find(|(name, _)| **name == *keyword.name)
            {
                Some((_, slot)) => *slot = value,
                None => keywords.push((Arc::from(keyword.name.as_str()), value)),
            }
        }
        Ok((positional, keywords))
    }

    fn call(&self, func: &Expr, args: &[Expr], kwargs: &[Keyword], env: &mut Env) -> Outcome {
        match &func.kind {
            ExprKind::Name(id) if !env.contains_key(id) => {
                if id == "isinstance" {
                    return self.isinstance(args, env);
                }
                let (args, kwargs) = self.arguments(args, kwargs, env)?;
                if FUNCTIONS.contains(&id.as_str()) {
                    return call_builtin(id, args, kwargs, &mut Calls(self));
                }
                self.construct(id, args, kwargs)
            }
            ExprKind::Attribute(owner, attr) => {
                if let ExprKind::Name(id) = &owner.kind {
                    if id == "dict" && attr == "fromkeys" && !env.contains_key(id) {
                        let (args, kwargs) = self.arguments(args, kwargs, env)?;
                        if !kwargs.is_empty() {
                            return Err(type_error("dict.fromkeys() takes no keyword arguments"));
                        }
                        return dict_fromkeys(&args);
                    }
                    if !env.contains_key(id) && dates::is_class_method(id, attr) {
                        let (args, kwargs) = self.arguments(args, kwargs, env)?;
                        return dates::class_method(id, attr, &args, &kwargs);
                    }
                }
                self.method_call(owner, attr, args, kwargs, env)
            }
            _ => {
                let callee = self.eval(func, env)?;
                let (args, kwargs) = self.arguments(args, kwargs, env)?;
                match (&callee, kwargs.is_empty()) {
                    (_, true) => call(&callee, args, &mut Calls(self)),
                    (Value::Function(Function::Builtin(name)), false) => {
                        call_builtin(name, args, kwargs, &mut Calls(self))
                    }
                    (Value::Type(Type::Builtin(builtin)), false) => {
                        call_builtin(builtin.name(), args, kwargs, &mut Calls(self))
                    }
                    (Value::Function(Function::Lambda(_)), false) => Err(type_error(format!(
                        "<lambda>() got an unexpected keyword argument '{}'",
                        kwargs[0].0
                    ))),
                    _ => call(&callee, args, &mut Calls(self)),
                }
            }
        }
    }

    fn method_call(
        &self,
        owner: &Expr,
        attr: &str,
        args: &[Expr],
        kwargs: &[Keyword],
        env: &mut Env,
    ) -> Outcome {
        let receiver = self.eval(owner, env)?;
        if !usable(&receiver, attr) {
            return Err(type_error(format!(
                "'{}' object has no method '{attr}' usable in a workflow",
                python_type_name(&receiver)
            )));
        }
        let changes = changes_receiver(&receiver, attr);
        if changes && !is_target(owner) {
            return Err(type_error(format!(
                "{attr}() changes its receiver, which must be a variable"
            )));
        }
        let (args, kwargs) = self.arguments(args, kwargs, env)?;
        // A variable's own list (its arguments did not rebind it) changes where it is.
        if changes && matches!(receiver, Value::List(_)) && IN_PLACE_LIST_METHODS.contains(&attr) {
            if let ExprKind::Name(name) = &owner.kind {
                if let Some(slot) = env.get_mut(name) {
                    if same_object(slot, &receiver) {
                        drop(receiver);
                        return change_list_in_place(slot, attr, args, &kwargs);
                    }
                }
            }
        }
        let called = call_method(&receiver, attr, args, kwargs, &mut Calls(self))?;
        if let Some(changed) = called.changed {
            drop(receiver);
            self.bind_back(owner, changed, env)?;
        }
        Ok(called.value)
    }

    fn isinstance(&self, args: &[Expr], env: &mut Env) -> Outcome {
        let [value, spec] = args else {
            return Err(type_error(format!(
                "isinstance expected 2 arguments, got {}",
                args.len()
            )));
        };
        let value = self.eval(value, env)?;
        let names: Vec<&Expr> = match &spec.kind {
            ExprKind::Tuple(elts) => elts.iter().collect(),
            _ => vec![spec],
        };
        for name in names {
            let ExprKind::Name(name) = &name.kind else {
                return Err(not_a_type_name());
            };
            let found = if matches!(
                name.as_str(),
                "int" | "float" | "str" | "bool" | "list" | "dict" | "tuple" | "NoneType" | "bytes"
            ) {
                super::builtins::is_instance_of_builtin(&value, name)
            } else {
                match self.classes.named(name) {
                    None => return Err(not_a_type_name()),
                    Some(class) => self.instance_of(&value, &class),
                }
            };
            if found {
                return Ok(Value::Bool(true));
            }
        }
        Ok(Value::Bool(false))
    }

    fn instance_of(&self, value: &Value, class: &Class) -> bool {
        let declared_ancestors = |identity: &ClassName| -> Vec<ClassName> {
            match self
                .classes
                .name_of(identity.as_str())
                .and_then(|name| self.classes.named(name))
            {
                Some(Class::Record { ancestors, .. } | Class::Enum { ancestors, .. }) => ancestors,
                _ => vec![identity.clone()],
            }
        };
        match (value, class) {
            (Value::Exception(exc), Class::Exception(chain)) => {
                self.classes.exception_is(exc, &chain[0])
            }
            (Value::Record(record), Class::Record { class, .. }) => {
                declared_ancestors(&record.class.name).contains(&class.name)
            }
            (Value::Enum(member), Class::Enum { class, .. }) => {
                declared_ancestors(&member.class.name).contains(&class.name)
            }
            (Value::NamedTuple(named, _), Class::NamedTuple { class, .. }) => {
                named.name == class.name
            }
            _ => false,
        }
    }

    /// `Name(*args, **kwargs)` for a class of the program: an exception, an
    /// enum's member by value, or a model or dataclass from its fields by name
    /// (a field left out takes its declared default; nothing is validated).
    fn construct(&self, name: &str, args: Vec<Value>, kwargs: Kwargs) -> Outcome {
        match self.classes.named(name) {
            None => Err(Exception::new(
                BuiltinException::NameError,
                format!("name '{name}' is not defined"),
            )),
            Some(Class::Exception(chain)) => new_exception(chain, args, kwargs),
            Some(Class::NamedTuple { class, defaults }) => {
                new_named_tuple(&class, &defaults, args, kwargs)
            }
            Some(Class::Enum { class, .. }) => {
                if let Some((keyword, _)) = kwargs.first() {
                    return Err(type_error(format!(
                        "EnumType.__call__() got an unexpected keyword argument '{keyword}'"
                    )));
                }
                let value = match args.as_slice() {
                    [] => {
                        return Err(type_error(
                            "EnumType.__call__() missing 1 required positional argument: 'value'",
                        ));
                    }
                    [value] => value,
                    _ => {
                        return Err(type_error(format!(
                            "{}() takes 1 positional argument but {} were given",
                            class.name.name(),
                            args.len()
                        )));
                    }
                };
                if let Value::Enum(member) = value {
                    if member.class.name == class.name {
                        return Ok(value.clone());
                    }
                }
                match class
                    .members
                    .iter()
                    .find(|(_, member)| crate::value::compare::eq(member, value))
                {
                    Some((member_name, member_value)) => Ok(Value::Enum(Arc::new(EnumMember {
                        class: class.clone(),
                        name: Some(member_name.clone()),
                        value: member_value.clone(),
                    }))),
                    None => Err(Exception::new(
                        BuiltinException::ValueError,
                        format!(
                            "{} is not a valid {}",
                            crate::value::repr::repr(value)?,
                            class.name.qualname()
                        ),
                    )),
                }
            }
            Some(Class::Record {
                class,
                name: decl_name,
                ..
            }) => {
                let Some(decl) = self.classes.declaration(&decl_name) else {
                    return Err(type_error(format!("{name}() is not declared")));
                };
                let label = format!("{}()", decl.qualname);
                let Some(fields) = decl.fields() else {
                    return Err(type_error(format!(
                        "{label}: the program does not declare the fields of {}, so it cannot build one",
                        decl.name
                    )));
                };
                if !args.is_empty() {
                    return Err(type_error(format!(
                        "{label} takes its fields by name, not {} positional argument{}",
                        args.len(),
                        plural(args.len())
                    )));
                }
                if let Some((unknown, _)) = kwargs
                    .iter()
                    .find(|(k, _)| !fields.iter().any(|f| *f.name == **k))
                {
                    return Err(type_error(format!(
                        "{label} got an unexpected keyword argument '{unknown}'"
                    )));
                }
                let missing: Vec<String> = fields
                    .iter()
                    .filter(|f| f.default.is_none() && !kwargs.iter().any(|(k, _)| **k == *f.name))
                    .map(|f| format!("'{}'", f.name))
                    .collect();
                if !missing.is_empty() {
                    return Err(type_error(format!(
                        "{label} missing {} required argument{}: {}",
                        missing.len(),
                        plural(missing.len()),
                        missing.join(" and ")
                    )));
                }
                let mut values = Vec::with_capacity(fields.len());
                for field in fields {
                    let value = match kwargs.iter().find(|(k, _)| **k == *field.name) {
                        Some((_, value)) => value.clone(),
                        None => match &field.default {
                            Some(default) => self.eval(default, &mut Env::new())?,
                            None => Value::None,
                        },
                    };
                    values.push((Arc::from(field.name.as_str()), value));
                }
                Ok(Value::Record(Arc::new(Record {
                    class,
                    fields: values,
                })))
            }
        }
    }

    // ---------------------------------------------------------- assignment

    /// Assign `value` to `target` in `env` (value semantics, see the module doc).
    pub fn bind(&self, target: &Expr, value: Value, env: &mut Env) -> Outcome<()> {
        match &target.kind {
            ExprKind::Name(name) => {
                match env.get_mut(name) {
                    Some(slot) => *slot = value,
                    None => {
                        env.insert(name.clone(), value);
                    }
                }
                Ok(())
            }
            ExprKind::Tuple(elts) => self.unpack(elts, value, env),
            ExprKind::Subscript(container_expr, index) => {
                let mut container = self.eval(container_expr, env)?;
                let index = self.index(index, env)?;
                // A variable's list or dict that nothing else holds changes where it is.
                if let ExprKind::Name(name) = &container_expr.kind {
                    if let Some(slot) = env.get_mut(name) {
                        if same_object(slot, &container) {
                            drop(container);
                            return set_at(slot, &index, value, false);
                        }
                    }
                }
                set_at(&mut container, &index, value, false)?;
                self.bind_back(container_expr, container, env)
            }
            ExprKind::Attribute(owner_expr, attr) => {
                let owner = self.eval(owner_expr, env)?;
                let updated = self.with_field(owner, attr, value, true)?;
                self.bind_back(owner_expr, updated, env)
            }
            _ => Err(type_error(format!(
                "cannot assign to {}",
                node_name(&target.kind)
            ))),
        }
    }

    /// `a, *rest, b = value`, with Python's messages.
    fn unpack(&self, elts: &[Expr], value: Value, env: &mut Env) -> Outcome<()> {
        if let Value::Set(_) | Value::FrozenSet(_) = value {
            iterate(&value)?; // refused with its own message: a set has no order to unpack in
        }
        let items = iterate(&value).map_err(|_| {
            type_error(format!(
                "cannot unpack non-iterable {} object",
                python_type_name(&value)
            ))
        })?;
        let star = elts
            .iter()
            .position(|elt| matches!(elt.kind, ExprKind::Starred(_)));
        let pairs: Vec<(&Expr, Value)> = match star {
            None => {
                if items.len() > elts.len() {
                    return Err(Exception::new(
                        BuiltinException::ValueError,
                        format!("too many values to unpack (expected {})", elts.len()),
                    ));
                }
                if items.len() < elts.len() {
                    return Err(Exception::new(
                        BuiltinException::ValueError,
                        format!(
                            "not enough values to unpack (expected {}, got {})",
                            elts.len(),
                            items.len()
                        ),
                    ));
                }
                elts.iter().zip(items).collect()
            }
            Some(star) => {
                let after = elts.len() - star - 1;
                if items.len() < elts.len() - 1 {
                    return Err(Exception::new(
                        BuiltinException::ValueError,
                        format!(
                            "not enough values to unpack (expected at least {}, got {})",
                            elts.len() - 1,
                            items.len()
                        ),
                    ));
                }
                let mut items = items;
                let tail = items.split_off(items.len() - after);
                let rest = items.split_off(star);
                let ExprKind::Starred(starred) = &elts[star].kind else {
                    return Err(type_error("cannot assign to Starred"));
                };
                let mut pairs: Vec<(&Expr, Value)> = elts[..star].iter().zip(items).collect();
                pairs.push((starred, Value::list(rest)));
                pairs.extend(elts[star + 1..].iter().zip(tail));
                pairs
            }
        };
        for (elt, item) in pairs {
            self.bind(elt, item, env)?;
        }
        Ok(())
    }

    /// Put the changed copy `value` of what `place` holds back in its place.
    /// Python changed that object in place and assigned nothing, so the
    /// containers on the way to the variable are copied with the new item or
    /// field, even a tuple or a frozen model.
    pub fn bind_back(&self, place: &Expr, value: Value, env: &mut Env) -> Outcome<()> {
        match &place.kind {
            ExprKind::Name(name) => {
                match env.get_mut(name) {
                    Some(slot) => *slot = value,
                    None => {
                        env.insert(name.clone(), value);
                    }
                }
                Ok(())
            }
            ExprKind::Subscript(container_expr, index) => {
                let container = self.eval(container_expr, env)?;
                let index = self.index(index, env)?;
                let updated = match container {
                    Value::Tuple(items) => {
                        let mut list = Value::List(items);
                        set_at(&mut list, &index, value, true)?;
                        match list {
                            Value::List(items) => Value::Tuple(items),
                            other => other,
                        }
                    }
                    Value::NamedTuple(class, items) => {
                        let mut list = Value::List(items);
                        set_at(&mut list, &index, value, true)?;
                        match list {
                            Value::List(items) => Value::NamedTuple(class, items),
                            other => other,
                        }
                    }
                    mut other => {
                        set_at(&mut other, &index, value, true)?;
                        other
                    }
                };
                self.bind_back(container_expr, updated, env)
            }
            ExprKind::Attribute(owner_expr, attr) => {
                let owner = self.eval(owner_expr, env)?;
                let updated = self.with_field(owner, attr, value, false)?;
                self.bind_back(owner_expr, updated, env)
            }
            _ => Err(type_error(format!(
                "cannot assign to {}",
                node_name(&place.kind)
            ))),
        }
    }

    /// `del target` in `env`: a name becomes unbound; an item or a field is
    /// deleted from a copy of its container, which replaces the container.
    pub fn delete(&self, target: &Expr, env: &mut Env) -> Outcome<()> {
        match &target.kind {
            ExprKind::Name(name) => match env.shift_remove(name) {
                Some(_) => Ok(()),
                None => Err(unbound(name)),
            },
            ExprKind::Subscript(container_expr, index) => {
                let container = self.eval(container_expr, env)?;
                let updated = match self.index(index, env)? {
                    Index::Item(key) => delete_item(&container, &key)?,
                    Index::Slice(lower, upper, step) => {
                        if let Value::Dict(_) = container {
                            return Err(type_error("unhashable type: 'slice'"));
                        }
                        delete_slice(&container, lower.as_ref(), upper.as_ref(), step.as_ref())?
                    }
                };
                self.bind_back(container_expr, updated, env)
            }
            ExprKind::Attribute(owner_expr, attr) => {
                let owner = self.eval(owner_expr, env)?;
                let updated = match owner {
                    Value::Record(record) => self.without_field(&record, attr)?,
                    Value::NamedTuple(class, _) if class.index(attr).is_some() => {
                        return Err(Exception::new(
                            BuiltinException::AttributeError,
                            "can't delete attribute",
                        ));
                    }
                    Value::Exception(exc) if exc.attribute(attr).is_some() => {
                        let mut data = exc.data().clone();
                        data.attributes.retain(|(name, _)| &**name != attr);
                        Value::Exception(Exception::from_data(data))
                    }
                    other => return Err(no_attribute(&other, attr)),
                };
                self.bind_back(owner_expr, updated, env)
            }
            _ => Err(type_error(format!(
                "cannot delete {}",
                node_name(&target.kind)
            ))),
        }
    }

    /// `Step::Unbind`: each of the names that is bound becomes unbound.
    pub fn unbind(&self, names: &[String], env: &mut Env) {
        for name in names {
            env.shift_remove(name);
        }
    }

    /// A copy of `owner` whose field `attr` is `item`, not validated.
    /// `guarded`: `owner.attr = item` itself, which a frozen class refuses;
    /// otherwise past a frozen class's guard, as Python's change in place of
    /// the field's value is.
    fn with_field(&self, owner: Value, attr: &str, item: Value, guarded: bool) -> Outcome {
        match owner {
            Value::Record(mut record) => {
                let class = &record.class;
                if guarded {
                    if class.frozen {
                        return Err(frozen(class.kind, class.name.name(), attr, false));
                    }
                    if record.field(attr).is_none() {
                        return Err(Exception::new(
                            BuiltinException::ValueError,
                            format!("\"{}\" object has no field \"{attr}\"", class.name.name()),
                        ));
                    }
                }
                let changed = Arc::make_mut(&mut record);
                match changed.fields.iter_mut().find(|(name, _)| &**name == attr) {
                    Some((_, slot)) => *slot = item,
                    None => changed.fields.push((Arc::from(attr), item)),
                }
                Ok(Value::Record(record))
            }
            Value::NamedTuple(class, items) => {
                let Some(index) = class.index(attr) else {
                    return Err(no_attribute(&Value::NamedTuple(class, items), attr));
                };
                if guarded {
                    // Python's words for assigning a NamedTuple's field.
                    return Err(Exception::new(
                        BuiltinException::AttributeError,
                        "can't set attribute",
                    ));
                }
                let mut changed = (*items).clone();
                changed[index] = item;
                Ok(Value::NamedTuple(class, Arc::new(changed)))
            }
            Value::Exception(exc) => Ok(Value::Exception(exc.with_attribute(attr, item))),
            other => Err(no_attribute(&other, attr)),
        }
    }

    /// `del record.attr`: as Python deletes a field of the instance, a
    /// dataclass's field falls back to its declared default, and a field
    /// without one, or a model's, is gone.
    fn without_field(&self, record: &Arc<Record>, attr: &str) -> Outcome {
        let class = &record.class;
        if record.field(attr).is_none() {
            return Err(no_attribute(&Value::Record(record.clone()), attr));
        }
        if class.frozen {
            return Err(frozen(class.kind, class.name.name(), attr, true));
        }
        let default = match class.kind {
            RecordKind::Dataclass => self
                .classes
                .name_of(class.name.as_str())
                .and_then(|name| self.classes.declaration(name))
                .and_then(|decl| decl.fields())
                .and_then(|fields| {
                    fields
                        .into_iter()
                        .find(|f| f.name == attr)
                        .and_then(|f| f.default.clone())
                }),
            RecordKind::Model => None,
        };
        let mut changed = (**record).clone();
        match default {
            Some(default) => {
                let value = self.eval(&default, &mut Env::new())?;
                if let Some((_, slot)) = changed.fields.iter_mut().find(|(name, _)| &**name == attr)
                {
                    *slot = value;
                }
            }
            None => changed.fields.retain(|(name, _)| &**name != attr),
        }
        Ok(Value::Record(Arc::new(changed)))
    }
}

/// `container[index] = item`, changing `container` (a value: the caller
/// holds a copy, or the only reference). Nothing changes when it fails.
/// `through_tuple`: the change comes back through a tuple, turned into a list
/// for it.
fn set_at(container: &mut Value, index: &Index, item: Value, through_tuple: bool) -> Outcome<()> {
    if let Index::Item(key) = index {
        match container {
            Value::List(items) => {
                if let Some(position) = list_position(key, items.len()) {
                    Arc::make_mut(items)[position] = item;
                    return Ok(());
                }
            }
            Value::Dict(dict) => {
                let key = Key::new(key.clone())?;
                Arc::make_mut(dict).insert(key, item);
                return Ok(());
            }
            _ => {}
        }
    }
    let updated = match (&*container, index) {
        (_, Index::Item(key)) => set_item(container, key, item, through_tuple)?,
        (Value::Dict(_), Index::Slice(..)) => return Err(type_error("unhashable type: 'slice'")),
        (Value::List(_), Index::Slice(lower, upper, step)) => {
            let extended = step.as_ref().is_some_and(|s| {
                !matches!(s, Value::None) && ops::as_int(s).and_then(|n| n.as_i64()) != Some(1)
            });
            let items = iterate(&item).map_err(|_| {
                type_error(if extended {
                    "must assign iterable to extended slice"
                } else {
                    "can only assign an iterable"
                })
            })?;
            set_slice(
                container,
                lower.as_ref(),
                upper.as_ref(),
                step.as_ref(),
                items,
            )?
        }
        (other, Index::Slice(..)) => {
            return Err(type_error(format!(
                "'{}' object does not support item assignment",
                other.type_name()
            )));
        }
    };
    *container = updated;
    Ok(())
}

/// Whether two values are one object: the same shared container.
fn same_object(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::List(a), Value::List(b)) => Arc::ptr_eq(a, b),
        (Value::Dict(a), Value::Dict(b)) => Arc::ptr_eq(a, b),
        _ => false,
    }
}

/// The position of a valid int index into a list of `len` items.
fn list_position(key: &Value, len: usize) -> Option<usize> {
    let n = match key {
        Value::Int(Int::Small(n)) => *n,
        Value::Bool(b) => i64::from(*b),
        _ => return None,
    };
    let len = len as i64;
    let position = if n < 0 { n + len } else { n };
    (0..len).contains(&position).then_some(position as usize)
}

/// Python's error for assigning (or deleting) a frozen record's field.
fn frozen(kind: RecordKind, name: &str, attr: &str, deleting: bool) -> Exception {
    match kind {
        RecordKind::Dataclass => Exception::construct(
            vec![
                ClassName::new("dataclasses:FrozenInstanceError"),
                ClassName::builtin("AttributeError"),
            ],
            vec![Value::str(&if deleting {
                format!("cannot delete field '{attr}'")
            } else {
                format!("cannot assign to field '{attr}'")
            })],
        ),
        RecordKind::Model => type_error(format!(
            "\"{name}\" is frozen: its field \"{attr}\" cannot be {}",
            if deleting { "deleted" } else { "assigned" }
        )),
    }
}

/// An instance of an exception class from its chain: `ValueError("bad")`,
/// `CardDeclined("no")`, `RappelTimeout("late", action="charge")`.
/// `Point(1, y=2)`: the items bound as Python's `Point.__new__(_cls, x, y=0)`
/// binds its arguments, with its messages, in its order (an unknown or a
/// repeated keyword, then too many positional arguments, then missing ones).
fn new_named_tuple(
    class: &Arc<NamedTupleClass>,
    defaults: &[Value],
    args: Vec<Value>,
    kwargs: Kwargs,
) -> Outcome {
    let function = format!("{}.__new__()", class.name.name());
    let fields = &class.fields;
    let mut slots: Vec<Option<Value>> = vec![None; fields.len()];
    for (slot, value) in slots.iter_mut().zip(args.iter()) {
        *slot = Some(value.clone());
    }
    for (keyword, value) in kwargs {
        let Some(index) = class.index(&keyword) else {
            return Err(type_error(format!(
                "{function} got an unexpected keyword argument '{keyword}'"
            )));
        };
        if slots[index].is_some() {
            return Err(type_error(format!(
                "{function} got multiple values for argument '{keyword}'"
            )));
        }
        slots[index] = Some(value);
    }
    // `_cls` is the first positional parameter, and counts.
    let (takes, given) = (fields.len() + 1, args.len() + 1);
    if given > takes {
        let sig = if defaults.is_empty() {
            format!("{takes} positional argument{}", plural(takes))
        } else {
            format!(
                "from {} to {takes} positional arguments",
                takes - defaults.len()
            )
        };
        return Err(type_error(format!(
            "{function} takes {sig} but {given} were given"
        )));
    }
    let required = fields.len() - defaults.len();
    let missing: Vec<String> = (0..required)
        .filter(|&index| slots[index].is_none())
        .map(|index| format!("'{}'", fields[index]))
        .collect();
    if !missing.is_empty() {
        let listed = match missing.as_slice() {
            [one] => one.clone(),
            [first, second] => format!("{first} and {second}"),
            [rest @ .., last] => format!("{}, and {last}", rest.join(", ")),
            [] => String::new(),
        };
        return Err(type_error(format!(
            "{function} missing {} required positional argument{}: {listed}",
            missing.len(),
            plural(missing.len())
        )));
    }
    let items = slots
        .into_iter()
        .enumerate()
        .map(|(index, slot)| slot.unwrap_or_else(|| defaults[index - required].clone()))
        .collect();
    Ok(Value::NamedTuple(class.clone(), Arc::new(items)))
}

fn new_exception(chain: Vec<ClassName>, args: Vec<Value>, kwargs: Kwargs) -> Outcome {
    let class = chain[0].clone();
    if class.as_str() == "rappel:RappelTimeout" {
        return rappel_timeout(chain, args, kwargs);
    }
    if !kwargs.is_empty() {
        return Err(type_error(format!(
            "{}() takes no keyword arguments",
            class.name()
        )));
    }
    if let (1, Some(builtin)) = (chain.len(), BuiltinException::from_class(&class)) {
        return Ok(Value::Exception(Exception::builtin(builtin, args)));
    }
    Ok(Value::Exception(Exception::construct(chain, args)))
}

/// `RappelTimeout(message="action timed out", *, action=None, timeout=None, attempt=None)`.
fn rappel_timeout(chain: Vec<ClassName>, args: Vec<Value>, kwargs: Kwargs) -> Outcome {
    if args.len() > 1 {
        return Err(type_error(format!(
            "RappelTimeout.__init__() takes from 1 to 2 positional arguments but {} were given",
            args.len() + 1
        )));
    }
    let mut message = args.into_iter().next();
    let mut attributes: Vec<(Str, Value)> = ["action", "timeout", "attempt"]
        .iter()
        .map(|name| (Arc::from(*name), Value::None))
        .collect();
    for (name, value) in kwargs {
        if &*name == "message" {
            if message.is_some() {
                return Err(type_error(
                    "RappelTimeout.__init__() got multiple values for argument 'message'",
                ));
            }
            message = Some(value);
            continue;
        }
        match attributes.iter_mut().find(|(a, _)| *a == name) {
            Some((_, slot)) => *slot = value,
            None => {
                return Err(type_error(format!(
                    "RappelTimeout.__init__() got an unexpected keyword argument '{name}'"
                )));
            }
        }
    }
    let message = message.unwrap_or_else(|| Value::str("action timed out"));
    let mut data = Exception::construct(chain, vec![message]).data().clone();
    data.attributes = attributes;
    Ok(Value::Exception(Exception::from_data(data)))
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn not_a_type_name() -> Exception {
    type_error("isinstance() arg 2 must be a type name or a tuple of type names")
}

fn no_attribute(value: &Value, attr: &str) -> Exception {
    Exception::new(
        BuiltinException::AttributeError,
        format!("'{}' object has no attribute '{attr}'", value.type_name()),
    )
}

/// `type(value).__name__`.
fn python_type_name(value: &Value) -> String {
    match value.type_of() {
        Type::Builtin(builtin) => builtin.name().to_string(),
        Type::Class(class) => class.name().to_string(),
    }
}

/// The value of a literal.
fn constant_value(constant: &Constant) -> Value {
    match constant {
        Constant::None => Value::None,
        Constant::Bool(b) => Value::Bool(*b),
        Constant::Int(digits) => match digits.parse::<i64>() {
            Ok(n) => Value::int(n),
            Err(_) => Value::Int(Int::from_big(
                BigInt::parse_bytes(digits.as_bytes(), 10).unwrap_or_default(),
            )),
        },
        Constant::Float(x) => Value::Float(*x),
        Constant::Str(text) => Value::str(text),
    }
}

/// The name of an expression's node in `rrl.ast`, for messages.
fn node_name(kind: &ExprKind) -> &'static str {
    match kind {
        ExprKind::Name(_) => "Name",
        ExprKind::Constant(_) => "Constant",
        ExprKind::FString(_) => "FString",
        ExprKind::List(_) => "ListExpr",
        ExprKind::Tuple(_) => "TupleExpr",
        ExprKind::Starred(_) => "Starred",
        ExprKind::Dict(_) => "DictExpr",
        ExprKind::Attribute(..) => "Attribute",
        ExprKind::Subscript(..) => "Subscript",
        ExprKind::Slice(..) => "Slice",
        ExprKind::BinOp(..) => "BinOp",
        ExprKind::UnaryOp(..) => "UnaryOp",
        ExprKind::BoolOp(..) => "BoolOp",
        ExprKind::Compare(..) => "Compare",
        ExprKind::Conditional { .. } => "Conditional",
        ExprKind::Call { .. } => "Call",
        ExprKind::Lambda(..) => "Lambda",
        ExprKind::ListComp(..) => "ListComp",
        ExprKind::DictComp(..) => "DictComp",
    }
}

/// A variable, or `x[k]` / `x.f` of one: something a value can be bound to.
pub fn is_target(node: &Expr) -> bool {
    match &node.kind {
        ExprKind::Subscript(value, _) | ExprKind::Attribute(value, _) => is_target(value),
        ExprKind::Name(_) => true,
        _ => false,
    }
}

/// The name as the user wrote it: inlined locals drop their `$n_` prefix.
pub fn source_name(name: &str) -> &str {
    if let Some(rest) = name.strip_prefix('$') {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 && rest.as_bytes().get(digits) == Some(&b'_') {
            return &rest[digits + 1..];
        }
    }
    name
}

/// Python's error for a local variable read (or deleted) while unbound.
fn unbound(name: &str) -> Exception {
    Exception::new(
        BuiltinException::UnboundLocalError,
        format!(
            "cannot access local variable '{}' where it is not associated with a value",
            source_name(name)
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::{parse, parse_expr};
    use crate::value::codec;

    fn evaluator(program: &str) -> Evaluator {
        let program = parse(&format!("rrl 1\n{program}"), None).expect("program parses");
        let types = program
            .class_decls()
            .into_iter()
            .map(|(name, decl)| (name.to_string(), decl.clone()))
            .collect();
        Evaluator::new(&types).expect("classes build")
    }

    fn expr(text: &str) -> Expr {
        parse_expr(text, None).expect("expression parses")
    }

    /// The value's codec text, or `Class: message` for an exception.
    fn show(outcome: Outcome) -> String {
        match outcome {
            Ok(value) => codec::dumps(&value).expect("encodes"),
            Err(exc) => format!("{}: {}", exc.class().name(), exc.message()),
        }
    }

    fn run(ev: &Evaluator, env: &mut Env, text: &str) -> String {
        show(ev.eval(&expr(text), env))
    }

    #[test]
    fn expressions_are_pythons() {
        let ev = evaluator("");
        let mut env = Env::new();
        env.insert("xs".into(), Value::list(vec![Value::int(3), Value::int(1)]));
        env.insert("s".into(), Value::str("ab"));
        let cases = [
            ("xs[0] * 2 + 1", "7"),
            ("[*xs, 5][-1]", "5"),
            ("f'{s!r:>6}|{xs[0]:03d}'", "\"  'ab'|003\""),
            ("1 < 2 < 2", "false"),
            ("0 or '' or 'x'", "\"x\""),
            ("sorted(xs, key=lambda v: -v)", "[3,1]"),
            ("[a * b for a in xs if a > 1 for b in range(2)]", "[0,3]"),
            (
                "{k: len(k) for k in ['a', 'bb']}",
                "{\"dict\":[[\"a\",1],[\"bb\",2]]}",
            ),
            ("xs[5]", "IndexError: list index out of range"),
            (
                "nope",
                "UnboundLocalError: cannot access local variable 'nope' where it is not associated with a value",
            ),
            (
                "$2_tmp",
                "UnboundLocalError: cannot access local variable 'tmp' where it is not associated with a value",
            ),
            (
                "s._x",
                "AttributeError: 'str' object attribute '_x' is private",
            ),
            ("isinstance(s, (int, str))", "true"),
            (
                "ValueError('bad')",
                "{\"exception\":{\"args\":[\"bad\"],\"attributes\":[],\"cause\":null,\"class\":[\"builtins:ValueError\"],\"message\":\"bad\"}}",
            ),
            (
                "(1, 2).append(3)",
                "TypeError: 'tuple' object has no method 'append' usable in a workflow",
            ),
            (
                "[1].append(3)",
                "TypeError: append() changes its receiver, which must be a variable",
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(run(&ev, &mut env, text), expected, "{text}");
        }
    }

    #[test]
    fn named_tuples_are_tuples_with_names() {
        let ev = evaluator(
            "namedtuple Span from app.geo:\n    start: int\n    end: int = 0\n    label: str = \"s\"\n",
        );
        let mut env = Env::new();
        let cases = [
            (
                "repr(Span(1, label='x'))",
                "\"Span(start=1, end=0, label='x')\"",
            ),
            ("Span(1, 2) == (1, 2, 's')", "true"),
            ("{Span(1): 'a'}[(1, 0, 's')]", "\"a\""),
            ("Span(1) < (1, 1)", "true"),
            ("Span(3, 4)[1:]", "{\"tuple\":[4,\"s\"]}"),
            ("Span(3, 4).end + len(Span(3))", "7"),
            (
                "Span(3)._replace(end=9)._asdict()",
                "{\"dict\":[[\"start\",3],[\"end\",9],[\"label\",\"s\"]]}",
            ),
            (
                "Span(3)._fields",
                "{\"tuple\":[\"start\",\"end\",\"label\"]}",
            ),
            (
                "Span(3)",
                "{\"namedtuple\":{\"class\":\"app.geo:Span\",\"fields\":[[\"start\",3],[\"end\",0],[\"label\",\"s\"]]}}",
            ),
            ("isinstance(Span(3), tuple)", "true"),
            (
                "Span()",
                "TypeError: Span.__new__() missing 1 required positional argument: 'start'",
            ),
            (
                "Span(1, 2, 3, 4)",
                "TypeError: Span.__new__() takes from 2 to 4 positional arguments but 5 were given",
            ),
            (
                "Span(1, start=2)",
                "TypeError: Span.__new__() got multiple values for argument 'start'",
            ),
            (
                "Span(1, 2, 3, 4, nope=1)",
                "TypeError: Span.__new__() got an unexpected keyword argument 'nope'",
            ),
            (
                "Span(1)._replace(nope=1, end=2, other=3)",
                "ValueError: Got unexpected field names: ['nope', 'other']",
            ),
            (
                "Span(1)._replace(2)",
                "TypeError: Span._replace() takes 1 positional argument but 2 were given",
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(run(&ev, &mut env, text), expected, "{text}");
        }
    }

    #[test]
    fn changes_bind_back_through_containers() {
        let ev = evaluator("");
        let mut env = Env::new();
        let pair = Value::tuple(vec![Value::int(0), Value::list(vec![])]);
        env.insert("pair".into(), pair);
        env.insert("alias".into(), env["pair"].clone());
        run(&ev, &mut env, "pair[1].append(7)");
        assert_eq!(show(Ok(env["pair"].clone())), "{\"tuple\":[0,[7]]}");
        assert_eq!(show(Ok(env["alias"].clone())), "{\"tuple\":[0,[]]}");
        let bound = ev.bind(&expr("pair[0]"), Value::int(1), &mut env);
        assert_eq!(
            show(bound.map(|()| Value::None)),
            "TypeError: 'tuple' object does not support item assignment"
        );
        ev.bind(&expr("(a, *rest)"), env["pair"].clone(), &mut env)
            .expect("unpacks");
        assert_eq!(show(Ok(env["rest"].clone())), "[[7]]");
        let unpacked = ev.bind(&expr("(a, b, c)"), Value::int(1), &mut env);
        assert_eq!(
            show(unpacked.map(|()| Value::None)),
            "TypeError: cannot unpack non-iterable int object"
        );
        ev.delete(&expr("a"), &mut env).expect("deletes");
        assert!(!env.contains_key("a"));
        ev.unbind(&["rest".to_string(), "nothing".to_string()], &mut env);
        assert!(!env.contains_key("rest"));
    }

    #[test]
    fn changes_in_place_are_invisible() {
        let ev = evaluator("");
        let mut env = Env::new();
        let list = Value::list(vec![Value::int(1), Value::int(2)]);
        env.insert("xs".into(), list.clone());
        env.insert("ys".into(), list);
        run(&ev, &mut env, "xs.append(3)");
        assert_eq!(show(Ok(env["ys"].clone())), "[1,2]");
        assert_eq!(show(Ok(env["xs"].clone())), "[1,2,3]");
        // The receiver is read before its argument rebinds it, as in Python.
        run(&ev, &mut env, "xs.append(xs.pop(0))");
        assert_eq!(show(Ok(env["xs"].clone())), "[1,2,3,1]");
        run(&ev, &mut env, "xs.extend(xs)");
        assert_eq!(show(Ok(env["xs"].clone())), "[1,2,3,1,1,2,3,1]");
        ev.bind(&expr("xs[0]"), Value::int(9), &mut env)
            .expect("binds");
        ev.bind(&expr("d[xs[0]]"), Value::int(1), &mut env)
            .expect_err("d is unbound");
        assert_eq!(show(Ok(env["xs"].clone())), "[9,2,3,1,1,2,3,1]");
        assert_eq!(show(Ok(env["ys"].clone())), "[1,2]");
        let failed = ev.eval(&expr("xs.pop(10)"), &mut env);
        assert_eq!(show(failed), "IndexError: pop index out of range");
        assert_eq!(show(Ok(env["xs"].clone())), "[9,2,3,1,1,2,3,1]");
    }

    #[test]
    fn declared_classes_build_match_and_refuse() {
        let ev = evaluator(
            "exception BillingError from app.billing\n\
             exception CardDeclined(BillingError, ValueError) from app.billing\n\
             frozen dataclass Point from app.geo:\n    x: float\n    y: float = 0.0\n\
             model Order from app.models:\n    id: int\n    lines: list[str] = []\n\
             enum Color(str, Enum) from app.models:\n    RED = \"red\"\n    CRIMSON = \"red\"\n",
        );
        let mut env = Env::new();
        let declined = ev
            .eval(&expr("CardDeclined('no')"), &mut env)
            .expect("builds");
        let Value::Exception(declined) = &declined else {
            panic!("not an exception")
        };
        let chain: Vec<&str> = declined.chain().iter().map(ClassName::as_str).collect();
        assert_eq!(
            chain,
            [
                "app.billing:CardDeclined",
                "app.billing:BillingError",
                "builtins:ValueError"
            ]
        );
        assert!(ev.matches(declined, "BillingError") && ev.matches(declined, "Exception"));
        assert!(!ev.matches(declined, "KeyError") && !ev.matches(declined, "Color"));
        assert!(ev.catches(declined, "Color").is_err());
        let cases = [
            (
                "Point(x=1.5)",
                "{\"dataclass\":{\"class\":\"app.geo:Point\",\"fields\":[[\"x\",{\"float\":\"1.5\"}],[\"y\",{\"float\":\"0.0\"}]]}}",
            ),
            (
                "Point(1)",
                "TypeError: Point() takes its fields by name, not 1 positional argument",
            ),
            (
                "Point()",
                "TypeError: Point() missing 1 required argument: 'x'",
            ),
            (
                "Order(id=1, z=2)",
                "TypeError: Order() got an unexpected keyword argument 'z'",
            ),
            ("Color.CRIMSON.name", "\"RED\""),
            ("Color('blue')", "ValueError: 'blue' is not a valid Color"),
            (
                "Color.BLUE",
                "AttributeError: type object 'Color' has no attribute 'BLUE'",
            ),
            ("isinstance(Color.RED, (Order, str))", "true"),
            ("Nope(1)", "NameError: name 'Nope' is not defined"),
        ];
        for (text, expected) in cases {
            assert_eq!(run(&ev, &mut env, text), expected, "{text}");
        }
        env.insert(
            "p".into(),
            ev.eval(&expr("Point(x=1.0)"), &mut Env::new())
                .expect("builds"),
        );
        let assigned = ev.bind(&expr("p.x"), Value::int(2), &mut env);
        assert_eq!(
            show(assigned.map(|()| Value::None)),
            "FrozenInstanceError: cannot assign to field 'x'"
        );
    }

    #[test]
    fn an_evaluator_can_be_shared_and_kept() {
        fn kept<T: Send + Sync + Clone>() {}
        kept::<Evaluator>();
    }
}
