"""`simplify_control_flow`: smaller tests and branches.

- `if c: pass else: body` becomes `if not c: body`;
- `not (a == b)` becomes `a != b`, for the operators whose negation is exact:
  `==`/`!=`, `in`/`not in`, `is`/`is not` (never `<` and friends: with NaN,
  `not (a < b)` and `a >= b` differ);
- in the test of an `if` or a `while`, where only truthiness counts,
  `not not x` becomes `x`.

`else: if` needs no pass: the printer already writes it as `elif`.
"""

from __future__ import annotations

from dataclasses import replace

from .. import ast as A
from ..walk import rewrite
from .tree import map_blocks, map_exprs

_INVERSE = {"==": "!=", "!=": "==", "in": "not in", "not in": "in", "is": "is not", "is not": "is"}


def simplify_control_flow(program: A.Program) -> A.Program:
    program = map_exprs(program, lambda expr: rewrite(expr, _simplify_not))
    return map_blocks(program, lambda block: tuple(_simplify_stmt(s) for s in block))


def _simplify_not(node: A.Expr) -> A.Expr:
    match node:
        case A.UnaryOp(op="not", operand=A.Compare(ops=(op,)) as compare) if op in _INVERSE:
            return replace(compare, ops=(_INVERSE[op],), span=node.span)
    return node


def negate(test: A.Expr) -> A.Expr:
    """An expression with the opposite truth value."""
    match test:
        case A.UnaryOp(op="not", operand=operand):
            return operand
    return _simplify_not(A.UnaryOp("not", test, span=test.span))


def _truth_test(test: A.Expr) -> A.Expr:
    while isinstance(test, A.UnaryOp) and test.op == "not" and isinstance(test.operand, A.UnaryOp) and test.operand.op == "not":
        test = test.operand.operand
    return test


def _simplify_stmt(stmt: A.Stmt) -> A.Stmt:
    match stmt:
        case A.If(test=test, body=(), orelse=orelse) if orelse:
            return replace(stmt, test=_truth_test(negate(test)), body=orelse, orelse=())
        case A.If(test=test) | A.While(test=test) if _truth_test(test) is not test:
            return replace(stmt, test=_truth_test(test))
    return stmt
