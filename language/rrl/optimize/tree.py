"""Tree utilities shared by the passes: rebuilding, substitution, literal values
(counting reads is `rrl.walk`'s, which the frontend uses without the optimizer).

Every rewrite goes through `dataclasses.replace`, so a node keeps its span;
a node built to stand for another (a folded constant) takes the span of the
node it replaces.
"""

from __future__ import annotations

import math
from dataclasses import fields, replace
from typing import Callable

from .. import ast as A
from ..check import assigned_names, mutated_receiver, target_root
from ..walk import TARGET_FIELDS, children, walk

EXPRESSIONS = (
    A.Name, A.Constant, A.Starred, A.FString, A.ListExpr, A.TupleExpr, A.DictExpr, A.Attribute, A.Subscript,
    A.BinOp, A.UnaryOp, A.BoolOp, A.Compare, A.Conditional, A.Call, A.Lambda, A.ListComp, A.DictComp,
)
# Statement and declaration fields that hold blocks of statements.
_BLOCK_FIELDS = {"body", "orelse", "finalbody"}
_BLOCK_OWNERS = (A.If, A.For, A.While, A.Try, A.ExceptHandler, A.FnDecl, A.WorkflowDecl)

ExprFn = Callable[[A.Expr], A.Expr]
BlockFn = Callable[[tuple], tuple]

# Limits on what folding may build: RRL values must fit the runtime's.
MAX_LENGTH = 10_000
MAX_INT = 2**63


def _rebuild(node: A.Node, change: Callable[[str, object], object]) -> A.Node:
    """`node` with each field replaced by `change(field_name, value)`; the same object when nothing changed."""
    changes = {}
    for f in fields(node):
        if f.name == "span":
            continue
        old = getattr(node, f.name)
        new = change(f.name, old)
        if new is not old:
            changes[f.name] = new
    return replace(node, **changes) if changes else node


def _map_value(value, fn: Callable[[A.Node], A.Node]):
    if isinstance(value, A.Node):
        return fn(value)
    if isinstance(value, tuple):
        items = tuple(_map_value(v, fn) for v in value)
        return value if all(a is b for a, b in zip(items, value)) else items
    return value


def map_exprs(node, fn: ExprFn):
    """Apply `fn` to every outermost expression below `node` (a program,
    declaration or statement). Binding targets are not expressions: only the
    parts of `x[i]` and `x.f` that are read are passed to `fn`."""
    if isinstance(node, tuple):
        return _map_value(node, lambda child: map_exprs(child, fn))
    if isinstance(node, EXPRESSIONS):
        return fn(node)

    def change(name: str, value):
        if name in TARGET_FIELDS.get(type(node), ()):
            return _map_value(value, lambda target: map_target(target, fn))
        return _map_value(value, lambda child: map_exprs(child, fn))

    return _rebuild(node, change)


def map_target(target, fn: ExprFn):
    match target:
        case A.TupleExpr():
            return _rebuild(target, lambda name, value: tuple(map_target(e, fn) for e in value) if name == "elts" else value)
        case A.Subscript(value=value, index=index):
            new_index = _rebuild(index, lambda _, v: fn(v) if v is not None else v) if isinstance(index, A.Slice) else fn(index)
            return replace(target, value=map_target(value, fn), index=new_index)
        case A.Attribute(value=value) | A.Starred(value=value):
            return replace(target, value=map_target(value, fn))
    return target


def map_blocks(node, fn: BlockFn):
    """Apply `fn` to every block of statements below `node`, innermost first."""
    if not isinstance(node, A.Node) or isinstance(node, EXPRESSIONS):
        return node

    def change(name: str, value):
        value = _map_value(value, lambda child: map_blocks(child, fn))
        if name in _BLOCK_FIELDS and isinstance(node, _BLOCK_OWNERS):
            return fn(value)
        return value

    return _rebuild(node, change)


def map_decl_bodies(program: A.Program, fn: Callable[[A.WorkflowDecl | A.FnDecl], A.Decl]) -> A.Program:
    decls = tuple(fn(d) if isinstance(d, (A.WorkflowDecl, A.FnDecl)) else d for d in program.decls)
    return replace(program, decls=decls)


def free_names(node) -> set[str]:
    """The names read below `node` that no lambda, comprehension, parameter or
    assignment of an enclosing fn or workflow binds: the reads of consts and
    other declarations."""
    names: set[str] = set()
    if isinstance(node, (A.FnDecl, A.WorkflowDecl)):
        local = {p.name for p in node.params} | assigned_names(node.body)
        names.update(free_names(node.params))
        map_exprs(node.body, lambda expr: names.update(_free_in(expr, frozenset())) or expr)
        return names - local
    map_exprs(node, lambda expr: names.update(_free_in(expr, frozenset())) or expr)
    return names


def _free_in(expr, bound: frozenset) -> set[str]:
    match expr:
        case A.Name(id=name):
            return set() if name in bound else {name}
        case A.Lambda(params=params, body=body):
            return _free_in(body, bound | set(params))
        case A.ListComp() | A.DictComp():
            found: set[str] = set()
            inner = bound
            for index, gen in enumerate(expr.generators):
                found |= _free_in(gen.iter, bound if index == 0 else inner)
                inner = inner | {n.id for n in walk(gen.target) if isinstance(n, A.Name)}
                for cond in gen.ifs:
                    found |= _free_in(cond, inner)
            results = (expr.elt,) if isinstance(expr, A.ListComp) else (expr.key, expr.value)
            for result in results:
                found |= _free_in(result, inner)
            return found
    found = set()
    for child in children(expr):
        found |= _free_in(child, bound)
    return found


def occurs(node, name: str) -> int:
    return sum(1 for n in walk(node) if isinstance(n, A.Name) and n.id == name) if isinstance(node, A.Node) else 0


def substitute(expr: A.Expr, mapping: dict[str, A.Expr]) -> A.Expr:
    """Replace reads of the names in `mapping`, respecting the scopes of
    lambdas and comprehensions (a variable they bind shadows the mapping).
    The variable a mutating method call rebinds (`xs` in `xs.sort()`) is
    written, not only read: it is never replaced."""
    if not mapping:
        return expr
    match expr:
        case A.Name(id=name) if name in mapping:
            return mapping[name]
        case A.Lambda(params=params, body=body):
            return replace(expr, body=substitute(body, _without(mapping, params)))
        case A.ListComp() | A.DictComp():
            return _substitute_comprehension(expr, mapping)
        case A.Call(func=A.Attribute() as func) if mutated_receiver(expr) is not None and target_root(func.value) is not None:
            receiver = _substitute_below_root(func.value, mapping)
            rest = _rebuild(expr, lambda name, value: value if name == "func" else _map_value(value, lambda child: substitute(child, mapping) if isinstance(child, EXPRESSIONS) else _substitute_parts(child, mapping)))
            return rest if receiver is func.value else replace(rest, func=replace(func, value=receiver))
    return _rebuild(expr, lambda _, value: _map_value(value, lambda child: substitute(child, mapping) if isinstance(child, EXPRESSIONS) else _substitute_parts(child, mapping)))


def _substitute_below_root(target: A.Expr, mapping: dict[str, A.Expr]) -> A.Expr:
    """`x[k].f` with the reads in its indexes replaced, and the root `x` kept."""
    match target:
        case A.Subscript(value=value, index=index):
            new_index = _substitute_parts(index, mapping) if isinstance(index, A.Slice) else substitute(index, mapping)
            new_value = _substitute_below_root(value, mapping)
            return target if new_index is index and new_value is value else replace(target, value=new_value, index=new_index)
        case A.Attribute(value=value):
            new_value = _substitute_below_root(value, mapping)
            return target if new_value is value else replace(target, value=new_value)
    return target


def _substitute_parts(node: A.Node, mapping: dict[str, A.Expr]) -> A.Node:
    """Keywords, f-string fields, slices: nodes that hold expressions."""
    return _rebuild(node, lambda _, value: _map_value(value, lambda child: substitute(child, mapping) if isinstance(child, EXPRESSIONS) else _substitute_parts(child, mapping)))


def _substitute_comprehension(expr: A.ListComp | A.DictComp, mapping: dict[str, A.Expr]) -> A.Expr:
    inner = mapping
    generators = []
    for index, gen in enumerate(expr.generators):
        iter_ = substitute(gen.iter, mapping if index == 0 else inner)
        inner = _without(inner, [n.id for n in walk(gen.target) if isinstance(n, A.Name)])
        ifs = tuple(substitute(cond, inner) for cond in gen.ifs)
        generators.append(replace(gen, iter=iter_, ifs=ifs))
    if isinstance(expr, A.ListComp):
        return replace(expr, elt=substitute(expr.elt, inner), generators=tuple(generators))
    return replace(expr, key=substitute(expr.key, inner), value=substitute(expr.value, inner), generators=tuple(generators))


def _without(mapping: dict, names) -> dict:
    names = set(names)
    return {k: v for k, v in mapping.items() if k not in names}


# ------------------------------------------------------------------ literals


class NotLiteral(Exception):
    pass


def literal_value(expr: A.Expr):
    """The Python value of a literal expression (constants, negative numbers,
    and lists, tuples and dicts of literals); raises NotLiteral otherwise."""
    match expr:
        case A.Constant(value=value):
            return value
        case A.UnaryOp(op="-", operand=A.Constant(value=value)) if type(value) in (int, float):
            return -value
        case A.ListExpr(elts=elts):
            return [literal_value(e) for e in elts]
        case A.TupleExpr(elts=elts):
            return tuple(literal_value(e) for e in elts)
        case A.DictExpr(items=items):
            keys = [literal_value(k) for k, _ in items]
            try:
                distinct = len(set(keys)) == len(keys)
            except TypeError:  # an unhashable key: the evaluator raises it
                raise NotLiteral from None
            if not distinct:
                raise NotLiteral  # `{1: a, 1: b}` or `{1: a, True: b}` merge keys: leave it to the evaluator
            return {k: literal_value(v) for k, (_, v) in zip(keys, items)}
    raise NotLiteral


def is_literal(expr: A.Expr) -> bool:
    try:
        literal_value(expr)
    except NotLiteral:
        return False
    return True


def is_scalar_literal(expr: A.Expr) -> bool:
    return is_literal(expr) and not isinstance(expr, (A.ListExpr, A.TupleExpr, A.DictExpr))


def fits(value) -> bool:
    """Whether a folded value may become a literal: no bigger than the runtime's
    limits, finite, and made of RRL values only."""
    if value is None or isinstance(value, bool):
        return True
    if isinstance(value, int):
        return abs(value) < MAX_INT
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, str):
        return len(value) <= MAX_LENGTH
    if isinstance(value, (list, tuple)):
        return len(value) <= MAX_LENGTH and all(fits(v) for v in value)
    if isinstance(value, dict):
        return len(value) <= MAX_LENGTH and all(fits(k) and fits(v) for k, v in value.items())
    return False


def to_expr(value, span: A.Span | None) -> A.Expr:
    """The canonical literal for a value; a negative number is `-(positive)`."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and (value < 0 or math.copysign(1.0, value) < 0):
        return A.UnaryOp("-", A.Constant(-value, span=span), span=span)
    if isinstance(value, list):
        return A.ListExpr(tuple(to_expr(v, span) for v in value), span=span)
    if isinstance(value, tuple):
        return A.TupleExpr(tuple(to_expr(v, span) for v in value), span=span)
    if isinstance(value, dict):
        return A.DictExpr(tuple((to_expr(k, span), to_expr(v, span)) for k, v in value.items()), span=span)
    return A.Constant(value, span=span)


def cannot_raise(expr: A.Expr) -> bool:
    """Conservatively: evaluating `expr` never raises (a bound name, a literal,
    a container of such, `not`, `and`/`or`, `==`/`!=`/`is`, a lambda)."""
    match expr:
        case A.Name() | A.Constant() | A.Lambda():
            return True
        case A.ListExpr(elts=elts) | A.TupleExpr(elts=elts):
            return all(cannot_raise(e) for e in elts)
        case A.DictExpr(items=items):
            return all(isinstance(k, A.Constant) and cannot_raise(v) for k, v in items)
        case A.UnaryOp(op="not", operand=operand):
            return cannot_raise(operand)
        case A.UnaryOp(op="-", operand=A.Constant(value=value)) if type(value) in (int, float):
            return True
        case A.BoolOp(values=values):
            return all(cannot_raise(v) for v in values)
        case A.Conditional(test=test, body=body, orelse=orelse):
            return cannot_raise(test) and cannot_raise(body) and cannot_raise(orelse)
        case A.Compare(left=left, ops=ops, comparators=comparators):
            return all(op in ("==", "!=", "is", "is not") for op in ops) and cannot_raise(left) and all(cannot_raise(c) for c in comparators)
    return False


def evaluation_children(expr: A.Expr) -> tuple[list, list]:
    """The children of an expression evaluated exactly once, in order, before
    its own operation; and those evaluated zero or more times (short-circuit
    operands, branches, lambda and comprehension bodies)."""
    match expr:
        case A.BoolOp(values=values):
            return [values[0]], list(values[1:])
        case A.Compare(left=left, comparators=comparators):
            return [left, comparators[0]], list(comparators[1:])
        case A.Conditional(test=test, body=body, orelse=orelse):
            return [test], [body, orelse]
        case A.Lambda(body=body):
            return [], [body]
        case A.ListComp(generators=generators) | A.DictComp(generators=generators):
            rest = [n for n in children(expr) if n is not generators[0]]
            return [generators[0].iter], rest + [generators[0].target, *generators[0].ifs]
        case A.FString(parts=parts):
            return [p.value for p in parts if isinstance(p, A.FormattedValue)], []
        case A.Call(func=A.Name(), args=args, kwargs=kwargs):
            return [*args, *(k.value for k in kwargs)], []
        case A.Call(func=func, args=args, kwargs=kwargs):
            return [func, *args, *(k.value for k in kwargs)], []
        case A.Subscript(value=value, index=A.Slice() as index):
            return [value, *(p for p in (index.lower, index.upper, index.step) if p is not None)], []
        case A.DictExpr(items=items):
            return [e for pair in items for e in pair if e is not None], []
    return list(children(expr)), []
