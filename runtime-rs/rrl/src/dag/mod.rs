//! A workflow lowered to its DAG, and the DAG's canonical JSON
//! (`language/rrl/dag.py`, whose module docstring specifies the node kinds).
//!
//! Nodes live in an arena and name each other by index; control is a single
//! point per region; removing loop back edges leaves an acyclic graph. The
//! JSON (sorted keys, expressions as canonical RRL text) is byte-identical
//! to Python's: `golden/**/*.dag.json` holds both to it.

pub mod json;
mod lower;
pub mod policies;

use std::collections::{BTreeMap, HashMap};

use crate::syntax::ast::{ClassDecl, ClassKind, Expr, ExprKind, Param, in_place_key};
use crate::syntax::printer::{PrintError, print_expr, print_target, print_type};
use crate::syntax::walk::names_in;
use json::Json;
use policies::{Backoff, Number, Retry};

pub use lower::lower;

/// Why a program cannot be lowered (the checker reports the reason of most).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LoweringError {
    #[error("{0}")]
    Program(String),
    #[error(transparent)]
    Print(#[from] PrintError),
}

pub type NodeId = usize;

/// One step of a `compute` node.
#[derive(Clone, Debug)]
pub enum Step {
    /// `target = value`; without a target, `value` is evaluated for its effect.
    Assign { target: Option<Expr>, value: Expr },
    /// `del target`.
    Delete(Expr),
    /// Unbind each of the names that is bound (the locals of an inlined fn).
    Unbind(Vec<String>),
}

#[derive(Clone, Debug)]
pub struct Case {
    pub when: Expr,
    pub to: NodeId,
}

#[derive(Clone, Debug)]
pub struct Handler {
    /// Exception classes, by the program's names; none catches everything.
    pub types: Vec<String>,
    pub bind: Option<String>,
    pub to: NodeId,
}

/// A node of the DAG, with its kind's fields (see the module docs of
/// `rrl.dag`). An edge of `None` goes out of the region.
#[derive(Clone, Debug)]
pub enum Node {
    Start {
        next: Option<NodeId>,
    },
    Compute {
        steps: Vec<Step>,
        next: Option<NodeId>,
        error: Option<NodeId>,
    },
    Action {
        action: String,
        kwargs: Vec<(String, Expr)>,
        target: Option<Expr>,
        retry: Option<Retry>,
        backoff: Option<Backoff>,
        timeout: Option<Number>,
        next: Option<NodeId>,
        error: Option<NodeId>,
    },
    Branch {
        cases: Vec<Case>,
        otherwise: Option<NodeId>,
        error: Option<NodeId>,
    },
    Join {
        next: Option<NodeId>,
    },
    ForInit {
        loop_name: String,
        iter: Expr,
        next: Option<NodeId>,
        error: Option<NodeId>,
    },
    ForNext {
        loop_name: String,
        target: Expr,
        body: Option<NodeId>,
        done: Option<NodeId>,
        error: Option<NodeId>,
    },
    WhileInit {
        loop_name: String,
        next: Option<NodeId>,
    },
    While {
        loop_name: String,
        test: Expr,
        max: Option<String>,
        body: Option<NodeId>,
        done: Option<NodeId>,
        error: Option<NodeId>,
    },
    Fork {
        result: String,
        branches: Vec<NodeId>,
        join: Option<NodeId>,
    },
    ForkEach {
        result: String,
        iter: Expr,
        target: Expr,
        body: Option<NodeId>,
        limit: Option<String>,
        join: Option<NodeId>,
        error: Option<NodeId>,
    },
    Barrier {
        target: Option<Expr>,
        return_exceptions: bool,
        next: Option<NodeId>,
        error: Option<NodeId>,
    },
    Sleep {
        seconds: Expr,
        next: Option<NodeId>,
        error: Option<NodeId>,
    },
    Except {
        store: String,
        handlers: Vec<Handler>,
        error: Option<NodeId>,
    },
    Raise {
        value: Expr,
        error: Option<NodeId>,
        cause: Option<Expr>,
    },
    Return {
        value: Option<Expr>,
        error: Option<NodeId>,
    },
}

impl Node {
    pub fn kind(&self) -> &'static str {
        match self {
            Node::Start { .. } => "start",
            Node::Compute { .. } => "compute",
            Node::Action { .. } => "action",
            Node::Branch { .. } => "branch",
            Node::Join { .. } => "join",
            Node::ForInit { .. } => "for_init",
            Node::ForNext { .. } => "for_next",
            Node::WhileInit { .. } => "while_init",
            Node::While { .. } => "while",
            Node::Fork { .. } => "fork",
            Node::ForkEach { .. } => "fork_each",
            Node::Barrier { .. } => "barrier",
            Node::Sleep { .. } => "sleep",
            Node::Except { .. } => "except",
            Node::Raise { .. } => "raise",
            Node::Return { .. } => "return",
        }
    }

    /// Every outgoing edge slot, in canonical order (the order of the
    /// fields of `rrl.dag`'s node classes).
    pub fn edge_slots(&mut self) -> Vec<&mut Option<NodeId>> {
        match self {
            Node::Start { next } | Node::Join { next } | Node::WhileInit { next, .. } => vec![next],
            Node::Compute { next, error, .. }
            | Node::Action { next, error, .. }
            | Node::ForInit { next, error, .. }
            | Node::Barrier { next, error, .. }
            | Node::Sleep { next, error, .. } => vec![next, error],
            Node::Branch {
                otherwise, error, ..
            } => vec![otherwise, error],
            Node::ForNext {
                body, done, error, ..
            }
            | Node::While {
                body, done, error, ..
            } => {
                vec![body, done, error]
            }
            Node::Fork { join, .. } => vec![join],
            Node::ForkEach {
                body, join, error, ..
            } => vec![body, join, error],
            Node::Except { error, .. } | Node::Raise { error, .. } | Node::Return { error, .. } => {
                vec![error]
            }
        }
    }

    /// The targets of every outgoing edge, in canonical order.
    pub fn edges(&self) -> Vec<NodeId> {
        let mut out = Vec::new();
        let mut push = |edge: &Option<NodeId>| out.extend(edge.iter().copied());
        match self {
            Node::Start { next } | Node::Join { next } | Node::WhileInit { next, .. } => push(next),
            Node::Compute { next, error, .. }
            | Node::Action { next, error, .. }
            | Node::ForInit { next, error, .. }
            | Node::Barrier { next, error, .. }
            | Node::Sleep { next, error, .. } => {
                push(next);
                push(error);
            }
            Node::Branch {
                cases,
                otherwise,
                error,
            } => {
                cases.iter().for_each(|c| push(&Some(c.to)));
                push(otherwise);
                push(error);
            }
            Node::ForNext {
                body, done, error, ..
            }
            | Node::While {
                body, done, error, ..
            } => {
                push(body);
                push(done);
                push(error);
            }
            Node::Fork { branches, join, .. } => {
                branches.iter().for_each(|b| push(&Some(*b)));
                push(join);
            }
            Node::ForkEach {
                body, join, error, ..
            } => {
                push(body);
                push(join);
                push(error);
            }
            Node::Except {
                handlers, error, ..
            } => {
                handlers.iter().for_each(|h| push(&Some(h.to)));
                push(error);
            }
            Node::Raise { error, .. } | Node::Return { error, .. } => push(error),
        }
        out
    }

    /// Point every edge at `resolve(target)`.
    fn redirect(&mut self, resolve: &impl Fn(NodeId) -> NodeId) {
        match self {
            Node::Branch { cases, .. } => cases.iter_mut().for_each(|c| c.to = resolve(c.to)),
            Node::Fork { branches, .. } => branches.iter_mut().for_each(|b| *b = resolve(*b)),
            Node::Except { handlers, .. } => handlers.iter_mut().for_each(|h| h.to = resolve(h.to)),
            _ => {}
        }
        for target in self.edge_slots().into_iter().flatten() {
            *target = resolve(*target);
        }
    }

    /// The expressions and targets the node evaluates, in canonical order,
    /// and the names its `unbind` steps name, each given to `f`.
    pub fn each_expr(&self, f: &mut impl FnMut(ExprRef)) {
        match self {
            Node::Compute { steps, .. } => {
                for step in steps {
                    match step {
                        Step::Unbind(names) => names.iter().for_each(|n| f(ExprRef::Name(n))),
                        Step::Assign { target, value } => {
                            target.iter().for_each(|t| f(ExprRef::Expr(t)));
                            f(ExprRef::Expr(value));
                        }
                        Step::Delete(target) => f(ExprRef::Expr(target)),
                    }
                }
            }
            Node::Action { kwargs, target, .. } => {
                kwargs.iter().for_each(|(_, e)| f(ExprRef::Expr(e)));
                target.iter().for_each(|t| f(ExprRef::Expr(t)));
            }
            Node::Branch { cases, .. } => cases.iter().for_each(|c| f(ExprRef::Expr(&c.when))),
            Node::ForInit { iter: e, .. }
            | Node::ForNext { target: e, .. }
            | Node::While { test: e, .. }
            | Node::Sleep { seconds: e, .. } => f(ExprRef::Expr(e)),
            Node::ForkEach { iter, target, .. } => {
                f(ExprRef::Expr(iter));
                f(ExprRef::Expr(target));
            }
            Node::Barrier { target, .. } => target.iter().for_each(|t| f(ExprRef::Expr(t))),
            Node::Raise { value, cause, .. } => {
                f(ExprRef::Expr(value));
                cause.iter().for_each(|c| f(ExprRef::Expr(c)));
            }
            Node::Return { value, .. } => value.iter().for_each(|v| f(ExprRef::Expr(v))),
            _ => {}
        }
    }

    /// Every name the node's expressions read or write, in canonical order.
    pub fn each_name(&self, f: &mut impl FnMut(&str)) {
        self.each_expr(&mut |e| match e {
            ExprRef::Name(name) => f(name),
            ExprRef::Expr(expr) => names_in(expr, f),
        });
    }
}

/// An expression of a node, or a name an `unbind` step names.
pub enum ExprRef<'a> {
    Expr(&'a Expr),
    Name(&'a str),
}

/// An action's signature, as the DAG carries it.
#[derive(Clone, Debug)]
pub struct ActionSignature {
    pub module: String,
    pub params: Vec<ParamSignature>,
    pub returns: String,
}

/// A parameter: its name, its type and its default, as RRL text.
#[derive(Clone, Debug)]
pub struct ParamSignature {
    pub name: String,
    pub ty: String,
    pub default: Option<String>,
}

impl ParamSignature {
    /// A parameter or a field: its type and default as canonical RRL text.
    pub fn of(param: &Param) -> Result<ParamSignature, PrintError> {
        Ok(ParamSignature {
            name: param.name.clone(),
            ty: print_type(&param.ty)?,
            default: param.default.as_ref().map(print_expr).transpose()?,
        })
    }

    fn json(&self) -> Json {
        let mut entries = BTreeMap::new();
        entries.insert("name".to_string(), Json::str(&self.name));
        entries.insert("type".to_string(), Json::str(&self.ty));
        if let Some(default) = &self.default {
            entries.insert("default".to_string(), Json::str(default));
        }
        Json::Object(entries)
    }
}

/// A lowered workflow.
#[derive(Clone, Debug)]
pub struct Dag {
    pub workflow: String,
    pub params: Vec<ParamSignature>,
    pub returns: String,
    /// The declared classes the workflow needs, by the program's names.
    pub types: BTreeMap<String, ClassDecl>,
    pub actions: BTreeMap<String, ActionSignature>,
    /// In declaration order: a const may be defined from earlier ones.
    pub consts: Vec<(String, Expr)>,
    /// Every node reachable from the start, in id order: node `n<i>` is `nodes[i]`.
    pub nodes: Vec<Node>,
    pub version: String,
}

impl Dag {
    pub fn id(index: NodeId) -> String {
        format!("n{index}")
    }

    /// The canonical JSON: sorted keys, two-space indent, UTF-8 text.
    pub fn to_json(&self) -> Result<String, PrintError> {
        Ok(self.to_value()?.dumps())
    }

    pub fn to_value(&self) -> Result<Json, PrintError> {
        let actions = self
            .actions
            .iter()
            .map(|(name, sig)| {
                let value = Json::object([
                    ("module", Json::str(&sig.module)),
                    (
                        "params",
                        Json::Array(sig.params.iter().map(ParamSignature::json).collect()),
                    ),
                    ("returns", Json::str(&sig.returns)),
                ]);
                (name.clone(), value)
            })
            .collect();
        let consts = self
            .consts
            .iter()
            .map(|(name, value)| {
                Ok(Json::object([
                    ("name", Json::str(name)),
                    ("value", Json::Str(print_expr(value)?)),
                ]))
            })
            .collect::<Result<Vec<_>, PrintError>>()?;
        let nodes = (0..self.nodes.len())
            .map(|i| self.encode(i))
            .collect::<Result<Vec<_>, PrintError>>()?;
        let types = self
            .types
            .iter()
            .map(|(name, class)| Ok((name.clone(), encode_class(class)?)))
            .collect::<Result<BTreeMap<_, _>, PrintError>>()?;
        Ok(Json::object([
            ("rrl", Json::Int(self.version.clone())),
            ("workflow", Json::str(&self.workflow)),
            (
                "params",
                Json::Array(self.params.iter().map(ParamSignature::json).collect()),
            ),
            ("returns", Json::str(&self.returns)),
            ("types", Json::Object(types)),
            ("actions", Json::Object(actions)),
            ("consts", Json::Array(consts)),
            ("entry", Json::Str(Dag::id(0))),
            ("nodes", Json::Array(nodes)),
        ]))
    }

    fn encode(&self, index: NodeId) -> Result<Json, PrintError> {
        let edge = |e: &Option<NodeId>| e.map_or(Json::Null, |i| Json::Str(Dag::id(i)));
        let expr = |e: &Expr| print_expr(e).map(Json::Str);
        let opt_expr = |e: &Option<Expr>| e.as_ref().map_or(Ok(Json::Null), expr);
        let target = |e: &Option<Expr>| {
            e.as_ref()
                .map_or(Ok(Json::Null), |e| print_target(e).map(Json::Str))
        };
        let opt_int = |d: &Option<String>| d.as_ref().map_or(Json::Null, |d| Json::Int(d.clone()));
        let node = &self.nodes[index];
        let mut fields: Vec<(&str, Json)> = match node {
            Node::Start { next } => vec![("next", edge(next))],
            Node::Compute { steps, next, error } => {
                let steps = steps
                    .iter()
                    .map(encode_step)
                    .collect::<Result<Vec<_>, _>>()?;
                vec![
                    ("steps", Json::Array(steps)),
                    ("next", edge(next)),
                    ("error", edge(error)),
                ]
            }
            Node::Action {
                action,
                kwargs,
                target: assigned,
                retry,
                backoff,
                timeout,
                next,
                error,
            } => {
                let kwargs = kwargs
                    .iter()
                    .map(|(name, value)| {
                        Ok(Json::object([
                            ("name", Json::str(name)),
                            ("value", expr(value)?),
                        ]))
                    })
                    .collect::<Result<Vec<_>, PrintError>>()?;
                let retry = retry.as_ref().map_or(Json::Null, |r| {
                    Json::object([
                        ("attempts", opt_int(&r.attempts)),
                        (
                            "on",
                            Json::Array(r.on.iter().map(|t| Json::str(t)).collect()),
                        ),
                    ])
                });
                let backoff = backoff.as_ref().map_or(Json::Null, |b| {
                    Json::object([
                        ("base", b.base.json()),
                        ("multiplier", b.multiplier.json()),
                        ("max", b.max.as_ref().map_or(Json::Null, Number::json)),
                    ])
                });
                vec![
                    ("action", Json::str(action)),
                    ("kwargs", Json::Array(kwargs)),
                    ("target", target(assigned)?),
                    ("retry", retry),
                    ("backoff", backoff),
                    ("timeout", timeout.as_ref().map_or(Json::Null, Number::json)),
                    ("next", edge(next)),
                    ("error", edge(error)),
                ]
            }
            Node::Branch {
                cases,
                otherwise,
                error,
            } => {
                let cases = cases
                    .iter()
                    .map(|c| {
                        Ok(Json::object([
                            ("when", expr(&c.when)?),
                            ("to", Json::Str(Dag::id(c.to))),
                        ]))
                    })
                    .collect::<Result<Vec<_>, PrintError>>()?;
                vec![
                    ("cases", Json::Array(cases)),
                    ("else", edge(otherwise)),
                    ("error", edge(error)),
                ]
            }
            Node::Join { next } => vec![("next", edge(next))],
            Node::ForInit {
                loop_name,
                iter,
                next,
                error,
            } => vec![
                ("loop", Json::str(loop_name)),
                ("iter", expr(iter)?),
                ("next", edge(next)),
                ("error", edge(error)),
            ],
            Node::ForNext {
                loop_name,
                target: assigned,
                body,
                done,
                error,
            } => vec![
                ("loop", Json::str(loop_name)),
                ("target", Json::Str(print_target(assigned)?)),
                ("body", edge(body)),
                ("done", edge(done)),
                ("error", edge(error)),
            ],
            Node::WhileInit { loop_name, next } => {
                vec![("loop", Json::str(loop_name)), ("next", edge(next))]
            }
            Node::While {
                loop_name,
                test,
                max,
                body,
                done,
                error,
            } => vec![
                ("loop", Json::str(loop_name)),
                ("test", expr(test)?),
                ("max", opt_int(max)),
                ("body", edge(body)),
                ("done", edge(done)),
                ("error", edge(error)),
            ],
            Node::Fork {
                result,
                branches,
                join,
            } => vec![
                ("result", Json::str(result)),
                (
                    "branches",
                    Json::Array(branches.iter().map(|b| Json::Str(Dag::id(*b))).collect()),
                ),
                ("join", edge(join)),
            ],
            Node::ForkEach {
                result,
                iter,
                target: assigned,
                body,
                limit,
                join,
                error,
            } => vec![
                ("result", Json::str(result)),
                ("iter", expr(iter)?),
                ("target", Json::Str(print_target(assigned)?)),
                ("body", edge(body)),
                ("limit", opt_int(limit)),
                ("join", edge(join)),
                ("error", edge(error)),
            ],
            Node::Barrier {
                target: assigned,
                return_exceptions,
                next,
                error,
            } => vec![
                ("target", target(assigned)?),
                ("return_exceptions", Json::Bool(*return_exceptions)),
                ("next", edge(next)),
                ("error", edge(error)),
            ],
            Node::Sleep {
                seconds,
                next,
                error,
            } => {
                vec![
                    ("seconds", expr(seconds)?),
                    ("next", edge(next)),
                    ("error", edge(error)),
                ]
            }
            Node::Except {
                store,
                handlers,
                error,
            } => {
                let handlers = handlers
                    .iter()
                    .map(|h| {
                        Json::object([
                            (
                                "types",
                                Json::Array(h.types.iter().map(|t| Json::str(t)).collect()),
                            ),
                            ("bind", Json::opt_str(h.bind.as_deref())),
                            ("to", Json::Str(Dag::id(h.to))),
                        ])
                    })
                    .collect();
                vec![
                    ("store", Json::str(store)),
                    ("handlers", Json::Array(handlers)),
                    ("error", edge(error)),
                ]
            }
            Node::Raise {
                value,
                error,
                cause,
            } => {
                vec![
                    ("value", expr(value)?),
                    ("error", edge(error)),
                    ("cause", opt_expr(cause)?),
                ]
            }
            Node::Return { value, error } => {
                vec![("value", opt_expr(value)?), ("error", edge(error))]
            }
        };
        fields.push(("id", Json::Str(Dag::id(index))));
        fields.push(("kind", Json::str(node.kind())));
        Ok(Json::Object(
            fields
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
        ))
    }

    /// Every name the DAG's expressions read or write, and the exception
    /// classes it catches or retries on.
    pub fn used_names(&self) -> std::collections::BTreeSet<String> {
        let mut used = std::collections::BTreeSet::new();
        for node in &self.nodes {
            node.each_name(&mut |name| {
                used.insert(name.to_string());
            });
            match node {
                Node::Except { handlers, .. } => {
                    used.extend(handlers.iter().flat_map(|h| h.types.iter().cloned()));
                }
                Node::Action {
                    retry: Some(retry), ..
                } => used.extend(retry.on.iter().cloned()),
                _ => {}
            }
        }
        used
    }
}

/// A class declaration: its kind, its identity (`module:qualname`), its
/// bases, and what its kind declares: a model's or a dataclass's `frozen`
/// and `fields` (null when not declared), an enum's `members`.
fn encode_class(class: &ClassDecl) -> Result<Json, PrintError> {
    let mut out = BTreeMap::new();
    out.insert("kind".to_string(), Json::str(class.kind.as_str()));
    out.insert("class".to_string(), Json::Str(class.identity()));
    out.insert(
        "bases".to_string(),
        Json::Array(class.bases.iter().map(|b| Json::str(b)).collect()),
    );
    match class.kind {
        ClassKind::Model | ClassKind::Dataclass => {
            out.insert("frozen".to_string(), Json::Bool(class.frozen));
            let fields = match class.fields() {
                None => Json::Null,
                Some(fields) => Json::Array(
                    fields
                        .into_iter()
                        .map(|f| Ok(ParamSignature::of(f)?.json()))
                        .collect::<Result<Vec<_>, PrintError>>()?,
                ),
            };
            out.insert("fields".to_string(), fields);
        }
        ClassKind::NamedTuple => {
            let fields = class
                .fields()
                .unwrap_or_default()
                .into_iter()
                .map(|f| Ok(ParamSignature::of(f)?.json()))
                .collect::<Result<Vec<_>, PrintError>>()?;
            out.insert("fields".to_string(), Json::Array(fields));
        }
        ClassKind::Enum => {
            let members = class
                .members()
                .into_iter()
                .map(|m| {
                    Ok(Json::object([
                        ("name", Json::str(&m.name)),
                        ("value", Json::Str(print_expr(&m.value)?)),
                    ]))
                })
                .collect::<Result<Vec<_>, PrintError>>()?;
            out.insert("members".to_string(), Json::Array(members));
        }
        ClassKind::Exception => {}
    }
    Ok(Json::Object(out))
}

fn encode_step(step: &Step) -> Result<Json, PrintError> {
    Ok(match step {
        Step::Unbind(names) => Json::object([(
            "unbind",
            Json::Array(names.iter().map(|n| Json::str(n)).collect()),
        )]),
        Step::Delete(target) => Json::object([("delete", Json::Str(print_target(target)?))]),
        Step::Assign {
            target: Some(target),
            value:
                Expr {
                    kind: ExprKind::BinOp(_, op, right),
                    ..
                },
        } if in_place_key(op).is_some() => Json::object([
            // `xs += ys`, which no expression spells
            ("target", Json::Str(print_target(target)?)),
            (
                in_place_key(op).unwrap_or_default(),
                Json::Str(print_expr(right)?),
            ),
        ]),
        Step::Assign { target, value } => Json::object([
            (
                "target",
                match target {
                    Some(t) => Json::Str(print_target(t)?),
                    None => Json::Null,
                },
            ),
            ("value", Json::Str(print_expr(value)?)),
        ]),
    })
}

/// Nodes reachable from `start`, depth first in edge order (ids follow it).
pub(crate) fn reachable(nodes: &[Node], start: NodeId) -> Vec<NodeId> {
    let mut seen = vec![false; nodes.len()];
    let mut order = Vec::new();
    let mut stack = vec![start];
    while let Some(id) = stack.pop() {
        if seen[id] {
            continue;
        }
        seen[id] = true;
        order.push(id);
        stack.extend(nodes[id].edges().into_iter().rev());
    }
    order
}

/// Renumber `nodes` to the reachable ones, in reachability order.
pub(crate) fn renumber(nodes: Vec<Node>, start: NodeId) -> Vec<Node> {
    let order = reachable(&nodes, start);
    let position: HashMap<NodeId, NodeId> = order
        .iter()
        .enumerate()
        .map(|(new, &old)| (old, new))
        .collect();
    let mut slots: Vec<Option<Node>> = nodes.into_iter().map(Some).collect();
    order
        .iter()
        .filter_map(|&old| {
            let mut node = slots[old].take()?;
            node.redirect(&|target| position.get(&target).copied().unwrap_or(target));
            Some(node)
        })
        .collect()
}
