//! The machine: one workflow instance as a deterministic state machine over
//! its DAG (the module docs of `rrl::exec` and of `rrl.interpreter`).

use std::sync::Arc;

use indexmap::IndexMap;

use super::command::{Command, Completion, Dispatch, Finish};
use super::ids::{branch_of, branch_path, operation_id, region_of};
use super::policy;
use crate::dag::{Dag, Node, NodeId, Step};
use crate::eval::{Env, Evaluator, iterate, truthy};
use crate::syntax::ast::{Expr, ExprKind};
use crate::value::{BuiltinException, ClassName, Exception, Int, Value};

/// A program ready to run: the DAG, its evaluator, and what each node needs
/// worked out once (an action's module and timeout, a fork's limit).
pub struct Program {
    pub(super) dag: Dag,
    pub(super) eval: Evaluator,
    /// Each parameter's default, parsed.
    defaults: Vec<Option<Expr>>,
    /// By node: what an action node dispatches.
    calls: Vec<Option<CallInfo>>,
    /// By node: a fork_each's limit (0: none), a while's bound.
    limits: Vec<Option<Int>>,
}

pub(super) struct CallInfo {
    pub action: Arc<str>,
    pub module: Arc<str>,
    pub timeout: f64,
    /// The ValueError a policy value out of range fails the call with.
    pub problem: Option<String>,
}

/// Why a DAG cannot run.
#[derive(Debug, thiserror::Error)]
pub enum ProgramError {
    #[error("the default of parameter `{param}` does not parse: {message}")]
    Default { param: String, message: String },
    #[error("node n{node} calls the action `{action}`, which the DAG does not declare")]
    UndeclaredAction { node: NodeId, action: String },
    #[error("the program's classes: {0}")]
    Classes(String),
    #[error("node n{node}: `{value}` is not a whole number")]
    Bound { node: NodeId, value: String },
}

impl Program {
    pub fn new(dag: Dag) -> Result<Program, ProgramError> {
        let eval =
            Evaluator::new(&dag.types).map_err(|error| ProgramError::Classes(error.to_string()))?;
        let defaults = dag
            .params
            .iter()
            .map(|param| {
                param
                    .default
                    .as_ref()
                    .map(|text| {
                        crate::syntax::parse_expr(text, None).map_err(|error| {
                            ProgramError::Default {
                                param: param.name.clone(),
                                message: error.to_string(),
                            }
                        })
                    })
                    .transpose()
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut calls = Vec::with_capacity(dag.nodes.len());
        let mut limits = Vec::with_capacity(dag.nodes.len());
        for (index, node) in dag.nodes.iter().enumerate() {
            calls.push(match node {
                Node::Action {
                    action,
                    retry,
                    backoff,
                    timeout,
                    ..
                } => {
                    let Some(signature) = dag.actions.get(action) else {
                        return Err(ProgramError::UndeclaredAction {
                            node: index,
                            action: action.clone(),
                        });
                    };
                    Some(CallInfo {
                        action: Arc::from(action.as_str()),
                        module: Arc::from(signature.module.as_str()),
                        timeout: policy::timeout_seconds(timeout.as_ref()),
                        problem: policy::range_problem(
                            retry.as_ref(),
                            backoff.as_ref(),
                            timeout.as_ref(),
                        ),
                    })
                }
                _ => None,
            });
            let bound = match node {
                Node::ForkEach { limit, .. } => limit.as_ref(),
                Node::While { max, .. } => max.as_ref(),
                _ => None,
            };
            limits.push(match bound {
                None => None,
                Some(digits) => Some(Int::from_big(digits.parse().map_err(|_| {
                    ProgramError::Bound {
                        node: index,
                        value: digits.clone(),
                    }
                })?)),
            });
        }
        Ok(Program {
            dag,
            eval,
            defaults,
            calls,
            limits,
        })
    }

    pub fn dag(&self) -> &Dag {
        &self.dag
    }

    pub fn evaluator(&self) -> &Evaluator {
        &self.eval
    }

    fn call(&self, node: NodeId) -> &CallInfo {
        match &self.calls[node] {
            Some(info) => info,
            None => unreachable!("node n{node} is not an action"),
        }
    }
}

/// An action call in progress: its attempt `attempt` is dispatched, or waits
/// for its backoff timer.
#[derive(Clone, Debug)]
pub(super) struct Call {
    pub id: String,
    pub kwargs: Arc<Env>,
    pub attempt: u64,
    pub backing_off: bool,
}

/// A fork in progress: the branches started so far, and each branch's
/// outcome once it settled.
#[derive(Clone, Debug)]
pub(super) struct Parallel {
    pub id: String,
    /// A fork_each's items; None for a fork.
    pub items: Option<Vec<Value>>,
    pub started: usize,
    pub outcomes: Vec<Option<Finish>>,
    /// How many outcomes are in (kept, not stored: it follows from `outcomes`).
    pub settled: usize,
}

impl Parallel {
    pub fn new(
        id: String,
        items: Option<Vec<Value>>,
        started: usize,
        outcomes: Vec<Option<Finish>>,
    ) -> Parallel {
        let settled = outcomes.iter().filter(|outcome| outcome.is_some()).count();
        Parallel {
            id,
            items,
            started,
            outcomes,
            settled,
        }
    }

    fn running(&self) -> usize {
        self.started.saturating_sub(self.settled)
    }

    fn all_settled(&self) -> bool {
        self.settled == self.outcomes.len()
    }
}

#[derive(Clone, Debug)]
pub(super) enum Wait {
    Call(Call),
    /// A durable sleep: its id and seconds.
    Timer {
        id: String,
        seconds: f64,
    },
    Parallel(Parallel),
}

/// The workflow (path "") or one branch of a fork, while it runs. `node` is
/// where control waits on `wait`; `ops` counts the operations it began.
#[derive(Clone, Debug)]
pub(super) struct Region {
    pub path: String,
    pub env: Env,
    pub node: NodeId,
    pub ops: u64,
    pub wait: Option<Wait>,
}

/// A completion that answers no outstanding command: unknown, already
/// applied, or of the wrong kind. The machine's state is unchanged.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0} answers no outstanding command")]
pub struct CompletionError(pub String);

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the machine has already started")]
pub struct AlreadyStarted;

/// What a node leads to.
enum Flow {
    Next(Option<NodeId>),
    /// The region waits for a completion.
    Waits,
    /// The region ended.
    Settled,
}

type Stepped = Result<Flow, Exception>;

/// One workflow instance (see the module docs of `rrl::exec`).
#[derive(Clone)]
pub struct Machine<'p> {
    pub(super) program: &'p Program,
    /// By path, in the order the regions started (as Python's dict keeps them).
    pub(super) regions: IndexMap<String, Region>,
    pub(super) outcome: Option<Finish>,
    issued: Vec<Command>,
}

fn exception(class: BuiltinException, message: impl Into<String>) -> Exception {
    Exception::new(class, message)
}

/// `type(x).__name__`.
fn type_name(value: &Value) -> String {
    value.type_of().name().to_string()
}

impl<'p> Machine<'p> {
    pub fn new(program: &'p Program) -> Machine<'p> {
        Machine {
            program,
            regions: IndexMap::new(),
            outcome: None,
            issued: Vec::new(),
        }
    }

    pub(super) fn from_parts(
        program: &'p Program,
        regions: IndexMap<String, Region>,
        outcome: Option<Finish>,
    ) -> Machine<'p> {
        Machine {
            program,
            regions,
            outcome,
            issued: Vec::new(),
        }
    }

    pub fn program(&self) -> &'p Program {
        self.program
    }

    /// The workflow's outcome, once it finished.
    pub fn outcome(&self) -> Option<&Finish> {
        self.outcome.as_ref()
    }

    // ---------------------------------------------------------- public API

    /// Start the instance with keyword `args`; the commands it issues.
    pub fn start(&mut self, args: &Env) -> Result<Vec<Command>, AlreadyStarted> {
        if !self.regions.is_empty() || self.outcome.is_some() {
            return Err(AlreadyStarted);
        }
        let root = Region {
            path: String::new(),
            env: Env::new(),
            node: 0,
            ops: 0,
            wait: None,
        };
        self.regions.insert(String::new(), root);
        match self.bind_arguments(args) {
            Err(error) => self.settle("", Err(error)),
            Ok(()) => {
                let next = match &self.program.dag.nodes.first() {
                    Some(Node::Start { next }) => *next,
                    _ => None,
                };
                self.resume("", next, None);
            }
        }
        Ok(self.flush())
    }

    /// Apply one completion; the commands the instance issues next.
    pub fn complete(&mut self, completion: Completion) -> Result<Vec<Command>, CompletionError> {
        let path = self.answered(&completion)?;
        let program = self.program;
        let region = region_in(&mut self.regions, &path);
        let node_id = region.node;
        let node = &program.dag.nodes[node_id];
        match completion {
            Completion::Returned { value, .. } => {
                region.wait = None;
                let (target, next) = match node {
                    Node::Action { target, next, .. } => (target.as_ref(), *next),
                    _ => (None, None),
                };
                let bound = match target {
                    Some(target) => program.eval.bind(target, value, &mut region.env),
                    None => Ok(()),
                };
                match bound {
                    Ok(()) => self.resume(&path, next, None),
                    Err(error) => self.resume(&path, Some(node_id), Some(error)),
                }
            }
            Completion::Raised { exception, .. } => self.failed_attempt(&path, exception),
            Completion::TimedOut { .. } => {
                let attempt = match &region.wait {
                    Some(Wait::Call(call)) => call.attempt,
                    _ => 0,
                };
                let info = program.call(node_id);
                let error = policy::timeout_error(&info.action, info.timeout, attempt);
                self.failed_attempt(&path, error);
            }
            Completion::BackedOff { .. } => {
                if let Some(Wait::Call(call)) = &mut region.wait {
                    call.backing_off = false;
                    let dispatch = Command::Dispatch(attempt_of(program, node_id, call));
                    self.issued.push(dispatch);
                }
            }
            Completion::Slept { .. } => {
                region.wait = None;
                let next = match node {
                    Node::Sleep { next, .. } => *next,
                    _ => None,
                };
                self.resume(&path, next, None);
            }
        }
        Ok(self.flush())
    }

    /// What the instance waits for: the commands no completion answered yet.
    pub fn outstanding(&self) -> Vec<Command> {
        let program = self.program;
        let mut waiting = Vec::new();
        for region in self.regions.values() {
            match &region.wait {
                Some(Wait::Call(call)) if call.backing_off => {
                    waiting.push(backoff_of(program, region.node, call));
                }
                Some(Wait::Call(call)) => {
                    waiting.push(Command::Dispatch(attempt_of(program, region.node, call)));
                }
                Some(Wait::Timer { id, seconds }) => waiting.push(Command::Sleep {
                    id: id.clone(),
                    seconds: *seconds,
                }),
                _ => {}
            }
        }
        waiting
    }

    // ---------------------------------------------------------- running

    fn flush(&mut self) -> Vec<Command> {
        std::mem::take(&mut self.issued)
    }

    fn region(&mut self, path: &str) -> &mut Region {
        region_in(&mut self.regions, path)
    }

    fn bind_arguments(&mut self, args: &Env) -> Result<(), Exception> {
        let program = self.program;
        let dag = &program.dag;
        let env = &mut self.region("").env;
        for (name, expr) in &dag.consts {
            let value = program.eval.eval(expr, env)?;
            env.insert(name.clone(), value);
        }
        let mut unknown: Vec<&String> = args
            .keys()
            .filter(|name| !dag.params.iter().any(|param| &param.name == *name))
            .collect();
        unknown.sort();
        if let Some(name) = unknown.first() {
            return Err(exception(
                BuiltinException::TypeError,
                format!(
                    "{}.run() got an unexpected keyword argument '{name}'",
                    dag.workflow
                ),
            ));
        }
        for (param, default) in dag.params.iter().zip(&program.defaults) {
            let value = match (args.get(&param.name), default) {
                (Some(value), _) => value.clone(),
                (None, Some(default)) => program.eval.eval(default, env)?,
                (None, None) => {
                    return Err(exception(
                        BuiltinException::TypeError,
                        format!(
                            "{}.run() missing 1 required argument: '{}'",
                            dag.workflow, param.name
                        ),
                    ));
                }
            };
            env.insert(param.name.clone(), value);
        }
        Ok(())
    }

    /// Run the region at `path` from `node` (which raised `raised`, if
    /// given); each branch that settles lets its fork start the next branch,
    /// and the last one continues the fork's region at its barrier.
    fn resume(&mut self, path: &str, node: Option<NodeId>, raised: Option<Exception>) {
        self.run(path, node, raised);
        if path.is_empty() || self.regions.contains_key(path) {
            return; // it waits, or the workflow finished
        }
        let mut path = path.to_string();
        loop {
            let parent = region_of(branch_of(&path).0).to_string();
            self.start_branches(&parent);
            let region = self.region(&parent);
            let Some(Wait::Parallel(parallel)) = &region.wait else {
                return;
            };
            if !parallel.all_settled() {
                return;
            }
            let fork = region.node;
            let join = self.join_of(fork);
            path = parent;
            self.run(&path, join, None);
            if path.is_empty() || self.regions.contains_key(&path) {
                return;
            }
        }
    }

    fn join_of(&self, fork: NodeId) -> Option<NodeId> {
        match &self.program.dag.nodes[fork] {
            Node::Fork { join, .. } | Node::ForkEach { join, .. } => *join,
            _ => None,
        }
    }

    /// Where a branch ends: its fork's barrier (None for the workflow).
    fn stop(&self, path: &str) -> Option<NodeId> {
        if path.is_empty() {
            return None;
        }
        let parent = region_of(branch_of(path).0);
        self.regions
            .get(parent)
            .and_then(|region| self.join_of(region.node))
    }

    /// Run the region at `path` until it waits or settles.
    fn run(&mut self, path: &str, mut node: Option<NodeId>, mut raised: Option<Exception>) {
        let stop = self.stop(path);
        loop {
            if let Some(error) = raised.take() {
                let Some(from) = node else {
                    self.settle(path, Err(error));
                    return;
                };
                match self.route(path, from, error) {
                    Some(handler) => node = Some(handler),
                    None => return,
                }
            }
            let Some(id) = node.filter(|&id| Some(id) != stop) else {
                self.settle(path, Ok(Value::None));
                return;
            };
            match self.step(path, id) {
                Err(error) => raised = Some(error),
                Ok(Flow::Waits) => {
                    self.region(path).node = id;
                    return;
                }
                Ok(Flow::Settled) => return,
                Ok(Flow::Next(next)) => node = next,
            }
        }
    }

    /// Where `error`, raised by `node`, goes: the handler of the first
    /// `except` node on its way that matches; None when it leaves the region
    /// (which has settled with it).
    fn route(&mut self, path: &str, node: NodeId, error: Exception) -> Option<NodeId> {
        let program = self.program;
        let (mut node, mut error) = (node, error);
        loop {
            let Some(catcher) = error_edge(&program.dag.nodes[node]) else {
                self.settle(path, Err(error));
                return None;
            };
            match self.handler(path, catcher, &error) {
                Ok(Some(handler)) => return Some(handler),
                Ok(None) => {}
                Err(raised) => error = raised, // a bad type in a handler
            }
            node = catcher;
        }
    }

    fn handler(
        &mut self,
        path: &str,
        catcher: NodeId,
        error: &Exception,
    ) -> Result<Option<NodeId>, Exception> {
        let program = self.program;
        let Node::Except {
            store, handlers, ..
        } = &program.dag.nodes[catcher]
        else {
            return Err(exception(
                BuiltinException::RuntimeError,
                format!("the error edge leads to n{catcher}, which is not an except node"),
            ));
        };
        let env = &mut self.region(path).env;
        env.insert(store.clone(), Value::Exception(error.clone()));
        for handler in handlers {
            let mut caught = handler.types.is_empty();
            for class in &handler.types {
                if caught {
                    break;
                }
                caught = program.eval.catches(error, class)?;
            }
            if caught {
                if let Some(bind) = handler.bind.as_ref().filter(|name| !name.is_empty()) {
                    env.insert(bind.clone(), Value::Exception(error.clone()));
                }
                return Ok(Some(handler.to));
            }
        }
        Ok(None)
    }

    /// Run one node: where control goes next, or whether it waits or settled.
    fn step(&mut self, path: &str, id: NodeId) -> Stepped {
        let program = self.program;
        let ev = &program.eval;
        let node = &program.dag.nodes[id];
        let region = region_in(&mut self.regions, path);
        let env = &mut region.env;
        match node {
            Node::Start { next } | Node::Join { next } => Ok(Flow::Next(*next)),
            Node::Compute { steps, next, .. } => {
                for step in steps {
                    match step {
                        Step::Unbind(names) => ev.unbind(names, env),
                        Step::Delete(target) => ev.delete(target, env)?,
                        Step::Assign { target, value } => {
                            let value = ev.eval(value, env)?;
                            if let Some(target) = target {
                                ev.bind(target, value, env)?;
                            }
                        }
                    }
                }
                Ok(Flow::Next(*next))
            }
            Node::Action { kwargs, .. } => {
                let mut values = Env::with_capacity(kwargs.len());
                for (name, expr) in kwargs {
                    let value = ev.eval(expr, env)?;
                    values.insert(name.clone(), value);
                }
                let info = program.call(id);
                if let Some(problem) = &info.problem {
                    return Err(exception(BuiltinException::ValueError, problem.clone()));
                }
                let call = Call {
                    id: next_operation(region),
                    kwargs: Arc::new(values),
                    attempt: 1,
                    backing_off: false,
                };
                let dispatch = attempt_of(program, id, &call);
                region.wait = Some(Wait::Call(call));
                self.issued.push(Command::Dispatch(dispatch));
                Ok(Flow::Waits)
            }
            Node::Branch {
                cases, otherwise, ..
            } => {
                for case in cases {
                    if truthy(&ev.eval(&case.when, env)?) {
                        return Ok(Flow::Next(Some(case.to)));
                    }
                }
                Ok(Flow::Next(*otherwise))
            }
            Node::ForInit {
                loop_name,
                iter,
                next,
                ..
            } => {
                let items = iterate(&ev.eval(iter, env)?)?;
                env.insert(loop_name.clone(), loop_state(Value::list(items), 0));
                Ok(Flow::Next(*next))
            }
            Node::ForNext {
                loop_name,
                target,
                body,
                done,
                ..
            } => {
                let (items, index) = match env.get(loop_name) {
                    Some(Value::Tuple(state)) => match state.as_slice() {
                        [Value::List(items), Value::Int(Int::Small(index))] => {
                            (items.clone(), *index)
                        }
                        _ => return Err(broken_loop(loop_name)),
                    },
                    _ => return Err(broken_loop(loop_name)),
                };
                let position = usize::try_from(index).unwrap_or(usize::MAX);
                let Some(item) = items.get(position) else {
                    env.shift_remove(loop_name);
                    return Ok(Flow::Next(*done));
                };
                let item = item.clone();
                env.insert(loop_name.clone(), loop_state(Value::List(items), index + 1));
                ev.bind(target, item, env)?;
                Ok(Flow::Next(*body))
            }
            Node::WhileInit { loop_name, next } => {
                env.insert(loop_name.clone(), Value::int(0));
                Ok(Flow::Next(*next))
            }
            Node::While {
                loop_name,
                test,
                max,
                body,
                done,
                ..
            } => {
                if !truthy(&ev.eval(test, env)?) {
                    return Ok(Flow::Next(*done));
                }
                let count = match env.get(loop_name) {
                    Some(Value::Int(count)) => count.clone(),
                    _ => return Err(broken_loop(loop_name)),
                };
                if let (Some(bound), Some(digits)) = (&program.limits[id], max) {
                    if count >= *bound {
                        return Err(exception(
                            BuiltinException::RuntimeError,
                            format!("while loop ran past its bound of {digits} iterations"),
                        ));
                    }
                }
                env.insert(loop_name.clone(), Value::Int(count.add(&Int::Small(1))));
                Ok(Flow::Next(*body))
            }
            Node::Sleep { seconds, .. } => {
                let value = ev.eval(seconds, env)?;
                // An int or float, or an enum member that is one (`IntEnum`), not a bool.
                let number = match &value {
                    Value::Bool(_) => &value,
                    other => crate::eval::ops::unwrap_enum(other),
                };
                let seconds = match number {
                    Value::Int(n) => n.to_f64().ok_or_else(|| {
                        exception(
                            BuiltinException::OverflowError,
                            "int too large to convert to float",
                        )
                    })?,
                    Value::Float(x) => *x,
                    _ => {
                        return Err(exception(
                            BuiltinException::TypeError,
                            format!("sleep takes a number of seconds, not {}", type_name(&value)),
                        ));
                    }
                };
                // Python's max(0.0, seconds): NaN and -0.0 count as 0.
                let seconds = if seconds > 0.0 { seconds } else { 0.0 };
                let id = next_operation(region);
                self.issued.push(Command::Sleep {
                    id: id.clone(),
                    seconds,
                });
                region.wait = Some(Wait::Timer { id, seconds });
                Ok(Flow::Waits)
            }
            Node::Fork { .. } | Node::ForkEach { .. } => self.fork(path, id),
            Node::Barrier {
                target,
                return_exceptions,
                next,
                ..
            } => {
                let Some(Wait::Parallel(parallel)) = region.wait.take() else {
                    return Err(exception(
                        BuiltinException::RuntimeError,
                        format!("control reached the barrier n{id} without its fork"),
                    ));
                };
                let mut values = Vec::with_capacity(parallel.outcomes.len());
                for outcome in parallel.outcomes {
                    match outcome {
                        Some(Finish::Result(value)) => values.push(value),
                        Some(Finish::Error(error)) if *return_exceptions => {
                            values.push(Value::Exception(error))
                        }
                        Some(Finish::Error(error)) => return Err(error),
                        None => values.push(Value::None),
                    }
                }
                if let Some(target) = target {
                    ev.bind(target, Value::list(values), env)?;
                }
                Ok(Flow::Next(*next))
            }
            Node::Return { value, .. } => {
                let value = match value {
                    Some(value) => ev.eval(value, env)?,
                    None => Value::None,
                };
                self.settle(path, Ok(value));
                Ok(Flow::Settled)
            }
            Node::Raise { value, cause, .. } => {
                let Value::Exception(error) = ev.eval(value, env)? else {
                    return Err(exception(
                        BuiltinException::TypeError,
                        "exceptions must derive from BaseException",
                    ));
                };
                let Some(cause) = cause else {
                    return Err(error);
                };
                let cause = match ev.eval(cause, env)? {
                    Value::None => None,
                    Value::Exception(cause) => Some(cause),
                    _ => {
                        return Err(exception(
                            BuiltinException::TypeError,
                            "exception causes must derive from BaseException",
                        ));
                    }
                };
                let raised = error.with_cause(cause);
                // Python sets `__cause__` on the object itself: the variables
                // that hold it see the cause too.
                for region in self.regions.values_mut() {
                    for value in region.env.values_mut() {
                        if matches!(value, Value::Exception(held) if held.same(&error)) {
                            *value = Value::Exception(raised.clone());
                        }
                    }
                }
                Err(raised)
            }
            Node::Except { .. } => Err(exception(
                BuiltinException::RuntimeError,
                format!("control reached the except node n{id} without an exception"),
            )),
        }
    }

    /// The region ended: a branch with its `result` variable (or its
    /// exception), the workflow with its return value (or exception).
    fn settle(&mut self, path: &str, outcome: Result<Value, Exception>) {
        if path.is_empty() {
            let finish = match outcome {
                Ok(value) => Finish::Result(value),
                Err(error) => Finish::Error(error),
            };
            self.outcome = Some(finish.clone());
            self.regions.clear();
            self.issued.push(Command::Finish(finish));
            return;
        }
        let Some(region) = self.regions.shift_remove(path) else {
            return;
        };
        let (operation, index) = branch_of(path);
        let program = self.program;
        let parent = self.region(region_of(operation));
        let finish = match outcome {
            Ok(_) => {
                let result = match &program.dag.nodes[parent.node] {
                    Node::Fork { result, .. } | Node::ForkEach { result, .. } => {
                        region.env.get(result).cloned()
                    }
                    _ => None,
                };
                Finish::Result(result.unwrap_or(Value::None))
            }
            Err(error) => Finish::Error(error),
        };
        if let Some(Wait::Parallel(parallel)) = &mut parent.wait {
            if let Some(slot) = parallel.outcomes.get_mut(index) {
                if slot.is_none() {
                    parallel.settled += 1;
                }
                *slot = Some(finish);
            }
        }
    }

    // ---------------------------------------------------------- parallel

    fn fork(&mut self, path: &str, id: NodeId) -> Stepped {
        let program = self.program;
        let ev = &program.eval;
        let node = &program.dag.nodes[id];
        let region = self.region(path);
        let (items, count, join) = match node {
            Node::ForkEach {
                iter, target, join, ..
            } => {
                let items = iterate(&ev.eval(iter, &mut region.env)?)?;
                // Every target binds before any branch starts (a name always does).
                if !matches!(target.kind, ExprKind::Name(_)) {
                    for item in &items {
                        ev.bind(target, item.clone(), &mut region.env.clone())?;
                    }
                }
                let count = items.len();
                (Some(items), count, *join)
            }
            Node::Fork { branches, join, .. } => (None, branches.len(), *join),
            _ => return Ok(Flow::Next(None)),
        };
        let parallel = Parallel::new(next_operation(region), items, 0, vec![None; count]);
        region.wait = Some(Wait::Parallel(parallel));
        region.node = id;
        self.start_branches(path);
        match &self.region(path).wait {
            Some(Wait::Parallel(parallel)) if !parallel.all_settled() => Ok(Flow::Waits),
            _ => Ok(Flow::Next(join)),
        }
    }

    /// Start branches in order while the fork's limit allows; a branch runs
    /// until it waits or settles before the next one starts.
    fn start_branches(&mut self, path: &str) {
        let program = self.program;
        loop {
            let region = self.region(path);
            let fork = region.node;
            let Some(Wait::Parallel(parallel)) = &mut region.wait else {
                return;
            };
            let limit =
                program.limits[fork]
                    .as_ref()
                    .and_then(Int::as_i64)
                    .map_or(usize::MAX, |limit| {
                        if limit <= 0 {
                            usize::MAX
                        } else {
                            limit as usize
                        }
                    });
            if parallel.started >= parallel.outcomes.len() || parallel.running() >= limit {
                return;
            }
            let index = parallel.started;
            parallel.started += 1;
            let branch = branch_path(&parallel.id, index);
            let mut env = region.env.clone();
            let (entry, bound) = match &program.dag.nodes[fork] {
                Node::Fork { branches, .. } => (branches.get(index).copied(), Ok(())),
                Node::ForkEach { body, target, .. } => {
                    let item = parallel
                        .items
                        .as_ref()
                        .and_then(|items| items.get(index))
                        .cloned()
                        .unwrap_or(Value::None);
                    (*body, program.eval.bind(target, item, &mut env))
                }
                _ => (None, Ok(())),
            };
            self.regions.insert(
                branch.clone(),
                Region {
                    path: branch.clone(),
                    env,
                    node: fork,
                    ops: 0,
                    wait: None,
                },
            );
            match bound {
                Ok(()) => self.run(&branch, entry, None),
                Err(error) => self.settle(&branch, Err(error)),
            }
        }
    }

    // ---------------------------------------------------------- actions

    fn failed_attempt(&mut self, path: &str, error: Exception) {
        let program = self.program;
        let region = region_in(&mut self.regions, path);
        let node_id = region.node;
        let Some(Wait::Call(call)) = &mut region.wait else {
            return;
        };
        let retry = match &program.dag.nodes[node_id] {
            Node::Action { retry, .. } => retry.as_ref(),
            _ => None,
        };
        let (error, retried) = match retries(program, retry, &error, call.attempt) {
            Ok(retried) => (error, retried),
            Err(raised) => (raised, false), // a bad `retry(on=...)` type
        };
        if !retried {
            region.wait = None;
            self.resume(path, Some(node_id), Some(error));
            return;
        }
        call.attempt += 1;
        let wait = backoff_of(program, node_id, call);
        match wait {
            Command::Backoff { seconds, .. } if seconds > 0.0 => {
                call.backing_off = true;
                self.issued.push(wait);
            }
            _ => {
                let dispatch = attempt_of(program, node_id, call);
                self.issued.push(Command::Dispatch(dispatch));
            }
        }
    }

    // ---------------------------------------------------------- completions

    /// The path of the region whose wait `completion` answers.
    fn answered(&self, completion: &Completion) -> Result<String, CompletionError> {
        let path = region_of(completion.id());
        let wait = self
            .regions
            .get(path)
            .and_then(|region| region.wait.as_ref());
        let expected = match (wait, completion) {
            (Some(Wait::Call(call)), Completion::BackedOff { attempt, .. }) => {
                call.backing_off && call.attempt == *attempt && call.id == completion.id()
            }
            (
                Some(Wait::Call(call)),
                Completion::Returned { attempt, .. }
                | Completion::Raised { attempt, .. }
                | Completion::TimedOut { attempt, .. },
            ) => !call.backing_off && call.attempt == *attempt && call.id == completion.id(),
            (Some(Wait::Timer { id, .. }), Completion::Slept { .. }) => id == completion.id(),
            _ => false,
        };
        if !expected {
            return Err(CompletionError(completion.to_string()));
        }
        Ok(path.to_string())
    }
}

/// Whether failed attempt `attempt` is followed by another.
fn retries(
    program: &Program,
    retry: Option<&crate::dag::policies::Retry>,
    error: &Exception,
    attempt: u64,
) -> Result<bool, Exception> {
    if error.matches(&ClassName::new(policy::ACTION_NOT_FOUND)) {
        return Ok(false); // a deployment error: retrying cannot help
    }
    let Some(retry) = retry else {
        return program.eval.catches(error, "RappelTimeout");
    };
    if policy::attempts_allowed(retry).is_some_and(|allowed| attempt >= allowed) {
        return Ok(false);
    }
    if retry.on.is_empty() {
        return Ok(true);
    }
    for class in &retry.on {
        if program.eval.catches(error, class)? {
            return Ok(true);
        }
    }
    Ok(false)
}

fn region_in<'r>(regions: &'r mut IndexMap<String, Region>, path: &str) -> &'r mut Region {
    match regions.get_mut(path) {
        Some(region) => region,
        None => unreachable!("no region {path:?}"),
    }
}

fn error_edge(node: &Node) -> Option<NodeId> {
    match node {
        Node::Compute { error, .. }
        | Node::Action { error, .. }
        | Node::Branch { error, .. }
        | Node::ForInit { error, .. }
        | Node::ForNext { error, .. }
        | Node::While { error, .. }
        | Node::ForkEach { error, .. }
        | Node::Barrier { error, .. }
        | Node::Sleep { error, .. }
        | Node::Except { error, .. }
        | Node::Raise { error, .. }
        | Node::Return { error, .. } => *error,
        Node::Start { .. } | Node::Join { .. } | Node::WhileInit { .. } | Node::Fork { .. } => None,
    }
}

fn next_operation(region: &mut Region) -> String {
    let id = operation_id(&region.path, region.ops);
    region.ops += 1;
    id
}

/// A `for` loop's state in its variable: `(items, next index)`, as Python keeps it.
fn loop_state(items: Value, index: i64) -> Value {
    Value::tuple(vec![items, Value::int(index)])
}

fn broken_loop(name: &str) -> Exception {
    exception(
        BuiltinException::RuntimeError,
        format!("the loop variable {name} does not hold a loop's state"),
    )
}

pub(super) fn attempt_of(program: &Program, node: NodeId, call: &Call) -> Dispatch {
    let info = program.call(node);
    Dispatch {
        id: call.id.clone(),
        attempt: call.attempt,
        action: info.action.clone(),
        module: info.module.clone(),
        kwargs: call.kwargs.clone(),
        timeout: info.timeout,
    }
}

pub(super) fn backoff_of(program: &Program, node: NodeId, call: &Call) -> Command {
    let backoff = match &program.dag.nodes[node] {
        Node::Action { backoff, .. } => backoff.as_ref(),
        _ => None,
    };
    Command::Backoff {
        id: call.id.clone(),
        attempt: call.attempt,
        seconds: policy::backoff_delay(backoff, call.attempt.saturating_sub(1)),
    }
}
