//! Evaluating RRL: the value semantics of `language/rrl/evaluate.py`.
//!
//! `ops` has the operators, subscripts, slices, attributes and truthiness,
//! `format` the format mini-language (f-strings, `format()`, `str.format`, `%`),
//! `builtins` the functions of `rrl.builtins`, `methods` the methods of
//! str, list, dict and models. Each returns the value, or the exception Python
//! raises, with its message.

pub mod format;
pub mod ops;

pub use ops::{BinaryOp, CompareOp, UnaryOp, binary, compare, subscript, truthy, unary};
