"""Small rewrites of a finished RRL tree, on `rrl.walk`'s generic traversal."""

from __future__ import annotations

import dataclasses

from rrl import ast as A
from rrl.walk import rename, rewrite, walk

TEMP_PREFIX = "$t"


def rename_calls(program: A.Program, mapping: dict[str, str]) -> A.Program:
    """Rename fns: their declarations and every `await name(...)`."""

    def fn(node):
        if isinstance(node, (A.AwaitCall, A.FnDecl)) and node.name in mapping:
            return dataclasses.replace(node, name=mapping[node.name])
        return node

    return rewrite(program, fn)


def renumber_temps(decl: A.FnDecl | A.WorkflowDecl) -> A.FnDecl | A.WorkflowDecl:
    """Number the compiler's temporaries `$t1, $t2, …` in the order they appear."""
    order: dict[str, str] = {}
    for node in walk(decl):
        if isinstance(node, A.Name) and node.id.startswith(TEMP_PREFIX) and node.id not in order:
            order[node.id] = f"{TEMP_PREFIX}{len(order) + 1}"
    mapping = {old: new for old, new in order.items() if old != new}
    return rename(decl, mapping) if mapping else decl
