"""`eliminate_dead_code`: remove what can never run or whose result is never used.

In every block: statements after `return`/`raise`/`break`/`continue` (or after
an `if` whose every branch ends in one); `if` with a literal test (the taken
branch stays); `while` with a false literal test and `for` over an empty
literal (their `else` stays); `try` with an empty body (its `else` and
`finally` stay); `if` with two empty branches and a test that cannot raise;
assignments of a name or a literal to a `$` temporary that is never read.
An expression statement (`xs.sort()`) and anything that calls a mutating
method rebind a variable: they are kept wherever they can run.

In the program (when it has a workflow): fns no workflow reaches, and actions
and imported names nothing uses any more.
"""

from __future__ import annotations

from dataclasses import replace

from .. import ast as A
from ..check import has_effect
from ..walk import reads, walk
from .tree import NotLiteral, cannot_raise, is_literal, literal_value, map_blocks, map_decl_bodies

_TERMINATORS = (A.Return, A.Raise, A.Break, A.Continue)


def eliminate_dead_code(program: A.Program) -> A.Program:
    program = map_decl_bodies(program, _clean_body)
    return _prune_declarations(program)


# ------------------------------------------------------------------ blocks


def _clean_body(decl: A.WorkflowDecl | A.FnDecl) -> A.Decl:
    decl = map_blocks(decl, _clean_block)
    used = reads(decl.body)
    return map_blocks(decl, lambda block: tuple(s for s in block if not _unused_temporary(s, used)))


def _clean_block(block: tuple) -> tuple:
    out: list[A.Stmt] = []
    for stmt in block:
        out.extend(_clean_stmt(stmt))
        if out and _always_leaves(out[-1]):
            break
    return tuple(out)


def _always_leaves(stmt: A.Stmt) -> bool:
    """The statement never falls through to the next one."""
    if isinstance(stmt, _TERMINATORS):
        return True
    if isinstance(stmt, A.If):
        return bool(stmt.body) and bool(stmt.orelse) and _always_leaves(stmt.body[-1]) and _always_leaves(stmt.orelse[-1])
    return False


def _truth(expr: A.Expr) -> bool | None:
    try:
        return bool(literal_value(expr))
    except NotLiteral:
        return None


def _clean_stmt(stmt: A.Stmt) -> tuple:
    """The statements that replace `stmt` (itself, a branch, or nothing)."""
    match stmt:
        case A.If(test=test, body=body, orelse=orelse):
            taken = _truth(test)
            if taken is not None:
                return body if taken else orelse
            if not body and not orelse and cannot_raise(test) and not has_effect(test):
                return ()
        case A.While(test=test, orelse=orelse) if _truth(test) is False:
            return orelse
        case A.For(iter=iter_, orelse=orelse) if _is_empty_literal(iter_):
            return orelse
        case A.Try(body=(), orelse=orelse, finalbody=finalbody):
            if orelse and finalbody:
                # The `else` still runs before the `finally`, even when it raises.
                return (replace(stmt, body=orelse, handlers=(), orelse=()),)
            return orelse + finalbody
    return (stmt,)


def _is_empty_literal(expr: A.Expr) -> bool:
    return is_literal(expr) and literal_value(expr) in ("", [], (), {})


def _unused_temporary(stmt: A.Stmt, used) -> bool:
    return (
        isinstance(stmt, A.Assign)
        and isinstance(stmt.target, A.Name)
        and stmt.target.id.startswith("$")
        and not used[stmt.target.id]
        and (isinstance(stmt.value, A.Name) or is_literal(stmt.value))
        and not has_effect(stmt.value)
    )


# ------------------------------------------------------------------ declarations


def _prune_declarations(program: A.Program) -> A.Program:
    if not program.workflows:
        return program  # a library of declarations: nothing says what is used
    fns = {f.name: f for f in program.fns}
    reached: set[str] = set()
    pending = [w for w in program.workflows]
    while pending:
        decl = pending.pop()
        for node in (n for s in decl.body for n in walk(s)):
            if isinstance(node, A.AwaitCall) and node.name in fns and node.name not in reached:
                reached.add(node.name)
                pending.append(fns[node.name])
    decls = [d for d in program.decls if not isinstance(d, A.FnDecl) or d.name in reached]
    called = {n.name for d in decls for n in walk(d) if isinstance(n, A.AwaitCall)}
    decls = [d for d in decls if not isinstance(d, A.ActionDecl) or d.name in called]
    # Classes: those the other declarations mention, and what these need in turn.
    classes = {d.name: d for d in decls if isinstance(d, A.ClassDecl)}
    needed: set[str] = set()
    pending = list(_mentioned_names(d for d in decls if not isinstance(d, A.ClassDecl)))
    while pending:
        name = pending.pop()
        if name in classes and name not in needed:
            needed.add(name)
            pending += [*classes[name].bases, *_mentioned_names([classes[name]])]
    kept = [d for d in decls if not isinstance(d, A.ClassDecl) or d.name in needed]
    return replace(program, decls=tuple(kept))


def _mentioned_names(decls) -> set[str]:
    """Names read, caught, retried on, or used in a type, anywhere in `decls`."""
    names: set[str] = set()
    for decl in decls:
        names.update(reads(decl))
        for node in walk(decl):
            match node:
                case A.NamedType(name=name):
                    names.add(name)
                case A.ExceptHandler(types=types) | A.RetryPolicy(on=types):
                    names.update(types or ())
    return names
