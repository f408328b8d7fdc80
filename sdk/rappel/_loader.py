"""Importing a user's workflow file by path, as the CLI does.

Importing runs the module's top-level code. Whatever it raises is reported as a
located diagnostic (RPL0251) at the frame of the user's code Python names, never
as a traceback.
"""

from __future__ import annotations

import importlib
import linecache
import os
import sys
import sysconfig
import traceback
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from . import _toolchain
from ._errors import RappelError, WorkflowCompileError
from ._workflow import Workflow, deferred_compilation, program_of


class ImportFailed(RappelError):
    """The module raised while it was imported; `diagnostics` say where and what."""

    def __init__(self, diagnostics: list[Any]) -> None:
        super().__init__("\n\n".join(d.message for d in diagnostics))
        self.diagnostics = diagnostics


@dataclass
class LoadedModule:
    module: ModuleType
    # The module's classes `@workflow` decorated while it was imported, uncompiled.
    workflow_classes: list[type[Workflow]]


def module_name_for(path: Path) -> tuple[Path, str]:
    """The sys.path root and dotted module name of a .py file, walking up through
    packages (directories with an __init__.py) so relative imports keep working."""
    path = path.resolve()
    parts = [] if path.name == "__init__.py" else [path.stem]
    directory = path.parent
    while (directory / "__init__.py").is_file() and directory.parent != directory:
        parts.insert(0, directory.name)
        directory = directory.parent
    return directory, ".".join(parts)


def import_python_file(path: Path, display: str | None = None) -> ModuleType:
    """Import `path` under its module name (see `load_python_file`)."""
    return load_python_file(path, display).module


def load_python_file(path: Path, display: str | None = None) -> LoadedModule:
    """Import `path` under its module name. A module that cannot be imported is a
    one-line RappelError; one that raises while importing is `ImportFailed`.

    The module's own workflows are collected uncompiled: the caller compiles the
    whole module and reports every diagnostic, instead of the first one as an
    import error. Workflows of the modules it imports are compiled here, so a
    broken one fails this import (their first use would fail in production).
    """
    display = display or str(path)
    if not path.is_file():
        raise RappelError(f"could not import {display}: no such file")
    root, name = module_name_for(path)
    if not all(part.isidentifier() for part in name.split(".")):
        raise RappelError(
            f"could not import {display}: {name!r} is not a Python module name, so "
            "workers could not import it by name; rename the file (and its packages) "
            "to valid identifiers"
        )
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    try:
        with deferred_compilation() as defined:
            module = importlib.import_module(name)
        # `@workflow` compiles on first use; the workflows of the modules it
        # imports are compiled now, as the import used to: a broken one fails it.
        for cls in defined:
            if cls.__module__ != name:
                program_of(cls)
    except WorkflowCompileError as exc:  # a workflow of a module it imports
        raise ImportFailed(list(exc.diagnostics)) from None
    except (Exception, SystemExit) as exc:
        raise ImportFailed([_import_failure(exc, path, display)]) from None
    workflow_classes = [cls for cls in defined if cls.__module__ == name]
    loaded_from = getattr(module, "__file__", None)
    if loaded_from is None or Path(loaded_from).resolve() != path.resolve():
        raise RappelError(
            f"could not import {display}: the module name {name!r} refers to "
            f"{loaded_from or 'a built-in module'}; rename the file"
        )
    return LoadedModule(module, workflow_classes)


# ------------------------------------------------------------------ locating the failure

IMPORT_HELP = (
    "`rappel check` and `rappel compile` import the module, which runs its top-level code: "
    "fix the error, or move code that must not run on import under `if __name__ == \"__main__\":`"
)


def _import_failure(exc: BaseException, path: Path, display: str) -> Any:
    """RPL0251 for an exception raised while importing `path`: located where Python
    says, in the user's code (the innermost frame outside Python's and Rappel's own
    files); RPL0253 for a syntax error, in it or in a module it imports (also one
    Python finds only when it compiles: `await` outside an async function)."""
    what = " ".join(str(exc).split())
    message = f"could not import {display}: {type(exc).__name__}" + (f": {what}" if what else "")
    help = IMPORT_HELP
    if isinstance(exc, ModuleNotFoundError) and exc.name:
        help = f"is `{exc.name}` installed in the environment rappel runs in? " + IMPORT_HELP
    if isinstance(exc, SyntaxError) and exc.filename and exc.lineno:
        from rappel_compiler.diagnostics import DEFAULT_HELP

        message = f"could not import {display}: invalid Python syntax: {exc.msg}"
        column = exc.offset or 1
        end = exc.end_offset if exc.end_lineno == exc.lineno and (exc.end_offset or 0) > column else column + 1
        span = (exc.lineno, column, exc.lineno, end)
        return _toolchain.diagnostic("RPL0253", message, span, DEFAULT_HELP["RPL0253"], _shown(exc.filename, path, display))
    frame = _user_frame(exc.__traceback__, path)
    if frame is None or not frame.lineno:
        return _toolchain.diagnostic("RPL0251", message, None, help, display)
    return _toolchain.diagnostic("RPL0251", message, _span(frame), help, _shown(frame.filename, path, display))


def _user_frame(tb: Any, path: Path) -> traceback.FrameSummary | None:
    checked = path.resolve()
    library = _library_dirs()
    for frame in reversed(traceback.extract_tb(tb)):
        if frame.filename.startswith("<"):  # <frozen importlib._bootstrap>, <string>
            continue
        file = Path(frame.filename).resolve()
        if file == checked or (file.is_file() and not any(file.is_relative_to(d) for d in library)):
            return frame
    return None


def _library_dirs() -> list[Path]:
    """Python's own files, installed packages, and the toolchain's packages."""
    paths = sysconfig.get_paths()
    dirs = {Path(paths[key]).resolve() for key in ("stdlib", "platstdlib", "purelib", "platlib") if key in paths}
    for package in ("rappel", "rappel_compiler", "rrl"):
        module = sys.modules.get(package)
        if module is not None and getattr(module, "__file__", None):
            dirs.add(Path(module.__file__).resolve().parent)
    return sorted(dirs)


def _span(frame: traceback.FrameSummary) -> tuple[int, int, int, int]:
    """1-based (line, column, end line, end column) of the expression the frame was
    running. Python counts columns in UTF-8 bytes; diagnostics count characters."""
    line = linecache.getline(frame.filename, frame.lineno).rstrip("\r\n")
    start, end, end_line = frame.colno, frame.end_colno, frame.end_lineno or frame.lineno
    if start is None or end is None:  # no positions: the line, without its indentation
        return frame.lineno, len(line) - len(line.lstrip()) + 1, frame.lineno, len(line.rstrip()) + 1
    end_text = line if end_line == frame.lineno else linecache.getline(frame.filename, end_line)
    return frame.lineno, _characters(line, start) + 1, end_line, _characters(end_text, end) + 1


def _characters(line: str, byte_offset: int) -> int:
    return len(line.encode("utf-8")[:byte_offset].decode("utf-8", errors="ignore"))


def _shown(filename: str, path: Path, display: str) -> str:
    """The file as the user named it on the command line, else relative to the
    working directory when it is inside it."""
    file = Path(filename).resolve()
    if file == path.resolve():
        return display
    try:
        return os.path.relpath(file) if file.is_relative_to(Path.cwd()) else str(file)
    except ValueError:
        return str(file)
