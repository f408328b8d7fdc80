"""`fold_constants`: evaluate pure sub-expressions whose operands are literals,
and inline `const` declarations whose value is a scalar literal.

A fold happens only when Python evaluates the expression without raising and
the result is an RRL value within the runtime's limits (`tree.fits`): no
division by zero or bad index is folded away, no infinite float or huge value
is built. `bool` is not treated as a number: `True + 1` and `True == 1` are
left to the evaluator. A negative result is written `-(positive literal)`,
the one spelling the parser produces.

Unpacking a display is spliced into the display around it: `[*[1, x], 2]`
becomes `[1, x, 2]`, `(*"ab",)` becomes `("a", "b")`, `{**{"a": 1}, "b": 2}`
becomes `{"a": 1, "b": 2}` (the same values, evaluated in the same order);
`*xs` over a variable is kept. Nothing that contains a call of a mutating
method (`xs.pop()`) is folded into something else; only a branch or operand
that never runs (`False and xs.pop()`) may disappear, as it would at run time.
"""

from __future__ import annotations

import builtins
import operator
from dataclasses import replace

from .. import ast as A
from ..check import assigned_names, has_effect
from ..evaluate import BINARY_OPERATORS, COMPARE_OPERATORS  # the reference semantics of the operators
from ..walk import rewrite
from .tree import (
    MAX_INT,
    MAX_LENGTH,
    NotLiteral,
    fits,
    free_names,
    is_scalar_literal,
    literal_value,
    map_exprs,
    substitute,
    to_expr,
)

# A string const longer than this is kept as a const rather than copied to every use.
MAX_INLINED_STRING = 256

_NO = object()  # "could not fold"

# Builtins folded when every argument is a literal: name → the argument types accepted.
_FOLDABLE_CALLS = {
    "len": (str, list, tuple, dict),
    "abs": (int, float),
    "int": (int, float, str),
    "float": (int, float),
    "round": (int, float),
    "str": (int, float, str, type(None)),
    "bool": (int, float, str, list, tuple, dict, type(None)),
}


def fold_constants(program: A.Program) -> A.Program:
    program = _inline_consts(program)
    return map_exprs(program, fold_expr)


def fold_expr(expr: A.Expr) -> A.Expr:
    """Fold an expression bottom-up."""
    return rewrite(expr, _fold_node)


# ------------------------------------------------------------------ consts


def _inline_consts(program: A.Program) -> A.Program:
    known: dict[str, A.Expr] = {}
    decls = []
    for decl in program.decls:
        if isinstance(decl, A.ConstDecl):
            value = fold_expr(substitute(decl.value, known))
            decl = replace(decl, value=value)
            if is_scalar_literal(value) and not (isinstance(value, A.Constant) and isinstance(value.value, str) and len(value.value) > MAX_INLINED_STRING):
                known[decl.name] = value
        elif isinstance(decl, A.ActionDecl):
            decl = replace(decl, params=_substitute_params(decl.params, known))
        elif isinstance(decl, (A.FnDecl, A.WorkflowDecl)):
            params = _substitute_params(decl.params, known)
            shadowed = {p.name for p in decl.params} | assigned_names(decl.body)
            local = {k: v for k, v in known.items() if k not in shadowed}
            body = map_exprs(decl.body, lambda e: substitute(e, local)) if local else decl.body
            decl = replace(decl, params=params, body=body)
        decls.append(decl)
    if not known:
        return replace(program, decls=tuple(decls))
    used = set().union(*(free_names(d) for d in decls if not (isinstance(d, A.ConstDecl) and d.name in known)))
    kept = tuple(d for d in decls if not (isinstance(d, A.ConstDecl) and d.name in known and d.name not in used))
    return replace(program, decls=kept)


def _substitute_params(params: tuple[A.Param, ...], known: dict[str, A.Expr]) -> tuple[A.Param, ...]:
    return tuple(replace(p, default=substitute(p.default, known)) if p.default is not None else p for p in params)


# ------------------------------------------------------------------ expressions


def _fold_node(node: A.Expr) -> A.Expr:
    result = _fold(node)
    if result is _NO:
        return node
    if isinstance(result, A.Node):
        return result
    return to_expr(result, node.span) if fits(result) else node


def _value(expr: A.Expr):
    try:
        return literal_value(expr)
    except NotLiteral:
        return _NO


def _fold(node: A.Expr):
    """A folded value or node for `node`, or _NO."""
    match node:
        case A.BinOp(left=left, op=op, right=right):
            return _binary(op, _value(left), _value(right))
        case A.UnaryOp(op=op, operand=operand):
            return _unary(op, operand)
        case A.BoolOp(op=op, values=values):
            return _bool_op(node, op, values)
        case A.Compare(left=left, ops=ops, comparators=comparators):
            return _compare(_value(left), ops, [_value(c) for c in comparators])
        case A.Conditional(test=test, body=body, orelse=orelse):
            value = _value(test)
            return _NO if value is _NO else (body if value else orelse)
        case A.FString(parts=parts):
            return _fstring(node, parts)
        case A.Call(func=A.Name(id=name), args=args, kwargs=()) if name in _FOLDABLE_CALLS:
            return _call(name, [_value(a) for a in args])
        case A.Subscript(value=container, index=index):
            return _subscript(_value(container), index)
        case A.ListExpr(elts=elts) | A.TupleExpr(elts=elts) if any(isinstance(e, A.Starred) for e in elts):
            spliced = _splice_elements(elts)
            return _NO if spliced is _NO else replace(node, elts=spliced)
        case A.DictExpr(items=items) if any(k is None for k, _ in items):
            spliced = _splice_items(items)
            return _NO if spliced is _NO else replace(node, items=spliced)
    return _NO


# ------------------------------------------------------------------ unpacking


def _splice_elements(elts: tuple[A.Expr, ...]):
    """`*[a, b]`, `*(a, b)` and `*<literal>` replaced by their items; _NO when nothing changes."""
    out: list[A.Expr] = []
    changed = False
    for elt in elts:
        items = _unpacked(elt.value) if isinstance(elt, A.Starred) else _NO
        if items is _NO:
            out.append(elt)
        else:
            out.extend(items)
            changed = True
    return tuple(out) if changed and len(out) <= MAX_LENGTH else _NO


def _unpacked(expr: A.Expr):
    """The element expressions `*expr` gives, when they are known before run time."""
    if has_effect(expr):
        return _NO
    if isinstance(expr, (A.ListExpr, A.TupleExpr)):
        return expr.elts
    value = _value(expr)
    if isinstance(value, (str, dict)) and len(value) <= MAX_LENGTH and fits(value):
        return tuple(to_expr(item, expr.span) for item in value)  # characters, or keys
    return _NO


def _splice_items(items: tuple):
    """`**{k: v, ...}` replaced by its items; _NO when nothing changes."""
    out: list = []
    changed = False
    for key, value in items:
        if key is None and isinstance(value, A.DictExpr) and not has_effect(value):
            out.extend(value.items)
            changed = True
        else:
            out.append((key, value))
    return tuple(out) if changed else _NO


def _call(name: str, args: list):
    accepted = _FOLDABLE_CALLS[name]
    if not args or _NO in args or any(isinstance(a, bool) or not isinstance(a, accepted) for a in args):
        return _NO
    if name == "round" and (len(args) > 2 or (len(args) == 2 and type(args[1]) is not int)):
        return _NO
    if name != "round" and len(args) > 1:
        return _NO
    if name == "int" and isinstance(args[0], str) and len(args[0]) > 100:
        return _NO
    return _attempt(getattr(builtins, name), *args)


def _is_number(value) -> bool:
    return type(value) in (int, float)


def _binary(op: str, left, right):
    if left is _NO or right is _NO or isinstance(left, bool) or isinstance(right, bool):
        return _NO
    if op == "%" and isinstance(left, str):
        return _NO  # printf-style formatting: left to the evaluator
    if not _small_enough(op, left, right):
        return _NO
    return _attempt(BINARY_OPERATORS[op], left, right)


def _small_enough(op: str, left, right) -> bool:
    """Refuse before computing anything that would be huge (or slow to compute)."""
    if op == "*":
        for seq, count in ((left, right), (right, left)):
            if isinstance(seq, (str, list, tuple)) and type(count) is int:
                return len(seq) * max(count, 0) <= MAX_LENGTH
    if op == "**" and type(left) is int and type(right) is int and right > 0:
        return abs(left) <= 1 or abs(left).bit_length() * right <= 64
    if op == "**" and _is_number(left) and _is_number(right):
        return abs(right) <= 10_000
    if op in ("*", "+") and type(left) is int and type(right) is int:
        return abs(left) < MAX_INT and abs(right) < MAX_INT
    return True


def _attempt(fn, *args):
    try:
        return fn(*args)
    except (ArithmeticError, TypeError, ValueError, IndexError, KeyError):
        return _NO


def _unary(op: str, operand: A.Expr):
    if op == "not":
        value = _value(operand)
        return _NO if value is _NO else (not value)
    if isinstance(operand, A.Constant) and op == "-" and _is_number(operand.value) and not (operand.value < 0):
        return _NO  # already the canonical `-literal`
    value = _value(operand)
    if not _is_number(value):
        return _NO
    return -value if op == "-" else value


def _bool_op(node: A.BoolOp, op: str, values: tuple[A.Expr, ...]):
    """Drop literals that do not decide the result, stop at the first that does."""
    kept: list[A.Expr] = []
    for index, expr in enumerate(values):
        value = _value(expr)
        if value is not _NO:
            decides = bool(value) if op == "or" else not value
            if decides:
                kept.append(expr)
                break
            if index < len(values) - 1:
                continue
        kept.append(expr)
    if len(kept) == len(values):
        return _NO
    return kept[0] if len(kept) == 1 else replace(node, values=tuple(kept))


def _mixes_bool_and_number(*values) -> bool:
    flat: list = []
    stack = list(values)
    while stack:
        value = stack.pop()
        if isinstance(value, (list, tuple)):
            stack.extend(value)
        elif isinstance(value, dict):
            stack.extend(value)
            stack.extend(value.values())
        else:
            flat.append(value)
    return any(isinstance(v, bool) for v in flat) and any(_is_number(v) for v in flat)


def _compare(left, ops: tuple[str, ...], comparators: list):
    if left is _NO or _NO in comparators or _mixes_bool_and_number(left, *comparators):
        return _NO
    current = left
    for op, right in zip(ops, comparators):
        if op in ("is", "is not"):
            # Identity is defined for the singletons only.
            if not (current is None or right is None or isinstance(current, bool) or isinstance(right, bool)):
                return _NO
            result = current is right if op == "is" else current is not right
        else:
            result = _attempt(COMPARE_OPERATORS[op], current, right)
            if result is _NO or not isinstance(result, bool):
                return _NO
        if not result:
            return False
        current = right
    return True


def _fstring(node: A.FString, parts):
    """Format the fields whose value is a scalar literal; join adjacent text."""
    out: list = []
    for part in parts:
        if isinstance(part, A.FormattedValue):
            value = _value(part.value)
            text = _format(value, part.conversion, part.spec) if value is not _NO else _NO
            part = part if text is _NO else text
        if isinstance(part, str) and out and isinstance(out[-1], str):
            out[-1] += part
        elif part != "":
            out.append(part)
    if all(isinstance(p, str) for p in out):
        return "".join(out)
    if tuple(out) == parts:
        return _NO
    return replace(node, parts=tuple(out))


def _format(value, conversion: str | None, spec: str | None):
    if not (value is None or isinstance(value, (bool, int, float, str))):
        return _NO
    if conversion == "r":
        value = repr(value)
    elif conversion == "s":
        value = str(value)
    text = _attempt(format, value, spec or "")
    return text if isinstance(text, str) and len(text) <= MAX_LENGTH else _NO


def _subscript(container, index):
    if container is _NO or not isinstance(container, (str, list, tuple, dict)):
        return _NO
    if isinstance(index, A.Slice):
        if isinstance(container, dict):
            return _NO
        bounds = [None if part is None else _value(part) for part in (index.lower, index.upper, index.step)]
        if any(b is _NO or not (b is None or type(b) is int) for b in bounds) or bounds[2] == 0:
            return _NO
        return container[slice(*bounds)]
    key = _value(index)
    if key is _NO:
        return _NO
    if isinstance(container, dict):
        if _mixes_bool_and_number(key, list(container)):
            return _NO
    elif type(key) is not int:
        return _NO
    return _attempt(operator.getitem, container, key)
