//! The RRL abstract syntax tree, as `language/rrl/ast.py` defines it.
//!
//! Every node carries the source span it was parsed from (None for nodes
//! the toolchain makes, such as those lowering adds). Two trees are the same
//! program when they print the same: canonical printing is one spelling per
//! tree (`syntax::printer`), which is how this crate compares programs.

use crate::diagnostic::Span;

/// The language version this toolchain reads (`rrl 1`).
pub const VERSION: &str = "1";

// ------------------------------------------------------------------ types

#[derive(Clone, Debug)]
pub struct Type {
    pub kind: TypeKind,
    pub span: Option<Span>,
}

#[derive(Clone, Debug)]
pub enum TypeKind {
    /// `int`, `list[str]`, `dict[str, User]`, `app.models.User`.
    Named {
        name: String,
        args: Vec<Type>,
    },
    None,
    Union(Vec<Type>),
}

impl Type {
    pub fn any() -> Type {
        Type {
            kind: TypeKind::Named {
                name: "Any".into(),
                args: Vec::new(),
            },
            span: None,
        }
    }
}

// ------------------------------------------------------------------ expressions

/// A literal. Ints are kept as their decimal digits (of any size, with a
/// leading `-` only when a tool made a negative one): they are never
/// computed with here.
#[derive(Clone, Debug)]
pub enum Constant {
    None,
    Bool(bool),
    Int(String),
    Float(f64),
    Str(String),
}

#[derive(Clone, Debug)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Option<Span>,
}

#[derive(Clone, Debug)]
pub enum FPart {
    Text(String),
    /// `{value!conversion:spec}`.
    Field {
        value: Expr,
        conversion: Option<char>,
        spec: Option<String>,
        span: Option<Span>,
    },
}

#[derive(Clone, Debug)]
pub struct Keyword {
    pub name: String,
    pub value: Expr,
    pub span: Option<Span>,
}

/// One `for target in iter if cond...` clause of a comprehension.
#[derive(Clone, Debug)]
pub struct Comprehension {
    pub target: Expr,
    pub iter: Expr,
    pub ifs: Vec<Expr>,
    pub span: Option<Span>,
}

#[derive(Clone, Debug)]
pub enum ExprKind {
    Name(String),
    Constant(Constant),
    FString(Vec<FPart>),
    List(Vec<Expr>),
    Tuple(Vec<Expr>),
    /// `*value` in a display, a call, or a target.
    Starred(Box<Expr>),
    /// `{k: v, **other}`: an item without a key unpacks its value.
    Dict(Vec<(Option<Expr>, Expr)>),
    Attribute(Box<Expr>, String),
    /// `value[index]`; the index may be a `Slice`.
    Subscript(Box<Expr>, Box<Expr>),
    /// `lower:upper:step`, only as the index of a subscript.
    Slice(Option<Box<Expr>>, Option<Box<Expr>>, Option<Box<Expr>>),
    BinOp(Box<Expr>, String, Box<Expr>),
    /// `-x`, `+x`, `not x`.
    UnaryOp(String, Box<Expr>),
    /// `a and b and c`, `a or b`.
    BoolOp(String, Vec<Expr>),
    /// `a < b <= c`.
    Compare(Box<Expr>, Vec<(String, Expr)>),
    /// `body if test else orelse`.
    Conditional {
        test: Box<Expr>,
        body: Box<Expr>,
        orelse: Box<Expr>,
    },
    Call {
        func: Box<Expr>,
        args: Vec<Expr>,
        kwargs: Vec<Keyword>,
    },
    Lambda(Vec<String>, Box<Expr>),
    ListComp(Box<Expr>, Vec<Comprehension>),
    DictComp(Box<Expr>, Box<Expr>, Vec<Comprehension>),
}

impl Expr {
    pub fn new(kind: ExprKind, span: Option<Span>) -> Expr {
        Expr { kind, span }
    }

    pub fn name(id: &str) -> Expr {
        Expr::new(ExprKind::Name(id.to_string()), None)
    }

    pub fn none() -> Expr {
        Expr::new(ExprKind::Constant(Constant::None), None)
    }

    /// The direct child expressions, in source order.
    pub fn children(&self) -> Vec<&Expr> {
        let mut out: Vec<&Expr> = Vec::new();
        match &self.kind {
            ExprKind::Name(_) | ExprKind::Constant(_) => {}
            ExprKind::FString(parts) => {
                for part in parts {
                    if let FPart::Field { value, .. } = part {
                        out.push(value);
                    }
                }
            }
            ExprKind::List(elts) | ExprKind::Tuple(elts) => out.extend(elts),
            ExprKind::Starred(value)
            | ExprKind::Attribute(value, _)
            | ExprKind::UnaryOp(_, value) => out.push(value),
            ExprKind::Dict(items) => {
                for (key, value) in items {
                    out.extend(key);
                    out.push(value);
                }
            }
            ExprKind::Subscript(value, index) => {
                out.push(value);
                out.push(index);
            }
            ExprKind::Slice(lower, upper, step) => {
                out.extend(lower.as_deref());
                out.extend(upper.as_deref());
                out.extend(step.as_deref());
            }
            ExprKind::BinOp(left, _, right) => {
                out.push(left);
                out.push(right);
            }
            ExprKind::BoolOp(_, values) => out.extend(values),
            ExprKind::Compare(left, rest) => {
                out.push(left);
                out.extend(rest.iter().map(|(_, e)| e));
            }
            ExprKind::Conditional { test, body, orelse } => {
                out.push(test);
                out.push(body);
                out.push(orelse);
            }
            ExprKind::Call { func, args, kwargs } => {
                out.push(func);
                out.extend(args);
                out.extend(kwargs.iter().map(|k| &k.value));
            }
            ExprKind::Lambda(_, body) => out.push(body),
            ExprKind::ListComp(elt, generators) => {
                out.push(elt);
                push_generators(&mut out, generators);
            }
            ExprKind::DictComp(key, value, generators) => {
                out.push(key);
                out.push(value);
                push_generators(&mut out, generators);
            }
        }
        out
    }
}

fn push_generators<'a>(out: &mut Vec<&'a Expr>, generators: &'a [Comprehension]) {
    for generator in generators {
        out.push(&generator.target);
        out.push(&generator.iter);
        out.extend(&generator.ifs);
    }
}

// ------------------------------------------------------------------ calls with effects

/// A policy's time: a duration as written (`250ms`, `1.5s`, `10m`), or a
/// number of seconds (`None` where allowed).
#[derive(Clone, Debug)]
pub enum Seconds {
    Duration(String, Option<Span>),
    Value(Expr),
}

/// `retry(attempts=5, on=[ValueError])`, as written.
#[derive(Clone, Debug)]
pub struct RetryPolicy {
    /// A whole number, or `None` (no limit).
    pub attempts: Option<Expr>,
    pub on: Option<Vec<String>>,
    pub span: Option<Span>,
}

/// `backoff(base=1s, multiplier=2.0, max=5m)`, as written.
#[derive(Clone, Debug)]
pub struct BackoffPolicy {
    pub base: Option<Seconds>,
    pub multiplier: Option<Expr>,
    pub max: Option<Seconds>,
    pub span: Option<Span>,
}

/// `await name(k=v, ...) retry(...) backoff(...) timeout(...)`.
#[derive(Clone, Debug)]
pub struct AwaitCall {
    pub name: String,
    pub kwargs: Vec<Keyword>,
    pub retry: Option<RetryPolicy>,
    pub backoff: Option<BackoffPolicy>,
    pub timeout: Option<Seconds>,
    pub span: Option<Span>,
}

// ------------------------------------------------------------------ statements

#[derive(Clone, Debug)]
pub struct ExceptHandler {
    /// Dotted type names; none catches every exception.
    pub types: Vec<String>,
    pub name: Option<String>,
    pub body: Vec<Stmt>,
    pub span: Option<Span>,
}

#[derive(Clone, Debug)]
pub struct Stmt {
    pub kind: StmtKind,
    pub span: Option<Span>,
}

#[derive(Clone, Debug)]
pub enum StmtKind {
    Assign {
        target: Expr,
        value: Expr,
        annotation: Option<Type>,
    },
    /// A call of a changing method, for its effect.
    ExprStmt(Expr),
    Delete(Vec<Expr>),
    CallStmt {
        target: Option<Expr>,
        call: AwaitCall,
    },
    Parallel {
        target: Option<Expr>,
        calls: Vec<AwaitCall>,
        return_exceptions: bool,
    },
    ParallelFor {
        target: Option<Expr>,
        loop_target: Expr,
        iter: Expr,
        call: AwaitCall,
        return_exceptions: bool,
        /// Decimal digits.
        limit: Option<String>,
    },
    If {
        test: Expr,
        body: Vec<Stmt>,
        orelse: Vec<Stmt>,
    },
    For {
        target: Expr,
        iter: Expr,
        body: Vec<Stmt>,
        orelse: Vec<Stmt>,
    },
    While {
        test: Expr,
        body: Vec<Stmt>,
        orelse: Vec<Stmt>,
        /// Decimal digits.
        max_iterations: Option<String>,
    },
    Try {
        body: Vec<Stmt>,
        handlers: Vec<ExceptHandler>,
        orelse: Vec<Stmt>,
        finalbody: Vec<Stmt>,
    },
    Return(Option<Expr>),
    Raise {
        exc: Option<Expr>,
        cause: Option<Expr>,
    },
    Sleep(Expr),
    Break,
    Continue,
}

impl Stmt {
    pub fn new(kind: StmtKind, span: Option<Span>) -> Stmt {
        Stmt { kind, span }
    }
}

// ------------------------------------------------------------------ declarations

#[derive(Clone, Debug)]
pub struct Param {
    pub name: String,
    pub ty: Type,
    pub default: Option<Expr>,
    pub span: Option<Span>,
}

#[derive(Clone, Debug)]
pub struct Decl {
    pub kind: DeclKind,
    pub span: Option<Span>,
}

/// A declaration. A new kind of declaration is a new variant here, an arm in
/// `parser::Parser::decl`, and one in `printer::Printer::decl`.
#[derive(Clone, Debug)]
pub enum DeclKind {
    /// `from app.models import User, Order as O`.
    Import {
        module: String,
        names: Vec<(String, Option<String>)>,
    },
    Const {
        name: String,
        value: Expr,
    },
    Action {
        name: String,
        params: Vec<Param>,
        returns: Type,
        module: String,
    },
    Fn(Callable),
    Workflow(Callable),
}

/// A fn or a workflow: a name, parameters, a return type and a body.
#[derive(Clone, Debug)]
pub struct Callable {
    pub name: String,
    pub params: Vec<Param>,
    pub returns: Type,
    pub body: Vec<Stmt>,
}

#[derive(Clone, Debug)]
pub struct Program {
    pub decls: Vec<Decl>,
    pub version: String,
    pub span: Option<Span>,
}

impl Program {
    pub fn imports(&self) -> impl Iterator<Item = (&String, &Vec<(String, Option<String>)>)> {
        self.decls.iter().filter_map(|d| match &d.kind {
            DeclKind::Import { module, names } => Some((module, names)),
            _ => None,
        })
    }

    pub fn consts(&self) -> impl Iterator<Item = (&String, &Expr)> {
        self.decls.iter().filter_map(|d| match &d.kind {
            DeclKind::Const { name, value } => Some((name, value)),
            _ => None,
        })
    }

    pub fn actions(&self) -> impl Iterator<Item = &Decl> {
        self.decls
            .iter()
            .filter(|d| matches!(d.kind, DeclKind::Action { .. }))
    }

    pub fn fns(&self) -> impl Iterator<Item = &Callable> {
        self.decls.iter().filter_map(|d| match &d.kind {
            DeclKind::Fn(f) => Some(f),
            _ => None,
        })
    }

    pub fn workflows(&self) -> impl Iterator<Item = &Callable> {
        self.decls.iter().filter_map(|d| match &d.kind {
            DeclKind::Workflow(w) => Some(w),
            _ => None,
        })
    }

    /// Local type name → qualified `module.Name`, later imports winning.
    pub fn type_names(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        for (module, names) in self.imports() {
            for (name, alias) in names {
                let local = alias.clone().unwrap_or_else(|| name.clone());
                let qualified = format!("{module}.{name}");
                if let Some(entry) = out.iter_mut().find(|(l, _)| *l == local) {
                    entry.1 = qualified;
                } else {
                    out.push((local, qualified));
                }
            }
        }
        out
    }
}
