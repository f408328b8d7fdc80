//! Evaluating RRL: the value semantics of `language/rrl/evaluate.py`.
//!
//! `ops` has the operators, subscripts, slices, attributes and truthiness,
//! `format` the format mini-language (f-strings, `format()`, `str.format`, `%`),
//! `builtins` the functions of `rrl.builtins`, `methods` the methods of
//! str, list, dict and models. Each returns the value, or the exception Python
//! raises, with its message. The evaluator that walks the AST calls these:
//!
//! - `binary(op, a, b)`, `unary(op, x)`, `compare(op, a, b)`, `truthy(x)`
//! - `subscript(x, i)`, `slice(x, lower, upper, step)`, `attribute(x, name)`,
//!   and for assignments `set_item`, `delete_item`, `set_slice`, `delete_slice`
//! - `call_builtin(name, args, kwargs, invoke)`, `call(callee, args, invoke)`,
//!   `call_method(receiver, name, args, kwargs, invoke)` (a changing method
//!   returns the changed receiver to bind back), `dict_fromkeys(args)`
//! - `format_field(value, conversion, spec)` for an f-string field,
//!   `repr`/`str` in `crate::value::repr`
//!
//! `invoke` is the evaluator's way back in for a lambda (`sorted(key=...)`).

pub mod builtins;
pub mod classes;
pub mod dates;
pub mod evaluator;
pub mod format;
pub mod methods;
pub mod ops;
pub mod request;

pub use builtins::{Invoke, NoLambdas, call, call_builtin, iterate};
pub use evaluator::{Env, EvalSetupError, Evaluator};
pub use format::{format_field, format_value};
pub use methods::{Called, call_method, changes_receiver, dict_fromkeys};
pub use ops::{
    BinaryOp, CompareOp, UnaryOp, attribute, binary, compare, delete_item, delete_slice, set_item,
    set_slice, slice, subscript, truthy, unary,
};
