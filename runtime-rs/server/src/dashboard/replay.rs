//! An instance's actions as the dashboard shows them: its completion log
//! replayed through the executor, as the dispatcher rebuilds an instance,
//! so each attempt is named by the action it ran and timed from when the
//! machine issued it (the instance's start or the completion that made it
//! ready) to when its answer was logged. Replay never runs user code.

use rappel_store::dashboard::{InstanceDetail, LogEntry};
use rrl::exec::{Command, Completion, Program};
use rrl::value::codec;
use rrl::value::repr::repr;

use crate::program::{logged_completion, started_machine};

/// What became of one attempt, sleep or backoff of the log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The action returned this value (its Python `repr`).
    Returned(String),
    /// It raised: the exception's class chain (most derived first) and message.
    Raised {
        chain: Vec<String>,
        message: String,
    },
    TimedOut,
    /// A durable sleep ended.
    Slept,
    /// The backoff before a retry ended.
    BackedOff,
    /// The entry does not decode with the program's classes: why.
    Unreadable(String),
}

/// One entry of the log, with what replay says of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    pub seq: i64,
    pub operation_id: String,
    pub attempt: i64,
    /// `module.name` of the action, when the entry answers a dispatch.
    pub action: Option<String>,
    pub outcome: Outcome,
    /// When the machine issued it (ms since the epoch), when replay knows.
    pub issued_at_ms: Option<i64>,
    pub logged_at_ms: i64,
}

/// An attempt issued and not answered yet: queued or running.
#[derive(Clone, Debug, PartialEq)]
pub struct Pending {
    pub operation_id: String,
    pub attempt: u64,
    pub action: String,
    pub issued_at_ms: Option<i64>,
    pub timeout_seconds: f64,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Replay {
    /// Python's `repr` of run()'s keyword arguments and of the outcome,
    /// decoded with the program's classes (`None` when they do not decode).
    pub arguments: Option<String>,
    pub outcome: Option<String>,
    pub steps: Vec<Step>,
    pub pending: Vec<Pending>,
    /// Why replay stopped before the end of the log, if it did; the steps
    /// after that point are shown as logged, without action names.
    pub stopped: Option<String>,
}

/// Replays `detail`'s log over `program` (the instance's version).
pub fn replay(program: &Program, detail: &InstanceDetail) -> Replay {
    let mut replay = Replay {
        arguments: shown(program, &detail.arguments),
        outcome: detail.outcome.as_deref().and_then(|o| shown(program, o)),
        ..Replay::default()
    };
    let mut issued: Vec<Issued> = Vec::new();
    let mut machine = match started_machine(program, &detail.arguments) {
        Ok((machine, commands)) => {
            note(&mut issued, &commands, detail.created_at_ms);
            Some(machine)
        }
        Err(error) => {
            replay.stopped = Some(format!("the instance does not start: {error}"));
            None
        }
    };
    for entry in &detail.log {
        let completion = logged_completion(program, &entry.completion);
        let dispatched = issued
            .iter()
            .find(|i| i.operation_id == entry.operation_id && i.attempt == entry.attempt);
        replay.steps.push(Step {
            seq: entry.seq,
            operation_id: entry.operation_id.clone(),
            attempt: entry.attempt,
            action: dispatched.and_then(|i| i.action.clone()),
            outcome: match &completion {
                Ok(completion) => outcome_of(completion),
                Err(error) => Outcome::Unreadable(error.clone()),
            },
            issued_at_ms: dispatched.map(|i| i.at_ms),
            logged_at_ms: entry.created_at_ms,
        });
        let Some(running) = machine.as_mut() else {
            continue;
        };
        let fed = completion.and_then(|c| running.complete(c).map_err(|e| e.to_string()));
        match fed {
            Ok(commands) => note(&mut issued, &commands, entry.created_at_ms),
            Err(error) => {
                replay.stopped = Some(stopped_at(entry, &error));
                machine = None;
            }
        }
    }
    // Past a truncated log, what the machine waits for is not what is pending.
    if let Some(machine) = machine.filter(|_| !detail.log_truncated) {
        for command in machine.outstanding() {
            if let Command::Dispatch(dispatch) = command {
                let at_ms = issued
                    .iter()
                    .find(|i| {
                        i.operation_id == dispatch.id && i.attempt == attempt_key(dispatch.attempt)
                    })
                    .map(|i| i.at_ms);
                replay.pending.push(Pending {
                    action: format!("{}.{}", dispatch.module, dispatch.action),
                    operation_id: dispatch.id,
                    attempt: dispatch.attempt,
                    issued_at_ms: at_ms,
                    timeout_seconds: dispatch.timeout,
                });
            }
        }
    }
    replay
}

/// A command the machine issued during replay, and when.
struct Issued {
    operation_id: String,
    /// As the log keys it: the attempt, 0 for a sleep, -n for the backoff
    /// before attempt n.
    attempt: i64,
    action: Option<String>,
    at_ms: i64,
}

fn attempt_key(attempt: u64) -> i64 {
    i64::try_from(attempt).unwrap_or(i64::MAX)
}

fn note(issued: &mut Vec<Issued>, commands: &[Command], at_ms: i64) {
    for command in commands {
        let (operation_id, attempt, action) = match command {
            Command::Dispatch(d) => (
                d.id.clone(),
                attempt_key(d.attempt),
                Some(format!("{}.{}", d.module, d.action)),
            ),
            Command::Sleep { id, .. } => (id.clone(), 0, None),
            Command::Backoff { id, attempt, .. } => (id.clone(), -attempt_key(*attempt), None),
            Command::Finish(_) => continue,
        };
        issued.push(Issued {
            operation_id,
            attempt,
            action,
            at_ms,
        });
    }
}

/// Python's `repr` of a value stored as codec JSON.
fn shown(program: &Program, codec_json: &str) -> Option<String> {
    let value = codec::loads(codec_json, program.evaluator().resolver()).ok()?;
    repr(&value).ok()
}

fn outcome_of(completion: &Completion) -> Outcome {
    match completion {
        Completion::Returned { value, .. } => {
            Outcome::Returned(repr(value).unwrap_or_else(|_| "<no repr>".to_string()))
        }
        Completion::Raised { exception, .. } => Outcome::Raised {
            chain: exception.chain().iter().map(ToString::to_string).collect(),
            message: exception.message().to_string(),
        },
        Completion::TimedOut { .. } => Outcome::TimedOut,
        Completion::Slept { .. } => Outcome::Slept,
        Completion::BackedOff { .. } => Outcome::BackedOff,
    }
}

fn stopped_at(entry: &LogEntry, error: &str) -> String {
    format!(
        "replay stopped at log entry {} (operation {}, attempt {}): {error}",
        entry.seq, entry.operation_id, entry.attempt
    )
}
