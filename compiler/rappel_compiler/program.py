"""Collects the declarations one workflow's program needs, then assembles it.

Only what the workflow uses is declared (transitively through its helpers).
Order: imports (by module), consts, actions (by name), fns (by name), the
workflow.
"""

from __future__ import annotations

from dataclasses import dataclass

from rrl import ast as A
from rrl.keywords import is_reserved

from . import dialect


@dataclass
class _Const:
    sort_key: tuple
    decl: A.ConstDecl | None  # None while its value is being lowered


class ProgramBuilder:
    def __init__(self, module: str, avoid: set[str] = frozenset()):
        self.module = module
        self.avoid = set(avoid)  # names bound by the workflow's functions: consts and types must differ
        self._imports: dict[tuple[str, str], str] = {}  # (module, name) → local name
        self._taken: dict[str, tuple[str, str]] = {}  # local name → (module, name)
        self._consts: dict[str, _Const] = {}  # RRL name → const
        self._const_names: dict[tuple, str] = {}  # identity → RRL name
        self.actions: dict[str, A.ActionDecl] = {}
        self._action_owner: dict[str, tuple] = {}  # registered name → identity
        self.fns: dict[str, A.FnDecl] = {}

    # -------------------------------------------------------------- types

    def type_name(self, module: str, name: str, preferred: str | None = None) -> str:
        """The local RRL name of the Python class `module.name`, declaring the import."""
        if module == "builtins" and name in dialect.RRL_EXCEPTIONS:
            return name
        key = (module, name)
        if key in self._imports:
            return self._imports[key]
        local = preferred or name.rpartition(".")[2]
        if is_reserved(local):  # `from m import sleep` would make `sleep` a name of the program
            local += "_"
        candidate, n = local, 1
        while (candidate in self._taken and self._taken[candidate] != key) or self._clashes(candidate):
            n += 1
            candidate = f"{local}_{n}"
        self._imports[key] = candidate
        self._taken[candidate] = key
        return candidate

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

    def build(self, workflow: A.WorkflowDecl) -> A.Program:
        by_module: dict[str, list[tuple[str, str | None]]] = {}
        for (module, name), local in self._imports.items():
            by_module.setdefault(module, []).append((name, None if local == name else local))
        imports = [A.ImportDecl(module, tuple(sorted(names))) for module, names in sorted(by_module.items())]
        consts = [c.decl for c in sorted(self._consts.values(), key=lambda c: c.sort_key) if c.decl is not None]
        actions = [self.actions[name] for name in sorted(self.actions)]
        fns = [self.fns[name] for name in sorted(self.fns)]
        return A.Program((*imports, *consts, *actions, *fns, workflow))
