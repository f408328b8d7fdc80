//! The Rappel Runtime Language (RRL), in Rust: the second implementation of the
//! language whose reference is `language/rrl/` (Python), held to the same golden
//! corpus (`golden/`). A deterministic core with no I/O: the durable runtime
//! drives it.
//!
//! - `syntax`: the parser (`.rrl` text to an AST with spans), the canonical
//!   printer and the formatter;
//! - `dag`: lowering a workflow to its DAG, and the DAG's canonical JSON;
//! - `diagnostic`: located diagnostics, rendered as the Python toolchain
//!   renders them;
//! - `value`: values, the value codec and Python's formatting of values;
//! - `eval`: operators, builtins and methods on values, with Python's semantics;
//! - `exec`: the executor, a deterministic state machine over a DAG, and transcripts.

pub mod dag;
pub mod diagnostic;
pub mod diff;
pub mod eval;
pub mod exec;
pub mod suggest;
pub mod syntax;
pub mod validate;
pub mod value;
