//! The tree as JSON, node by node with its span, in the shape of the Python
//! AST's dataclasses (`rrl ast`): what the differential tests compare, spans
//! included, against `language/rrl/ast.py`'s tree of the same text.

use serde_json::{Map, Value, json};

use super::ast::*;
use super::number::float_repr;
use crate::diagnostic::Span;

fn span(span: Option<Span>) -> Value {
    match span {
        Some(s) => json!([s.line, s.column, s.end_line, s.end_column]),
        None => Value::Null,
    }
}

fn node(kind: &str, at: Option<Span>, fields: Vec<(&str, Value)>) -> Value {
    let mut out = Map::new();
    out.insert("k".into(), Value::from(kind));
    out.insert("s".into(), span(at));
    for (name, value) in fields {
        out.insert(name.into(), value);
    }
    Value::Object(out)
}

fn int(digits: &str) -> Value {
    json!({ "int": digits })
}

fn opt<T>(value: &Option<T>, f: impl Fn(&T) -> Value) -> Value {
    value.as_ref().map_or(Value::Null, f)
}

fn list<T>(items: &[T], f: impl Fn(&T) -> Value) -> Value {
    Value::Array(items.iter().map(f).collect())
}

pub fn program(p: &Program) -> Value {
    node(
        "Program",
        p.span,
        vec![
            ("decls", list(&p.decls, decl)),
            ("version", int(&p.version)),
        ],
    )
}

fn param(p: &Param) -> Value {
    node(
        "Param",
        p.span,
        vec![
            ("name", Value::from(p.name.as_str())),
            ("type", ty(&p.ty)),
            ("default", opt(&p.default, expr)),
        ],
    )
}

fn params(ps: &[Param]) -> Value {
    list(ps, param)
}

fn class_item(item: &ClassItem) -> Value {
    match item {
        ClassItem::Field(p) => param(p),
        ClassItem::Member(m) => node(
            "Member",
            m.span,
            vec![
                ("name", Value::from(m.name.as_str())),
                ("value", expr(&m.value)),
            ],
        ),
    }
}

fn decl(d: &Decl) -> Value {
    match &d.kind {
        DeclKind::Class(c) => node(
            "ClassDecl",
            d.span,
            vec![
                ("kind", Value::from(c.kind.as_str())),
                ("name", Value::from(c.name.as_str())),
                ("module", Value::from(c.module.as_str())),
                ("qualname", Value::from(c.qualname.as_str())),
                ("bases", list(&c.bases, |b| Value::from(b.as_str()))),
                ("body", opt(&c.body, |body| list(body, class_item))),
                ("frozen", Value::from(c.frozen)),
            ],
        ),
        DeclKind::Const { name, value } => node(
            "ConstDecl",
            d.span,
            vec![("name", Value::from(name.as_str())), ("value", expr(value))],
        ),
        DeclKind::Action {
            name,
            params: ps,
            returns,
            module,
        } => node(
            "ActionDecl",
            d.span,
            vec![
                ("name", Value::from(name.as_str())),
                ("params", params(ps)),
                ("returns", ty(returns)),
                ("module", Value::from(module.as_str())),
            ],
        ),
        DeclKind::Fn(c) | DeclKind::Workflow(c) => node(
            if matches!(d.kind, DeclKind::Fn(_)) {
                "FnDecl"
            } else {
                "WorkflowDecl"
            },
            d.span,
            vec![
                ("name", Value::from(c.name.as_str())),
                ("params", params(&c.params)),
                ("returns", ty(&c.returns)),
                ("body", list(&c.body, stmt)),
            ],
        ),
    }
}

fn ty(t: &Type) -> Value {
    match &t.kind {
        TypeKind::Named { name, args } => node(
            "NamedType",
            t.span,
            vec![
                ("name", Value::from(name.as_str())),
                ("args", list(args, ty)),
            ],
        ),
        TypeKind::None => node("NoneType", t.span, vec![]),
        TypeKind::Union(options) => node("UnionType", t.span, vec![("options", list(options, ty))]),
    }
}

fn constant(c: &Constant) -> Value {
    match c {
        Constant::None => Value::Null,
        Constant::Bool(b) => Value::from(*b),
        Constant::Int(digits) => int(digits),
        Constant::Float(f) => json!({ "float": float_repr(*f) }),
        Constant::Str(s) => Value::from(s.as_str()),
    }
}

fn keyword(k: &Keyword) -> Value {
    node(
        "Keyword",
        k.span,
        vec![
            ("name", Value::from(k.name.as_str())),
            ("value", expr(&k.value)),
        ],
    )
}

fn generators(gs: &[Comprehension]) -> Value {
    list(gs, |g| {
        node(
            "Comprehension",
            g.span,
            vec![
                ("target", expr(&g.target)),
                ("iter", expr(&g.iter)),
                ("ifs", list(&g.ifs, expr)),
            ],
        )
    })
}

fn boxed(e: &Option<Box<Expr>>) -> Value {
    opt(e, |e| expr(e))
}

pub fn expr(e: &Expr) -> Value {
    let s = e.span;
    match &e.kind {
        ExprKind::Name(id) => node("Name", s, vec![("id", Value::from(id.as_str()))]),
        ExprKind::Constant(c) => node("Constant", s, vec![("value", constant(c))]),
        ExprKind::FString(parts) => node(
            "FString",
            s,
            vec![(
                "parts",
                list(parts, |p| match p {
                    FPart::Text(t) => Value::from(t.as_str()),
                    FPart::Field {
                        value,
                        conversion,
                        spec,
                        span: at,
                    } => node(
                        "FormattedValue",
                        *at,
                        vec![
                            ("value", expr(value)),
                            (
                                "conversion",
                                opt(conversion, |c| Value::from(c.to_string())),
                            ),
                            ("spec", opt(spec, |t| Value::from(t.as_str()))),
                        ],
                    ),
                }),
            )],
        ),
        ExprKind::List(elts) => node("ListExpr", s, vec![("elts", list(elts, expr))]),
        ExprKind::Tuple(elts) => node("TupleExpr", s, vec![("elts", list(elts, expr))]),
        ExprKind::Starred(v) => node("Starred", s, vec![("value", expr(v))]),
        ExprKind::Dict(items) => node(
            "DictExpr",
            s,
            vec![(
                "items",
                list(items, |(k, v)| json!([opt(k, expr), expr(v)])),
            )],
        ),
        ExprKind::Attribute(v, attr) => node(
            "Attribute",
            s,
            vec![("value", expr(v)), ("attr", Value::from(attr.as_str()))],
        ),
        ExprKind::Subscript(v, index) => node(
            "Subscript",
            s,
            vec![("value", expr(v)), ("index", expr(index))],
        ),
        ExprKind::Slice(lower, upper, step) => node(
            "Slice",
            s,
            vec![
                ("lower", boxed(lower)),
                ("upper", boxed(upper)),
                ("step", boxed(step)),
            ],
        ),
        ExprKind::BinOp(l, op, r) => node(
            "BinOp",
            s,
            vec![
                ("left", expr(l)),
                ("op", Value::from(op.as_str())),
                ("right", expr(r)),
            ],
        ),
        ExprKind::UnaryOp(op, operand) => node(
            "UnaryOp",
            s,
            vec![("op", Value::from(op.as_str())), ("operand", expr(operand))],
        ),
        ExprKind::BoolOp(op, values) => node(
            "BoolOp",
            s,
            vec![
                ("op", Value::from(op.as_str())),
                ("values", list(values, expr)),
            ],
        ),
        ExprKind::Compare(left, rest) => node(
            "Compare",
            s,
            vec![
                ("left", expr(left)),
                ("ops", list(rest, |(op, _)| Value::from(op.as_str()))),
                ("comparators", list(rest, |(_, e)| expr(e))),
            ],
        ),
        ExprKind::Conditional { test, body, orelse } => node(
            "Conditional",
            s,
            vec![
                ("test", expr(test)),
                ("body", expr(body)),
                ("orelse", expr(orelse)),
            ],
        ),
        ExprKind::Call { func, args, kwargs } => node(
            "Call",
            s,
            vec![
                ("func", expr(func)),
                ("args", list(args, expr)),
                ("kwargs", list(kwargs, keyword)),
            ],
        ),
        ExprKind::Lambda(ps, body) => node(
            "Lambda",
            s,
            vec![
                ("params", list(ps, |p| Value::from(p.as_str()))),
                ("body", expr(body)),
            ],
        ),
        ExprKind::ListComp(elt, gs) => node(
            "ListComp",
            s,
            vec![("elt", expr(elt)), ("generators", generators(gs))],
        ),
        ExprKind::DictComp(k, v, gs) => node(
            "DictComp",
            s,
            vec![
                ("key", expr(k)),
                ("value", expr(v)),
                ("generators", generators(gs)),
            ],
        ),
    }
}

fn seconds(value: &Seconds) -> Value {
    match value {
        Seconds::Duration(text, at) => {
            node("Duration", *at, vec![("text", Value::from(text.as_str()))])
        }
        Seconds::Value(e) => expr(e),
    }
}

fn call(c: &AwaitCall) -> Value {
    node(
        "AwaitCall",
        c.span,
        vec![
            ("name", Value::from(c.name.as_str())),
            ("kwargs", list(&c.kwargs, keyword)),
            (
                "retry",
                opt(&c.retry, |r| {
                    node(
                        "RetryPolicy",
                        r.span,
                        vec![
                            ("attempts", opt(&r.attempts, expr)),
                            ("on", opt(&r.on, |on| list(on, |t| Value::from(t.as_str())))),
                        ],
                    )
                }),
            ),
            (
                "backoff",
                opt(&c.backoff, |b| {
                    node(
                        "BackoffPolicy",
                        b.span,
                        vec![
                            ("base", opt(&b.base, seconds)),
                            ("multiplier", opt(&b.multiplier, expr)),
                            ("max", opt(&b.max, seconds)),
                        ],
                    )
                }),
            ),
            ("timeout", opt(&c.timeout, seconds)),
        ],
    )
}

fn block(body: &[Stmt]) -> Value {
    list(body, stmt)
}

pub fn stmt(st: &Stmt) -> Value {
    let s = st.span;
    match &st.kind {
        StmtKind::Assign {
            target,
            value,
            annotation,
        } => node(
            "Assign",
            s,
            vec![
                ("target", expr(target)),
                ("value", expr(value)),
                ("annotation", opt(annotation, ty)),
            ],
        ),
        StmtKind::ExprStmt(e) => node("ExprStmt", s, vec![("value", expr(e))]),
        StmtKind::Delete(targets) => node("Delete", s, vec![("targets", list(targets, expr))]),
        StmtKind::CallStmt { target, call: c } => node(
            "CallStmt",
            s,
            vec![("target", opt(target, expr)), ("call", call(c))],
        ),
        StmtKind::Parallel {
            target,
            calls,
            return_exceptions,
        } => node(
            "Parallel",
            s,
            vec![
                ("target", opt(target, expr)),
                ("calls", list(calls, call)),
                ("return_exceptions", Value::from(*return_exceptions)),
            ],
        ),
        StmtKind::ParallelFor {
            target,
            loop_target,
            iter,
            call: c,
            return_exceptions,
            limit,
        } => node(
            "ParallelFor",
            s,
            vec![
                ("target", opt(target, expr)),
                ("loop_target", expr(loop_target)),
                ("iter", expr(iter)),
                ("call", call(c)),
                ("return_exceptions", Value::from(*return_exceptions)),
                ("limit", opt(limit, |l| int(l))),
            ],
        ),
        StmtKind::If { test, body, orelse } => node(
            "If",
            s,
            vec![
                ("test", expr(test)),
                ("body", block(body)),
                ("orelse", block(orelse)),
            ],
        ),
        StmtKind::For {
            target,
            iter,
            body,
            orelse,
        } => node(
            "For",
            s,
            vec![
                ("target", expr(target)),
                ("iter", expr(iter)),
                ("body", block(body)),
                ("orelse", block(orelse)),
            ],
        ),
        StmtKind::While {
            test,
            body,
            orelse,
            max_iterations,
        } => node(
            "While",
            s,
            vec![
                ("test", expr(test)),
                ("body", block(body)),
                ("orelse", block(orelse)),
                ("max_iterations", opt(max_iterations, |m| int(m))),
            ],
        ),
        StmtKind::Try {
            body,
            handlers,
            orelse,
            finalbody,
        } => node(
            "Try",
            s,
            vec![
                ("body", block(body)),
                (
                    "handlers",
                    list(handlers, |h| {
                        node(
                            "ExceptHandler",
                            h.span,
                            vec![
                                ("types", list(&h.types, |t| Value::from(t.as_str()))),
                                ("name", opt(&h.name, |n| Value::from(n.as_str()))),
                                ("body", block(&h.body)),
                            ],
                        )
                    }),
                ),
                ("orelse", block(orelse)),
                ("finalbody", block(finalbody)),
            ],
        ),
        StmtKind::Return(value) => node("Return", s, vec![("value", opt(value, expr))]),
        StmtKind::Raise { exc, cause } => node(
            "Raise",
            s,
            vec![("exc", opt(exc, expr)), ("cause", opt(cause, expr))],
        ),
        StmtKind::Sleep(e) => node("Sleep", s, vec![("seconds", expr(e))]),
        StmtKind::Break => node("Break", s, vec![]),
        StmtKind::Continue => node("Continue", s, vec![]),
    }
}
