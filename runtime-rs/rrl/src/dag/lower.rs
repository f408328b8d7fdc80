//! Lowering a workflow to its DAG (`rrl.dag._Lowering` and the passes after
//! it): statements are lowered backwards, each given the node that follows
//! it; fns are inlined with a scope of their own; `finally` bodies are
//! copied onto every way out; an `except ... as` name is deleted however
//! its handler ends; then trivial joins go, chains of pure steps fuse and
//! generated names are numbered in the order the DAG reads.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::rc::Rc;

use super::policies;
use super::{
    ActionSignature, Case, Dag, Handler, LoweringError, Node, NodeId, ParamSignature, Step,
    renumber,
};
use crate::syntax::ast::*;
use crate::syntax::printer::print_type;
use crate::syntax::walk::{Renamer, assigned_names, bound_names, names_in};

/// A `finally` body to run on the way out, with the context of its `try`.
struct Finally {
    body: Rc<Vec<Stmt>>,
    ctx: Ctx,
    /// The deletion of an `except ... as` name: it only matters to code that
    /// runs after it, so a `return` from the workflow skips it.
    unbinds: bool,
}

#[derive(Clone, Copy)]
struct LoopExits {
    continue_to: NodeId,
    break_to: NodeId,
    finally_depth: usize,
}

#[derive(Clone)]
struct FnExit {
    result: String,
    exit: NodeId,
    finally_depth: usize,
}

#[derive(Clone, Default)]
struct Ctx {
    error: Option<NodeId>,
    loop_exits: Option<LoopExits>,
    fn_exit: Option<FnExit>,
    finally_stack: Vec<Rc<Finally>>,
    current_exception: Option<String>,
}

impl Ctx {
    fn with_finally(&self, finally: Finally) -> Ctx {
        let mut ctx = self.clone();
        ctx.finally_stack.push(Rc::new(finally));
        ctx
    }

    fn with_error(&self, error: NodeId) -> Ctx {
        Ctx {
            error: Some(error),
            ..self.clone()
        }
    }
}

fn fail<T>(message: impl Into<String>) -> Result<T, LoweringError> {
    Err(LoweringError::Program(message.into()))
}

fn assign(target: Expr, value: Expr) -> Step {
    Step::Assign {
        target: Some(target),
        value,
    }
}

struct Lowering<'p> {
    actions: HashMap<&'p str, &'p Decl>,
    fns: HashMap<&'p str, &'p Callable>,
    counters: HashMap<&'static str, usize>,
    inlining: Vec<String>,
    nodes: Vec<Node>,
}

impl<'p> Lowering<'p> {
    fn add(&mut self, node: Node) -> NodeId {
        self.nodes.push(node);
        self.nodes.len() - 1
    }

    fn fresh(&mut self, prefix: &'static str) -> String {
        let counter = self.counters.entry(prefix).or_insert(0);
        *counter += 1;
        format!("${prefix}{counter}")
    }

    fn compute(&mut self, steps: Vec<Step>, next: NodeId, ctx: &Ctx) -> NodeId {
        self.add(Node::Compute {
            steps,
            next: Some(next),
            error: ctx.error,
        })
    }

    fn join(&mut self, next: NodeId) -> NodeId {
        self.add(Node::Join { next: Some(next) })
    }

    // ---------------------------------------------------------- blocks

    fn block(&mut self, stmts: &[Stmt], ctx: &Ctx, cont: NodeId) -> Result<NodeId, LoweringError> {
        let mut node = cont;
        for stmt in stmts.iter().rev() {
            node = self.stmt(stmt, ctx, node)?;
        }
        Ok(node)
    }

    fn stmt(&mut self, stmt: &Stmt, ctx: &Ctx, cont: NodeId) -> Result<NodeId, LoweringError> {
        Ok(match &stmt.kind {
            StmtKind::Assign { target, value, .. } => {
                self.compute(vec![assign(target.clone(), value.clone())], cont, ctx)
            }
            StmtKind::ExprStmt(value) => self.compute(
                vec![Step::Assign {
                    target: None,
                    value: value.clone(),
                }],
                cont,
                ctx,
            ),
            StmtKind::Delete(targets) => {
                let steps = targets.iter().map(|t| Step::Delete(t.clone())).collect();
                self.compute(steps, cont, ctx)
            }
            StmtKind::CallStmt { target, call } => self.call(call, target.clone(), ctx, cont)?,
            StmtKind::Parallel {
                target,
                calls,
                return_exceptions,
            } => {
                let result = self.fresh("r");
                let barrier = self.barrier(target, *return_exceptions, cont, ctx);
                let mut branches = Vec::new();
                for call in calls {
                    branches.push(self.branch_call(call, &result, barrier)?);
                }
                self.add(Node::Fork {
                    result,
                    branches,
                    join: Some(barrier),
                })
            }
            StmtKind::ParallelFor {
                target,
                loop_target,
                iter,
                call,
                return_exceptions,
                limit,
            } => {
                let result = self.fresh("r");
                let barrier = self.barrier(target, *return_exceptions, cont, ctx);
                let body = self.branch_call(call, &result, barrier)?;
                self.add(Node::ForkEach {
                    result,
                    iter: iter.clone(),
                    target: loop_target.clone(),
                    body: Some(body),
                    limit: limit.clone(),
                    join: Some(barrier),
                    error: ctx.error,
                })
            }
            StmtKind::If { .. } => self.if_(stmt, ctx, cont)?,
            StmtKind::For {
                target,
                iter,
                body,
                orelse,
            } => {
                let loop_name = self.fresh("loop");
                let after = self.join(cont);
                let header = self.add(Node::ForNext {
                    loop_name: loop_name.clone(),
                    target: target.clone(),
                    body: None,
                    done: None,
                    error: ctx.error,
                });
                self.loop_body(header, after, body, orelse, ctx)?;
                self.add(Node::ForInit {
                    loop_name,
                    iter: iter.clone(),
                    next: Some(header),
                    error: ctx.error,
                })
            }
            StmtKind::While {
                test,
                body,
                orelse,
                max_iterations,
            } => {
                let loop_name = self.fresh("loop");
                let after = self.join(cont);
                let header = self.add(Node::While {
                    loop_name: loop_name.clone(),
                    test: test.clone(),
                    max: max_iterations.clone(),
                    body: None,
                    done: None,
                    error: ctx.error,
                });
                self.loop_body(header, after, body, orelse, ctx)?;
                self.add(Node::WhileInit {
                    loop_name,
                    next: Some(header),
                })
            }
            StmtKind::Try {
                body,
                handlers,
                orelse,
                finalbody,
            } => self.try_(body, handlers, orelse, finalbody, ctx, cont)?,
            StmtKind::Return(value) => self.return_(value.as_ref(), ctx)?,
            StmtKind::Raise { exc, cause } => {
                let value = match exc {
                    Some(exc) => exc.clone(),
                    None => match &ctx.current_exception {
                        Some(store) => Expr::name(store),
                        None => return fail("bare `raise` outside an except block"),
                    },
                };
                self.add(Node::Raise {
                    value,
                    error: ctx.error,
                    cause: cause.clone(),
                })
            }
            StmtKind::Sleep(seconds) => self.add(Node::Sleep {
                seconds: seconds.clone(),
                next: Some(cont),
                error: ctx.error,
            }),
            StmtKind::Break | StmtKind::Continue => {
                let breaks = matches!(stmt.kind, StmtKind::Break);
                let Some(exits) = ctx.loop_exits else {
                    return fail(format!(
                        "`{}` outside a loop",
                        if breaks { "break" } else { "continue" }
                    ));
                };
                let to = if breaks {
                    exits.break_to
                } else {
                    exits.continue_to
                };
                self.through_finally(ctx, exits.finally_depth, to, false)?
            }
        })
    }

    /// A loop's body (back to `header`) and its `else` block (on to `after`).
    fn loop_body(
        &mut self,
        header: NodeId,
        after: NodeId,
        body: &[Stmt],
        orelse: &[Stmt],
        ctx: &Ctx,
    ) -> Result<(), LoweringError> {
        let body_ctx = Ctx {
            loop_exits: Some(LoopExits {
                continue_to: header,
                break_to: after,
                finally_depth: ctx.finally_stack.len(),
            }),
            ..ctx.clone()
        };
        let body_entry = self.block(body, &body_ctx, header)?;
        let done = self.block(orelse, ctx, after)?;
        if let Node::ForNext { body, done: d, .. } | Node::While { body, done: d, .. } =
            &mut self.nodes[header]
        {
            *body = Some(body_entry);
            *d = Some(done);
        }
        Ok(())
    }

    /// Leaving blocks early runs the `finally` bodies in between, innermost
    /// first. `leaving`: control leaves the workflow, where nothing reads a
    /// name again, so the deletions of `except ... as` names outside every
    /// other `finally` are left out.
    fn through_finally(
        &mut self,
        ctx: &Ctx,
        depth: usize,
        target: NodeId,
        mut leaving: bool,
    ) -> Result<NodeId, LoweringError> {
        let mut node = target;
        for finally in ctx.finally_stack.iter().skip(depth) {
            if leaving && finally.unbinds {
                continue;
            }
            leaving = false;
            node = self.block(&finally.body, &finally.ctx, node)?;
        }
        Ok(node)
    }

    // ---------------------------------------------------------- calls

    fn call(
        &mut self,
        call: &AwaitCall,
        target: Option<Expr>,
        ctx: &Ctx,
        cont: NodeId,
    ) -> Result<NodeId, LoweringError> {
        if self.actions.contains_key(call.name.as_str()) {
            let retry = call.retry.as_ref().map(policies::resolve_retry);
            return Ok(self.add(Node::Action {
                action: call.name.clone(),
                kwargs: call
                    .kwargs
                    .iter()
                    .map(|k| (k.name.clone(), k.value.clone()))
                    .collect(),
                target,
                retry,
                backoff: call.backoff.as_ref().map(policies::resolve_backoff),
                timeout: call.timeout.as_ref().and_then(policies::seconds),
                next: Some(cont),
                error: ctx.error,
            }));
        }
        if let Some(&fn_decl) = self.fns.get(call.name.as_str()) {
            return self.inline(fn_decl, call, target, ctx, cont);
        }
        fail(format!("`{}` is neither an action nor a fn", call.name))
    }

    /// Inline a fn call: its variables renamed `$<n>_<name>`, a scope of its
    /// own (parameters bound, every other local unbound, `$<n>_return` None),
    /// the caller's target assigned from `$<n>_return` at the end.
    fn inline(
        &mut self,
        fn_decl: &Callable,
        call: &AwaitCall,
        target: Option<Expr>,
        ctx: &Ctx,
        cont: NodeId,
    ) -> Result<NodeId, LoweringError> {
        if self.inlining.contains(&fn_decl.name) {
            return fail(format!("fn `{}` calls itself", fn_decl.name));
        }
        self.inlining.push(fn_decl.name.clone());
        let prefix = self.fresh("");
        let own_locals = assigned_names(&fn_decl.body);
        let mut names: BTreeSet<String> = bound_names(fn_decl);
        names.extend(own_locals.iter().cloned());
        let mapping: HashMap<String, String> = names
            .iter()
            .map(|name| {
                (
                    name.clone(),
                    format!("{prefix}_{}", name.trim_start_matches('$')),
                )
            })
            .collect();
        let mut renamed = fn_decl.clone();
        Renamer { mapping: &mapping }.callable(&mut renamed);
        let result = format!("{prefix}_return");
        let param = |name: &str| {
            mapping
                .get(name)
                .cloned()
                .unwrap_or_else(|| name.to_string())
        };
        let mut steps = Vec::new();
        for keyword in &call.kwargs {
            if !fn_decl.params.iter().any(|p| p.name == keyword.name) {
                return fail(format!(
                    "fn `{}` has no parameter `{}`",
                    fn_decl.name, keyword.name
                ));
            }
            steps.push(assign(
                Expr::name(&param(&keyword.name)),
                keyword.value.clone(),
            ));
        }
        for p in &fn_decl.params {
            if !call.kwargs.iter().any(|k| k.name == p.name) {
                let default = p.default.clone().unwrap_or_else(Expr::none);
                steps.push(assign(Expr::name(&param(&p.name)), default));
            }
        }
        let mut unbound: Vec<String> = own_locals
            .iter()
            .filter(|name| !fn_decl.params.iter().any(|p| &p.name == *name))
            .map(|name| param(name))
            .collect();
        unbound.sort();
        if !unbound.is_empty() {
            steps.push(Step::Unbind(unbound));
        }
        steps.push(assign(Expr::name(&result), Expr::none()));
        let mut after = cont;
        if let Some(target) = target {
            after = self.compute(vec![assign(target, Expr::name(&result))], cont, ctx);
        }
        let exit = self.join(after);
        let body_ctx = Ctx {
            error: ctx.error,
            fn_exit: Some(FnExit {
                result,
                exit,
                finally_depth: ctx.finally_stack.len(),
            }),
            finally_stack: ctx.finally_stack.clone(),
            ..Ctx::default()
        };
        let body = self.block(&renamed.body, &body_ctx, exit)?;
        self.inlining.pop();
        Ok(self.compute(steps, body, ctx))
    }

    fn return_(&mut self, value: Option<&Expr>, ctx: &Ctx) -> Result<NodeId, LoweringError> {
        let returned = || value.cloned().unwrap_or_else(Expr::none);
        if let Some(exit) = &ctx.fn_exit {
            let after = self.through_finally(ctx, exit.finally_depth, exit.exit, false)?;
            return Ok(self.compute(
                vec![assign(Expr::name(&exit.result), returned())],
                after,
                ctx,
            ));
        }
        if ctx.finally_stack.iter().any(|f| !f.unbinds) {
            let holder = self.fresh("ret");
            let ret = self.add(Node::Return {
                value: Some(Expr::name(&holder)),
                error: ctx.error,
            });
            let after = self.through_finally(ctx, 0, ret, true)?;
            return Ok(self.compute(vec![assign(Expr::name(&holder), returned())], after, ctx));
        }
        Ok(self.add(Node::Return {
            value: value.cloned(),
            error: ctx.error,
        }))
    }

    // ---------------------------------------------------------- parallel

    fn barrier(
        &mut self,
        target: &Option<Expr>,
        return_exceptions: bool,
        cont: NodeId,
        ctx: &Ctx,
    ) -> NodeId {
        self.add(Node::Barrier {
            target: target.clone(),
            return_exceptions,
            next: Some(cont),
            error: ctx.error,
        })
    }

    /// A branch is a region of its own: an exception that escapes it fails
    /// the branch (the barrier decides what that means), not the workflow.
    fn branch_call(
        &mut self,
        call: &AwaitCall,
        result: &str,
        barrier: NodeId,
    ) -> Result<NodeId, LoweringError> {
        self.call(call, Some(Expr::name(result)), &Ctx::default(), barrier)
    }

    // ---------------------------------------------------------- control flow

    fn if_(&mut self, stmt: &Stmt, ctx: &Ctx, cont: NodeId) -> Result<NodeId, LoweringError> {
        let join = self.join(cont);
        let mut cases = Vec::new();
        let mut node = stmt;
        let otherwise;
        loop {
            let StmtKind::If { test, body, orelse } = &node.kind else {
                return fail("cannot lower an `if` chain");
            };
            let to = self.block(body, ctx, join)?;
            cases.push(Case {
                when: test.clone(),
                to,
            });
            match orelse.as_slice() {
                [
                    next @ Stmt {
                        kind: StmtKind::If { .. },
                        ..
                    },
                ] => node = next,
                [] => {
                    otherwise = join;
                    break;
                }
                _ => {
                    otherwise = self.block(orelse, ctx, join)?;
                    break;
                }
            }
        }
        Ok(self.add(Node::Branch {
            cases,
            otherwise: Some(otherwise),
            error: ctx.error,
        }))
    }

    /// A catch-everything `except` that runs `body` and raises the exception again.
    fn reraising(&mut self, body: &[Stmt], ctx: &Ctx) -> Result<NodeId, LoweringError> {
        let store = self.fresh("exc");
        let reraise = self.add(Node::Raise {
            value: Expr::name(&store),
            error: ctx.error,
            cause: None,
        });
        let to = self.block(body, ctx, reraise)?;
        Ok(self.add(Node::Except {
            store,
            handlers: vec![Handler {
                types: Vec::new(),
                bind: None,
                to,
            }],
            error: ctx.error,
        }))
    }

    fn try_(
        &mut self,
        body: &[Stmt],
        handlers: &[ExceptHandler],
        orelse: &[Stmt],
        finalbody: &[Stmt],
        ctx: &Ctx,
        cont: NodeId,
    ) -> Result<NodeId, LoweringError> {
        let after = self.join(cont);
        let mut inner = ctx.clone();
        let mut normal_exit = after;
        if !finalbody.is_empty() {
            // The exception path: catch everything, run a copy of the
            // finally body, raise the same exception again.
            let catcher = self.reraising(finalbody, ctx)?;
            inner = ctx.with_error(catcher).with_finally(Finally {
                body: Rc::new(finalbody.to_vec()),
                ctx: ctx.clone(),
                unbinds: false,
            });
            normal_exit = self.block(finalbody, ctx, after)?;
        }
        if handlers.is_empty() {
            let mut all = body.to_vec();
            all.extend(orelse.iter().cloned());
            return self.block(&all, &inner, normal_exit);
        }
        let store = self.fresh("exc");
        let mut lowered = Vec::new();
        for handler in handlers {
            let handler_ctx = Ctx {
                current_exception: Some(store.clone()),
                ..inner.clone()
            };
            let to = self.handler_body(handler, &handler_ctx, normal_exit)?;
            lowered.push(Handler {
                types: handler.types.clone(),
                bind: handler.name.clone(),
                to,
            });
        }
        let dispatch = self.add(Node::Except {
            store,
            handlers: lowered,
            error: inner.error,
        });
        let orelse_entry = self.block(orelse, &inner, normal_exit)?;
        self.block(body, &inner.with_error(dispatch), orelse_entry)
    }

    /// Python deletes the `as` name when the handler ends, however it ends:
    /// the body is lowered as `try: body` / `finally: e = None; del e`,
    /// except where control leaves the workflow.
    fn handler_body(
        &mut self,
        handler: &ExceptHandler,
        ctx: &Ctx,
        cont: NodeId,
    ) -> Result<NodeId, LoweringError> {
        let Some(bound) = &handler.name else {
            return self.block(&handler.body, ctx, cont);
        };
        let name = Expr::name(bound);
        let unbind = Rc::new(vec![
            Stmt::new(
                StmtKind::Assign {
                    target: name.clone(),
                    value: Expr::none(),
                    annotation: None,
                },
                None,
            ),
            Stmt::new(StmtKind::Delete(vec![name]), None),
        ]);
        let mut body_ctx = ctx.with_finally(Finally {
            body: unbind.clone(),
            ctx: ctx.clone(),
            unbinds: true,
        });
        if ctx.error.is_some() {
            let catcher = self.reraising(&unbind, ctx)?;
            body_ctx.error = Some(catcher);
        }
        let cont = self.block(&unbind, ctx, cont)?;
        self.block(&handler.body, &body_ctx, cont)
    }
}

// ------------------------------------------------------------------ passes

fn predecessors(nodes: &[Node], start: NodeId) -> Vec<usize> {
    let mut counts = vec![0; nodes.len()];
    counts[start] = 1;
    for id in super::reachable(nodes, start) {
        for target in nodes[id].edges() {
            counts[target] += 1;
        }
    }
    counts
}

/// A join that only one edge reaches joins nothing.
fn remove_trivial_joins(nodes: &mut [Node], start: NodeId) {
    let counts = predecessors(nodes, start);
    let mut replace: HashMap<NodeId, NodeId> = HashMap::new();
    for id in super::reachable(nodes, start) {
        if let Node::Join { next: Some(next) } = nodes[id] {
            if counts[id] <= 1 {
                replace.insert(id, next);
            }
        }
    }
    let resolve = |mut target: NodeId| {
        while let Some(&next) = replace.get(&target) {
            target = next;
        }
        target
    };
    for id in super::reachable(nodes, start) {
        nodes[id].redirect(&resolve);
    }
}

/// Fuse a compute node into the compute node before it when nothing else
/// reaches it and both send exceptions to the same place: fewer nodes, the
/// same steps in the same order. Fusing is repeated until no pair is left
/// (the chains it fuses are the same whatever order it takes them in).
fn merge_compute_chains(nodes: &mut [Node], start: NodeId) {
    loop {
        let mut counts = predecessors(nodes, start);
        let mut merged = false;
        for id in super::reachable(nodes, start) {
            while let Node::Compute {
                next: Some(next),
                error,
                ..
            } = &nodes[id]
            {
                let (next, error) = (*next, *error);
                let fusable = next != id
                    && counts[next] == 1
                    && matches!(&nodes[next], Node::Compute { error: e, .. } if *e == error);
                if !fusable {
                    break;
                }
                let Node::Compute {
                    steps: tail,
                    next: after,
                    ..
                } = std::mem::replace(&mut nodes[next], Node::Join { next: None })
                else {
                    break;
                };
                if let Some(error) = error {
                    counts[error] -= 1; // the fused node's own error edge is gone
                }
                if let Node::Compute { steps, next, .. } = &mut nodes[id] {
                    steps.extend(tail);
                    *next = after;
                }
                merged = true;
            }
        }
        if !merged {
            return;
        }
    }
}

/// `$r2`, `$loop1`, `$exc3`, `$ret1`, `$1_total`: (prefix, number, rest).
fn generated(name: &str) -> Option<(&str, &str, &str)> {
    let body = name.strip_prefix('$')?;
    let prefix_len = ["loop", "exc", "ret", "r"]
        .iter()
        .find(|p| body.starts_with(*p) && body[p.len()..].starts_with(|c: char| c.is_ascii_digit()))
        .map_or(0, |p| p.len());
    let rest = &body[prefix_len..];
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return None;
    }
    let tail = &rest[digits..];
    if !tail.is_empty() && !tail.starts_with('_') {
        return None;
    }
    Some((&body[..prefix_len], &rest[..digits], tail))
}

/// Lowering runs backwards, so generated names are numbered last-first;
/// renumber them in the order the DAG reads.
fn number_generated_names(nodes: &mut [Node], start: NodeId) {
    let mut order: HashMap<(String, String), usize> = HashMap::new();
    let mut per_prefix: HashMap<String, usize> = HashMap::new();
    let mut mapping: HashMap<String, String> = HashMap::new();
    let mut see = |name: &str| {
        let Some((prefix, number, rest)) = generated(name) else {
            return;
        };
        if mapping.contains_key(name) {
            return;
        }
        let key = (prefix.to_string(), number.to_string());
        let index = *order.entry(key).or_insert_with(|| {
            let count = per_prefix.entry(prefix.to_string()).or_insert(0);
            *count += 1;
            *count
        });
        mapping.insert(name.to_string(), format!("${prefix}{index}{rest}"));
    };
    let ids = super::reachable(nodes, start);
    for &id in &ids {
        let node = &nodes[id];
        match node {
            Node::ForInit { loop_name, .. }
            | Node::ForNext { loop_name, .. }
            | Node::WhileInit { loop_name, .. }
            | Node::While { loop_name, .. } => see(loop_name),
            Node::Fork { result, .. } | Node::ForkEach { result, .. } => see(result),
            Node::Except { store, .. } => see(store),
            _ => {}
        }
        node.each_name(&mut |name| see(name));
        if let Node::Except { handlers, .. } = node {
            for handler in handlers {
                if let Some(bind) = &handler.bind {
                    see(bind);
                }
            }
        }
    }
    let renamer = Renamer { mapping: &mapping };
    let rename = |name: &mut String| {
        if let Some(new) = mapping.get(name.as_str()) {
            *name = new.clone();
        }
    };
    for &id in &ids {
        rename_node(&mut nodes[id], &renamer, &rename);
    }
}

fn rename_node(node: &mut Node, renamer: &Renamer, rename: &impl Fn(&mut String)) {
    let opt = |e: &mut Option<Expr>| {
        if let Some(e) = e {
            renamer.expr(e);
        }
    };
    match node {
        Node::Start { .. } | Node::Join { .. } => {}
        Node::Compute { steps, .. } => {
            for step in steps {
                match step {
                    Step::Assign { target, value } => {
                        opt(target);
                        renamer.expr(value);
                    }
                    Step::Delete(target) => renamer.expr(target),
                    Step::Unbind(names) => names.iter_mut().for_each(rename),
                }
            }
        }
        Node::Action { kwargs, target, .. } => {
            kwargs.iter_mut().for_each(|(_, e)| renamer.expr(e));
            opt(target);
        }
        Node::Branch { cases, .. } => cases.iter_mut().for_each(|c| renamer.expr(&mut c.when)),
        Node::ForInit {
            loop_name, iter, ..
        } => {
            rename(loop_name);
            renamer.expr(iter);
        }
        Node::ForNext {
            loop_name, target, ..
        } => {
            rename(loop_name);
            renamer.expr(target);
        }
        Node::WhileInit { loop_name, .. } => rename(loop_name),
        Node::While {
            loop_name, test, ..
        } => {
            rename(loop_name);
            renamer.expr(test);
        }
        Node::Fork { result, .. } => rename(result),
        Node::ForkEach {
            result,
            iter,
            target,
            ..
        } => {
            rename(result);
            renamer.expr(iter);
            renamer.expr(target);
        }
        Node::Barrier { target, .. } => opt(target),
        Node::Sleep { seconds, .. } => renamer.expr(seconds),
        Node::Except {
            store, handlers, ..
        } => {
            rename(store);
            for handler in handlers {
                if let Some(bind) = &mut handler.bind {
                    rename(bind);
                }
            }
        }
        Node::Raise { value, cause, .. } => {
            renamer.expr(value);
            opt(cause);
        }
        Node::Return { value, .. } => opt(value),
    }
}

// ------------------------------------------------------------------ entry point

fn param_signatures(params: &[Param]) -> Result<Vec<ParamSignature>, LoweringError> {
    Ok(params
        .iter()
        .map(ParamSignature::of)
        .collect::<Result<_, _>>()?)
}

/// The names a type mentions.
fn type_names<'a>(ty: &'a Type, f: &mut impl FnMut(&'a str)) {
    match &ty.kind {
        TypeKind::Named { name, args } => {
            f(name);
            args.iter().for_each(|a| type_names(a, f));
        }
        TypeKind::None => {}
        TypeKind::Union(options) => options.iter().for_each(|o| type_names(o, f)),
    }
}

/// The names a parameter or a field mentions: in its type and its default.
fn param_names(param: &Param, f: &mut impl FnMut(&str)) {
    type_names(&param.ty, f);
    if let Some(default) = &param.default {
        names_in(default, f);
    }
}

/// The declared classes among `used`, with every class they need in turn:
/// their bases, the types of their fields, and what their defaults and
/// member values name (`Color.RED`).
fn needed_classes(program: &Program, used: &BTreeSet<String>) -> BTreeMap<String, ClassDecl> {
    let declared = program.class_decls();
    let mut needed: BTreeMap<String, ClassDecl> = BTreeMap::new();
    let mut pending: Vec<String> = used
        .iter()
        .filter(|n| declared.contains_key(n.as_str()))
        .cloned()
        .collect();
    while let Some(name) = pending.pop() {
        let Some(class) = declared.get(name.as_str()) else {
            continue;
        };
        if needed.contains_key(&name) {
            continue;
        }
        let mut mentioned: Vec<String> = class.bases.clone();
        for item in class.body.iter().flatten() {
            let mut add = |n: &str| mentioned.push(n.to_string());
            match item {
                ClassItem::Field(field) => param_names(field, &mut add),
                ClassItem::Member(member) => names_in(&member.value, &mut add),
            }
        }
        needed.insert(name, (*class).clone());
        pending.extend(
            mentioned
                .into_iter()
                .filter(|n| declared.contains_key(n.as_str()) && !needed.contains_key(n)),
        );
    }
    needed
}

/// Lower one workflow of `program` (the only one when `workflow` is None).
pub fn lower(program: &Program, workflow: Option<&str>) -> Result<Dag, LoweringError> {
    let workflows: Vec<&Callable> = program.workflows().collect();
    let decl = match workflow {
        None => match workflows.as_slice() {
            [only] => *only,
            _ => {
                return fail(format!(
                    "the program declares {} workflows; name the one to lower",
                    workflows.len()
                ));
            }
        },
        Some(name) => match workflows.iter().rev().find(|w| w.name == name) {
            Some(found) => *found,
            None => return fail(format!("no workflow named `{name}` in the program")),
        },
    };
    let mut lowering = Lowering {
        actions: program
            .actions()
            .filter_map(|d| match &d.kind {
                DeclKind::Action { name, .. } => Some((name.as_str(), d)),
                _ => None,
            })
            .collect(),
        fns: program.fns().map(|f| (f.name.as_str(), f)).collect(),
        counters: HashMap::new(),
        inlining: Vec::new(),
        nodes: Vec::new(),
    };
    let start = lowering.add(Node::Start { next: None });
    let end = lowering.add(Node::Return {
        value: None,
        error: None,
    });
    let entry = lowering.block(&decl.body, &Ctx::default(), end)?;
    lowering.nodes[start] = Node::Start { next: Some(entry) };
    let mut nodes = lowering.nodes;
    remove_trivial_joins(&mut nodes, start);
    merge_compute_chains(&mut nodes, start);
    number_generated_names(&mut nodes, start);
    let nodes = renumber(nodes, start);

    let mut dag = Dag {
        workflow: decl.name.clone(),
        params: param_signatures(&decl.params)?,
        returns: print_type(&decl.returns)?,
        types: BTreeMap::new(),
        actions: BTreeMap::new(),
        consts: Vec::new(),
        nodes,
        version: program.version.clone(),
    };
    let mut used = dag.used_names();
    let consts: HashMap<&str, &Expr> = program.consts().map(|(n, v)| (n.as_str(), v)).collect();
    // Consts may be defined in terms of other consts (and of types: `Color.RED`).
    let mut pending: Vec<String> = used
        .iter()
        .filter(|n| consts.contains_key(n.as_str()))
        .cloned()
        .collect();
    while let Some(name) = pending.pop() {
        if let Some(value) = consts.get(name.as_str()) {
            names_in(value, &mut |sub| {
                if used.insert(sub.to_string()) && consts.contains_key(sub) {
                    pending.push(sub.to_string());
                }
            });
        }
    }
    let used_actions: BTreeSet<&str> = dag
        .nodes
        .iter()
        .filter_map(|n| match n {
            Node::Action { action, .. } => Some(action.as_str()),
            _ => None,
        })
        .collect();
    // Values of the classes in the workflow's and its actions' signatures come in and go out.
    let mut signature_names = BTreeSet::new();
    let mut add = |n: &str| {
        signature_names.insert(n.to_string());
    };
    type_names(&decl.returns, &mut add);
    decl.params.iter().for_each(|p| param_names(p, &mut add));
    for action in program.actions() {
        if let DeclKind::Action {
            name,
            params,
            returns,
            ..
        } = &action.kind
        {
            if used_actions.contains(name.as_str()) {
                type_names(returns, &mut add);
                params.iter().for_each(|p| param_names(p, &mut add));
            }
        }
    }
    used.extend(signature_names);
    dag.types = needed_classes(program, &used);
    for decl in program.actions() {
        if let DeclKind::Action {
            name,
            params,
            returns,
            module,
        } = &decl.kind
        {
            if used_actions.contains(name.as_str()) {
                let signature = ActionSignature {
                    module: module.clone(),
                    params: param_signatures(params)?,
                    returns: print_type(returns)?,
                };
                dag.actions.insert(name.clone(), signature);
            }
        }
    }
    let mut seen = BTreeSet::new();
    for (name, value) in program.consts() {
        if used.contains(name) && seen.insert(name.clone()) {
            let value = program
                .consts()
                .filter(|(n, _)| *n == name)
                .last()
                .map_or(value, |(_, v)| v);
            dag.consts.push((name.clone(), value.clone()));
        }
    }
    Ok(dag)
}
