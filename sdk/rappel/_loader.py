"""Importing a user's workflow file by path, as the CLI does."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from types import ModuleType

from ._errors import RappelError
from ._workflow import deferred_compilation


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
    """Import `path` under its module name; any failure is a one-line RappelError.

    Workflows are defined without compiling them: the caller compiles the whole
    module and reports every diagnostic, instead of the first one as an import error.
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
        with deferred_compilation():
            module = importlib.import_module(name)
    except (Exception, SystemExit) as exc:
        raise RappelError(f"could not import {display}: {type(exc).__name__}: {exc}") from exc
    loaded_from = getattr(module, "__file__", None)
    if loaded_from is None or Path(loaded_from).resolve() != path.resolve():
        raise RappelError(
            f"could not import {display}: the module name {name!r} refers to "
            f"{loaded_from or 'a built-in module'}; rename the file"
        )
    return module
