"""The RRL abstract syntax tree.

Every node is an immutable dataclass. Source positions live in `span`, which
takes no part in equality, so a program printed and parsed again compares
equal to the original (`parse(print(p)) == p`), and rewrites keep positions
by passing `span=` along (see `dataclasses.replace`).

The tree mirrors `grammar/rrl.lark`; the canonical text of each node is
defined by `rrl.printer`.
"""

from __future__ import annotations

import functools
import operator
from dataclasses import dataclass, field, fields
from typing import Callable, Union


@dataclass(frozen=True)
class Span:
    """A 1-based, end-inclusive-start / end-exclusive source range."""

    line: int
    column: int
    end_line: int
    end_column: int

    def __str__(self) -> str:
        return f"{self.line}:{self.column}"


@dataclass(frozen=True, eq=False, repr=False)
class Node:
    """The base of every node class, each a frozen `@node` dataclass.

    Equality, hashing and repr are this class's: the same as those dataclass
    would generate (the fields in order, `span` left out), shared rather than
    generated for each of the ~55 classes. dataclass writes each method it
    generates as source and `exec`s it; three methods a class rather than six
    take a third off the cost of importing this module, which every
    `rappel check` pays."""

    span: Span | None = field(default=None, compare=False, repr=False, kw_only=True)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        values = _compared_values(self.__class__)
        return values(self) == values(other)

    def __hash__(self) -> int:
        return hash(_compared_values(self.__class__)(self))

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in _shown_fields(self.__class__))
        return f"{self.__class__.__qualname__}({shown})"


@functools.cache
def _compared_values(cls: type) -> Callable[[Node], tuple]:
    """The values `==` and `hash` compare for a node of class `cls`, as a tuple."""
    names = tuple(f.name for f in fields(cls) if f.compare)
    if len(names) >= 2:
        return operator.attrgetter(*names)  # gives a tuple
    if names:
        (name,) = names
        return lambda node: (getattr(node, name),)
    return lambda node: ()


@functools.cache
def _shown_fields(cls: type) -> tuple[str, ...]:
    """The fields a node's repr shows."""
    return tuple(f.name for f in fields(cls) if f.repr)


# The decorator of every node class.
node = dataclass(frozen=True, eq=False, repr=False)


# ------------------------------------------------------------------ types


@node
class NamedType(Node):
    """`int`, `list[str]`, `dict[str, User]`: a builtin type or a declared class."""

    name: str
    args: tuple[Type, ...] = ()


@node
class NoneType(Node):
    pass


@node
class UnionType(Node):
    options: tuple[Type, ...]


Type = Union[NamedType, NoneType, UnionType]

ANY = NamedType("Any")


# ------------------------------------------------------------------ expressions


@node
class Name(Node):
    id: str


@node
class Constant(Node):
    """An int, float, str, bool or None literal."""

    value: int | float | str | bool | None

    def __eq__(self, other: object) -> bool:
        # `1 == True == 1.0` in Python; literals of different types are different nodes.
        return (
            isinstance(other, Constant)
            and type(self.value) is type(other.value)
            and self.value == other.value
        )

    def __hash__(self) -> int:
        return hash((type(self.value), self.value))


@node
class FormattedValue(Node):
    """One `{value!conversion:spec}` field of an f-string."""

    value: Expr
    conversion: str | None = None  # "r" or "s"
    spec: str | None = None


@node
class FString(Node):
    parts: tuple[str | FormattedValue, ...]


@node
class ListExpr(Node):
    elts: tuple[Expr, ...]


@node
class TupleExpr(Node):
    elts: tuple[Expr, ...]


@node
class Starred(Node):
    """`*value`: unpacked into a list, a tuple, a call's arguments, or (as a
    target) the list of the remaining items."""

    value: Expr


@node
class DictExpr(Node):
    """`{k: v, **other}`: an item whose key is None unpacks `value`."""

    items: tuple[tuple[Expr | None, Expr], ...]


@node
class Attribute(Node):
    value: Expr
    attr: str


@node
class Slice(Node):
    lower: Expr | None
    upper: Expr | None
    step: Expr | None


@node
class Subscript(Node):
    value: Expr
    index: Expr | Slice


BINARY_OPS = ("+", "-", "*", "/", "//", "%", "**")
UNARY_OPS = ("-", "+", "not")
COMPARE_OPS = ("==", "!=", "<", "<=", ">", ">=", "in", "not in", "is", "is not")


# The operators of RRL's in-place statements (`xs += ys`, `d |= e`) → the key of their DAG step.
# No expression spells them: a BinOp with one of them is the value of such a statement.
IN_PLACE_OPERATORS = {"+=": "add_in_place", "|=": "or_in_place"}


@node
class BinOp(Node):
    left: Expr
    op: str
    right: Expr


@node
class UnaryOp(Node):
    op: str
    operand: Expr


@node
class BoolOp(Node):
    """`a and b and c` / `a or b`: short-circuit, yields the deciding operand."""

    op: str
    values: tuple[Expr, ...]


@node
class Compare(Node):
    """`a < b <= c`: a chained comparison, each operand evaluated once."""

    left: Expr
    ops: tuple[str, ...]
    comparators: tuple[Expr, ...]


@node
class Conditional(Node):
    """`body if test else orelse`."""

    test: Expr
    body: Expr
    orelse: Expr


@node
class Keyword(Node):
    name: str
    value: Expr


@node
class Call(Node):
    """A pure call: a builtin, a method of a value, or a type's constructor."""

    func: Expr
    args: tuple[Expr, ...] = ()
    kwargs: tuple[Keyword, ...] = ()


@node
class Lambda(Node):
    params: tuple[str, ...]
    body: Expr


@node
class Comprehension(Node):
    """One `for target in iter if cond...` clause."""

    target: Expr  # a Name or a TupleExpr of targets
    iter: Expr
    ifs: tuple[Expr, ...] = ()


@node
class ListComp(Node):
    elt: Expr
    generators: tuple[Comprehension, ...]


@node
class DictComp(Node):
    key: Expr
    value: Expr
    generators: tuple[Comprehension, ...]


Expr = Union[
    Name,
    Constant,
    Starred,
    FString,
    ListExpr,
    TupleExpr,
    DictExpr,
    Attribute,
    Subscript,
    BinOp,
    UnaryOp,
    BoolOp,
    Compare,
    Conditional,
    Call,
    Lambda,
    ListComp,
    DictComp,
]


# ------------------------------------------------------------------ calls with effects


DURATION_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400}


@node
class Duration(Node):
    """A time with a unit, as written in a policy: `250ms`, `1.5s`, `10m`, `2h`, `1d`."""

    text: str

    @property
    def seconds(self) -> int | float:
        unit = next(u for u in ("ms", "s", "m", "h", "d") if self.text.endswith(u))
        value = float(self.text[: -len(unit)]) * DURATION_UNITS[unit]
        return int(value) if value.is_integer() else value


# A policy's time: a duration, or a number of seconds (`Constant(None)` where
# `None` is allowed, as in `backoff(max=None)`).
Seconds = Union[Duration, Constant]


@node
class RetryPolicy(Node):
    """`retry(attempts=5, on=[ValueError])`, as written: a field is None when its
    argument is not written (`rrl.policies` applies the defaults). `attempts` is
    a whole number, or `Constant(None)`: retry without limit; `on` names the
    exception types to retry (empty or not written: every exception, a timeout
    included)."""

    attempts: Constant | None = None
    on: tuple[str, ...] | None = None


@node
class BackoffPolicy(Node):
    """`backoff(base=1s, multiplier=2.0, max=5m)`, as written (a field is None
    when its argument is not written): the delay before retry n is
    min(base * multiplier ** (n - 1), max)."""

    base: Seconds | None = None
    multiplier: Constant | None = None
    max: Seconds | None = None


@node
class AwaitCall(Node):
    """`await name(k=v, ...) retry(...) backoff(...) timeout(...)`.

    `name` is an action or a fn of the program; arguments are keyword-only.
    Policies are allowed on actions only (the checker enforces it).
    """

    name: str
    kwargs: tuple[Keyword, ...] = ()
    retry: RetryPolicy | None = None
    backoff: BackoffPolicy | None = None
    timeout: Seconds | None = None


# ------------------------------------------------------------------ statements


@node
class Assign(Node):
    """`target = value` (pure). `target` is a Name, TupleExpr, Subscript or Attribute."""

    target: Expr
    value: Expr
    annotation: Type | None = None


@node
class ExprStmt(Node):
    """A call of a mutating method on a variable, for its effect:
    `xs.sort()`, `d.update(other)`, `queue.pop(0)`."""

    value: Expr


@node
class Delete(Node):
    """`del x, d[k], xs[i:j], obj.f`: each target in turn, left to right. A name
    becomes unbound; deleting an item or a field rebinds the variable at the
    root to a changed copy, like a method that changes a variable."""

    targets: tuple[Expr, ...]


@node
class CallStmt(Node):
    """`[target =] await call(...)`."""

    target: Expr | None
    call: AwaitCall


@node
class Parallel(Node):
    """`[target =] parallel [return_exceptions]:` followed by one await call per line."""

    target: Expr | None
    calls: tuple[AwaitCall, ...]
    return_exceptions: bool = False


@node
class ParallelFor(Node):
    """`[target =] parallel [return_exceptions] for x in xs [limit N]:` and one await call."""

    target: Expr | None
    loop_target: Expr
    iter: Expr
    call: AwaitCall
    return_exceptions: bool = False
    limit: int | None = None


@node
class If(Node):
    test: Expr
    body: tuple[Stmt, ...]
    orelse: tuple[Stmt, ...] = ()


@node
class For(Node):
    target: Expr
    iter: Expr
    body: tuple[Stmt, ...]
    orelse: tuple[Stmt, ...] = ()


@node
class While(Node):
    test: Expr
    body: tuple[Stmt, ...]
    orelse: tuple[Stmt, ...] = ()
    max_iterations: int | None = None


@node
class ExceptHandler(Node):
    """`except (A, B) as e:`; no types catches every exception."""

    types: tuple[str, ...]
    name: str | None
    body: tuple[Stmt, ...]


@node
class Try(Node):
    body: tuple[Stmt, ...]
    handlers: tuple[ExceptHandler, ...] = ()
    orelse: tuple[Stmt, ...] = ()
    finalbody: tuple[Stmt, ...] = ()


@node
class Return(Node):
    value: Expr | None = None


@node
class Raise(Node):
    """`raise ValueError("...")` (optionally `from cause`, which becomes the
    exception's `__cause__`), or a bare `raise` inside an except block."""

    exc: Expr | None = None
    cause: Expr | None = None


@node
class Sleep(Node):
    """Durable sleep; `seconds` is a number expression."""

    seconds: Expr


@node
class Break(Node):
    pass


@node
class Continue(Node):
    pass


Stmt = Union[
    Assign,
    ExprStmt,
    Delete,
    CallStmt,
    Parallel,
    ParallelFor,
    If,
    For,
    While,
    Try,
    Return,
    Raise,
    Sleep,
    Break,
    Continue,
]


# ------------------------------------------------------------------ declarations


@node
class Param(Node):
    name: str
    type: Type = ANY
    default: Expr | None = None


@node
class Member(Node):
    """`RED = "red"`: a member of an enum, with its value (a constant)."""

    name: str
    value: Expr


CLASS_KINDS = ("exception", "model", "dataclass", "namedtuple", "enum")


@node
class ClassDecl(Node):
    """A Python class the program names, declared with what running the
    program needs of it, so that no runtime imports it:

        exception CardDeclined(BillingError) from app.billing
        frozen dataclass Point from app.geo:
            x: float
            y: float = 0.0
        enum Color(str, Enum) from app.models import Palette.Color:
            RED = "red"

    `kind` is the value codec's tag for its instances; `module:qualname` is the
    class's identity there. `bases` are declared classes or builtin names.
    `body` holds a model's, a dataclass's or a NamedTuple's fields (`Param`s:
    name, type and constant default, base classes' fields first) or an enum's
    members; None
    when the declaration has no body (a model whose fields are not declared,
    because the program does not build one)."""

    kind: str
    name: str
    module: str
    qualname: str
    bases: tuple[str, ...] = ()
    body: tuple[Param | Member, ...] | None = None
    frozen: bool = False

    @property
    def identity(self) -> str:
        """`module:qualname`: how the value codec names the class."""
        return f"{self.module}:{self.qualname}"

    @property
    def fields(self) -> tuple[Param, ...] | None:
        """A model's, a dataclass's or a NamedTuple's declared fields; None when not declared."""
        return None if self.body is None else tuple(i for i in self.body if isinstance(i, Param))

    @property
    def members(self) -> tuple[Member, ...]:
        return tuple(i for i in self.body or () if isinstance(i, Member))


@node
class ConstDecl(Node):
    name: str
    value: Expr


@node
class ActionDecl(Node):
    """`action send_email(to: str, subject: str) -> EmailResult from app.actions`."""

    name: str
    params: tuple[Param, ...]
    returns: Type
    module: str


@node
class FnDecl(Node):
    """A helper: called with `await name(...)`, inlined into the DAG."""

    name: str
    params: tuple[Param, ...]
    returns: Type
    body: tuple[Stmt, ...]


@node
class WorkflowDecl(Node):
    name: str
    params: tuple[Param, ...]
    returns: Type
    body: tuple[Stmt, ...]


Decl = Union[ClassDecl, ConstDecl, ActionDecl, FnDecl, WorkflowDecl]

VERSION = 1


@node
class Program(Node):
    decls: tuple[Decl, ...]
    version: int = VERSION

    def _of(self, kind: type) -> list:
        return [d for d in self.decls if isinstance(d, kind)]

    @property
    def classes(self) -> list[ClassDecl]:
        return self._of(ClassDecl)

    @property
    def consts(self) -> list[ConstDecl]:
        return self._of(ConstDecl)

    @property
    def actions(self) -> list[ActionDecl]:
        return self._of(ActionDecl)

    @property
    def fns(self) -> list[FnDecl]:
        return self._of(FnDecl)

    @property
    def workflows(self) -> list[WorkflowDecl]:
        return self._of(WorkflowDecl)

    def class_decls(self) -> dict[str, ClassDecl]:
        """The declared classes by the name the program gives them."""
        return {c.name: c for c in self.classes}
