//! Validation of a loaded program: what a runtime needs to refuse a
//! malformed artifact with a clear message before it lowers or runs it.
//! Declarations are unique; declared classes derive from builtin or declared
//! classes of their kind, without cycles, and declare each field and member
//! once, with constant defaults and values; every await names an action or a
//! fn with its parameters, `break`, `continue` and a bare `raise` stand where
//! they mean something, fns do not recurse, and every name an expression
//! reads is bound somewhere: a parameter, a local, a const, a declared class
//! or a builtin. The diagnostics have the codes and messages of the Python
//! checker (`rrl.check`), which stays the authority on everything else
//! (flow-sensitive binding, types, literals, policies' ranges, ...).

use std::collections::{BTreeSet, HashMap};

use crate::diagnostic::{self, Diagnostic, Span};
use crate::eval::builtins::FUNCTIONS;
use crate::suggest::did_you_mean;
use crate::syntax::ast::*;
use crate::syntax::walk::bound_names;

/// The builtin exception classes (`rrl.builtins.EXCEPTIONS`), sorted.
pub const EXCEPTIONS: &[&str] = &[
    "ArithmeticError",
    "AssertionError",
    "AttributeError",
    "BaseException",
    "ConnectionError",
    "Exception",
    "FileNotFoundError",
    "IndexError",
    "KeyError",
    "LookupError",
    "NotImplementedError",
    "OSError",
    "OverflowError",
    "PermissionError",
    "RappelTimeout",
    "RecursionError",
    "RuntimeError",
    "StopIteration",
    "TimeoutError",
    "TypeError",
    "UnicodeError",
    "ValueError",
    "ZeroDivisionError",
];

/// The flavors of Python's enums, and the types an enum may mix in before one.
const ENUM_FLAVORS: &[&str] = &["Enum", "IntEnum", "StrEnum", "Flag", "IntFlag"];
const ENUM_MIXINS: &[&str] = &["str", "int", "float"];

fn error(
    code: &'static str,
    span: Option<Span>,
    message: String,
    help: impl Into<String>,
) -> Diagnostic {
    Diagnostic::error(code, message, span).with_help(help)
}

/// Every problem found, sorted by position.
pub fn validate(program: &Program) -> Vec<Diagnostic> {
    let mut validator = Validator {
        program,
        classes: program.class_decls(),
        diagnostics: Vec::new(),
    };
    validator.declarations();
    for decl in &program.decls {
        match &decl.kind {
            DeclKind::Class(class) => validator.class(decl, class),
            DeclKind::Action { params, .. } => validator.params(params),
            DeclKind::Fn(callable) | DeclKind::Workflow(callable) => {
                validator.params(&callable.params);
                validator.body(callable);
            }
            DeclKind::Const { value, .. } => validator.reads(value, &BTreeSet::new()),
        }
    }
    validator.recursion();
    validator.class_cycles();
    diagnostic::sort(&mut validator.diagnostics);
    validator.diagnostics
}

struct Validator<'p> {
    program: &'p Program,
    /// The declared classes by name (the last declaration of a name wins).
    classes: HashMap<&'p str, &'p ClassDecl>,
    diagnostics: Vec<Diagnostic>,
}

/// What an await may call: its kind and its parameters.
struct Callee<'p> {
    kind: &'static str,
    params: &'p [Param],
}

impl<'p> Validator<'p> {
    fn declarations(&mut self) {
        let mut seen: HashMap<&str, (&'static str, &Decl)> = HashMap::new();
        let mut identities: HashMap<String, &ClassDecl> = HashMap::new();
        for decl in &self.program.decls {
            let (kind, name) = match &decl.kind {
                DeclKind::Class(c) => (c.kind.as_str(), &c.name),
                DeclKind::Const { name, .. } => ("const", name),
                DeclKind::Action { name, .. } => ("action", name),
                DeclKind::Fn(c) => ("fn", &c.name),
                DeclKind::Workflow(c) => ("workflow", &c.name),
            };
            if let DeclKind::Class(class) = &decl.kind {
                let first = *identities.entry(class.identity()).or_insert(class);
                if !std::ptr::eq(first, class) {
                    self.diagnostics.push(error(
                        "RPL0320",
                        decl.span,
                        format!(
                            "the class `{}` is declared twice, as `{}` and as `{name}`",
                            class.identity(),
                            first.name
                        ),
                        "declare it once and use one name for it",
                    ));
                }
            }
            let Some(&(first_kind, first)) = seen.get(name.as_str()) else {
                seen.insert(name, (kind, decl));
                continue;
            };
            let class = match (&decl.kind, &first.kind) {
                (DeclKind::Class(c), _) | (_, DeclKind::Class(c)) => Some(c),
                _ => None,
            };
            let diagnostic = match class {
                Some(class) if kind == "const" || first_kind == "const" => error(
                    "RPL0321",
                    decl.span,
                    format!(
                        "the {} `{name}` clashes with the const `{name}`",
                        class.kind.as_str()
                    ),
                    format!(
                        "rename the const, or declare the class under another name: `{} Other{} from {} import {}`",
                        class.kind.as_str(),
                        python_title(name),
                        class.module,
                        class.qualname
                    ),
                ),
                _ => {
                    let place = first
                        .span
                        .map_or(String::new(), |s| format!(" (line {})", s.line));
                    error(
                        "RPL0320",
                        decl.span,
                        format!("`{name}` is declared twice"),
                        format!(
                            "the {first_kind} `{name}` is declared first{place}; rename one of them"
                        ),
                    )
                }
            };
            self.diagnostics.push(diagnostic);
        }
    }

    // ---------------------------------------------------------- classes

    /// A class declaration: its bases, and its fields or members (each once,
    /// defaults and values constant).
    fn class(&mut self, decl: &Decl, class: &ClassDecl) {
        self.bases(decl, class);
        if class.kind == ClassKind::NamedTuple {
            self.default_order(class);
        }
        let mut seen = BTreeSet::new();
        for item in class.body.iter().flatten() {
            let (what, value) = match item {
                ClassItem::Field(field) => ("field", field.default.as_ref()),
                ClassItem::Member(member) => ("member", Some(&member.value)),
            };
            let name = item.name();
            if !seen.insert(name) {
                self.diagnostics.push(error(
                    "RPL0343",
                    item.span(),
                    format!("the {what} `{name}` of `{}` is declared twice", class.name),
                    format!("declare each {what} once"),
                ));
            }
            if let Some(value) = value {
                if !self.is_constant(value) {
                    let whose = if what == "field" {
                        "default of the field"
                    } else {
                        "value of the member"
                    };
                    self.diagnostics.push(error(
                        "RPL0342",
                        value.span,
                        format!("the {whose} `{name}` is not a constant"),
                        "a default or a member's value is made of literals, arithmetic on numbers, lists, tuples and dicts of them, and members of declared enums (`Color.RED`)",
                    ));
                }
            }
        }
    }

    /// A NamedTuple's fields with defaults come last, as Python requires (RPL0346).
    fn default_order(&mut self, class: &ClassDecl) {
        let mut defaulted: Option<&Param> = None;
        for field in class.fields().unwrap_or_default() {
            match (&field.default, defaulted) {
                (Some(_), None) => defaulted = Some(field),
                (None, Some(before)) => {
                    self.diagnostics.push(error(
                        "RPL0346",
                        field.span,
                        format!(
                            "the field `{}` of the NamedTuple `{}` has no default, but `{}` before it has one",
                            field.name, class.name, before.name
                        ),
                        "declare the fields without a default first, as Python requires",
                    ));
                    return;
                }
                _ => {}
            }
        }
    }

    /// The bases of a class are classes of its kind: builtin or declared
    /// exceptions for an exception, one enum flavor (or a declared enum
    /// without members) after at most one mixin for an enum, declared classes
    /// of the same kind for a model or a dataclass (RPL0338).
    fn bases(&mut self, decl: &Decl, class: &ClassDecl) {
        let (name, module) = (&class.name, &class.module);
        match class.kind {
            ClassKind::Exception => {
                if class.bases.is_empty() {
                    self.diagnostics.push(error(
                        "RPL0338",
                        decl.span,
                        format!("the exception `{name}` declares no base"),
                        format!(
                            "name the classes it derives from, as Python does: `exception {name}(Exception) from {module}`"
                        ),
                    ));
                }
                for base in &class.bases {
                    let declared = self.classes.get(base.as_str());
                    if EXCEPTIONS.contains(&base.as_str())
                        || declared.is_some_and(|d| d.kind == ClassKind::Exception)
                    {
                        continue;
                    }
                    self.base_problem(
                        decl,
                        class,
                        base,
                        "a builtin exception or a declared exception",
                    );
                }
            }
            ClassKind::Enum => {
                let is_mixin = |b: &&String| ENUM_MIXINS.contains(&b.as_str());
                let mixins = class.bases.iter().filter(is_mixin).count();
                let enums: Vec<&String> = class.bases.iter().filter(|b| !is_mixin(b)).collect();
                let well_placed = enums.len() == 1
                    && class.bases.iter().position(|b| b == enums[0])
                        == Some(class.bases.len() - 1);
                if !well_placed || mixins > 1 {
                    let listed: Vec<String> =
                        class.bases.iter().map(|b| format!("`{b}`")).collect();
                    let listed = if listed.is_empty() {
                        "nothing".to_string()
                    } else {
                        listed.join(", ")
                    };
                    self.diagnostics.push(error(
                        "RPL0338",
                        decl.span,
                        format!("the enum `{name}` derives from {listed}"),
                        format!(
                            "an enum derives from one of {} or a declared enum without members, after at most one of str, int and float: `enum {name}(str, Enum) from {module}:`",
                            ENUM_FLAVORS.join(", ")
                        ),
                    ));
                }
                for base in enums {
                    let declared = self.classes.get(base.as_str());
                    if ENUM_FLAVORS.contains(&base.as_str())
                        || declared
                            .is_some_and(|d| d.kind == ClassKind::Enum && d.members().is_empty())
                    {
                        continue;
                    }
                    let expected = format!(
                        "one of {} or a declared enum without members",
                        ENUM_FLAVORS.join(", ")
                    );
                    self.base_problem(decl, class, base, &expected);
                }
            }
            ClassKind::NamedTuple => {
                for base in &class.bases {
                    self.diagnostics.push(error(
                        "RPL0338",
                        decl.span,
                        format!("the NamedTuple `{name}` declares the base `{base}`"),
                        format!(
                            "a NamedTuple derives from tuple only: `namedtuple {name} from {module}:`"
                        ),
                    ));
                }
            }
            ClassKind::Model | ClassKind::Dataclass => {
                for base in &class.bases {
                    let declared = self.classes.get(base.as_str());
                    if declared.is_none_or(|d| d.kind != class.kind) {
                        let expected = format!("a declared {}", class.kind.as_str());
                        self.base_problem(decl, class, base, &expected);
                    }
                }
            }
        }
    }

    fn base_problem(&mut self, decl: &Decl, class: &ClassDecl, base: &str, expected: &str) {
        let help = format!("a base of {} is {expected}", class.kind.with_article());
        let (kind, name) = (class.kind.as_str(), &class.name);
        let diagnostic = match self.classes.get(base) {
            Some(declared) => error(
                "RPL0338",
                decl.span,
                format!(
                    "the base `{base}` of the {kind} `{name}` is {}",
                    declared.kind.with_article()
                ),
                help,
            ),
            None => {
                let candidates: BTreeSet<&str> = self
                    .classes
                    .keys()
                    .copied()
                    .chain(EXCEPTIONS.iter().copied())
                    .collect();
                error(
                    "RPL0338",
                    decl.span,
                    format!("the base `{base}` of the {kind} `{name}` is not a declared class"),
                    did_you_mean(base, candidates, &help),
                )
            }
        };
        self.diagnostics.push(diagnostic);
    }

    /// Classes that derive from themselves: reported once per cycle, at the
    /// first declaration in it (RPL0339).
    fn class_cycles(&mut self) {
        let mut reported: BTreeSet<&str> = BTreeSet::new();
        for (decl, class) in self.program.classes() {
            let name = class.name.as_str();
            if reported.contains(name) || !class.bases.iter().any(|b| self.reaches(b, name)) {
                continue;
            }
            let mut cycle: Vec<&str> = self
                .classes
                .keys()
                .copied()
                .filter(|n| self.reaches(n, name) && self.reaches(name, n))
                .collect();
            cycle.sort_unstable();
            reported.extend(cycle.iter().copied());
            let listed: Vec<String> = cycle.iter().map(|n| format!("`{n}`")).collect();
            self.diagnostics.push(error(
                "RPL0339",
                decl.span,
                format!("classes derive from themselves: {}", listed.join(", ")),
                "a class derives from other classes only; remove the base that leads back to it",
            ));
        }
    }

    /// Whether the class `start` derives (through declared bases) from `goal`, or is it.
    fn reaches(&self, start: &str, goal: &str) -> bool {
        let mut seen: BTreeSet<&str> = BTreeSet::new();
        let mut pending = vec![start];
        while let Some(name) = pending.pop() {
            if name == goal {
                return true;
            }
            if let Some(class) = self.classes.get(name) {
                if seen.insert(name) {
                    pending.extend(class.bases.iter().map(String::as_str));
                }
            }
        }
        false
    }

    /// What a field's default and an enum member's value are made of
    /// (`rrl.check.is_constant`): literals, arithmetic on numbers, lists,
    /// tuples and dicts of constants, and members of declared enums.
    fn is_constant(&self, expr: &Expr) -> bool {
        match &expr.kind {
            ExprKind::Constant(_) => true,
            ExprKind::UnaryOp(op, operand) if op == "-" || op == "+" => self.is_constant(operand),
            ExprKind::BinOp(left, _, right) => self.is_constant(left) && self.is_constant(right),
            ExprKind::List(elts) | ExprKind::Tuple(elts) => elts
                .iter()
                .all(|e| !matches!(e.kind, ExprKind::Starred(_)) && self.is_constant(e)),
            ExprKind::Dict(items) => items.iter().all(|(key, value)| {
                key.as_ref().is_some_and(|k| self.is_constant(k)) && self.is_constant(value)
            }),
            ExprKind::Attribute(owner, attr) => match &owner.kind {
                ExprKind::Name(owner) => self.classes.get(owner.as_str()).is_some_and(|c| {
                    c.kind == ClassKind::Enum && c.members().iter().any(|m| &m.name == attr)
                }),
                _ => false,
            },
            _ => false,
        }
    }

    /// `name` seen before in `seen`: the diagnostic that says it is given twice.
    fn twice<'n>(
        &mut self,
        seen: &mut BTreeSet<&'n str>,
        name: &'n str,
        span: Option<Span>,
        what: &str,
        help: &str,
    ) -> bool {
        if seen.insert(name) {
            return false;
        }
        self.diagnostics.push(error(
            if what == "parameter" {
                "RPL0326"
            } else {
                "RPL0306"
            },
            span,
            format!("{what} `{name}` is given twice"),
            help,
        ));
        true
    }

    fn params(&mut self, params: &[Param]) {
        let mut seen = BTreeSet::new();
        for param in params {
            self.twice(
                &mut seen,
                &param.name,
                param.span,
                "parameter",
                "rename one of the parameters",
            );
            if let Some(default) = &param.default {
                self.reads(default, &BTreeSet::new());
            }
        }
    }

    /// The action or fn `name` (the last declared, as the checker takes it).
    fn callee(&self, name: &str) -> Option<Callee<'p>> {
        self.program
            .decls
            .iter()
            .rev()
            .find_map(|decl| match &decl.kind {
                DeclKind::Action {
                    name: action,
                    params,
                    ..
                } if action == name => Some(Callee {
                    kind: "action",
                    params,
                }),
                DeclKind::Fn(c) if c.name == name => Some(Callee {
                    kind: "fn",
                    params: &c.params,
                }),
                _ => None,
            })
    }

    /// The names a callable's expressions may read.
    fn body(&mut self, callable: &Callable) {
        let locals = bound_names(callable);
        let mut pending: Vec<(&Stmt, bool, bool)> = reachable(&callable.body)
            .iter()
            .rev()
            .map(|s| (s, false, false))
            .collect();
        while let Some((stmt, in_loop, in_handler)) = pending.pop() {
            let mut exprs: Vec<&Expr> = Vec::new();
            let mut calls: Vec<&AwaitCall> = Vec::new();
            let mut blocks: Vec<(&[Stmt], bool, bool)> = Vec::new();
            match &stmt.kind {
                StmtKind::Assign { target, value, .. } => exprs.extend([target, value]),
                StmtKind::ExprStmt(e) | StmtKind::Sleep(e) => exprs.push(e),
                StmtKind::Delete(targets) => exprs.extend(targets),
                StmtKind::CallStmt { target, call } => {
                    exprs.extend(target);
                    calls.push(call);
                }
                StmtKind::Parallel {
                    target,
                    calls: each,
                    ..
                } => {
                    exprs.extend(target);
                    calls.extend(each);
                }
                StmtKind::ParallelFor {
                    target,
                    loop_target,
                    iter,
                    call,
                    ..
                } => {
                    exprs.extend(target);
                    exprs.extend([loop_target, iter]);
                    calls.push(call);
                }
                StmtKind::If { test, body, orelse }
                | StmtKind::While {
                    test, body, orelse, ..
                } => {
                    exprs.push(test);
                    let looped = matches!(stmt.kind, StmtKind::While { .. });
                    blocks.push((body, in_loop || looped, in_handler));
                    blocks.push((orelse, in_loop, in_handler));
                }
                StmtKind::For {
                    target,
                    iter,
                    body,
                    orelse,
                } => {
                    exprs.extend([target, iter]);
                    blocks.push((body, true, in_handler));
                    blocks.push((orelse, in_loop, in_handler));
                }
                StmtKind::Try {
                    body,
                    handlers,
                    orelse,
                    finalbody,
                } => {
                    blocks.push((body, in_loop, in_handler));
                    for handler in handlers {
                        blocks.push((&handler.body, in_loop, true));
                    }
                    blocks.push((orelse, in_loop, in_handler));
                    blocks.push((finalbody, in_loop, in_handler));
                }
                StmtKind::Return(value) => exprs.extend(value),
                StmtKind::Raise { exc, cause } => {
                    if exc.is_none() && !in_handler {
                        self.diagnostics.push(error(
                            "RPL0312",
                            stmt.span,
                            "bare `raise` outside an `except` block".into(),
                            "raise an exception explicitly, for example `raise ValueError(\"...\")`",
                        ));
                    }
                    exprs.extend(exc);
                    exprs.extend(cause);
                }
                StmtKind::Break | StmtKind::Continue => {
                    let keyword = if matches!(stmt.kind, StmtKind::Break) {
                        "break"
                    } else {
                        "continue"
                    };
                    if !in_loop {
                        self.diagnostics.push(error(
                            "RPL0311",
                            stmt.span,
                            format!("`{keyword}` outside a loop"),
                            format!("`{keyword}` only works inside `for` and `while` (a `parallel for` is not a loop)"),
                        ));
                    }
                }
            }
            for call in calls {
                self.call(call);
                for keyword in &call.kwargs {
                    exprs.push(&keyword.value);
                }
            }
            for expr in exprs {
                self.reads(expr, &locals);
            }
            for (block, looped, handled) in blocks.into_iter().rev() {
                pending.extend(reachable(block).iter().rev().map(|s| (s, looped, handled)));
            }
        }
    }

    fn call(&mut self, call: &AwaitCall) {
        let Some(callee) = self.callee(&call.name) else {
            let is_workflow = self.program.workflows().any(|w| w.name == call.name);
            let (message, help) = if is_workflow {
                (
                    format!("workflow `{}` cannot be awaited", call.name),
                    "only actions and fns can be awaited; turn the shared steps into a `fn`"
                        .to_string(),
                )
            } else {
                (
                    format!("`{}` is neither an action nor a fn", call.name),
                    format!(
                        "declare it: `action {}(...) -> T from app.actions`",
                        call.name
                    ),
                )
            };
            self.diagnostics
                .push(error("RPL0303", call.span, message, help));
            return;
        };
        let mut given = BTreeSet::new();
        for keyword in &call.kwargs {
            if self.twice(
                &mut given,
                &keyword.name,
                keyword.span,
                "argument",
                "remove one of them",
            ) {
                continue;
            }
            if !callee.params.iter().any(|p| p.name == keyword.name) {
                let names: Vec<&str> = callee.params.iter().map(|p| p.name.as_str()).collect();
                self.diagnostics.push(error(
                    "RPL0304",
                    keyword.span,
                    format!(
                        "{} `{}` has no parameter `{}`",
                        callee.kind, call.name, keyword.name
                    ),
                    format!(
                        "its parameters are: {}",
                        if names.is_empty() {
                            "none".to_string()
                        } else {
                            names.join(", ")
                        }
                    ),
                ));
            }
        }
        let missing: Vec<&str> = callee
            .params
            .iter()
            .filter(|p| p.default.is_none() && !given.contains(p.name.as_str()))
            .map(|p| p.name.as_str())
            .collect();
        if !missing.is_empty() {
            let listed: Vec<String> = missing.iter().map(|m| format!("`{m}`")).collect();
            let pass: Vec<String> = missing.iter().map(|m| format!("`{m}=...`")).collect();
            self.diagnostics.push(error(
                "RPL0305",
                call.span,
                format!(
                    "missing {} {} in call to {} `{}`",
                    if missing.len() == 1 {
                        "argument"
                    } else {
                        "arguments"
                    },
                    listed.join(", "),
                    callee.kind,
                    call.name
                ),
                format!("pass it by name: {}", pass.join(", ")),
            ));
        }
    }

    /// Every name `expr` reads is bound: one of `locals`, a const, an
    /// imported name, a declaration or a builtin.
    fn reads(&mut self, expr: &Expr, locals: &BTreeSet<String>) {
        let mut undefined: Vec<(String, Option<Span>)> = Vec::new();
        let mut visit = |e: &Expr| {
            names_in_with_spans(e, &mut |name, span| {
                if !locals.contains(name) && !self.is_global(name) {
                    undefined.push((name.to_string(), span));
                }
            })
        };
        visit(expr);
        for (name, span) in undefined {
            self.diagnostics.push(error(
                "RPL0302",
                span,
                format!("name `{name}` is not defined"),
                format!("assign `{name}` first, add a parameter, or declare `const {name} = ...`"),
            ));
        }
    }

    fn is_global(&self, name: &str) -> bool {
        // The builtins an expression may name without declaring them (`rrl.builtins`),
        // and the type `NoneType`.
        FUNCTIONS.contains(&name)
            || name == "NoneType"
            || name == "bytes"
            || EXCEPTIONS.contains(&name)
            || self.program.decls.iter().any(|decl| match &decl.kind {
                DeclKind::Class(c) => c.name == name,
                DeclKind::Const { name: n, .. } | DeclKind::Action { name: n, .. } => n == name,
                DeclKind::Fn(c) | DeclKind::Workflow(c) => c.name == name,
            })
    }

    /// Fns that call themselves, directly or through others (they cannot be
    /// inlined): reported once per cycle, at the call that starts it.
    fn recursion(&mut self) {
        let fns: Vec<&Callable> = self.program.fns().collect();
        let calls = |callable: &'p Callable| -> Vec<&'p AwaitCall> {
            let mut out = Vec::new();
            let mut pending: Vec<&Stmt> = callable.body.iter().collect();
            while let Some(stmt) = pending.pop() {
                match &stmt.kind {
                    StmtKind::CallStmt { call, .. } | StmtKind::ParallelFor { call, .. } => {
                        out.push(call)
                    }
                    StmtKind::Parallel { calls, .. } => out.extend(calls),
                    StmtKind::If { body, orelse, .. }
                    | StmtKind::While { body, orelse, .. }
                    | StmtKind::For { body, orelse, .. } => {
                        pending.extend(body.iter().chain(orelse))
                    }
                    StmtKind::Try {
                        body,
                        handlers,
                        orelse,
                        finalbody,
                    } => {
                        pending.extend(body.iter().chain(orelse).chain(finalbody));
                        pending.extend(handlers.iter().flat_map(|h| &h.body));
                    }
                    _ => {}
                }
            }
            out.sort_by_key(|c| c.span.map(|s| (s.line, s.column)));
            out
        };
        let graph: HashMap<&str, Vec<&AwaitCall>> = fns
            .iter()
            .map(|f| {
                let own: Vec<&AwaitCall> = calls(f)
                    .into_iter()
                    .filter(|c| fns.iter().any(|g| g.name == c.name))
                    .collect();
                (f.name.as_str(), own)
            })
            .collect();
        let mut reported: BTreeSet<&str> = BTreeSet::new();
        for f in &fns {
            if reported.contains(f.name.as_str()) {
                continue;
            }
            let Some(cycle) = cycle_from(&f.name, &graph) else {
                continue;
            };
            let names: Vec<&str> = cycle.iter().map(|(name, _)| *name).collect();
            reported.extend(names.iter().copied());
            let message = if names.len() == 1 {
                format!("fn `{}` calls itself", f.name)
            } else {
                let chain: Vec<String> = names
                    .iter()
                    .chain(names.first())
                    .map(|n| format!("`{n}`"))
                    .collect();
                format!("fns call each other in a cycle: {}", chain.join(" → "))
            };
            self.diagnostics.push(error(
                "RPL0319",
                cycle[0].1.span,
                message,
                "fns are inlined into the DAG and cannot recurse; use a loop (`while ... max N`), or move the recursion into an action",
            ));
        }
    }
}

/// The statements of a block up to the first that always jumps away
/// (`return`, `raise`, `break`, `continue`): the rest never runs, and the
/// checker leaves it to its warning (RPL0310).
fn reachable(block: &[Stmt]) -> &[Stmt] {
    let jumps = |s: &Stmt| {
        matches!(
            s.kind,
            StmtKind::Return(_) | StmtKind::Raise { .. } | StmtKind::Break | StmtKind::Continue
        )
    };
    match block.iter().position(jumps) {
        Some(index) => &block[..=index],
        None => block,
    }
}

/// A path of calls from `start` back to `start`, shortest first.
fn cycle_from<'p>(
    start: &'p str,
    graph: &HashMap<&'p str, Vec<&'p AwaitCall>>,
) -> Option<Vec<(&'p str, &'p AwaitCall)>> {
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    let mut frontier: Vec<(&str, Vec<(&str, &AwaitCall)>)> = vec![(start, Vec::new())];
    while !frontier.is_empty() {
        let mut next = Vec::new();
        for (name, path) in frontier {
            for call in graph.get(name).into_iter().flatten() {
                let mut step = path.clone();
                step.push((name, *call));
                if call.name == start {
                    return Some(step);
                }
                if seen.insert(call.name.as_str()) {
                    next.push((call.name.as_str(), step));
                }
            }
        }
        frontier = next;
    }
    None
}

/// Every `Name` in `expr` with its span.
fn names_in_with_spans(expr: &Expr, f: &mut impl FnMut(&str, Option<Span>)) {
    if let ExprKind::Name(id) = &expr.kind {
        f(id, expr.span);
    }
    for child in expr.children() {
        names_in_with_spans(child, f);
    }
}

/// Python's `str.title`: a letter after a letter is lower case, any other
/// letter upper case.
fn python_title(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut after_letter = false;
    for c in text.chars() {
        if after_letter {
            out.extend(c.to_lowercase());
        } else {
            out.extend(c.to_uppercase());
        }
        after_letter = c.is_alphabetic();
    }
    out
}
