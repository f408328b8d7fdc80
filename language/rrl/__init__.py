"""The Rappel Runtime Language: a small, standalone textual language for
durable workflows. Parse → check → optimize → lower to a DAG → execute.

This package knows nothing of Python source code, Postgres or gRPC.
"""

from . import ast
from .diagnostics import Diagnostic, DiagnosticError, render, render_all
from .parser import parse, parse_expr
from .printer import print_expr, print_program

__all__ = [
    "Diagnostic",
    "DiagnosticError",
    "ast",
    "parse",
    "parse_expr",
    "print_expr",
    "print_program",
    "render",
    "render_all",
]
