//! What the machine issues (commands) and what answers them (completions),
//! and their JSON in the transcript format (docs/testing.md, "Transcripts").

use std::sync::Arc;

use serde_json::{Map, Value as Json};

use crate::eval::Env;
use crate::value::class::Classes;
use crate::value::codec::{self, CodecError};
use crate::value::{Exception, Value, repr};

/// How a region (the workflow, or a branch of a fork) ended: with a value or
/// an exception. The workflow's is the `finish` command.
#[derive(Clone, Debug)]
pub enum Finish {
    Result(Value),
    Error(Exception),
}

/// Run attempt `attempt` (from 1) of the call `id`: the action, the module
/// that defines it, its keyword arguments, and the seconds it may run.
#[derive(Clone, Debug)]
pub struct Dispatch {
    pub id: String,
    pub attempt: u64,
    pub action: Arc<str>,
    pub module: Arc<str>,
    pub kwargs: Arc<Env>,
    pub timeout: f64,
}

/// A command: a dispatch or a timer for a completion to answer, or the end.
#[derive(Clone, Debug)]
pub enum Command {
    Dispatch(Dispatch),
    /// Wake the durable sleep `id` after `seconds`.
    Sleep {
        id: String,
        seconds: f64,
    },
    /// Wait `seconds` before attempt `attempt` of the call `id`.
    Backoff {
        id: String,
        attempt: u64,
        seconds: f64,
    },
    /// The workflow ended; always the last command the machine issues.
    Finish(Finish),
}

/// The answer to one dispatch or timer, named by its id (and attempt).
#[derive(Clone, Debug)]
pub enum Completion {
    Returned {
        id: String,
        attempt: u64,
        value: Value,
    },
    Raised {
        id: String,
        attempt: u64,
        exception: Exception,
    },
    /// The attempt ran past its timeout; the machine builds the `RappelTimeout`.
    TimedOut {
        id: String,
        attempt: u64,
    },
    Slept {
        id: String,
    },
    BackedOff {
        id: String,
        attempt: u64,
    },
}

impl Completion {
    pub fn id(&self) -> &str {
        match self {
            Completion::Returned { id, .. }
            | Completion::Raised { id, .. }
            | Completion::TimedOut { id, .. }
            | Completion::Slept { id }
            | Completion::BackedOff { id, .. } => id,
        }
    }

    /// The attempt it answers; none for a sleep.
    pub fn attempt(&self) -> Option<u64> {
        match self {
            Completion::Returned { attempt, .. }
            | Completion::Raised { attempt, .. }
            | Completion::TimedOut { attempt, .. }
            | Completion::BackedOff { attempt, .. } => Some(*attempt),
            Completion::Slept { .. } => None,
        }
    }
}

/// Python's `repr` of the completion (`Returned(id='0', attempt=1, value=5)`),
/// for the message of a completion that answers nothing.
impl std::fmt::Display for Completion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let shown = |value: &Value| repr::repr(value).unwrap_or_else(|_| "...".to_string());
        let id = shown(&Value::str(self.id()));
        match self {
            Completion::Returned { attempt, value, .. } => write!(
                f,
                "Returned(id={id}, attempt={attempt}, value={})",
                shown(value)
            ),
            Completion::Raised {
                attempt, exception, ..
            } => write!(
                f,
                "Raised(id={id}, attempt={attempt}, exception={})",
                shown(&Value::Exception(exception.clone()))
            ),
            Completion::TimedOut { attempt, .. } => {
                write!(f, "TimedOut(id={id}, attempt={attempt})")
            }
            Completion::Slept { .. } => write!(f, "Slept(id={id})"),
            Completion::BackedOff { attempt, .. } => {
                write!(f, "BackedOff(id={id}, attempt={attempt})")
            }
        }
    }
}

// ------------------------------------------------------------------ JSON

fn tagged(tag: &str, payload: Json) -> Json {
    let mut members = Map::with_capacity(1);
    members.insert(tag.to_string(), payload);
    Json::Object(members)
}

fn object<const N: usize>(members: [(&str, Json); N]) -> Json {
    Json::Object(
        members
            .into_iter()
            .map(|(name, member)| (name.to_string(), member))
            .collect(),
    )
}

/// `{"result": value}` or `{"error": exception}`, in the codec's encoding.
pub fn encode_finish(finish: &Finish) -> Result<Json, CodecError> {
    Ok(match finish {
        Finish::Result(value) => tagged("result", codec::encode(value)?),
        Finish::Error(error) => tagged("error", codec::encode(&Value::Exception(error.clone()))?),
    })
}

/// An object of values by name (`kwargs`, the arguments).
pub fn encode_env(env: &Env) -> Result<Json, CodecError> {
    let mut members = Map::with_capacity(env.len());
    for (name, value) in env {
        members.insert(name.clone(), codec::encode(value)?);
    }
    Ok(Json::Object(members))
}

pub fn encode_command(command: &Command) -> Result<Json, CodecError> {
    Ok(match command {
        Command::Dispatch(dispatch) => tagged(
            "dispatch",
            object([
                ("id", Json::String(dispatch.id.clone())),
                ("attempt", Json::from(dispatch.attempt)),
                ("action", Json::String(dispatch.action.to_string())),
                ("module", Json::String(dispatch.module.to_string())),
                ("kwargs", encode_env(&dispatch.kwargs)?),
                ("timeout", codec::encode(&Value::Float(dispatch.timeout))?),
            ]),
        ),
        Command::Sleep { id, seconds } => tagged(
            "sleep",
            object([
                ("id", Json::String(id.clone())),
                ("seconds", codec::encode(&Value::Float(*seconds))?),
            ]),
        ),
        Command::Backoff {
            id,
            attempt,
            seconds,
        } => tagged(
            "backoff",
            object([
                ("id", Json::String(id.clone())),
                ("attempt", Json::from(*attempt)),
                ("seconds", codec::encode(&Value::Float(*seconds))?),
            ]),
        ),
        Command::Finish(finish) => tagged("finish", encode_finish(finish)?),
    })
}

pub fn encode_completion(completion: &Completion) -> Result<Json, CodecError> {
    let id = Json::String(completion.id().to_string());
    Ok(match completion {
        Completion::Returned { attempt, value, .. } => tagged(
            "returned",
            object([
                ("id", id),
                ("attempt", Json::from(*attempt)),
                ("value", codec::encode(value)?),
            ]),
        ),
        Completion::Raised {
            attempt, exception, ..
        } => tagged(
            "raised",
            object([
                ("id", id),
                ("attempt", Json::from(*attempt)),
                (
                    "exception",
                    codec::encode(&Value::Exception(exception.clone()))?,
                ),
            ]),
        ),
        Completion::TimedOut { attempt, .. } => tagged(
            "timed_out",
            object([("id", id), ("attempt", Json::from(*attempt))]),
        ),
        Completion::Slept { .. } => tagged("slept", object([("id", id)])),
        Completion::BackedOff { attempt, .. } => tagged(
            "backed_off",
            object([("id", id), ("attempt", Json::from(*attempt))]),
        ),
    })
}

/// Each completion's tag, and the members of its payload.
const COMPLETIONS: [(&str, &[&str]); 5] = [
    ("returned", &["id", "attempt", "value"]),
    ("raised", &["id", "attempt", "exception"]),
    ("timed_out", &["id", "attempt"]),
    ("slept", &["id"]),
    ("backed_off", &["id", "attempt"]),
];

/// The completion `data` encodes, or why it is not one (the words of
/// `rrl.transcript.decode_completion`).
pub fn decode_completion(data: &Json, classes: &dyn Classes) -> Result<Completion, String> {
    let tags: Vec<&str> = COMPLETIONS.iter().map(|(tag, _)| *tag).collect();
    let entry = match data {
        Json::Object(members) if members.len() == 1 => {
            members.iter().next().and_then(|(tag, payload)| {
                COMPLETIONS
                    .iter()
                    .find(|(known, _)| known == tag)
                    .map(|entry| (*entry, payload))
            })
        }
        _ => None,
    };
    let Some(((tag, members), payload)) = entry else {
        return Err(format!(
            "not a completion: expected one of {} as its only member",
            tags.join(", ")
        ));
    };
    let payload = match payload {
        Json::Object(payload)
            if payload.len() == members.len()
                && members.iter().all(|name| payload.contains_key(*name)) =>
        {
            payload
        }
        _ => {
            return Err(format!(
                "a `{tag}` completion has exactly the members {}",
                members.join(", ")
            ));
        }
    };
    let Some(Json::String(id)) = payload.get("id") else {
        return Err("a completion's id is a string".into());
    };
    let id = id.clone();
    let attempt = match payload.get("attempt") {
        None => 0,
        Some(Json::Number(n)) if n.as_u64().is_some_and(|n| n >= 1) => n.as_u64().unwrap_or(1),
        Some(_) => return Err("a completion's attempt is an integer from 1".into()),
    };
    let value = |name: &str| -> Result<Value, String> {
        let data = payload.get(name).unwrap_or(&Json::Null);
        codec::decode(data, classes).map_err(|error| error.to_string())
    };
    Ok(match tag {
        "returned" => Completion::Returned {
            id,
            attempt,
            value: value("value")?,
        },
        "raised" => match value("exception")? {
            Value::Exception(exception) => Completion::Raised {
                id,
                attempt,
                exception,
            },
            _ => return Err("a `raised` completion's exception is an exception".into()),
        },
        "timed_out" => Completion::TimedOut { id, attempt },
        "slept" => Completion::Slept { id },
        _ => Completion::BackedOff { id, attempt },
    })
}
