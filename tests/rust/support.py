"""What the differential tests of the Rust implementation (runtime-rs/) share:
the `rrl` binary, and the Python side's view of a program in the shape `rrl`
prints it."""

from __future__ import annotations

import dataclasses
import functools
import json
import os
import re
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


def rust_outcomes(texts: list[str], tmp_path: Path) -> list[dict]:
    """What `rrl ast` makes of each text: its tree, or its first diagnostic."""
    paths = []
    for n, text in enumerate(texts):
        path = tmp_path / f"case{n}.rrl"
        path.write_bytes(text.encode("utf-8", "surrogatepass"))
        paths.append(str(path))
    outcomes: list[dict] = []
    for start in range(0, len(paths), 200):  # keep the command line short
        result = subprocess.run([str(rrl_binary()), "ast", *paths[start : start + 200]], capture_output=True, timeout=120)
        lines = result.stdout.decode("utf-8").splitlines()
        assert len(lines) == len(paths[start : start + 200]), result.stderr.decode("utf-8", "replace")
        outcomes += [json.loads(line) for line in lines]
    return outcomes


def rust_format(texts: list[str], tmp_path: Path) -> list[str]:
    """Each file as `rrl fmt` leaves it: formatted, or as it was where it
    reports an error."""
    paths = []
    for n, text in enumerate(texts):
        path = tmp_path / f"fmt{n}.rrl"
        path.write_bytes(text.encode("utf-8"))
        paths.append(path)
    subprocess.run([str(rrl_binary()), "fmt", *map(str, paths)], capture_output=True, timeout=120)
    return [path.read_bytes().decode("utf-8") for path in paths]


def rust_dag(text: str, tmp_path: Path) -> str | None:
    """The DAG JSON `rrl dag` prints for a one-workflow program, or None."""
    path = tmp_path / "dag.rrl"
    path.write_bytes(text.encode("utf-8"))
    result = subprocess.run([str(rrl_binary()), "dag", str(path)], capture_output=True, timeout=60)
    return result.stdout.decode("utf-8") if result.returncode == 0 else None


def first_difference(a, b, path: str = "$"):
    """Where two JSON values first differ: (path, one, other), or None."""
    if type(a) is not type(b):
        return path, a, b
    if isinstance(a, dict):
        for key in sorted(a.keys() | b.keys()):
            found = first_difference(a.get(key), b.get(key), f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{path}.length", len(a), len(b)
        for n, (x, y) in enumerate(zip(a, b)):
            found = first_difference(x, y, f"{path}[{n}]")
            if found:
                return found
        return None
    return None if a == b else (path, a, b)


def same_outcome(python: dict, rust: dict) -> bool:
    """The same tree, or the same first diagnostic: its code and position, and
    its message, but where the unexpected token is cut otherwise (lark's
    contextual lexer reads `==` as `=` where an LALR state it shares with
    other places takes `=`: then one message names a prefix of the other's
    token)."""
    if "error" not in python or "error" not in rust:
        return python == rust
    p, r = python["error"], rust["error"]
    if (p["code"], p["at"]) != (r["code"], r["at"]):
        return False
    if p["message"] == r["message"]:
        return True
    token = re.compile(r"unexpected `(.+)`$")
    pm, rm = token.match(p["message"]), token.match(r["message"])
    return bool(pm and rm and (pm[1].startswith(rm[1]) or rm[1].startswith(pm[1])))
