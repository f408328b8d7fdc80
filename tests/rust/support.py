"""What the differential tests of the Rust implementation (runtime-rs/) share:
the `rrl` binary, and the Python side's view of a program in the shape `rrl`
prints it."""

from __future__ import annotations

import dataclasses
import functools
import os
import shutil
import subprocess
from pathlib import Path

import rrl
from rrl import ast as A
from rrl.diagnostics import DiagnosticError

ROOT = Path(__file__).resolve().parents[2]
WORKSPACE = ROOT / "runtime-rs"


@functools.cache
def rrl_binary() -> Path | None:
    """The `rrl` binary, built from the workspace (debug); None without cargo."""
    if shutil.which("cargo") is None:
        return None
    subprocess.run(
        ["cargo", "build", "--quiet", "--locked", "--bin", "rrl"],
        cwd=WORKSPACE,
        check=True,
        env={**os.environ, "CARGO_TERM_COLOR": "never"},
    )
    target = Path(os.environ.get("CARGO_TARGET_DIR", WORKSPACE / "target"))
    return target / "debug" / "rrl"


def dump(node):
    """A tree as `rrl ast` prints it: each node with its class name and span."""
    if isinstance(node, A.Node):
        span = node.span
        out = {"k": type(node).__name__, "s": [span.line, span.column, span.end_line, span.end_column] if span else None}
        for f in dataclasses.fields(node):
            if f.name != "span":
                out[f.name] = dump(getattr(node, f.name))
        return out
    if isinstance(node, tuple):
        return [dump(item) for item in node]
    if node is None or isinstance(node, (bool, str)):
        return node
    if isinstance(node, int):
        return {"int": str(node)}
    if isinstance(node, float):
        return {"float": repr(node)}
    raise TypeError(f"cannot dump {node!r}")


def python_outcome(text: str) -> dict:
    """What the Python parser makes of `text`: its tree, or its first diagnostic."""
    try:
        return {"ast": dump(rrl.parse(text, "input.rrl"))}
    except DiagnosticError as exc:
        first = exc.diagnostics[0]
        span = first.span
        return {"error": {"code": first.code, "message": first.message, "at": [span.line, span.column] if span else None}}
