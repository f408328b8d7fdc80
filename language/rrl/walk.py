"""Generic traversal of the immutable AST."""

from __future__ import annotations

import dataclasses
import functools
from collections import Counter
from typing import Callable, Iterable, Iterator

from . import ast as A


# Field annotations that hold no node: walks skip such fields (a `Name` has no child to look for).
_SCALAR_FIELDS = frozenset({
    "str", "str | None", "bool", "int", "int | None", "tuple[str, ...]", "tuple[str, ...] | None",
    "int | float | str | bool | None",
})


@functools.cache
def child_fields(cls: type) -> tuple[str, ...]:
    """The fields of a node class that may hold nodes (not the span, nor those
    its annotations say hold strings, numbers or flags)."""
    return tuple(f.name for f in dataclasses.fields(cls) if f.name != "span" and f.type not in _SCALAR_FIELDS)


def children(node) -> list:
    """The direct child nodes of `node`, in field order."""
    found: list = []
    for name in child_fields(type(node)):
        value = getattr(node, name)
        if isinstance(value, A.Node):
            found.append(value)
        elif isinstance(value, tuple):
            _nodes_in(value, found)
    return found


def _nodes_in(items: tuple, found: list) -> None:
    for item in items:
        if isinstance(item, A.Node):
            found.append(item)
        elif isinstance(item, tuple):
            _nodes_in(item, found)


def walk(node) -> Iterator:
    """`node` and every node below it, depth first, in source order."""
    stack = [node]
    while stack:
        node = stack.pop()
        yield node
        below = children(node)
        below.reverse()
        stack.extend(below)


def statements(block: Iterable[A.Node]) -> list[A.Node]:
    """The statements of a block and the statements and handlers nested in
    their blocks, in source order (not the expressions they evaluate).
    Iterative: a deep `elif` chain would make recursive generators quadratic."""
    found: list[A.Node] = []
    stack = list(block)
    stack.reverse()
    while stack:
        node = stack.pop()
        found.append(node)
        match node:
            case A.If() | A.For() | A.While():
                inner = [*node.body, *node.orelse]
            case A.Try():
                inner = [*node.body, *node.orelse, *node.finalbody, *node.handlers]
            case A.ExceptHandler():
                inner = list(node.body)
            case _:
                continue
        inner.reverse()
        stack.extend(inner)
    return found


def rewrite(node, fn: Callable, keep: tuple[type, ...] = ()):
    """Rebuild `node` bottom-up: every child is rewritten first, then `fn` is
    applied to the rebuilt node and its result replaces it. Spans are kept.
    Nodes below `node` of a type in `keep` are kept as they are, unvisited
    (a rewrite that has nothing to change in them)."""

    def visit(value):
        if isinstance(value, A.Node):
            return value if isinstance(value, keep) else rewrite(value, fn, keep)
        if isinstance(value, tuple):
            items = tuple(visit(item) for item in value)
            # Unchanged subtrees stay the same objects: nothing above them is rebuilt.
            return value if all(new is old for new, old in zip(items, value)) else items
        return value

    changes = {}
    for name in child_fields(type(node)):
        old = getattr(node, name)
        new = visit(old)
        if new is not old:
            changes[name] = new
    rebuilt = dataclasses.replace(node, **changes) if changes else node
    return fn(rebuilt)


def bound_names(node) -> set[str]:
    """Every name a statement list, fn or expression binds (assignment and
    loop targets, `except ... as`, comprehension and lambda variables, params,
    and the names `del` unbinds, which are locals as in Python)."""
    return names_bound_by(walk(node))


# The nodes that may bind a name.
_BINDERS = (A.Assign, A.CallStmt, A.Parallel, A.For, A.Comprehension, A.ParallelFor, A.Delete, A.ExceptHandler, A.Lambda, A.Param)


def names_bound_by(nodes: Iterable) -> set[str]:
    """`bound_names` of a tree already walked: what `nodes` (every node of it) bind."""
    names: set[str] = set()

    def targets(target) -> None:
        if isinstance(target, A.Name):
            names.add(target.id)
        elif isinstance(target, A.TupleExpr):
            for elt in target.elts:
                targets(elt)
        elif isinstance(target, A.Starred):
            targets(target.value)

    for sub in nodes:
        if not isinstance(sub, _BINDERS):
            continue  # most nodes: one test instead of one per case below
        match sub:
            case A.Assign(target=t) | A.CallStmt(target=t) | A.Parallel(target=t) | A.For(target=t) | A.Comprehension(target=t):
                if t is not None:
                    targets(t)
            case A.ParallelFor(target=t, loop_target=loop_target):
                if t is not None:
                    targets(t)
                targets(loop_target)
            case A.Delete(targets=deleted):
                for t in deleted:
                    targets(t)
            case A.ExceptHandler(name=name) if name:
                names.add(name)
            case A.Lambda(params=params):
                names.update(params)
            case A.Param(name=name):
                names.add(name)
    return names


def rename(node, mapping: dict[str, str]):
    """Rename variables: `Name` nodes, lambda params and `except ... as` names.
    Attribute fields, keyword names and callee names are not variables."""
    if not mapping:
        return node

    def fn(n):
        match n:
            case A.Name(id=name) if name in mapping:
                return dataclasses.replace(n, id=mapping[name])
            case A.Lambda(params=params):
                return dataclasses.replace(n, params=tuple(mapping.get(p, p) for p in params))
            case A.ExceptHandler(name=name) if name in mapping:
                return dataclasses.replace(n, name=mapping[name])
            case A.Param(name=name) if name in mapping:
                return dataclasses.replace(n, name=mapping[name])
        return n

    return rewrite(node, fn)


# ------------------------------------------------------------------ reads


# Fields that bind: their names are written, the inside of `x[i]` / `x.f` is read.
# `del` targets are targets too (a deleted name is never replaced by a value),
# but every name in them counts as read: `del x` needs `x` bound.
TARGET_FIELDS = {
    A.Assign: ("target",), A.CallStmt: ("target",), A.Parallel: ("target",),
    A.ParallelFor: ("target", "loop_target"), A.For: ("target",), A.Delete: ("targets",),
}


def reads(node) -> Counter:
    """How many times each name is read below `node` (binding targets are not
    reads; what `del` deletes is)."""
    counter: Counter = Counter()
    _count_reads(node, counter)
    return counter


def names_read(nodes: Iterable[A.Node]) -> set[str]:
    """The names `reads` finds in a tree already walked (`nodes`: every node of
    it, the same object once per place): every `Name` counted, less those that
    binding targets hold where they bind (not inside `x[i]` or `x.f`)."""
    nodes = list(nodes)
    counter = Counter(node.id for node in nodes if isinstance(node, A.Name))
    for node in nodes:
        for name in _BINDING_FIELDS.get(type(node), ()):
            _uncount_bound(getattr(node, name), counter)
    return {name for name, count in counter.items() if count > 0}


# The fields `_count_reads` takes as binding targets: `del` reads its targets.
_BINDING_FIELDS = {**{cls: names for cls, names in TARGET_FIELDS.items() if cls is not A.Delete}, A.Comprehension: ("target",)}


def _uncount_bound(target, counter: Counter) -> None:
    """Take off the names a target binds, and everything in a part of it `reads` does not enter."""
    match target:
        case A.Name(id=name):
            counter[name] -= 1
        case A.TupleExpr(elts=elts):
            for elt in elts:
                _uncount_bound(elt, counter)
        case A.Starred(value=value):
            _uncount_bound(value, counter)
        case A.Subscript() | A.Attribute() | None:
            pass
        case _:
            counter.subtract(node.id for node in walk(target) if isinstance(node, A.Name))


def _count_reads(node, counter: Counter) -> None:
    if isinstance(node, tuple):
        for item in node:
            _count_reads(item, counter)
        return
    if not isinstance(node, A.Node):
        return
    if isinstance(node, A.Name):
        counter[node.id] += 1
        return
    if isinstance(node, A.Comprehension):
        targets: tuple[str, ...] = ("target",)
    elif isinstance(node, A.Delete):
        targets = ()  # `del x` reads `x`; `del d[k]` reads `d` and `k`
    else:
        targets = TARGET_FIELDS.get(type(node), ())
    for name in child_fields(type(node)):
        (_count_target_reads if name in targets else _count_reads)(getattr(node, name), counter)


def _count_target_reads(target, counter: Counter) -> None:
    """`x` binds; `d[k]` reads `d` and `k`; `x.f` reads `x`."""
    match target:
        case A.TupleExpr(elts=elts):
            for elt in elts:
                _count_target_reads(elt, counter)
        case A.Subscript(value=value, index=index):
            _count_reads(value, counter)
            _count_reads(index, counter)
        case A.Attribute(value=value):
            _count_reads(value, counter)
        case A.Starred(value=value):
            _count_target_reads(value, counter)
