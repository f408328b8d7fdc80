"""The Rappel Runtime Language: a small, standalone textual language for
durable workflows. Parse → check → optimize → lower to a DAG → execute.

This package knows nothing of Python source code, Postgres or gRPC.

The names below load on first use, so that `import rrl.codec` (what a worker
needs) does not load the parser and its grammar.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from . import ast
    from .diagnostics import Diagnostic, DiagnosticError, render, render_all
    from .parser import parse, parse_expr
    from .printer import print_expr, print_program

_HOMES = {
    "ast": None,
    "Diagnostic": "diagnostics",
    "DiagnosticError": "diagnostics",
    "render": "diagnostics",
    "render_all": "diagnostics",
    "parse": "parser",
    "parse_expr": "parser",
    "print_expr": "printer",
    "print_program": "printer",
}

__all__ = sorted(_HOMES, key=str.lower)


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'rrl' has no attribute {name!r}")
    home = _HOMES[name]
    value = importlib.import_module(f".{name if home is None else home}", __name__)
    if home is not None:
        value = getattr(value, name)
    globals()[name] = value
    return value
