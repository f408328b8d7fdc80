//! The executor: one workflow instance as a deterministic state machine
//! over its DAG, with the behaviour of the reference interpreter
//! (`language/rrl/interpreter.py`, whose module docstring is the
//! specification). No I/O: the durable runtime drives it.
//!
//! - `Program::new(dag)` prepares a DAG to run; `Machine::new(&program)`
//!   is an instance of it.
//! - `start(args)` and `complete(completion)` each run the instance as far
//!   as it can go and return the commands it issues, in order: `Dispatch`
//!   (an action attempt with its kwargs and timeout), `Sleep`, `Backoff`
//!   and, last of all, `Finish`. Each dispatch and timer is answered by one
//!   completion, in any order; one that answers nothing outstanding is a
//!   `CompletionError` and changes nothing.
//! - Operation ids (`2[1].0`) depend only on the path through the program
//!   (`ids`); the attempts of a call share its id and count from 1.
//! - `snapshot()` writes the state as data at any step (Python's layout,
//!   values in the codec's encoding) and `Machine::restore` reads it back;
//!   `save()` writes the compact text a runtime persists and `Machine::load`
//!   reads it back (`saved`).
//! - `transcript::replay` holds the machine to a recorded transcript.

pub mod command;
pub mod ids;
mod machine;
pub mod policy;
mod saved;
pub mod snapshot;
pub mod transcript;

pub use command::{Command, Completion, Dispatch, Finish};
pub use machine::{AlreadyStarted, CompletionError, Machine, Program, ProgramError};
pub use snapshot::{Layout, RestoreError, Snapshot};
pub use transcript::{TranscriptError, replay};
