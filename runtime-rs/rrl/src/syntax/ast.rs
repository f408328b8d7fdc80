//! The RRL abstract syntax tree, as `language/rrl/ast.py` defines it.
//!
//! Every node carries the source span it was parsed from (None for nodes
//! the toolchain makes, such as those lowering adds). Two trees are the same
//! program when they print the same: canonical printing is one spelling per
//! tree (`syntax::printer`), which is how this crate compares programs.

use crate::diagnostic::Span;

/// The language version this toolchain reads (`rrl 1`).
pub const VERSION: &str = "1";

/// The operators of RRL's in-place statements (`xs += ys`, `d |= e`), each with
/// the key of its DAG step. No expression spells them: a `BinOp` with one of
/// them is the value of such a statement.
pub const IN_PLACE_OPERATORS: &[(&str, &str)] = &[("+=", "add_in_place"), ("|=", "or_in_place")];

/// The DAG step key of an in-place operator (`+=` → `add_in_place`), or None.
pub fn in_place_key(op: &str) -> Option<&'static str> {
    IN_PLACE_OPERATORS
        .iter()
        .find(|(symbol, _)| *symbol == op)
        .map(|(_, key)| *key)
}

// ------------------------------------------------------------------ types

#[derive(Clone, Debug)]
pub struct Type {
    pub kind: TypeKind,
    pub span: Option<Span>,
}

#[derive(Clone, Debug)]
pub enum TypeKind {
    /// `int`, `list[str]`, `dict[str, User]`: a builtin type or a declared class.
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
    /// Exception classes, by the program's names; none catches every exception.
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
    /// `model Order from app.models:` and the other class declarations.
    Class(ClassDecl),
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

/// What a class declaration declares: the value codec's tag for its instances.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClassKind {
    Exception,
    Model,
    Dataclass,
    /// A `typing.NamedTuple` or `collections.namedtuple` class: a tuple whose
    /// items have names.
    NamedTuple,
    Enum,
}

impl ClassKind {
    pub const ALL: [ClassKind; 5] = [
        ClassKind::Exception,
        ClassKind::Model,
        ClassKind::Dataclass,
        ClassKind::NamedTuple,
        ClassKind::Enum,
    ];

    /// The keyword that declares it.
    pub fn as_str(self) -> &'static str {
        match self {
            ClassKind::Exception => "exception",
            ClassKind::Model => "model",
            ClassKind::Dataclass => "dataclass",
            ClassKind::NamedTuple => "namedtuple",
            ClassKind::Enum => "enum",
        }
    }

    pub fn from_keyword(word: &str) -> Option<ClassKind> {
        ClassKind::ALL.into_iter().find(|k| k.as_str() == word)
    }

    /// `a model`, `an enum`: how a message names a class of this kind.
    pub fn with_article(self) -> &'static str {
        match self {
            ClassKind::Exception => "an exception",
            ClassKind::Model => "a model",
            ClassKind::Dataclass => "a dataclass",
            ClassKind::NamedTuple => "a NamedTuple",
            ClassKind::Enum => "an enum",
        }
    }
}

/// `RED = "red"`: a member of an enum, with its value (a constant).
#[derive(Clone, Debug)]
pub struct Member {
    pub name: String,
    pub value: Expr,
    pub span: Option<Span>,
}

/// One line of a class declaration's body: a model's or a dataclass's field
/// (name, type and constant default), or an enum's member.
#[derive(Clone, Debug)]
pub enum ClassItem {
    Field(Param),
    Member(Member),
}

impl ClassItem {
    pub fn name(&self) -> &str {
        match self {
            ClassItem::Field(p) => &p.name,
            ClassItem::Member(m) => &m.name,
        }
    }

    pub fn span(&self) -> Option<Span> {
        match self {
            ClassItem::Field(p) => p.span,
            ClassItem::Member(m) => m.span,
        }
    }
}

/// A Python class the program names, declared with what running the program
/// needs of it, so that no runtime imports it (`rrl.ast.ClassDecl`):
///
/// ```text
/// exception CardDeclined(BillingError) from app.billing
/// frozen dataclass Point from app.geo:
///     x: float
///     y: float = 0.0
/// enum Color(str, Enum) from app.models import Palette.Color:
///     RED = "red"
/// ```
///
/// `module:qualname` is the class's identity in the value codec. `bases` are
/// declared classes or builtin names. `body` is None when the declaration has
/// no block (a model whose fields are not declared).
#[derive(Clone, Debug)]
pub struct ClassDecl {
    pub kind: ClassKind,
    pub name: String,
    pub module: String,
    pub qualname: String,
    pub bases: Vec<String>,
    pub body: Option<Vec<ClassItem>>,
    pub frozen: bool,
}

impl ClassDecl {
    /// `module:qualname`: how the value codec names the class.
    pub fn identity(&self) -> String {
        format!("{}:{}", self.module, self.qualname)
    }

    /// A model's or a dataclass's declared fields; None when not declared.
    pub fn fields(&self) -> Option<Vec<&Param>> {
        self.body.as_ref().map(|body| {
            body.iter()
                .filter_map(|item| match item {
                    ClassItem::Field(p) => Some(p),
                    ClassItem::Member(_) => None,
                })
                .collect()
        })
    }

    pub fn members(&self) -> Vec<&Member> {
        self.body
            .iter()
            .flatten()
            .filter_map(|item| match item {
                ClassItem::Member(m) => Some(m),
                ClassItem::Field(_) => None,
            })
            .collect()
    }
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
    /// The class declarations, each with its declaration (for its span).
    pub fn classes(&self) -> impl Iterator<Item = (&Decl, &ClassDecl)> {
        self.decls.iter().filter_map(|d| match &d.kind {
            DeclKind::Class(c) => Some((d, c)),
            _ => None,
        })
    }

    /// The declared classes by the name the program gives them (the last
    /// declaration of a name wins, as in `rrl.ast.Program.class_decls`).
    pub fn class_decls(&self) -> std::collections::HashMap<&str, &ClassDecl> {
        self.classes().map(|(_, c)| (c.name.as_str(), c)).collect()
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
}
