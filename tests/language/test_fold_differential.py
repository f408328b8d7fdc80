"""`fold_constants` against the reference evaluator: thousands of random
expressions over literals evaluate to the same value (or raise the same
exception) before and after folding, and folding never builds what the
runtime could not hold. The second generator adds unpacking (`*x` in
displays and calls, `**x` in dicts) and calls of mutating methods: the
variables after the evaluation must match too."""

from __future__ import annotations

import math
import random

import pytest

from rrl import ast as A
from rrl import parse_expr, print_expr
from rrl.evaluate import Evaluator
from rrl.optimize.fold_constants import fold_expr
from rrl.walk import walk

ENV = {"x": 2, "s": "text", "xs": [1, 2, 3]}


def _leaf(rng: random.Random) -> A.Expr:
    choice = rng.randrange(10)
    if choice == 0:
        return A.Name(rng.choice(sorted(ENV)))
    if choice in (1, 2):
        value = rng.choice([0, 1, 2, 3, 7, 100])
        return A.UnaryOp("-", A.Constant(value)) if rng.random() < 0.2 else A.Constant(value)
    if choice == 3:
        return A.Constant(rng.choice([0.0, 0.5, 1.5, 2.25, 1e308]))
    if choice == 4:
        return A.Constant(rng.choice(["", "a", "ab", "%s"]))
    if choice == 5:
        return A.Constant(rng.choice([True, False, None]))
    if choice == 6:
        elts = tuple(_leaf(rng) for _ in range(rng.randrange(3)))
        return A.ListExpr(elts) if rng.random() < 0.6 else A.TupleExpr(elts)
    if choice == 7:
        return A.DictExpr(tuple((A.Constant(k), _leaf(rng)) for k in rng.sample(["a", "b", 1], rng.randrange(3))))
    return A.Constant(rng.choice([1, 2, "b"]))


def _expr(rng: random.Random, depth: int, in_fstring: bool = False) -> A.Expr:
    if depth == 0 or rng.random() < 0.25:
        return _leaf(rng)
    sub = lambda: _expr(rng, depth - 1, in_fstring)  # noqa: E731
    kind = rng.randrange(10)
    if kind == 8 and in_fstring:
        kind = 9  # RRL has no f-string inside an f-string field
    if kind == 0:
        op = rng.choice(["+", "-", "*", "/", "//", "%"])
        return A.BinOp(sub(), op, sub())
    if kind == 1:
        return A.BinOp(sub(), "**", A.Constant(rng.choice([0, 1, 2, 3, 0.5])))
    if kind == 2:
        return A.UnaryOp(rng.choice(["-", "+", "not"]), sub())
    if kind == 3:
        count = rng.choice([1, 1, 2])
        ops = tuple(rng.choice(["==", "!=", "<", "<=", ">", ">=", "in", "not in", "is", "is not"]) for _ in range(count))
        return A.Compare(sub(), ops, tuple(sub() for _ in range(count)))
    if kind == 4:
        return A.BoolOp(rng.choice(["and", "or"]), tuple(sub() for _ in range(rng.choice([2, 3]))))
    if kind == 5:
        return A.Conditional(sub(), sub(), sub())
    if kind == 6:
        if rng.random() < 0.3:
            return A.Subscript(sub(), A.Slice(rng.choice([None, A.Constant(1)]), rng.choice([None, A.UnaryOp("-", A.Constant(1))]), rng.choice([None, A.Constant(2), A.UnaryOp("-", A.Constant(1))])))
        return A.Subscript(sub(), sub())
    if kind == 7:
        name = rng.choice(["len", "len", "abs", "int", "float", "round", "str", "bool"])
        args = (sub(), rng.choice([A.Constant(0), A.Constant(1), A.UnaryOp("-", A.Constant(1))])) if name == "round" and rng.random() < 0.5 else (sub(),)
        return A.Call(A.Name(name), args)
    if kind == 8:
        parts = []
        for _ in range(rng.choice([1, 2])):
            parts.append(rng.choice(["", "a", "{b}"]))
            parts.append(A.FormattedValue(_expr(rng, depth - 1, True), rng.choice([None, None, "r", "s"]), rng.choice([None, None, ">4", ".1f", "d"])))
        return A.FString(tuple(p for p in parts if p != ""))
    return A.ListExpr((sub(), sub()))


def _outcome(expr: A.Expr, env: dict = ENV):
    scope = dict(env)
    try:
        value = Evaluator({}).eval(expr, scope)
    except Exception as exc:  # the exception is the meaning
        return ("raised", type(exc).__name__, repr(scope))
    return ("value", type(value).__name__, repr(value), repr(scope))


def _assert_folds_soundly(expr: A.Expr, env: dict = ENV) -> A.Expr:
    folded = fold_expr(expr)
    assert _outcome(folded, env) == _outcome(expr, env), print_expr(expr)
    for node in walk(folded):
        if isinstance(node, A.Constant) and type(node.value) in (int, float):
            assert node.value >= 0 and not math.copysign(1.0, node.value) < 0, print_expr(expr)
            assert math.isfinite(node.value) and (type(node.value) is float or node.value < 2**63)
        if isinstance(node, A.Constant) and isinstance(node.value, str):
            assert len(node.value) <= 10_000
    assert parse_expr(print_expr(folded)) == folded, print_expr(folded)
    assert fold_expr(folded) == folded, print_expr(expr)
    return folded


@pytest.mark.parametrize("seed", range(20))
def test_folding_keeps_the_value(seed: int):
    rng = random.Random(seed)
    for _ in range(150):
        _assert_folds_soundly(_expr(rng, 3))


# ------------------------------------------------------------------ unpacking and mutating calls

EFFECT_ENV = {"x": 2, "s": "ab", "xs": [1, 2, 3], "d": {"a": 1, "b": [1]}}


def _effect_leaf(rng: random.Random) -> A.Expr:
    choice = rng.randrange(8)
    if choice == 0:
        return A.Call(A.Attribute(A.Name("xs"), "pop"), ())
    if choice == 1:
        return A.Call(A.Attribute(A.Name("xs"), "append"), (A.Constant(rng.choice([0, 7])),))
    if choice == 2:
        key = A.Constant(rng.choice(["a", "b", "z"]))
        return A.Call(A.Attribute(A.Name("d"), "pop"), (key, A.Constant(None)) if rng.random() < 0.5 else (key,))
    if choice == 3:
        return A.Call(A.Attribute(A.Subscript(A.Name("d"), A.Constant("b")), "append"), (A.Name("x"),))
    if choice == 4:
        return A.Name(rng.choice(sorted(EFFECT_ENV)))
    return _leaf(rng)


def _effect_expr(rng: random.Random, depth: int) -> A.Expr:
    if depth == 0 or rng.random() < 0.25:
        return _effect_leaf(rng)
    sub = lambda: _effect_expr(rng, depth - 1)  # noqa: E731
    kind = rng.randrange(9)
    if kind == 0:
        elts = tuple(A.Starred(sub()) if rng.random() < 0.5 else sub() for _ in range(rng.randrange(1, 4)))
        return A.ListExpr(elts) if rng.random() < 0.6 else A.TupleExpr(elts)
    if kind == 1:
        items = tuple((None, sub()) if rng.random() < 0.5 else (A.Constant(rng.choice(["a", "k", 1])), sub()) for _ in range(rng.randrange(1, 4)))
        return A.DictExpr(items)
    if kind == 2:
        return A.Call(A.Name(rng.choice(["len", "max", "min", "list"])), (A.Starred(sub()),) + ((sub(),) if rng.random() < 0.5 else ()))
    if kind == 3:
        return A.BoolOp(rng.choice(["and", "or"]), (sub(), sub()))
    if kind == 4:
        return A.Conditional(sub(), sub(), sub())
    if kind == 5:
        return A.Subscript(sub(), sub())
    if kind == 6:
        return A.BinOp(sub(), rng.choice(["+", "*"]), sub())
    if kind == 7:
        return A.Compare(sub(), (rng.choice(["==", "in", "<"]),), (sub(),))
    return A.Call(A.Name("len"), (sub(),))


@pytest.mark.parametrize("seed", range(10))
def test_folding_keeps_unpacking_and_changes(seed: int):
    rng = random.Random(1000 + seed)
    for _ in range(150):
        expr = _effect_expr(rng, 3)
        folded = _assert_folds_soundly(expr, EFFECT_ENV)
        # Folding drops method calls only where they never run; it never makes new ones.
        calls = lambda e: {print_expr(n) for n in walk(e) if isinstance(n, A.Call) and isinstance(n.func, A.Attribute)}  # noqa: E731
        assert calls(folded) <= calls(expr), print_expr(expr)
