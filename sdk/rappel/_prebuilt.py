"""Prebuilt IR: the `.rrl` files and manifest.json that `rappel compile -o DIR`
writes, used by the client instead of compiling when `RAPPEL_IR_DIR` names DIR.

The manifest records, per workflow, the SHA-256 of the bytes of the Python file
that defines it (`source_sha256`). The client uses a prebuilt program only when the
file of the workflow's module, as this process imported it, hashes the same: any
edit to that file, even one that would not change the program, means compiling
again rather than running a stale artifact.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

from ._errors import ConfigError

MANIFEST = "manifest.json"

# manifest path -> (its modification time and size, its workflows)
_manifests: dict[Path, tuple[tuple[int, int], dict[str, Any]]] = {}


def source_hash(path: Path) -> str:
    """What `source_sha256` records: the hex SHA-256 of the file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def module_source_hash(module_name: str) -> str | None:
    """The `source_hash` of the file that module `module_name` was imported from;
    None when it has no Python source file (a built-in, a notebook, code made by exec)."""
    module = sys.modules.get(module_name)
    file = getattr(module, "__file__", None)
    if not file or not file.endswith(".py"):
        return None
    try:
        return source_hash(Path(file))
    except OSError:
        return None


def prebuilt_rrl(cls: type, ir_dir: Path) -> str | None:
    """The prebuilt program text of workflow `cls` in `ir_dir`, when the manifest
    has one built from the source this process runs; None otherwise."""
    entry = _workflows(ir_dir).get(cls.__name__)
    if not isinstance(entry, dict) or not entry.get("source_sha256"):
        return None
    if entry["source_sha256"] != module_source_hash(cls.__module__):
        return None
    path = ir_dir / str(entry.get("rrl", f"{cls.__name__}.rrl"))
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(
            f"RAPPEL_IR_DIR={str(ir_dir)!r}: cannot read {path}, which {MANIFEST} lists for "
            f"{cls.__name__}: {exc}; rebuild the directory with `rappel compile ... -o {ir_dir}`"
        ) from None


def _workflows(ir_dir: Path) -> dict[str, Any]:
    path = ir_dir / MANIFEST
    try:
        stat = path.stat()
    except OSError:
        raise ConfigError(
            f"RAPPEL_IR_DIR={str(ir_dir)!r} has no readable {MANIFEST}: point it at a directory "
            f"written by `rappel compile app/ -o DIR`, or unset it to compile on first use"
        ) from None
    key = (stat.st_mtime_ns, stat.st_size)
    cached = _manifests.get(path)
    if cached is not None and cached[0] == key:
        return cached[1]
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        workflows = manifest["workflows"]
        if not isinstance(workflows, dict):
            raise TypeError("`workflows` is not an object")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigError(
            f"RAPPEL_IR_DIR={str(ir_dir)!r}: {path} is not a manifest written by `rappel compile` "
            f"({type(exc).__name__}: {exc}); rebuild it with `rappel compile ... -o {ir_dir}`"
        ) from None
    _manifests[path] = (key, workflows)
    return workflows


def configured_ir_dir() -> Path | None:
    from .config import load_settings

    return load_settings().ir_dir
