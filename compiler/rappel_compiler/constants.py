"""Compile-time values: policy arguments of `run_action` and exception lists.

`RetryPolicy(...)`, `BackoffPolicy(...)` and `timeout=` must be known when the
workflow is compiled: literals, module constants (also imported ones),
`timedelta(...)` with constant arguments, simple arithmetic on those, and
classes (exception classes in retry lists and `except`, any class in
`isinstance`). `evaluate` computes the Python value or raises `Reject`.
"""

from __future__ import annotations

import enum
import math
import operator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

import libcst as cst

from rrl import ast as A
from rrl.policies import Backoff, Retry

from . import dialect
from .diagnostics import Reject
from .resolve import TypeInfo

if TYPE_CHECKING:
    from .function import FunctionLowerer


@dataclass(frozen=True)
class Seconds:
    value: float


@dataclass(frozen=True)
class ClassName:
    name: str  # its RRL name (builtin, or the local name of an import)
    kind: str  # its type kind: "exception", "model", ... (see resolve.TYPE_KINDS)

    @property
    def is_exception(self) -> bool:
        return self.kind == "exception"


_ARITHMETIC: dict[type, Callable] = {
    cst.Add: operator.add,
    cst.Subtract: operator.sub,
    cst.Multiply: operator.mul,
    cst.Divide: operator.truediv,
    cst.FloorDivide: operator.floordiv,
    cst.Modulo: operator.mod,
    cst.Power: operator.pow,
}

NOT_CONSTANT_HELP = "policy arguments must be known at compile time: use literals, module constants or timedelta(...)"


class ConstEvaluator:
    """Evaluates expressions of one function (it resolves names like it does)."""

    def __init__(self, lowerer: "FunctionLowerer"):
        self.lowerer = lowerer
        self.wc = lowerer.wc
        self._active: set[int] = set()

    def evaluate(self, node: cst.BaseExpression) -> object:
        if isinstance(node, cst.Name) and node.value in ("True", "False", "None"):
            return {"True": True, "False": False, "None": None}[node.value]
        if isinstance(node, (cst.Integer, cst.Float)):
            return node.evaluated_value
        if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
            value = node.evaluated_value
            if isinstance(value, str):
                return value
        if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, (cst.Minus, cst.Plus)):
            value = self.evaluate(node.expression)
            if _is_number(value):
                return -value if isinstance(node.operator, cst.Minus) else value
            if isinstance(value, Seconds):
                return Seconds(-value.value if isinstance(node.operator, cst.Minus) else value.value)
        if isinstance(node, cst.BinaryOperation) and type(node.operator) in _ARITHMETIC:
            return self._arithmetic(node)
        if isinstance(node, (cst.Tuple, cst.List)):
            return tuple(self.evaluate(e.value) for e in node.elements if not isinstance(e, cst.StarredElement))
        if isinstance(node, (cst.Name, cst.Attribute)):
            return self._reference(node)
        if isinstance(node, cst.Call):
            return self._call(node)
        raise Reject("RPL0219", f"`{self.wc.src.text(node)}` is not a compile-time constant", node, NOT_CONSTANT_HELP)

    def _arithmetic(self, node: cst.BinaryOperation) -> object:
        left, right = self.evaluate(node.left), self.evaluate(node.right)
        op = _ARITHMETIC[type(node.operator)]
        try:
            if _is_number(left) and _is_number(right):
                return op(left, right)
            if isinstance(left, Seconds) and isinstance(right, Seconds) and op in (operator.add, operator.sub):
                return Seconds(op(left.value, right.value))
            if isinstance(left, Seconds) and _is_number(right) and op in (operator.mul, operator.truediv):
                return Seconds(op(left.value, right))
            if _is_number(left) and isinstance(right, Seconds) and op is operator.mul:
                return Seconds(left * right.value)
        except (ArithmeticError, ValueError) as exc:
            raise Reject("RPL0219", f"this constant expression fails: {exc}", node) from None
        raise Reject("RPL0219", f"`{self.wc.src.text(node)}` is not a compile-time constant", node, NOT_CONSTANT_HELP)

    def _reference(self, node: cst.Name | cst.Attribute) -> object:
        target = self.lowerer.class_target(node)
        if target is not None:
            return ClassName(target.name, target.type_kind)
        source = self.lowerer.constant_source(node)
        if source is None:
            raise Reject("RPL0219", f"`{self.wc.src.text(node)}` is not a compile-time constant", node, NOT_CONSTANT_HELP)
        if not isinstance(source, cst.BaseExpression):
            return source  # an imported constant's value
        if id(source) in self._active:
            raise Reject("RPL0219", f"`{self.wc.src.text(node)}` refers to itself", node)
        self._active.add(id(source))
        try:
            return self.evaluate(source)
        finally:
            self._active.discard(id(source))

    def _call(self, node: cst.Call) -> object:
        qualified = self.wc.index.qualified(node.func)
        sdk = dialect.sdk_name(qualified) if qualified else None
        if qualified in dialect.TIMEDELTA:
            return self._timedelta(node)
        if sdk == "RetryPolicy":
            return self._retry(node)
        if sdk == "BackoffPolicy":
            return self._backoff(node)
        raise Reject("RPL0219", f"`{self.wc.src.text(node)}` is not a compile-time constant", node, NOT_CONSTANT_HELP)

    def _arguments(self, node: cst.Call, fields: tuple) -> dict[str, tuple[object, cst.CSTNode]]:
        names = [name for name, _ in fields]
        values: dict[str, tuple[object, cst.CSTNode]] = {}
        for position, arg in enumerate(node.args):
            if arg.star:
                raise Reject("RPL0219", "star-arguments are not supported in a policy", arg)
            name = arg.keyword.value if arg.keyword is not None else (names[position] if position < len(names) else None)
            if name is None or name not in names:
                raise Reject("RPL0219", f"unexpected argument {'`' + name + '`' if name else 'value'} in `{self.wc.src.text(node.func)}(...)`", arg)
            if name in values:
                raise Reject("RPL0219", f"`{name}` is given twice", arg)
            values[name] = (self.evaluate(arg.value), arg.value)
        return values

    def _timedelta(self, node: cst.Call) -> Seconds:
        positional = ("days", "seconds", "microseconds", "milliseconds", "minutes", "hours", "weeks")
        total = 0.0
        for name, (value, where) in self._arguments(node, tuple((p, 0) for p in positional)).items():
            if not _is_number(value):
                raise Reject("RPL0219", f"timedelta({name}=...) must be a number", where)
            total += value * dialect.TIMEDELTA_UNITS[name]
        return Seconds(total)

    def _retry(self, node: cst.Call) -> Retry:
        args = self._arguments(node, dialect.RETRY_FIELDS)
        attempts, where = args.get("attempts", (3, node))
        if not (attempts is None or (type(attempts) is int and attempts >= 1)):
            raise Reject("RPL0219", "RetryPolicy(attempts=...) must be a whole number of at least 1, or None for no limit", where)
        exceptions, where = args.get("exceptions", ((), node))
        if isinstance(exceptions, ClassName):
            exceptions = (exceptions,)
        if not isinstance(exceptions, tuple) or not all(isinstance(e, ClassName) and e.is_exception for e in exceptions):
            raise Reject("RPL0219", "RetryPolicy(exceptions=...) must be a tuple of exception classes", where)
        return Retry(attempts, tuple(e.name for e in exceptions))

    def _backoff(self, node: cst.Call) -> Backoff:
        args = self._arguments(node, dialect.BACKOFF_FIELDS)
        base = self.seconds(*args.get("base_delay", (1.0, node)), what="BackoffPolicy(base_delay=...)")
        multiplier, where = args.get("multiplier", (2.0, node))
        if not _is_number(multiplier) or not math.isfinite(multiplier) or multiplier < 1:
            raise Reject("RPL0219", "BackoffPolicy(multiplier=...) must be a number of at least 1", where)
        maximum, where = args.get("max_delay", (None, node))
        maximum = None if maximum is None else self.seconds(maximum, where, what="BackoffPolicy(max_delay=...)")
        return Backoff(base, float(multiplier), maximum)

    def seconds(self, value: object, where: cst.CSTNode, what: str, *, positive: bool = False) -> float:
        """A duration in seconds: 0 or more, or greater than 0 when `positive`
        (a timeout; the rule of `rrl.policies`, which `run_action` applies too)."""
        if isinstance(value, Seconds):
            value = value.value
        if not _is_number(value) or not math.isfinite(value) or value < 0 or (positive and value == 0):
            bound = "greater than 0" if positive else "0 or more"
            raise Reject("RPL0219", f"{what} must be a number of seconds {bound}, or a timedelta", where)
        return value


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def literal(value: object, node: cst.CSTNode | None = None, member: Callable[[enum.Enum], A.Expr] | None = None) -> A.Expr:
    """A JSON-like Python value as an RRL literal (negative numbers as unary minus);
    `member` writes an enum member (`Color.RED`)."""
    if isinstance(value, enum.Enum):  # before str and int: a StrEnum member is a str
        if member is None:
            raise Reject("RPL0224", f"the enum member {value!r} has no RRL literal", node)
        return member(value)
    if isinstance(value, (ClassName, TypeInfo)):
        raise Reject("RPL0230", f"`{value.name}` is a class, and a class is not a value in a workflow", node,
                     "name the classes where Python uses them: in `except` or `isinstance()`")
    if value is None or isinstance(value, (bool, str)):
        return A.Constant(value)
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            raise Reject("RPL0224", f"{value!r} has no RRL literal", node)
        if value < 0 or (isinstance(value, float) and math.copysign(1.0, value) < 0):
            return A.UnaryOp("-", A.Constant(-value))
        return A.Constant(value)
    if isinstance(value, list):
        return A.ListExpr(tuple(literal(v, node, member) for v in value))
    if isinstance(value, tuple):
        return A.TupleExpr(tuple(literal(v, node, member) for v in value))
    if isinstance(value, dict):
        return A.DictExpr(tuple((literal(k, node, member), literal(v, node, member)) for k, v in value.items()))
    raise Reject("RPL0224", f"a value of type {type(value).__name__} has no RRL literal", node)
