"""Small rewrites of a finished RRL tree, on `rrl.walk`'s generic traversal."""

from __future__ import annotations

import dataclasses
import itertools
import typing

from rrl import ast as A
from rrl.walk import rename, rewrite, walk

TEMP_PREFIX = "$t"


# What holds no `await name(...)` (it is a statement's part): `rename_calls` does not enter it.
_WITHOUT_CALLS = (*typing.get_args(A.Expr), A.NamedType, A.NoneType, A.UnionType, A.Param, A.ClassDecl, A.ConstDecl, A.ActionDecl)


def rename_calls(program: A.Program, mapping: dict[str, str]) -> A.Program:
    """Rename fns: their declarations and every `await name(...)`."""
    if not mapping:
        return program

    def fn(node):
        if isinstance(node, (A.AwaitCall, A.FnDecl)) and node.name in mapping:
            return dataclasses.replace(node, name=mapping[node.name])
        return node

    return rewrite(program, fn, keep=_WITHOUT_CALLS)


def body_nodes(program: A.Program) -> dict[int, list[A.Node]]:
    """Every node of the body of each fn and workflow, by the declaration's id:
    the passes over a program just lowered share this one walk."""
    return {id(decl): [node for stmt in decl.body for node in walk(stmt)] for decl in (*program.fns, *program.workflows)}


def renumber_temps(decl: A.FnDecl | A.WorkflowDecl, body: list[A.Node]) -> A.FnDecl | A.WorkflowDecl:
    """Number the compiler's temporaries `$t1, $t2, …` in the order they appear
    (`body`: every node of the declaration's body)."""
    order: dict[str, str] = {}
    for node in itertools.chain((node for param in decl.params for node in walk(param)), body):
        if isinstance(node, A.Name) and node.id.startswith(TEMP_PREFIX) and node.id not in order:
            order[node.id] = f"{TEMP_PREFIX}{len(order) + 1}"
    mapping = {old: new for old, new in order.items() if old != new}
    return rename(decl, mapping) if mapping else decl
