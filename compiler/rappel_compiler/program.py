"""Collects the declarations one workflow's program needs, then assembles it.

Only what the workflow uses is declared (transitively through its helpers).
Order: classes (exceptions, enums, models, dataclasses; by name), consts,
actions (by name), fns (by name), the workflow.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import libcst as cst

from rrl import ast as A
from rrl import builtins as rrl_builtins
from rrl.keywords import is_reserved
from rrl.walk import rewrite

from . import dialect
from .diagnostics import Reject

# Names RRL gives a meaning without a declaration: a class declared under one would
# hide the builtin (a user's `TimeoutError` is declared `TimeoutError_2`).
_BUILTIN_NAMES = frozenset(dialect.RRL_EXCEPTIONS | set(dialect.BUILTIN_FUNCTIONS) | rrl_builtins.TYPES | rrl_builtins.TYPE_NAMES | {"Optional"})

# The order of class declarations: by kind, then by name.
_KIND_ORDER = {"exception": 0, "enum": 1, "model": 2, "dataclass": 3, "namedtuple": 4}


@dataclass
class _Const:
    sort_key: tuple
    decl: A.ConstDecl | None  # None while its value is being lowered


class ProgramBuilder:
    def __init__(self, module: str, avoid: set[str] = frozenset()):
        self.module = module
        self.avoid = set(avoid)  # names bound by the workflow's functions: consts and types must differ
        self._classes: dict[tuple[str, str], str] = {}  # (module, qualname) → local name
        self._taken: dict[str, tuple[str, str]] = {}  # local name → (module, qualname)
        self._named_at: dict[tuple[str, str], cst.CSTNode] = {}  # where a class is first named
        self._consts: dict[str, _Const] = {}  # RRL name → const
        self._const_names: dict[tuple, str] = {}  # identity → RRL name
        self.actions: dict[str, A.ActionDecl] = {}
        self._action_owner: dict[str, tuple] = {}  # registered name → identity
        self.fns: dict[str, A.FnDecl] = {}

    # -------------------------------------------------------------- types

    def type_name(self, module: str, name: str, preferred: str | None = None, node: cst.CSTNode | None = None) -> str:
        """The RRL name of the Python class `module.name` (its qualname), declaring
        the class; `node` is where the workflow names it."""
        if module == "builtins" and name in dialect.RRL_EXCEPTIONS:
            return name
        key = (module, name)
        if node is not None:
            self._named_at.setdefault(key, node)
        if key in self._classes:
            return self._classes[key]
        local = preferred or name.rpartition(".")[2]
        if is_reserved(local):  # a class named `sleep` would make `sleep` a name of the program
            local += "_"
        candidate, n = local, 1
        while (candidate in self._taken and self._taken[candidate] != key) or self._clashes(candidate) or candidate in _BUILTIN_NAMES:
            n += 1
            candidate = f"{local}_{n}"
        self._classes[key] = candidate
        self._taken[candidate] = key
        return candidate

    def inline_consts(self, expr: A.Expr) -> A.Expr:
        """`expr` with the consts it names replaced by their values: a class
        declaration is complete in itself."""
        values = {name: const.decl.value for name, const in self._consts.items() if const.decl is not None}

        def replace(node):
            return rewrite(values[node.id], replace) if isinstance(node, A.Name) and node.id in values else node

        return rewrite(expr, replace)

    # -------------------------------------------------------------- consts

    def const_name(self, identity: tuple, preferred: str) -> tuple[str, bool]:
        """The RRL name of a constant; True when it is new (declare it)."""
        if identity in self._const_names:
            return self._const_names[identity], False
        candidate, n = preferred, 1
        # A const named like a builtin function would hide it (`format` of `Export.format`).
        while candidate in self._consts or candidate in self._taken or self._clashes(candidate) or candidate in dialect.BUILTIN_FUNCTIONS:
            n += 1
            candidate = f"{preferred}_{n}"
        self._const_names[identity] = candidate
        self._consts[candidate] = _Const((), None)
        return candidate, True

    def set_const(self, name: str, value: A.Expr, sort_key: tuple, span: A.Span | None = None) -> None:
        self._consts[name] = _Const(sort_key, A.ConstDecl(name, value, span=span))

    def _clashes(self, name: str) -> bool:
        return name in self.avoid or name in self.fns or name in self.actions or name in self._consts

    def drop_const(self, name: str) -> None:
        self._consts.pop(name, None)

    # -------------------------------------------------------------- actions

    def add_action(self, identity: tuple, decl: A.ActionDecl) -> bool:
        """Declare an action; False when another action has the same registered name."""
        owner = self._action_owner.get(decl.name)
        if owner is not None:
            return owner == identity
        self._action_owner[decl.name] = identity
        self.actions[decl.name] = decl
        return True

    # -------------------------------------------------------------- assembly

    def build(
        self,
        workflow: A.WorkflowDecl,
        declare: Callable[[str, str, str], A.ClassDecl],
        report: Callable[[Reject], None],
    ) -> A.Program:
        """The program. `declare(module, qualname, name)` declares
        each class named so far, which may name more classes; a `Reject` it
        raises goes to `report`, located where the workflow first named the class."""
        classes: dict[tuple[str, str], A.ClassDecl] = {}
        failed: set[tuple[str, str]] = set()
        while pending := [key for key in self._classes if key not in classes and key not in failed]:
            for key in pending:
                try:
                    classes[key] = declare(*key, self._classes[key])
                except Reject as reject:
                    failed.add(key)
                    report(reject.at(self._named_at.get(key)) if self._named_at.get(key) is not None else reject)
        declared = sorted(classes.values(), key=lambda c: (_KIND_ORDER[c.kind], c.name))
        consts = [c.decl for c in sorted(self._consts.values(), key=lambda c: c.sort_key) if c.decl is not None]
        actions = [self.actions[name] for name in sorted(self.actions)]
        fns = [self.fns[name] for name in sorted(self.fns)]
        return A.Program((*declared, *consts, *actions, *fns, workflow))
