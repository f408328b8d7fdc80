"""Python shares objects; RRL copies values. Where that difference is visible,
the frontend must reject the code instead of changing its behaviour.

    rows = [...]; first = rows[0]; first["seen"] = True   # Python: rows[0] changes too

The difference shows only when an object is changed in place (`xs.append`,
`d[k] = v`, `obj.f = v`, `xs += ys`, `xs *= n`, `s |= t`, `s -= t`, `del d[k]`) while
another variable (or another place inside a value) still refers to it. An augmented
assignment changes only a list, a set or a dict in place; on a number or a str
(`n |= m`, `label += tag`) it rebinds the name. This module runs a small
dataflow analysis over each finished RRL body:

* For every local variable it tracks the *shared depth*: the smallest path
  length at which an object inside its value may also be reachable from
  somewhere else (0: the value itself may be shared; ∞: nothing is).
* A reference-copying expression (`y = x`, `[x]`, `x[k]`, `list(x)`, a loop
  variable, a helper's argument…) lowers the shared depth of both sides.
  A repetition (`[[]] * 2`, `xs *= n`) shares the items of its result with
  each other, unless they are immutable (`[0] * n`, `"-" * n`).
* An in-place change of the object at depth `k` of `x` (`x[i].append(v)`,
  `x.sort()`, `x[k] = v`, ... ) is accepted only when the shared depth of `x`
  is greater than `k`, and when the value added does not hold the changed
  object itself (Python would build a value that contains itself).

Actions return fresh values (they are serialised); helper parameters are
shared with the caller. A variable whose every value is a scalar (a str, a
number, a bool: its annotation says so, or every assignment builds one) holds
nothing anything can change, so sharing it is harmless (`Customer(name=name)`). The analysis is conservative: it may reject code
that would have behaved the same, never the other way round.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable

from rrl import ast as A
from rrl import builtins as B
from rrl.printer import print_expr
from rrl.walk import bound_names, children, names_bound_by, names_read, statements

from .diagnostics import Reject

_GENERATED_NAME = re.compile(r"\$\w+")

NONE = 10**9  # "nothing inside is shared"
GLOBAL = "<global>"

Ref = tuple  # (root variable, path depth in the root, depth in the value)

# `seq * n` holds every item of `seq` n times, the same object each time
# (whatever n, a variable or a literal): its items are shared with each other.
REPEATED: Ref = (GLOBAL, 0, 1)

# Builtins whose result holds no reference into their arguments.
_FRESH_BUILTINS = frozenset(
    {"len", "str", "int", "float", "bool", "repr", "format", "abs", "round", "isinstance", "any", "all", "divmod", "pow", "range",
     "type"}
)
_COPY_BUILTINS = frozenset({"list", "tuple", "sorted", "reversed", "dict"})
_PAIR_BUILTINS = frozenset({"zip", "enumerate"})
_PICK_BUILTINS = frozenset({"min", "max", "sum"})
_PICK_METHODS = frozenset({"get"})
_COPY_METHODS = frozenset({"copy", "values"})
_KEY_METHODS = frozenset({"keys"})  # dict keys are hashable: nothing inside them changes
_PAIR_METHODS = frozenset({"items"})

REPEAT_HELP = (
    "`xs *= n` repeats a list in place, and RRL copies values where Python shares objects, so the other "
    "reference would not see it; write `xs = xs * n` (also for a number), or copy the list first (`xs = list(xs)`)"
)
CHANGE_HELP = (
    "RRL copies values where Python shares objects, so the other reference would not see the change; "
    "build a new value and assign it (for example `items = items + [x]`), "
    "or copy the value first (`items = list(items)`) and change the copy"
)


def _index(refs: Iterable[Ref]) -> list[Ref]:
    """The refs of an element of a value with these refs."""
    return [(r, p + 1, 0) if d == 0 else (r, p, d - 1) for r, p, d in refs]


def _elements(refs: Iterable[Ref], depth: int = 1) -> list[Ref]:
    """The refs of a new container holding the elements of a value (at `depth`)."""
    return [(r, p + 1, depth) if d == 0 else (r, p, d + depth - 1) for r, p, d in refs]


def _nested(refs: Iterable[Ref], depth: int = 1) -> list[Ref]:
    """The refs of a new container holding the value itself (at `depth`)."""
    return [(r, p, d + depth) for r, p, d in refs]


@dataclass
class _Iterated:
    """A for loop iterates over this object itself (not over a copy): Python's
    loop sees changes made to it in the body; RRL's loop iterates a value."""

    path: A.Expr
    key: str | None  # `for k, v in d.items()`: `d[k] = ...` only updates the current entry
    level: int  # the loop's place among the enclosing loops (0: the outermost)

    def conflicts(self, receiver: A.Expr, key: A.Expr | None) -> bool:
        root, depth = _path(receiver)
        own_root, own_depth = _path(self.path)
        if root != own_root or depth != own_depth:
            return False
        if _constant_path(receiver) and _constant_path(self.path) and receiver != self.path:
            return False  # `data["a"]` and `data["b"]`: different objects
        return not (self.key is not None and isinstance(key, A.Name) and key.id == self.key)

    @property
    def text(self) -> str:
        return print_expr(self.path)


def _iterated(loop: A.For, level: int) -> list[_Iterated]:
    expr = loop.iter
    key = None
    sources: list[A.Expr] = []
    if isinstance(expr, A.Call) and isinstance(expr.func, A.Attribute) and expr.func.attr in ("items", "keys", "values"):
        sources = [expr.func.value]
        if expr.func.attr in ("items", "keys"):
            first = loop.target.elts[0] if isinstance(loop.target, A.TupleExpr) and loop.target.elts else loop.target
            key = first.id if isinstance(first, A.Name) else None
    elif isinstance(expr, A.Call) and isinstance(expr.func, A.Name) and expr.func.id in ("enumerate", "zip", "reversed"):
        sources = list(expr.args)
    elif isinstance(expr, A.Call) and isinstance(expr.func, A.Name) and expr.func.id in ("map", "filter"):
        sources = list(expr.args[1:])
    else:
        sources = [expr]
    return [_Iterated(p, key, level) for p in sources if _path(p)[0] is not None]


def _keys_of_iterated(loop: A.For) -> bool:
    """`for k in d: d[k]...` (also over `sorted(d)`, `list(d)`, and `d.pop(k)`,
    `d.get(k)`): an item that indexes the collection it comes from, before
    anything else can use it, is a dict key or a list index (else Python raises
    there), which nothing changes in place."""
    if not isinstance(loop.target, A.Name) or not loop.body:
        return False
    source = loop.iter
    if isinstance(source, A.Call) and isinstance(source.func, A.Name) and source.func.id in ("sorted", "list", "reversed", "tuple") and source.args:
        source = source.args[0]
    if _path(source)[0] is None:
        return False
    first = loop.body[0]
    evaluated = first.test if isinstance(first, (A.If, A.While)) else getattr(first, "value", None)
    return isinstance(evaluated, A.Node) and any(_indexes(node, source, loop.target) for node in _always_evaluated(evaluated))


def _indexes(node: A.Expr, source: A.Expr, key: A.Name) -> bool:
    """`source[key]`, `source.get(key)`, `source.pop(key)`, `source.setdefault(key, ...)`."""
    if isinstance(node, A.Subscript):
        return node.value == source and node.index == key
    return (
        isinstance(node, A.Call)
        and isinstance(node.func, A.Attribute)
        and node.func.attr in ("get", "pop", "setdefault")
        and node.func.value == source
        and node.args[:1] == (key,)
    )


def _always_evaluated(expr: A.Expr):
    """The parts of `expr` evaluated whenever it is (not the later operands of
    `and`/`or`, the branches of a conditional, lambdas and comprehensions)."""
    yield expr
    if isinstance(expr, (A.Lambda, A.ListComp, A.DictComp)):
        return
    if isinstance(expr, A.BoolOp):
        parts = expr.values[:1]
    elif isinstance(expr, A.Conditional):
        parts = (expr.test,)
    elif isinstance(expr, A.Compare):  # later comparisons run only if the first holds
        parts = (expr.left, expr.comparators[0])
    else:
        parts = tuple(children(expr))
    for part in parts:
        yield from _always_evaluated(part)


def _constant_path(expr: A.Expr) -> bool:
    while isinstance(expr, (A.Subscript, A.Attribute)):
        if isinstance(expr, A.Subscript) and not isinstance(expr.index, A.Constant):
            return False
        expr = expr.value
    return True


@dataclass
class _Loop:
    breaks: list = field(default_factory=list)
    continues: list = field(default_factory=list)


class _Analysis:
    def __init__(self, decl: A.FnDecl | A.WorkflowDecl, body: list[A.Node], augmented: dict, actions: dict[str, A.ActionDecl], python_names: dict[str, str]):
        """`body`: every node of `decl`'s body."""
        self.augmented = augmented
        self.locals = names_bound_by(body).union(*(bound_names(p) for p in decl.params))
        self.scalars = _scalar_names(decl, actions, body, self.locals)
        self.python_names = python_names
        self.current: dict = {}  # the state of the statement being analysed
        self.actions = actions
        self.read = names_read(body)  # a variable never read cannot observe a change
        self.errors: dict = {}
        self.loops: list[_Loop] = []
        self.iterating: list[_Iterated] = []  # objects the enclosing for loops iterate over
        # How control leaves the loops once the statement being analysed is done
        # (`_leaving`); a loop that it leaves never sees the statement's changes.
        self.leaving: str | None = None
        self.finally_continues = 0  # enclosing `finally` blocks with a `continue`, which cancels a break or return
        self.observers: list[list] = []
        start = 0 if isinstance(decl, A.FnDecl) else NONE
        self.entry = {p.name: start for p in decl.params}
        # Where each variable's sharing began, for the message: its name → (depth, the
        # other holder, the span), in the order the analysis met them. The other holder is
        # (a template, an expression): the template with `{}` replaced by the expression as
        # the user reads it, printed only for a message (printing reads the spans).
        self.origins: dict[str, list[tuple[int, tuple[str, A.Expr | None], A.Span | None]]] = {}
        if isinstance(decl, A.FnDecl):
            for p in decl.params:
                self.origins[p.name] = [(0, ("the argument the caller passed", None), None)]

    # -------------------------------------------------------------- references

    def refs(self, e, env: dict) -> list[Ref]:
        if isinstance(e, A.Name):
            if e.id in env:
                return env[e.id]
            if e.id in self.scalars:
                return []
            return [(e.id, 0, 0)] if e.id in self.locals else [(GLOBAL, 0, 0)]
        if isinstance(e, (A.Constant, A.FString, A.Compare, A.UnaryOp, A.Lambda)):
            return []
        if isinstance(e, A.BinOp):
            if e.op in ("+", "+=", "*"):
                refs = _elements(self.refs(e.left, env)) + _elements(self.refs(e.right, env))
                if e.op == "*" and not any(_immutable_items(side) for side in (e.left, e.right)):
                    refs.append(REPEATED)
                return refs
            return []
        if isinstance(e, A.BoolOp):
            return [r for v in e.values for r in self.refs(v, env)]
        if isinstance(e, A.Conditional):
            return self.refs(e.body, env) + self.refs(e.orelse, env)
        if isinstance(e, A.Attribute):
            return _index(self.refs(e.value, env))
        if isinstance(e, A.Subscript):
            inner = self.refs(e.value, env)
            return _elements(inner) if isinstance(e.index, A.Slice) else _index(inner)
        if isinstance(e, A.Starred):  # its items, one by one
            return _index(self.refs(e.value, env))
        if isinstance(e, (A.ListExpr, A.TupleExpr)):
            return [r for v in e.elts for r in _nested(self.refs(v, env))]
        if isinstance(e, A.DictExpr):
            return [r for k, v in e.items for r in (_elements(self.refs(v, env)) if k is None else _nested(self.refs(v, env)))]
        if isinstance(e, A.Call):
            return self._call_refs(e, env)
        if isinstance(e, (A.ListComp, A.DictComp)):
            inner = dict(env)
            for gen in e.generators:
                bound = _index(self.refs(gen.iter, inner))
                for name in _names(gen.target):
                    inner[name] = bound + (_index(bound) if isinstance(gen.target, A.TupleExpr) else [])
            values = [e.elt] if isinstance(e, A.ListComp) else [e.value]
            return [r for v in values for r in _nested(self.refs(v, inner))]
        return [r for v in children(e) for r in self.refs(v, env)]

    def _call_refs(self, e: A.Call, env: dict) -> list[Ref]:
        args = [self.refs(a, env) for a in e.args]
        kwargs = {k.name: self.refs(k.value, env) for k in e.kwargs}
        first = args[0] if args else []
        if isinstance(e.func, A.Name):
            name = e.func.id
            if name in _FRESH_BUILTINS:
                return []
            if name in _COPY_BUILTINS:
                return _elements(first)
            if name in _PAIR_BUILTINS:
                return [r for a in args for r in _elements(a, 2)]
            if name in _PICK_BUILTINS:
                unpacked = any(isinstance(a, A.Starred) for a in e.args)
                picked = _index(first) if len(args) == 1 and not unpacked else [r for a in args for r in a + _index(a)]
                return picked + kwargs.get("default", []) + kwargs.get("start", [])
            if name == "filter":
                return _elements(args[1]) if len(args) > 1 else []
            if name == "map":
                return self._map_refs(e, env)
            # a constructor: the new object holds its arguments
            return [r for a in [*args, *kwargs.values()] for r in _nested(a)]
        if isinstance(e.func, A.Attribute):
            method = e.func.attr
            owner = e.func.value
            if isinstance(owner, A.Name) and owner.id not in self.locals and (owner.id, method) in B.STATIC_METHODS:
                # dict.fromkeys(keys, value): every key holds the same value object
                shared = [(GLOBAL, 0, 1)] if len(args) > 1 and not _immutable(e.args[1]) else []
                return shared + (_nested(args[1]) if len(args) > 1 else [])
            receiver = self.refs(owner, env)
            if method in ("pop", "popitem"):
                return self._removed(owner) + [r for a in args[1:] for r in a]
            if method == "setdefault":
                return _index(receiver) + (args[1] if len(args) > 1 else [])
            if method in B.MUTATING_METHODS:
                return []  # None
            if method == "model_copy":  # a shallow copy: the new model holds the same field values
                return _elements(receiver) + kwargs.get("update", [])
            if method in _PICK_METHODS:
                return _index(receiver) + [r for a in args[1:] for r in a]
            if method in _KEY_METHODS:
                return []
            if method in _COPY_METHODS:
                return _elements(receiver)
            if method in _PAIR_METHODS:
                return _elements(receiver, 2)
            return []  # str methods, model_dump() and the like build new values
        return [r for a in [*args, *kwargs.values()] for r in a]

    def _map_refs(self, e: A.Call, env: dict) -> list[Ref]:
        function, *iterables = e.args
        items = [_index(self.refs(i, env)) for i in iterables]
        if isinstance(function, A.Lambda):
            inner = dict(env)
            for param, refs in zip(function.params, items):
                inner[param] = refs
            return _nested(self.refs(function.body, inner))
        return [r for refs in items for r in _nested(refs)]

    def _removed(self, receiver: A.Expr) -> list[Ref]:
        """The refs of an item `receiver.pop()` takes out: it is no longer inside
        the receiver, but may be shared wherever the receiver's items are."""
        root, depth = _path(receiver)
        if root is None:
            return [(GLOBAL, 0, 0)]
        shared = self.current.get(root, NONE)
        if shared >= NONE:
            return []
        return [(GLOBAL, 0, max(0, shared - depth - 1))]

    def effects(self, e, state: dict, span) -> None:
        """Apply the changes that calls of mutating methods in `e` make, in the
        order they are evaluated."""
        if not isinstance(e, A.Node) or isinstance(e, (A.Lambda, A.ListComp, A.DictComp)):
            return
        for child in children(e):
            self.effects(child, state, span)
        if isinstance(e, A.Call) and isinstance(e.func, A.Attribute) and e.func.attr in B.MUTATING_METHODS:
            method, args = e.func.attr, e.args
            added: list[Ref] = []
            if method in ("append", "insert", "setdefault") and args:
                added = _nested(self.refs(args[-1], {})) if method != "setdefault" or len(args) > 1 else []
            elif method in ("extend", "update"):
                added = [r for a in args for r in _elements(self.refs(a, {}))]
                added += [r for k in e.kwargs for r in _nested(self.refs(k.value, {}))]
            self.change(state, e.func.value, added, e.span or span)

    # -------------------------------------------------------------- state

    @staticmethod
    def join(*states):
        states = [s for s in states if s is not None]
        if not states:
            return None
        out = dict(states[0])
        for state in states[1:]:
            for name, depth in state.items():
                out[name] = min(out.get(name, NONE), depth)
        return out

    def share(self, state: dict, refs: list[Ref], holder: A.Expr | None = None, span=None) -> None:
        """The objects `refs` point into become reachable from somewhere else
        (from `holder`, at `span`)."""
        for root, path, _ in refs:
            if root != GLOBAL:
                state[root] = min(state.get(root, NONE), path)
                if holder is not None and not (isinstance(holder, A.Name) and holder.id == root):
                    self.note_origin(root, path, ("`{}`", holder), span)

    def note_origin(self, name: str, depth: int, other: tuple[str, A.Expr | None], span) -> None:
        origins = self.origins.setdefault(name, [])
        if not any(d <= depth and o == other for d, o, _ in origins):
            origins.append((depth, other, span))

    def shown(self, expr: A.Expr) -> str:
        """`expr` as the Python source reads it: the compiler's temporaries by what they stand for."""
        text = expr.id if isinstance(expr, A.Name) else print_expr(expr)
        return _GENERATED_NAME.sub(lambda m: self.python_names.get(m.group(), m.group()), text)

    def origin(self, name: str, depth: int) -> str:
        """What else holds the object at `depth` inside `name`, and since where."""
        for d, (template, holder), span in self.origins.get(name, ()):
            other = template if holder is None else template.format(self.shown(holder))
            if d <= depth and "$" not in other:  # a temporary the user does not see
                return other + (f" (shared at line {span.line})" if span is not None else "")
        return "another variable"

    def bind(self, state: dict, target, refs: list[Ref], span) -> None:
        """`target = <value with refs>`."""
        if isinstance(target, A.Name) and target.id not in self.read:
            return
        self.share(state, refs, target, span)
        if isinstance(target, A.Name):
            state[target.id] = min((d for _, _, d in refs), default=NONE)
            for root, _, depth in refs:
                if root != GLOBAL:
                    self.note_origin(target.id, depth, ("`{}`", A.Name(root)), span)
                elif depth > 0:  # `[[]] * 2`, `dict.fromkeys(keys, [])`: one object in several places
                    self.note_origin(target.id, depth, ("the other items of `{}`", target), span)
        elif isinstance(target, A.TupleExpr):
            for element in target.elts:
                self.bind(state, element, _index(refs), span)
        elif isinstance(target, A.Starred):  # a new list of the remaining items
            self.bind(state, target.value, _nested(refs), span)
        elif isinstance(target, (A.Subscript, A.Attribute)):
            key = target.index if isinstance(target, A.Subscript) else None
            self.change(state, target.value, _nested(refs), span, key)

    def change(self, state: dict, receiver: A.Expr, added: list[Ref], span, key: A.Expr | None = None, help: str = CHANGE_HELP) -> None:
        """The object `receiver` is changed in place and then holds `added`
        (`key`: the subscript it is changed at, for `receiver[key] = ...`)."""
        root, depth = _path(receiver)
        if root is None:
            return
        inside = [p for r, p, _ in added if r == root and p <= depth]
        if inside:
            shown = self.shown(receiver)
            # the root itself contains the receiver; a part of it at most `depth` deep may
            certain = min(inside) == 0
            what = f"`{root}`" if certain else f"a part of `{root}`"
            where = "itself" if shown == root else f"`{shown}`"
            why = "Python would build" if certain else "it may be the same object, and Python would then build"
            self.errors.setdefault(
                (span, "cycle " + shown),
                Reject("RPL0227", f"cannot put {what} inside {where}", None,
                       f"{why} a value that contains itself; put a copy in it instead (`list(x)`, `dict(x)`)"),
            )
        for iterated in self.iterating:
            if iterated.conflicts(receiver, key) and not self.leaves(iterated):
                shown = self.shown(receiver)
                self.errors.setdefault(
                    (span, "loop " + shown),
                    Reject("RPL0227", f"cannot change `{shown}` while a for loop iterates over it", None,
                           "Python's loop would see the change, RRL's loop does not: loop over a copy "
                           f"(`for ... in list({iterated.text})`) or collect the changes and apply them after the loop"),
                )
        if state.get(root, NONE) <= depth:
            shown = self.shown(receiver)
            self.errors.setdefault(
                (span, shown),
                Reject("RPL0227", f"cannot change `{shown}` in place: the same object may also be "
                       f"reachable from {self.origin(root, depth)}", None, help),
            )
        self.share(state, added, receiver, span)
        if REPEATED in added:
            self.note_origin(root, depth + 1, ("the other items of `{}`", receiver), span)
        state[root] = min([state.get(root, NONE)] + [depth + max(d, 1) for _, _, d in added])

    def leaves(self, iterated: _Iterated) -> bool:
        """Whether control leaves the loop over `iterated` after the current
        statement, before that loop takes its next item."""
        if self.finally_continues:
            return False
        innermost = len(self.loops) - 1
        return self.leaving == "return" or (self.leaving == "break" and iterated.level == innermost)

    # -------------------------------------------------------------- statements

    def block(self, stmts, state, leaving: str | None = None):
        """`leaving`: how control leaves the loops after the last statement (see `_leaving`)."""
        leavings = _leaving(stmts, leaving)
        for index, stmt in enumerate(stmts):
            if state is None:
                return None
            for observed in self.observers:
                observed.append(state)
            self.leaving = leavings[index]
            state = self.stmt(stmt, dict(state))
        for observed in self.observers:
            observed.append(state)
        return state

    def stmt(self, s, state):
        self.current = state
        leaving = self.leaving
        if isinstance(s, (A.If, A.For, A.While, A.Try)):
            self.leaving = None  # its blocks, which run after its header, may reach the loop's head
        for attr in ("test", "iter", "value", "exc", "seconds"):
            if isinstance(getattr(s, attr, None), A.Node):
                self.effects(getattr(s, attr), state, s.span)
        self.leaving = leaving
        if isinstance(s, A.Assign):
            if self.augmented.get(id(s)) is s and self.in_place(s):
                if s.value.op == "*":  # `xs *= n` repeats a list in place
                    self.change(state, s.target, [REPEATED], s.span, help=REPEAT_HELP)
                else:
                    self.change(state, s.target, _elements(self.refs(s.value.right, {})), s.span)
            else:
                self.bind(state, s.target, self.refs(_stored(s.target, s.value), {}), s.span)
            return state
        if isinstance(s, A.ExprStmt):
            return state
        if isinstance(s, A.Delete):
            for target in s.targets:
                self.effects(target, state, s.span)
                if isinstance(target, A.Name):
                    state[target.id] = NONE  # unbound: it refers to nothing any more
                else:  # `del d[k]` changes `d` in place, like `d.pop(k)`
                    self.change(state, target.value, [], s.span)
            return state
        if isinstance(s, A.CallStmt):
            if s.target is not None:
                self.bind(state, s.target, self.call_result(s.call, {}), s.span)
            else:
                self.call_result(s.call, {})
            return state
        if isinstance(s, A.Parallel):
            results = [r for c in s.calls for r in _nested(self.call_result(c, {}))]
            if s.target is not None:
                self.bind(state, s.target, results, s.span)
            return state
        if isinstance(s, A.ParallelFor):
            env = {n: _index(self.refs(s.iter, {})) for n in _names(s.loop_target)}
            results = _nested(self.call_result(s.call, env))
            if s.target is not None:
                self.bind(state, s.target, results, s.span)
            return state
        if isinstance(s, A.If):
            return self.join(self.block(s.body, dict(state), leaving), self.block(s.orelse, dict(state), leaving))
        if isinstance(s, (A.For, A.While)):
            return self.loop(s, state)
        if isinstance(s, A.Try):
            return self.try_(s, state)
        if isinstance(s, A.Break):
            self.loops[-1].breaks.append(state)
            return None
        if isinstance(s, A.Continue):
            self.loops[-1].continues.append(state)
            return None
        if isinstance(s, (A.Return, A.Raise)):
            return None
        return state  # Sleep

    def in_place(self, s: A.Assign) -> bool:
        """Whether `x op= y` (here `x = x op y`) may change the object `x` holds
        rather than rebind `x`: Python changes a list in place (`+=`, `*=`), a set
        (`|=`, `&=`, `^=`, `-=`) and a dict (`|=`), each with a value of its own
        kind on the right (RRL's `|`, ... take no other; `+=` takes any iterable). A number, a str or
        another scalar on either side is rebound to a new value (`n = x` then
        `n |= m` leaves `x` as it was)."""
        if isinstance(s.target, A.Name) and s.target.id in self.scalars:
            return False
        if s.value.op == "*":  # `n *= xs` rebinds `n` to a new list, but `xs *= n` repeats `xs`
            return True
        right = s.value.right
        if s.value.op == "+=" and (isinstance(right, A.FString) or isinstance(right, A.Constant) and isinstance(right.value, (str, bytes))):
            return True  # a list extends with the characters of a str (`xs += "ab"`)
        return not (_scalar(right, self.scalars) or isinstance(right, (A.Constant, A.FString, A.Compare, A.UnaryOp)))

    def call_result(self, call: A.AwaitCall, env: dict) -> list[Ref]:
        refs = [r for k in call.kwargs for r in self.refs(k.value, env)]
        if call.name in self.actions:
            return []  # arguments are serialised, results are fresh
        # A helper may return (part of) an argument: its result may share with them.
        return refs

    def loop(self, s, state):
        head = state
        iterated = _iterated(s, len(self.loops)) if isinstance(s, A.For) else []
        for _ in range(64):
            loop = _Loop()
            self.loops.append(loop)
            entered = dict(head)
            if isinstance(s, A.For):
                items = [] if _keys_of_iterated(s) else _index(self.refs(s.iter, {}))
                self.bind(entered, s.target, items, s.span)
            self.iterating.extend(iterated)
            out = self.block(s.body, entered)
            del self.iterating[len(self.iterating) - len(iterated):]
            self.loops.pop()
            new_head = self.join(head, out, *loop.continues)
            if new_head == head:
                break
            head = new_head
        normal = self.join(head, entered)
        return self.join(self.block(s.orelse, dict(normal)), *loop.breaks)

    def try_(self, s: A.Try, state):
        cancels = any(isinstance(node, A.Continue) for node in statements(s.finalbody))
        self.finally_continues += cancels
        try:
            return self._try(s, state)
        finally:
            self.finally_continues -= cancels

    def _try(self, s: A.Try, state):
        observed: list = []
        self.observers.append(observed)
        body = self.block(s.body, dict(state))
        self.observers.pop()
        handler_entry = self.join(state, *observed)
        handled: list = []
        self.observers.append(handled)
        outs = []
        for handler in s.handlers:
            entry = dict(handler_entry)
            if handler.name:
                entry[handler.name] = NONE
            outs.append(self.block(handler.body, entry))
        self.observers.pop()
        normal = self.join(self.block(s.orelse, dict(body)) if body is not None else None, *outs)
        if not s.finalbody:
            return normal
        self.block(s.finalbody, self.join(handler_entry, normal, *handled))  # every way into finally
        return self.block(s.finalbody, normal) if normal is not None else None


def check(program: A.Program, augmented: dict, python_names: dict[str, str], bodies: dict[int, list[A.Node]]) -> list[Reject]:
    """`augmented`: the assignments that stand for `xs += ys` (by id);
    `python_names`: what the user calls the compiler's temporaries;
    `bodies`: every node of each fn's and workflow's body (`rewrite.body_nodes`)."""
    actions = {a.name: a for a in program.actions}
    errors: list[Reject] = []
    for decl in [*program.fns, *program.workflows]:
        analysis = _Analysis(decl, bodies[id(decl)], augmented, actions, python_names)
        analysis.block(decl.body, dict(analysis.entry))
        for (span, _), reject in analysis.errors.items():
            reject.span = span
            errors.append(reject)
    return errors


# ------------------------------------------------------------------ helpers


def _stored(target: A.Expr, value: A.Expr) -> A.Expr:
    """What `target = value` puts in a place that was not there already:
    `d[k] = d.get(k, 0)` (or `d.setdefault(k, 0)`) stores back the object
    found at `d[k]`, or else the default."""
    if (
        isinstance(target, A.Subscript)
        and isinstance(value, A.Call)
        and isinstance(value.func, A.Attribute)
        and value.func.attr in ("get", "setdefault")
        and value.func.value == target.value
        and value.args[:1] == (target.index,)
        and not value.kwargs
        and _stable_index(target.index)
    ):
        return value.args[1] if len(value.args) > 1 else A.Constant(None)
    return value


def _stable_index(index: A.Expr) -> bool:
    """An index that names the same key when evaluated twice in a row: a
    constant, a variable, or an item or field of one (`row["k"]`)."""
    while isinstance(index, (A.Subscript, A.Attribute)):
        if isinstance(index, A.Subscript) and not _stable_index(index.index):
            return False
        index = index.value
    return isinstance(index, (A.Constant, A.Name))


# Scalars: values nothing can change in place (they cannot be shared in a way that shows).
_SCALAR_TYPES = frozenset({"str", "int", "float", "bool", "bytes"})
_SCALAR_BUILTINS = frozenset({"len", "str", "int", "float", "bool", "repr", "format", "abs", "round", "ord", "chr", "hash"})
_SCALAR_METHODS = frozenset({
    "strip", "lstrip", "rstrip", "upper", "lower", "title", "capitalize", "casefold", "swapcase", "replace", "join",
    "format", "zfill", "center", "ljust", "rjust", "removeprefix", "removesuffix", "startswith", "endswith", "find",
    "rfind", "index", "rindex", "count", "isdigit", "isalpha", "isalnum", "isspace", "isupper", "islower", "isnumeric",
    "isdecimal", "encode", "decode", "hex", "expandtabs",
})


def _scalar_type(t) -> bool:
    if isinstance(t, A.NoneType):
        return True
    if isinstance(t, A.UnionType):
        return all(_scalar_type(o) for o in t.options)
    return isinstance(t, A.NamedType) and t.name in _SCALAR_TYPES and not t.args


def _scalar(e: A.Expr, names: set[str]) -> bool:
    """`e` is a str, a number, a bool, bytes or None, given that `names` hold such values."""
    if isinstance(e, A.Constant):
        return isinstance(e.value, (str, int, float, bool, bytes, type(None)))
    if isinstance(e, (A.FString, A.Compare)):
        return True
    if isinstance(e, A.Name):
        return e.id in names
    if isinstance(e, A.UnaryOp):
        return e.op == "not" or _scalar(e.operand, names)
    if isinstance(e, A.BinOp):  # a str, a number or bytes on the left makes one, or raises; `3 * xs` is a list
        return _scalar(e.left, names) and (e.op != "*" or _scalar(e.right, names))
    if isinstance(e, A.BoolOp):
        return all(_scalar(v, names) for v in e.values)
    if isinstance(e, A.Conditional):
        return _scalar(e.body, names) and _scalar(e.orelse, names)
    if isinstance(e, A.Call) and isinstance(e.func, A.Name) and e.func.id in _SCALAR_BUILTINS:
        return e.func.id not in ("abs", "round") or all(_scalar(a, names) for a in e.args)
    if isinstance(e, A.Call) and isinstance(e.func, A.Attribute) and e.func.attr in _SCALAR_METHODS:
        return _scalar(e.func.value, names)
    return False


# The nodes `_scalar_names` learns from.
_SCALAR_EVIDENCE = (A.Assign, A.CallStmt, A.Parallel, A.ParallelFor, A.For, A.ExceptHandler, A.ListComp, A.DictComp, A.Lambda)


def _scalar_names(decl: A.FnDecl | A.WorkflowDecl, actions: dict[str, A.ActionDecl], body: list[A.Node], bound: set[str]) -> set[str]:
    """The variables of `decl` that only ever hold scalars: parameters annotated
    so, results of actions that return them, loop variables over `range()`, and
    names whose every assignment computes one (the largest such set).
    `body`: every node of its body; `bound`: `bound_names(decl)`."""
    params = {p.name: p for p in decl.params}
    assigned: dict[str, list[A.Expr]] = {}  # name → the values assigned to it
    other: set[str] = {name for name, p in params.items() if not _scalar_type(p.type)}
    for node in body:
        if not isinstance(node, _SCALAR_EVIDENCE):
            continue  # most nodes: one test instead of one per case below
        if isinstance(node, A.Assign):
            if isinstance(node.target, A.Name):
                assigned.setdefault(node.target.id, []).append(node.value)
            elif isinstance(node.target, (A.TupleExpr, A.Starred)):
                other.update(_names(node.target))
        elif isinstance(node, A.CallStmt) and node.target is not None:
            action = actions.get(node.call.name)
            if not (isinstance(node.target, A.Name) and action is not None and _scalar_type(action.returns)):
                other.update(_names(node.target))
        elif isinstance(node, (A.Parallel, A.ParallelFor)):
            other.update(_names(node.target) + (_names(node.loop_target) if isinstance(node, A.ParallelFor) else []))
        elif isinstance(node, A.For):
            counted = isinstance(node.iter, A.Call) and isinstance(node.iter.func, A.Name) and node.iter.func.id == "range"
            if not (counted and isinstance(node.target, A.Name)):
                other.update(_names(node.target))
        elif isinstance(node, A.ExceptHandler) and node.name:
            other.add(node.name)
        elif isinstance(node, (A.ListComp, A.DictComp)):
            other.update(n for gen in node.generators for n in _names(gen.target))
        elif isinstance(node, A.Lambda):
            other.update(node.params)
    names = (set(params) | bound) - other
    changed = True
    while changed:
        changed = False
        for name in list(names):
            if not all(_scalar(value, names) for value in assigned.get(name, ())):
                names.discard(name)
                changed = True
    return names


def _leaving(stmts: list, after: str | None) -> list[str | None]:
    """For each statement of a block, how control leaves the loops once it is
    done, whatever the statements after it do: "break" (the innermost loop),
    "return" (all of them), or None when it may reach the head of a loop again
    (`after`: how it leaves after the end of the block). The first of the
    statements after it that decides is what counts: read from the end, each
    statement is walked once."""
    leavings = [after] * len(stmts)
    for index in range(len(stmts) - 1, 0, -1):
        stmt = stmts[index]
        if any(isinstance(node, A.Continue) for node in statements((stmt,))):
            after = None
        elif isinstance(stmt, A.Break):
            after = "break"
        elif isinstance(stmt, A.Return):
            after = "return"
        elif isinstance(stmt, A.Raise):
            after = None  # a handler inside the loop may catch it
        leavings[index - 1] = after
    return leavings


def _path(expr: A.Expr) -> tuple[str | None, int]:
    depth = 0
    while isinstance(expr, (A.Subscript, A.Attribute)):
        expr = expr.value
        depth += 1
    return (expr.id, depth) if isinstance(expr, A.Name) else (None, depth)


def _names(target) -> list[str]:
    if isinstance(target, A.Name):
        return [target.id]
    if isinstance(target, A.TupleExpr):
        return [n for e in target.elts for n in _names(e)]
    if isinstance(target, A.Starred):
        return _names(target.value)
    return []


def _immutable_items(expr: A.Expr) -> bool:
    """`expr`, repeated, repeats only immutable items: a string, or a display of immutable values."""
    if isinstance(expr, (A.ListExpr, A.TupleExpr)):
        return all(not isinstance(elt, A.Starred) and _immutable(elt) for elt in expr.elts)
    return isinstance(expr, A.FString) or (isinstance(expr, A.Constant) and isinstance(expr.value, str))


def _immutable(expr: A.Expr) -> bool:
    """Adding this to a list is an error in Python too: `+=` is then a plain rebinding."""
    if isinstance(expr, A.Constant):
        return True
    if isinstance(expr, (A.FString, A.Compare)):
        return True
    if isinstance(expr, A.UnaryOp):
        return True
    if isinstance(expr, A.BinOp) and expr.op not in ("+", "+=", "*"):
        return True
    if isinstance(expr, A.Call) and isinstance(expr.func, A.Name) and expr.func.id in ("len", "int", "float", "abs", "round", "sum"):
        return True
    return False
