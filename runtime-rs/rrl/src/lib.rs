//! The Rappel Runtime Language (RRL), in Rust: the second implementation of the
//! language whose reference is `language/rrl/` (Python), held to the same golden
//! corpus (`golden/`). A deterministic core with no I/O: the durable runtime
//! drives it.

pub mod eval;
pub mod value;
