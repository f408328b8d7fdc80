//! The machine's state as data: `Machine::snapshot` writes it at any step,
//! `Machine::restore` reads it back. The layout is Python's
//! (`rrl.interpreter.Machine.snapshot`), values in the codec's encoding, so
//! a state saved by one implementation reads in the other.

use std::sync::Arc;

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as Json};

use super::command::Finish;
use super::ids::{branch_of, region_of};
use super::machine::{Call, Machine, Parallel, Program, Region, Wait};
use crate::dag::{Dag, Node};
use crate::eval::Env;
use crate::value::Value;
use crate::value::class::Classes;
use crate::value::codec::{self, CodecError};

/// A saved machine (serde: the JSON object Python's `snapshot()` returns).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Snapshot {
    /// In the order the regions started.
    pub regions: Vec<RegionState>,
    pub outcome: Option<OutcomeState>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegionState {
    pub path: String,
    /// Where control is: the node's id, `n<i>`.
    pub node: String,
    pub ops: u64,
    /// The variables, as the codec encodes a dict.
    pub env: Json,
    pub wait: Option<WaitState>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum WaitState {
    Call {
        id: String,
        kwargs: Json,
        attempt: u64,
        backing_off: bool,
    },
    Sleep {
        id: String,
        seconds: Json,
    },
    Parallel {
        id: String,
        items: Json,
        started: usize,
        outcomes: Vec<Option<OutcomeState>>,
    },
}

/// `{"result": value}` or `{"error": exception}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeState {
    Result(Json),
    Error(Json),
}

/// Why a snapshot does not restore.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RestoreError {
    #[error("{where_}: {problem}")]
    Invalid { where_: String, problem: String },
}

fn invalid(where_: impl Into<String>, problem: impl Into<String>) -> RestoreError {
    RestoreError::Invalid {
        where_: where_.into(),
        problem: problem.into(),
    }
}

/// The codec's encoding of a dict of variables: `{"dict": [[name, value], ...]}`.
pub fn encode_vars(env: &Env) -> Result<Json, CodecError> {
    let mut pairs = Vec::with_capacity(env.len());
    for (name, value) in env {
        pairs.push(Json::Array(vec![
            codec::encode_str(name),
            codec::encode(value)?,
        ]));
    }
    let mut members = Map::with_capacity(1);
    members.insert("dict".to_string(), Json::Array(pairs));
    Ok(Json::Object(members))
}

fn decode_vars(data: &Json, classes: &dyn Classes, at: &str) -> Result<Env, RestoreError> {
    let pairs = match data {
        Json::Object(members) if members.len() == 1 => match members.get("dict") {
            Some(Json::Array(pairs)) => pairs,
            _ => return Err(invalid(at, "expected {\"dict\": [[name, value], ...]}")),
        },
        _ => return Err(invalid(at, "expected {\"dict\": [[name, value], ...]}")),
    };
    let mut env = Env::with_capacity(pairs.len());
    for (index, pair) in pairs.iter().enumerate() {
        let (name, value) = match pair {
            Json::Array(pair) if pair.len() == 2 => (&pair[0], &pair[1]),
            _ => {
                return Err(invalid(
                    format!("{at}[{index}]"),
                    "not a [name, value] pair",
                ));
            }
        };
        let name = match codec::decode(name, classes) {
            Ok(Value::Str(name)) => name.to_string(),
            _ => {
                return Err(invalid(
                    format!("{at}[{index}]"),
                    "a variable's name is a str",
                ));
            }
        };
        let value = codec::decode(value, classes)
            .map_err(|error| invalid(format!("{at}[{index}]"), error.to_string()))?;
        env.insert(name, value);
    }
    Ok(env)
}

pub fn encode_outcome(finish: &Finish) -> Result<OutcomeState, CodecError> {
    Ok(match finish {
        Finish::Result(value) => OutcomeState::Result(codec::encode(value)?),
        Finish::Error(error) => {
            OutcomeState::Error(codec::encode(&Value::Exception(error.clone()))?)
        }
    })
}

fn decode_outcome(
    state: &OutcomeState,
    classes: &dyn Classes,
    at: &str,
) -> Result<Finish, RestoreError> {
    let decode =
        |data: &Json| codec::decode(data, classes).map_err(|error| invalid(at, error.to_string()));
    Ok(match state {
        OutcomeState::Result(data) => Finish::Result(decode(data)?),
        OutcomeState::Error(data) => match decode(data)? {
            Value::Exception(error) => Finish::Error(error),
            _ => return Err(invalid(at, "an error outcome holds an exception")),
        },
    })
}

fn node_index(dag: &Dag, id: &str, at: &str) -> Result<usize, RestoreError> {
    id.strip_prefix('n')
        .and_then(|digits| digits.parse::<usize>().ok())
        .filter(|&index| index < dag.nodes.len())
        .ok_or_else(|| invalid(at, format!("`{id}` names no node of the DAG")))
}

/// A wait fits the node control waits at: a call at an action, a sleep at
/// a sleep, a parallel block (with a slot per branch) at its fork.
fn check_wait(dag: &Dag, node: usize, wait: Option<&Wait>, at: &str) -> Result<(), RestoreError> {
    let fits = match (wait, &dag.nodes[node]) {
        (None, _) => true,
        (Some(Wait::Call(_)), Node::Action { .. }) => true,
        (Some(Wait::Timer { .. }), Node::Sleep { .. }) => true,
        (Some(Wait::Parallel(parallel)), Node::Fork { branches, .. }) => {
            parallel.items.is_none() && parallel.outcomes.len() == branches.len()
        }
        (Some(Wait::Parallel(parallel)), Node::ForkEach { .. }) => parallel
            .items
            .as_ref()
            .is_some_and(|items| items.len() == parallel.outcomes.len()),
        _ => false,
    };
    if fits {
        Ok(())
    } else {
        Err(invalid(
            format!("{at}.wait"),
            format!(
                "does not fit the node it waits at, n{node} ({})",
                dag.nodes[node].kind()
            ),
        ))
    }
}

/// A branch's fork is a region before it, waiting on the branch's block.
fn check_branch(
    regions: &IndexMap<String, Region>,
    path: &str,
    at: &str,
) -> Result<(), RestoreError> {
    let (operation, index) = branch_of(path);
    let fits = path.ends_with(']')
        && regions
            .get(region_of(operation))
            .is_some_and(|parent| match &parent.wait {
                Some(Wait::Parallel(parallel)) => {
                    parallel.id == operation && index < parallel.started
                }
                _ => false,
            });
    if fits {
        Ok(())
    } else {
        Err(invalid(
            format!("{at}.path"),
            format!("`{path}` is no started branch of a parallel block before it"),
        ))
    }
}

impl<'p> Machine<'p> {
    /// The state as data, its values in the codec's encoding; `restore` reads
    /// it back. Fails only when a value has no encoding (a lambda in a variable).
    pub fn snapshot(&self) -> Result<Snapshot, CodecError> {
        let mut regions = Vec::with_capacity(self.regions.len());
        for region in self.regions.values() {
            let wait = match &region.wait {
                None => None,
                Some(Wait::Call(call)) => Some(WaitState::Call {
                    id: call.id.clone(),
                    kwargs: encode_vars(&call.kwargs)?,
                    attempt: call.attempt,
                    backing_off: call.backing_off,
                }),
                Some(Wait::Timer { id, seconds }) => Some(WaitState::Sleep {
                    id: id.clone(),
                    seconds: codec::encode(&Value::Float(*seconds))?,
                }),
                Some(Wait::Parallel(parallel)) => Some(WaitState::Parallel {
                    id: parallel.id.clone(),
                    items: match &parallel.items {
                        None => Json::Null,
                        Some(items) => {
                            Json::Array(items.iter().map(codec::encode).collect::<Result<_, _>>()?)
                        }
                    },
                    started: parallel.started,
                    outcomes: parallel
                        .outcomes
                        .iter()
                        .map(|outcome| outcome.as_ref().map(encode_outcome).transpose())
                        .collect::<Result<_, _>>()?,
                }),
            };
            regions.push(RegionState {
                path: region.path.clone(),
                node: Dag::id(region.node),
                ops: region.ops,
                env: encode_vars(&region.env)?,
                wait,
            });
        }
        let outcome = self.outcome.as_ref().map(encode_outcome).transpose()?;
        Ok(Snapshot { regions, outcome })
    }

    /// The machine `snapshot` saw, its values read into the program's classes.
    pub fn restore(program: &'p Program, snapshot: &Snapshot) -> Result<Machine<'p>, RestoreError> {
        let classes = program.evaluator().resolver();
        let dag = program.dag();
        let mut regions = IndexMap::with_capacity(snapshot.regions.len());
        for (index, state) in snapshot.regions.iter().enumerate() {
            let at = format!("regions[{index}]");
            let wait = match &state.wait {
                None => None,
                Some(WaitState::Call {
                    id,
                    kwargs,
                    attempt,
                    backing_off,
                }) => Some(Wait::Call(Call {
                    id: id.clone(),
                    kwargs: Arc::new(decode_vars(
                        kwargs,
                        classes,
                        &format!("{at}.wait.call.kwargs"),
                    )?),
                    attempt: *attempt,
                    backing_off: *backing_off,
                })),
                Some(WaitState::Sleep { id, seconds }) => {
                    let seconds = match codec::decode(seconds, classes) {
                        Ok(Value::Float(seconds)) => seconds,
                        _ => {
                            return Err(invalid(
                                format!("{at}.wait.sleep.seconds"),
                                "expected a float",
                            ));
                        }
                    };
                    Some(Wait::Timer {
                        id: id.clone(),
                        seconds,
                    })
                }
                Some(WaitState::Parallel {
                    id,
                    items,
                    started,
                    outcomes,
                }) => {
                    let items_at = format!("{at}.wait.parallel.items");
                    let items = match codec::decode(items, classes) {
                        Ok(Value::None) => None,
                        Ok(Value::List(items)) => Some(items.to_vec()),
                        Ok(_) => return Err(invalid(items_at, "expected a list or null")),
                        Err(error) => return Err(invalid(items_at, error.to_string())),
                    };
                    let outcomes = outcomes
                        .iter()
                        .enumerate()
                        .map(|(i, outcome)| {
                            outcome
                                .as_ref()
                                .map(|outcome| {
                                    decode_outcome(
                                        outcome,
                                        classes,
                                        &format!("{at}.wait.parallel.outcomes[{i}]"),
                                    )
                                })
                                .transpose()
                        })
                        .collect::<Result<Vec<_>, _>>()?;
                    if *started > outcomes.len() {
                        return Err(invalid(
                            format!("{at}.wait.parallel.started"),
                            "more branches started than the block has",
                        ));
                    }
                    Some(Wait::Parallel(Parallel::new(
                        id.clone(),
                        items,
                        *started,
                        outcomes,
                    )))
                }
            };
            let node = node_index(dag, &state.node, &format!("{at}.node"))?;
            check_wait(dag, node, wait.as_ref(), &at)?;
            if !state.path.is_empty() {
                check_branch(&regions, &state.path, &at)?;
            }
            let region = Region {
                path: state.path.clone(),
                env: decode_vars(&state.env, classes, &format!("{at}.env"))?,
                node,
                ops: state.ops,
                wait,
            };
            if regions.insert(state.path.clone(), region).is_some() {
                return Err(invalid(
                    format!("{at}.path"),
                    "a second region with this path",
                ));
            }
        }
        let outcome = snapshot
            .outcome
            .as_ref()
            .map(|outcome| decode_outcome(outcome, classes, "outcome"))
            .transpose()?;
        Ok(Machine::from_parts(program, regions, outcome))
    }
}
