"""`propagate_copies`: forward compiler temporaries (`$` names) into their one use.

1. `$t = await f(...)` (or a `parallel` block) directly followed by `x = $t`,
   where `$t` is read nowhere else, becomes `x = await f(...)`.
2. `$t = <expr>` whose only read is in the next statement, at a place that is
   evaluated exactly once before that statement binds anything, becomes that
   statement with `<expr>` in place of `$t` — provided the move cannot change
   which exception is raised: when `<expr>` may raise, everything the next
   statement evaluates before it must be unable to raise, and the use may not
   sit under a short-circuit or a branch. A use inside a lambda or a
   comprehension body is never replaced (it may run many times, or never).

A call of a mutating method (`xs.sort()`, `d.pop(k)`) writes the variable at
the root of its receiver, and so does `del d[k]`. A temporary is never
replaced where it is that receiver, its value is never moved past a call that
changes a variable the value reads, and a value that changes a variable is
never moved past a read of that variable (the root of `d[$t] = v` is read
before `$t`), nor into a `parallel` branch (where the change is lost). In a
`del`, only the indexes of the first target are evaluated before anything is
deleted; a temporary is replaced there only.

User variables are never removed: they name DAG nodes and show in debugging.
"""

from __future__ import annotations

from dataclasses import replace

from .. import ast as A
from ..check import mutated_receiver, target_root
from ..limits import depth
from ..walk import reads, walk
from .tree import cannot_raise, evaluation_children, map_blocks, map_decl_bodies, map_exprs, occurs, substitute

_FOUND, _CLEAN, _RAISES, _UNSAFE = "found", "clean", "raises", "unsafe"


def propagate_copies(program: A.Program) -> A.Program:
    return map_decl_bodies(program, _propagate_body)


def _propagate_body(decl: A.WorkflowDecl | A.FnDecl) -> A.Decl:
    used = reads(decl.body)
    return map_blocks(decl, lambda block: _propagate_block(block, used))


def _is_temporary(target: A.Expr | None) -> bool:
    return isinstance(target, A.Name) and target.id.startswith("$")


def _propagate_block(block: tuple, used) -> tuple:
    stmts = list(block)
    out: list[A.Stmt] = []
    index = 0
    while index < len(stmts):
        stmt = stmts[index]
        following = stmts[index + 1] if index + 1 < len(stmts) else None
        if following is not None and _is_temporary(getattr(stmt, "target", None)) and used[stmt.target.id] == 1:
            name = stmt.target.id
            if isinstance(stmt, (A.CallStmt, A.Parallel, A.ParallelFor)) and _is_copy_of(following, name):
                out.append(replace(stmt, target=following.target))
                index += 2
                continue
            if isinstance(stmt, A.Assign) and stmt.annotation is None and _can_substitute(following, name, stmt.value):
                merged = _substitute_in(following, name, stmt.value)
                if _not_deeper(merged, stmt, following):
                    stmts[index + 1] = merged
                    index += 1
                    continue
        out.append(stmt)
        index += 1
    return tuple(out)


# A statement may grow to this depth by taking in a temporary's value; beyond it
# only if it is no deeper than one of the two was. The compiler splits long
# chains of operators into temporaries to keep a program within
# rrl.limits.MAX_DEPTH; merging them back would undo that.
MERGED_MAX_DEPTH = 64


def _not_deeper(merged: A.Stmt, *parts: A.Stmt) -> bool:
    return depth(merged) <= max(MERGED_MAX_DEPTH, *(depth(part) for part in parts))


def _is_copy_of(stmt: A.Stmt, name: str) -> bool:
    return isinstance(stmt, A.Assign) and stmt.annotation is None and stmt.value == A.Name(name)


def _evaluated_first(stmt: A.Stmt) -> list[A.Expr]:
    """What a statement evaluates, in order, before it binds or branches;
    the roots of `d[k] = ...` targets are left out (they must stay names)."""
    match stmt:
        case A.Assign(target=target, value=value):
            return [value, *_target_indexes(target)]
        case A.CallStmt(target=target, call=call):
            return [*(k.value for k in call.kwargs), *_target_indexes(target)]
        case A.Parallel(target=target, calls=calls):
            return [*(k.value for c in calls for k in c.kwargs), *_target_indexes(target)]
        case A.ParallelFor(iter=value) | A.If(test=value) | A.For(iter=value) | A.Sleep(seconds=value) | A.ExprStmt(value=value):
            return [value]
        case A.Delete(targets=(first, *_)):
            return _target_indexes(first)
        case A.Raise(exc=value, cause=cause) if value is not None:
            return [value] if cause is None else [value, cause]
        case A.Return(value=value) if value is not None:
            return [value]
    return []


def _target_indexes(target: A.Expr | None) -> list[A.Expr]:
    match target:
        case A.TupleExpr(elts=elts):
            return [e for elt in elts for e in _target_indexes(elt)]
        case A.Subscript(value=value, index=index):
            parts = [index] if not isinstance(index, A.Slice) else [p for p in (index.lower, index.upper, index.step) if p is not None]
            return _target_indexes(value) + parts
        case A.Attribute(value=value) | A.Starred(value=value):
            return _target_indexes(value)
    return []


def _written(exprs) -> set[str]:
    """The variables the mutating method calls in `exprs` rebind (anywhere,
    lambdas and comprehensions included: this must be conservative)."""
    names: set[str] = set()
    for expr in exprs:
        for node in walk(expr):
            receiver = mutated_receiver(node)
            root = target_root(receiver) if receiver is not None else None
            if root is not None:
                names.add(root.id)
            elif receiver is not None:
                names.add("")  # a change of no variable: the checker rejects it; stay away
    return names


def _keeps_writes_in_order(stmt: A.Stmt, name: str, value: A.Expr) -> bool:
    """Moving `value` to the read of `name` in `stmt` moves no read of a
    variable across a change of it."""
    evaluated = _evaluated_first(stmt)
    written_there = _written(evaluated)
    if name in written_there or written_there & set(reads(value)) or "" in written_there:
        return False
    written_here = _written([value])
    if not written_here:
        return True
    if isinstance(stmt, A.Parallel):
        return False
    read_there = set().union(*(reads(expr) for expr in evaluated), _roots_read_before(stmt, name)) - {name}
    return not (written_here & read_there) and "" not in written_here


def _roots_read_before(stmt: A.Stmt, name: str) -> set[str]:
    """The variables at the root of `x[...]` / `x.f` targets whose indexes read
    `name`: each root is read before its indexes are evaluated."""
    match stmt:
        case A.Delete(targets=targets):
            targets = targets[:1]
        case A.Assign(target=target) | A.CallStmt(target=target) | A.Parallel(target=target):
            targets = (target,)
        case _:
            return set()
    places = (node for target in targets if target is not None for node in walk(target) if isinstance(node, (A.Subscript, A.Attribute)))
    roots = (target_root(place) for place in places if occurs(place, name))
    return {root.id for root in roots if root is not None}


def _can_substitute(stmt: A.Stmt, name: str, value: A.Expr) -> bool:
    if not _keeps_writes_in_order(stmt, name, value):
        return False
    strict = not cannot_raise(value)
    for expr in _evaluated_first(stmt):
        result = _scan(expr, name, strict)
        if result == _FOUND:
            return True
        if result == _UNSAFE or (strict and result == _RAISES):
            return False
    return False


def _scan(expr, name: str, strict: bool) -> str:
    """Walk `expr` in evaluation order up to the read of `name`."""
    if not occurs(expr, name):
        return _CLEAN if isinstance(expr, A.Node) and _node_cannot_raise(expr) else _RAISES
    if isinstance(expr, A.Name):
        return _FOUND
    once, maybe = evaluation_children(expr)
    for child in maybe:
        if occurs(child, name):
            # A branch or short-circuit operand may be skipped: fine for a value
            # that cannot raise, unless it is a scope of its own.
            if strict or isinstance(expr, (A.Lambda, A.ListComp, A.DictComp)):
                return _UNSAFE
            return _scan(child, name, strict)
    for child in once:
        result = _scan(child, name, strict)
        if result in (_FOUND, _UNSAFE):
            return result
        if strict and result == _RAISES:
            return _UNSAFE
    return _UNSAFE


def _node_cannot_raise(expr: A.Node) -> bool:
    return cannot_raise(expr) if not isinstance(expr, (A.Comprehension, A.Keyword)) else False


def _substitute_in(stmt: A.Stmt, name: str, value: A.Expr) -> A.Stmt:
    return map_exprs(stmt, lambda expr: substitute(expr, {name: value}))
