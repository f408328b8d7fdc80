//! The names a block binds, and renaming variables (`rrl.walk.bound_names`,
//! `rrl.walk.rename`, `rrl.check.assigned_names`): what lowering needs to
//! give an inlined fn a scope of its own.

use std::collections::{BTreeSet, HashMap};

use super::ast::*;

/// Methods that change their receiver (`rrl.builtins.MUTATING_METHODS`): a
/// call of one rebinds the variable at the receiver's root.
pub const MUTATING_METHODS: &[&str] = &[
    "append",
    "extend",
    "insert",
    "remove",
    "pop",
    "clear",
    "sort",
    "reverse",
    "update",
    "popitem",
    "setdefault",
];

fn target_names(target: &Expr, names: &mut BTreeSet<String>) {
    match &target.kind {
        ExprKind::Name(id) => {
            names.insert(id.clone());
        }
        ExprKind::Tuple(elts) => elts.iter().for_each(|e| target_names(e, names)),
        ExprKind::Starred(value) => target_names(value, names),
        _ => {}
    }
}

fn each_expr_in_stmt<'a>(stmt: &'a Stmt, out: &mut Vec<&'a Expr>) {
    for node in super::parser::Node::Stmt(stmt).children() {
        collect_exprs(node, out);
    }
}

/// The outermost expressions below `node` (not inside other expressions).
fn collect_exprs<'a>(node: super::parser::Node<'a>, out: &mut Vec<&'a Expr>) {
    use super::parser::Node;
    match node {
        Node::Expr(e) | Node::Field(e, _) => out.push(e),
        Node::Stmt(_) | Node::Handler(_) => {}
        other => other
            .children()
            .into_iter()
            .for_each(|c| collect_exprs(c, out)),
    }
}

/// Every name a fn binds anywhere (`rrl.walk.bound_names`): assignment and
/// loop targets, `except ... as`, comprehension and lambda variables,
/// parameters, and the names `del` unbinds.
pub fn bound_names(callable: &Callable) -> BTreeSet<String> {
    let mut names: BTreeSet<String> = callable.params.iter().map(|p| p.name.clone()).collect();
    let mut exprs = Vec::new();
    for param in &callable.params {
        exprs.extend(param.default.iter());
    }
    let mut stmts: Vec<&Stmt> = callable.body.iter().collect();
    while let Some(stmt) = stmts.pop() {
        match &stmt.kind {
            StmtKind::Assign { target, .. } => target_names(target, &mut names),
            StmtKind::CallStmt {
                target: Some(t), ..
            }
            | StmtKind::Parallel {
                target: Some(t), ..
            } => target_names(t, &mut names),
            StmtKind::For { target, .. } => target_names(target, &mut names),
            StmtKind::ParallelFor {
                target,
                loop_target,
                ..
            } => {
                if let Some(t) = target {
                    target_names(t, &mut names);
                }
                target_names(loop_target, &mut names);
            }
            StmtKind::Delete(targets) => targets.iter().for_each(|t| target_names(t, &mut names)),
            StmtKind::Try { handlers, .. } => {
                for handler in handlers {
                    if let Some(name) = &handler.name {
                        names.insert(name.clone());
                    }
                    stmts.extend(handler.body.iter());
                }
            }
            _ => {}
        }
        stmts.extend(blocks_of(stmt).into_iter().flatten());
        each_expr_in_stmt(stmt, &mut exprs);
    }
    while let Some(expr) = exprs.pop() {
        match &expr.kind {
            ExprKind::Lambda(params, _) => names.extend(params.iter().cloned()),
            ExprKind::ListComp(_, generators) | ExprKind::DictComp(_, _, generators) => generators
                .iter()
                .for_each(|g| target_names(&g.target, &mut names)),
            _ => {}
        }
        exprs.extend(expr.children());
    }
    names
}

/// The statement blocks directly inside a statement (handlers not included).
fn blocks_of(stmt: &Stmt) -> Vec<&[Stmt]> {
    match &stmt.kind {
        StmtKind::If { body, orelse, .. }
        | StmtKind::For { body, orelse, .. }
        | StmtKind::While { body, orelse, .. } => {
            vec![body, orelse]
        }
        StmtKind::Try {
            body,
            orelse,
            finalbody,
            ..
        } => vec![body, orelse, finalbody],
        _ => Vec::new(),
    }
}

/// The variable at the root of `x`, `x[k]` or `x.f` chains.
fn target_root(target: &Expr) -> Option<&str> {
    let mut target = target;
    loop {
        match &target.kind {
            ExprKind::Subscript(value, _) | ExprKind::Attribute(value, _) => target = value,
            ExprKind::Name(id) => return Some(id),
            _ => return None,
        }
    }
}

/// The variables that calls of changing methods in `expr` rebind (not
/// inside lambdas and comprehensions, where the change is lost).
fn mutated_roots(expr: &Expr, names: &mut BTreeSet<String>) {
    if matches!(
        expr.kind,
        ExprKind::Lambda(..) | ExprKind::ListComp(..) | ExprKind::DictComp(..)
    ) {
        return;
    }
    for child in expr.children() {
        mutated_roots(child, names);
    }
    if let ExprKind::Call { func, .. } = &expr.kind {
        if let ExprKind::Attribute(receiver, method) = &func.kind {
            if MUTATING_METHODS.contains(&method.as_str()) {
                if let Some(root) = target_root(receiver) {
                    names.insert(root.to_string());
                }
            }
        }
    }
}

/// The expressions a statement evaluates itself, in the region where it
/// runs: not its blocks, nor the calls of a `parallel` block.
fn own_parts(stmt: &Stmt) -> Vec<&Expr> {
    match &stmt.kind {
        StmtKind::Parallel { target, .. } => target.iter().collect(),
        StmtKind::ParallelFor { target, iter, .. } => {
            target.iter().chain(std::iter::once(iter)).collect()
        }
        _ => {
            let mut out = Vec::new();
            each_expr_in_stmt(stmt, &mut out);
            out
        }
    }
}

/// Every name a block binds anywhere in its statements (not in lambdas or
/// comprehensions), the variables its changing method calls rebind and the
/// names it deletes included (`rrl.check.assigned_names`).
pub fn assigned_names(stmts: &[Stmt]) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut pending: Vec<&Stmt> = stmts.iter().collect();
    while let Some(stmt) = pending.pop() {
        match &stmt.kind {
            StmtKind::Assign { target, .. } | StmtKind::For { target, .. } => {
                target_names(target, &mut names)
            }
            StmtKind::CallStmt {
                target: Some(t), ..
            }
            | StmtKind::Parallel {
                target: Some(t), ..
            }
            | StmtKind::ParallelFor {
                target: Some(t), ..
            } => target_names(t, &mut names),
            StmtKind::Delete(targets) => {
                for target in targets {
                    if let ExprKind::Name(id) = &target.kind {
                        names.insert(id.clone());
                    }
                }
            }
            StmtKind::Try { handlers, .. } => {
                for handler in handlers {
                    if let Some(name) = &handler.name {
                        names.insert(name.clone());
                    }
                    pending.extend(handler.body.iter());
                }
            }
            _ => {}
        }
        for part in own_parts(stmt) {
            mutated_roots(part, &mut names);
        }
        pending.extend(blocks_of(stmt).into_iter().flatten());
    }
    names
}

/// Rename variables: names, lambda parameters, `except ... as` names and
/// parameters. Attribute fields, keyword names and callee names of await
/// calls are not variables.
pub struct Renamer<'m> {
    pub mapping: &'m HashMap<String, String>,
}

impl Renamer<'_> {
    fn name(&self, name: &mut String) {
        if let Some(new) = self.mapping.get(name.as_str()) {
            *name = new.clone();
        }
    }

    pub fn callable(&self, callable: &mut Callable) {
        for param in &mut callable.params {
            self.name(&mut param.name);
            if let Some(default) = &mut param.default {
                self.expr(default);
            }
        }
        self.stmts(&mut callable.body);
    }

    pub fn stmts(&self, stmts: &mut [Stmt]) {
        for stmt in stmts {
            self.stmt(stmt);
        }
    }

    fn call(&self, call: &mut AwaitCall) {
        for keyword in &mut call.kwargs {
            self.expr(&mut keyword.value);
        }
        if let Some(retry) = &mut call.retry {
            if let Some(attempts) = &mut retry.attempts {
                self.expr(attempts);
            }
        }
        if let Some(backoff) = &mut call.backoff {
            for value in [&mut backoff.base, &mut backoff.max].into_iter().flatten() {
                self.seconds(value);
            }
            if let Some(multiplier) = &mut backoff.multiplier {
                self.expr(multiplier);
            }
        }
        if let Some(timeout) = &mut call.timeout {
            self.seconds(timeout);
        }
    }

    fn seconds(&self, value: &mut Seconds) {
        if let Seconds::Value(expr) = value {
            self.expr(expr);
        }
    }

    fn opt(&self, expr: &mut Option<Expr>) {
        if let Some(expr) = expr {
            self.expr(expr);
        }
    }

    pub fn stmt(&self, stmt: &mut Stmt) {
        match &mut stmt.kind {
            StmtKind::Assign { target, value, .. } => {
                self.expr(target);
                self.expr(value);
            }
            StmtKind::ExprStmt(e) | StmtKind::Sleep(e) => self.expr(e),
            StmtKind::Delete(targets) => targets.iter_mut().for_each(|t| self.expr(t)),
            StmtKind::CallStmt { target, call } => {
                self.opt(target);
                self.call(call);
            }
            StmtKind::Parallel { target, calls, .. } => {
                self.opt(target);
                calls.iter_mut().for_each(|c| self.call(c));
            }
            StmtKind::ParallelFor {
                target,
                loop_target,
                iter,
                call,
                ..
            } => {
                self.opt(target);
                self.expr(loop_target);
                self.expr(iter);
                self.call(call);
            }
            StmtKind::If { test, body, orelse }
            | StmtKind::While {
                test, body, orelse, ..
            } => {
                self.expr(test);
                self.stmts(body);
                self.stmts(orelse);
            }
            StmtKind::For {
                target,
                iter,
                body,
                orelse,
            } => {
                self.expr(target);
                self.expr(iter);
                self.stmts(body);
                self.stmts(orelse);
            }
            StmtKind::Try {
                body,
                handlers,
                orelse,
                finalbody,
            } => {
                self.stmts(body);
                for handler in handlers {
                    if let Some(name) = &mut handler.name {
                        self.name(name);
                    }
                    self.stmts(&mut handler.body);
                }
                self.stmts(orelse);
                self.stmts(finalbody);
            }
            StmtKind::Return(value) => self.opt(value),
            StmtKind::Raise { exc, cause } => {
                self.opt(exc);
                self.opt(cause);
            }
            StmtKind::Break | StmtKind::Continue => {}
        }
    }

    pub fn expr(&self, expr: &mut Expr) {
        match &mut expr.kind {
            ExprKind::Name(id) => self.name(id),
            ExprKind::Lambda(params, body) => {
                params.iter_mut().for_each(|p| self.name(p));
                self.expr(body);
            }
            ExprKind::Constant(_) => {}
            ExprKind::FString(parts) => {
                for part in parts {
                    if let FPart::Field { value, .. } = part {
                        self.expr(value);
                    }
                }
            }
            ExprKind::List(elts) | ExprKind::Tuple(elts) | ExprKind::BoolOp(_, elts) => {
                elts.iter_mut().for_each(|e| self.expr(e))
            }
            ExprKind::Starred(v) | ExprKind::Attribute(v, _) | ExprKind::UnaryOp(_, v) => {
                self.expr(v)
            }
            ExprKind::Dict(items) => {
                for (key, value) in items {
                    self.opt(key);
                    self.expr(value);
                }
            }
            ExprKind::Subscript(a, b) | ExprKind::BinOp(a, _, b) => {
                self.expr(a);
                self.expr(b);
            }
            ExprKind::Slice(a, b, c) => {
                for part in [a, b, c].into_iter().flatten() {
                    self.expr(part);
                }
            }
            ExprKind::Compare(left, rest) => {
                self.expr(left);
                rest.iter_mut().for_each(|(_, e)| self.expr(e));
            }
            ExprKind::Conditional { test, body, orelse } => {
                self.expr(test);
                self.expr(body);
                self.expr(orelse);
            }
            ExprKind::Call { func, args, kwargs } => {
                self.expr(func);
                args.iter_mut().for_each(|a| self.expr(a));
                kwargs.iter_mut().for_each(|k| self.expr(&mut k.value));
            }
            ExprKind::ListComp(elt, generators) => {
                self.expr(elt);
                self.generators(generators);
            }
            ExprKind::DictComp(key, value, generators) => {
                self.expr(key);
                self.expr(value);
                self.generators(generators);
            }
        }
    }

    fn generators(&self, generators: &mut [Comprehension]) {
        for generator in generators {
            self.expr(&mut generator.target);
            self.expr(&mut generator.iter);
            generator.ifs.iter_mut().for_each(|e| self.expr(e));
        }
    }
}

/// Every `Name` in `expr` (preorder, source order), for `f`.
pub fn names_in(expr: &Expr, f: &mut impl FnMut(&str)) {
    if let ExprKind::Name(id) = &expr.kind {
        f(id);
    }
    for child in expr.children() {
        names_in(child, f);
    }
}
