//! The machine's state as data: `Machine::snapshot` writes it at any step,
//! `Machine::restore` reads it back. The layout is Python's
//! (`rrl.interpreter.Machine.snapshot`), values in the codec's encoding, so
//! the two implementations' states compare as JSON.
//!
//! `Layout::Shared` (what a runtime persists) writes a branch's variables as
//! what differs from those of the region that forked it, which do not change
//! while the branch lives: `{"branch": <dict of the names set>}`, with
//! `"unset": [names]` beside it when the branch unbound some.
//! A 1,000-way fan-out over a list then holds the list once, not 1,001 times.

use std::sync::Arc;

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as Json};

use super::command::Finish;
use super::ids::{branch_of, region_of};
use super::machine::{Call, Machine, Parallel, Program, Region, Wait};
use crate::dag::{Dag, Node, NodeId};
use crate::eval::Env;
use crate::value::class::Classes;
use crate::value::codec::{self, CodecError};
use crate::value::{Int, Value};

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

/// How a snapshot writes each region's variables.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// In full, as Python's `Machine.snapshot()` does.
    Python,
    /// A branch's as what differs from its forking region's, where that
    /// gives back the same variables in the same order.
    Shared,
}

/// Whether two values are one (a shared container) or equal scalars of one
/// type: either encodes as the other does.
fn identical(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::None, Value::None) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Int(Int::Small(x)), Value::Int(Int::Small(y))) => x == y,
        (Value::Float(x), Value::Float(y)) => x.to_bits() == y.to_bits(),
        (Value::Str(x), Value::Str(y)) => x == y,
        (Value::List(x), Value::List(y)) | (Value::Tuple(x), Value::Tuple(y)) => Arc::ptr_eq(x, y),
        (Value::Dict(x), Value::Dict(y)) => Arc::ptr_eq(x, y),
        (Value::Record(x), Value::Record(y)) => Arc::ptr_eq(x, y),
        (Value::NamedTuple(c, x), Value::NamedTuple(d, y)) => c.name == d.name && Arc::ptr_eq(x, y),
        (Value::Enum(x), Value::Enum(y)) => Arc::ptr_eq(x, y),
        (Value::Exception(x), Value::Exception(y)) => x.same(y),
        _ => false,
    }
}

/// The names a branch set (changed or new, in its order) and unset.
type Changes<'e> = (Vec<(&'e String, &'e Value)>, Vec<&'e str>);

/// A branch's variables as changes to its forking region's; None when
/// applying them would not give the branch's order back.
pub(super) fn branch_changes<'e>(base: &'e Env, env: &'e Env) -> Option<Changes<'e>> {
    let set: Vec<(&String, &Value)> = env
        .iter()
        .filter(|(name, value)| !base.get(*name).is_some_and(|old| identical(old, value)))
        .collect();
    let unset: Vec<&str> = base
        .keys()
        .filter(|name| !env.contains_key(*name))
        .map(String::as_str)
        .collect();
    // Applying them keeps the base's remaining names in place and appends the new.
    let kept = base.keys().filter(|name| env.contains_key(*name));
    let added = set
        .iter()
        .map(|(name, _)| *name)
        .filter(|name| !base.contains_key(*name));
    kept.chain(added).eq(env.keys()).then_some((set, unset))
}

fn encode_branch_vars(set: &[(&String, &Value)], unset: &[&str]) -> Result<Json, CodecError> {
    let mut pairs = Vec::with_capacity(set.len());
    for (name, value) in set {
        pairs.push(Json::Array(vec![
            codec::encode_str(name),
            codec::encode(value)?,
        ]));
    }
    let mut dict = Map::with_capacity(1);
    dict.insert("dict".to_string(), Json::Array(pairs));
    let mut members = Map::with_capacity(2);
    members.insert("branch".to_string(), Json::Object(dict));
    if !unset.is_empty() {
        let names = unset.iter().map(|name| Json::String(name.to_string()));
        members.insert("unset".to_string(), Json::Array(names.collect()));
    }
    Ok(Json::Object(members))
}

/// A branch's variables written as changes, `{"branch": set, "unset": [names]}`.
fn decode_branch_vars(
    data: &Json,
    set: &Json,
    classes: &dyn Classes,
    at: &str,
) -> Result<Vars, RestoreError> {
    let unset = match data.get("unset") {
        None => &[][..],
        Some(Json::Array(names)) => names.as_slice(),
        Some(_) => return Err(invalid(format!("{at}.unset"), "expected a list of names")),
    };
    if data.as_object().map_or(0, Map::len) != 1 + usize::from(data.get("unset").is_some()) {
        return Err(invalid(
            at,
            "a branch's changes are {\"branch\": {\"dict\": [...]}, \"unset\": [names]}",
        ));
    }
    let unset = unset
        .iter()
        .map(|name| match name {
            Json::String(name) => Ok(name.clone()),
            _ => Err(invalid(format!("{at}.unset"), "a variable's name is a str")),
        })
        .collect::<Result<_, _>>()?;
    let set = decode_vars(set, classes, &format!("{at}.branch"))?;
    Ok(Vars::Changes {
        set: set.into_iter().collect(),
        unset,
    })
}

/// A region read back, before it is checked against the program and the
/// regions before it.
pub(super) struct RegionParts {
    pub path: String,
    pub node: NodeId,
    pub ops: u64,
    pub vars: Vars,
    pub wait: Option<Wait>,
}

/// A region's variables as written: in full, or as changes to those of the
/// region that forked it.
pub(super) enum Vars {
    All(Env),
    Changes {
        set: Vec<(String, Value)>,
        unset: Vec<String>,
    },
}

/// Where region `index` is in a snapshot (errors only: it allocates).
fn region_at(index: usize) -> String {
    format!("regions[{index}]")
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
fn check_wait(
    dag: &Dag,
    node: usize,
    wait: Option<&Wait>,
    index: usize,
) -> Result<(), RestoreError> {
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
            format!("{}.wait", region_at(index)),
            format!(
                "does not fit the node it waits at, n{node} ({})",
                dag.nodes[node].kind()
            ),
        ))
    }
}

/// A branch's fork is a region before it, waiting on the branch's block,
/// which has not settled the branch yet.
fn check_branch(
    regions: &IndexMap<String, Region>,
    path: &str,
    region: usize,
) -> Result<(), RestoreError> {
    let (operation, index) = branch_of(path);
    let fits = path.ends_with(']')
        && regions
            .get(region_of(operation))
            .is_some_and(|parent| match &parent.wait {
                Some(Wait::Parallel(parallel)) => {
                    parallel.id == operation
                        && index < parallel.started
                        && parallel.outcomes.get(index).is_some_and(Option::is_none)
                }
                _ => false,
            });
    if fits {
        Ok(())
    } else {
        Err(invalid(
            format!("{}.path", region_at(region)),
            format!("`{path}` is no running branch of a parallel block before it"),
        ))
    }
}

impl<'p> Machine<'p> {
    /// The state as data in Python's layout, its values in the codec's
    /// encoding; `restore` reads it back. Fails only when a value has no
    /// encoding (a lambda in a variable).
    pub fn snapshot(&self) -> Result<Snapshot, CodecError> {
        self.snapshot_in(Layout::Python)
    }

    /// The state as data, each region's variables as `layout` writes them.
    pub fn snapshot_in(&self, layout: Layout) -> Result<Snapshot, CodecError> {
        let mut regions = Vec::with_capacity(self.regions.len());
        for region in self.regions.values() {
            let base = match layout {
                Layout::Shared if !region.path.is_empty() => self
                    .regions
                    .get(region_of(branch_of(&region.path).0))
                    .map(|parent| &parent.env),
                _ => None,
            };
            let env = match base.and_then(|base| branch_changes(base, &region.env)) {
                Some((set, unset)) => encode_branch_vars(&set, &unset)?,
                None => encode_vars(&region.env)?,
            };
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
                env,
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
        let mut parts = Vec::with_capacity(snapshot.regions.len());
        for (index, state) in snapshot.regions.iter().enumerate() {
            let at = region_at(index);
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
                    Some(Wait::Parallel(Parallel::new(
                        id.clone(),
                        items,
                        *started,
                        outcomes,
                    )))
                }
            };
            let node = node_index(dag, &state.node, &format!("{at}.node"))?;
            let vars = match state.env.get("branch") {
                None => Vars::All(decode_vars(&state.env, classes, &format!("{at}.env"))?),
                Some(set) => decode_branch_vars(&state.env, set, classes, &format!("{at}.env"))?,
            };
            parts.push(RegionParts {
                path: state.path.clone(),
                node,
                ops: state.ops,
                vars,
                wait,
            });
        }
        let outcome = snapshot
            .outcome
            .as_ref()
            .map(|outcome| decode_outcome(outcome, classes, "outcome"))
            .transpose()?;
        Machine::assemble(program, parts, outcome)
    }

    /// The machine whose regions are `parts`, once they fit the program and
    /// one another (what `restore` and `load` share).
    pub(super) fn assemble(
        program: &'p Program,
        parts: Vec<RegionParts>,
        outcome: Option<Finish>,
    ) -> Result<Machine<'p>, RestoreError> {
        let dag = program.dag();
        let mut regions: IndexMap<String, Region> = IndexMap::with_capacity(parts.len());
        for (index, part) in parts.into_iter().enumerate() {
            if let Some(Wait::Parallel(parallel)) = &part.wait {
                if parallel.settled > parallel.started {
                    return Err(invalid(
                        format!("{}.wait.parallel.outcomes", region_at(index)),
                        "more branches settled than started",
                    ));
                }
                if parallel.started > parallel.outcomes.len() {
                    return Err(invalid(
                        format!("{}.wait.parallel.started", region_at(index)),
                        "more branches started than the block has",
                    ));
                }
            }
            if part.node >= dag.nodes.len() {
                return Err(invalid(
                    format!("{}.node", region_at(index)),
                    format!("`{}` names no node of the DAG", Dag::id(part.node)),
                ));
            }
            check_wait(dag, part.node, part.wait.as_ref(), index)?;
            if !part.path.is_empty() {
                check_branch(&regions, &part.path, index)?;
            }
            let env = match part.vars {
                Vars::All(env) => env,
                Vars::Changes { set, unset } => {
                    let base = (!part.path.is_empty())
                        .then(|| regions.get(region_of(branch_of(&part.path).0)))
                        .flatten()
                        .ok_or_else(|| {
                            invalid(
                                format!("{}.env", region_at(index)),
                                "only a branch's variables are written as changes",
                            )
                        })?;
                    let mut env = base.env.clone();
                    for name in &unset {
                        env.shift_remove(name);
                    }
                    env.extend(set);
                    env
                }
            };
            let region = Region {
                path: part.path.clone(),
                env,
                node: part.node,
                ops: part.ops,
                wait: part.wait,
            };
            if regions.insert(part.path, region).is_some() {
                return Err(invalid(
                    format!("{}.path", region_at(index)),
                    "a second region with this path",
                ));
            }
        }
        Ok(Machine::from_parts(program, regions, outcome))
    }
}
