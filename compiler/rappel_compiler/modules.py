"""The other modules of the user's project whose helpers a workflow uses.

A plain function imported from another module (`from .text import normalize`)
and the methods and class attributes of a base workflow class defined in one
(`class Signup(Base)`) are compiled from that module's source, read as the
workflow's own module is: a `ModuleIndex` of its own, whose names (constants,
functions, actions, imports) mean what they mean there. A module is found by
name without importing it when it is not imported yet (`importlib.util.find_spec`).

Only the project's own modules are read: the standard library, installed
packages and modules without Python source (C extensions) are not, and say why.
"""

from __future__ import annotations

import ast
import importlib.util
import inspect
import os
import sys
import sysconfig
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING

import libcst as cst

from .dialect import STATICMETHOD
from .source import SourceModule, load, read_file

if TYPE_CHECKING:
    from .index import ClassInfo, ModuleIndex


@dataclass
class ForeignModule:
    """Another module of the project, read from its source."""

    src: SourceModule
    index: "ModuleIndex"


@dataclass(frozen=True)
class Unavailable:
    """Why a module's helpers cannot be compiled: `what` completes "`name` is …";
    `help`, what to do when it is not to move the call into an action."""

    module: str
    what: str
    help: str | None = None


class Modules:
    """The modules a compilation reads, each loaded once. `home` is the workflow's
    module (its index is built by the caller)."""

    def __init__(self, home: str, home_path: str, resolver=None):
        self.home = home
        self.home_path = home_path
        self.absolute = os.path.isabs(home_path)  # show other files' paths as the workflow's is shown
        self.resolver = resolver
        self._loaded: dict[str, ForeignModule | Unavailable] = {}

    def module(self, name: str) -> ForeignModule | Unavailable | None:
        """The module `name` (None: it is the workflow's own, or there is no such module)."""
        if name == self.home or not name:
            return None
        if name not in self._loaded:
            self._loaded[name] = Unavailable(name, "")  # while it loads: modules that import each other
            self._loaded[name] = self._load(name)
        found = self._loaded[name]
        return None if isinstance(found, Unavailable) and not found.what else found

    def _load(self, name: str) -> ForeignModule | Unavailable:
        from .index import ModuleIndex

        path, is_package = _source_file(name)
        if path is None and name.startswith(self.home + "."):
            path, is_package = _submodule_file(self.home_path, name[len(self.home) + 1 :])
        if path is None:
            return Unavailable(name, "")
        if not path.endswith(".py"):
            return Unavailable(name, "a module without Python source (a C extension or a compiled module)")
        if _is_library(path):
            top = name.split(".")[0]
            what = "the standard library" if top in sys.stdlib_module_names else f"the installed package `{top}`"
            return Unavailable(name, f"a module of {what}")
        shown = path if self.absolute or not os.path.isabs(path) else _shown_path(path)
        try:
            source = read_file(path)
        except OSError:
            return Unavailable(name, "a module whose source cannot be read")
        try:
            src = load(source, shown, name, is_package)
        except (cst.ParserSyntaxError, SyntaxError, RecursionError):
            error = _python_syntax_error(source, shown)
            if error is None:
                return Unavailable(name, "a module whose source cannot be read")
            return Unavailable(name, f"a module that is not valid Python: {error}",
                               f"fix the syntax error in {shown}; the compiler reads the source of the project's modules to compile their functions")
        foreign = ForeignModule(src, None)
        foreign.index = ModuleIndex(src, resolver=self.resolver, modules=self)
        return foreign

    def split(self, qualified: str) -> tuple[ForeignModule | Unavailable, str] | None:
        """The module a qualified name (`app.text.normalize`) is defined in, and the
        name in it: the longest prefix that is a module."""
        parts = qualified.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            found = self.module(".".join(parts[:cut]))
            if found is not None:
                return found, ".".join(parts[cut:])
        return None

    def function(self, qualified: str) -> tuple[ForeignModule, cst.FunctionDef] | Unavailable | None:
        """The plain `def` (or @staticmethod) a qualified name names in another module of the project;
        why it cannot be read when the module is not the project's; None otherwise."""
        found = self.split(qualified)
        if found is None:
            return None
        module, name = found
        if isinstance(module, Unavailable):
            return module
        fn = module.index.functions.get(name)
        owner, _, method = name.rpartition(".")
        if fn is None and owner in module.index.classes:  # a @staticmethod: `Texts.slug`
            found = module.index.find_method(owner, method)
            static = found is not None and any(module.index.qualified(d.decorator) == STATICMETHOD for d in found[1].decorators)
            fn = found[1] if static else None
        if fn is None or fn.asynchronous is not None:
            return None
        return module, fn

    def workflow_base(self, qualified: str) -> "ClassInfo | None":
        """The class another module of the project defines under this name when it is
        a base workflow class (a subclass of `Workflow`), with `home` set."""
        found = self.split(qualified)
        if found is None or isinstance(found[0], Unavailable):
            return None
        module, name = found
        info = module.index.classes.get(name)
        if info is None or info.kind != "workflow_base":
            return None
        info.home = module
        return info


def _python_syntax_error(source: str, shown: str) -> str | None:
    """Python's own words for why `source` does not parse, and where (an
    unclosed bracket is named at the bracket); None when Python parses it."""
    try:
        with warnings.catch_warnings():  # the module's own import shows them, once
            warnings.simplefilter("ignore")
            compile(source, shown, "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError as exc:
        return f"{exc.msg} ({shown}:{exc.lineno}:{exc.offset})"
    except (RecursionError, MemoryError):
        return None
    return None


def _source_file(name: str) -> tuple[str | None, bool]:
    """The source file of a module and whether it is a package, from the imported
    module when there is one, else from its spec (which imports its parents)."""
    module = sys.modules.get(name)
    if module is not None:
        try:
            return inspect.getsourcefile(module) or getattr(module, "__file__", None), hasattr(module, "__path__")
        except TypeError:  # a built-in module
            return getattr(module, "__file__", None) or "<built-in>", False
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError, AttributeError):
        return None, False
    if spec is None:
        return None, False
    origin = spec.origin if spec.has_location else None
    return (origin or "<built-in>"), spec.submodule_search_locations is not None


def _submodule_file(home_path: str, rest: str) -> tuple[str | None, bool]:
    """A submodule of the module being compiled, when that module is not imported:
    in its directory when it is a package's `__init__.py`, else in the directory
    named like its file (`case.py` → `case/`: how the golden corpus gives a case
    modules of its own, importing the case with that directory as its `__path__`)."""
    directory = os.path.dirname(home_path) if os.path.basename(home_path) == "__init__.py" else home_path[: -len(".py")]
    base = os.path.join(directory, *rest.split("."))
    for path, is_package in ((base + ".py", False), (os.path.join(base, "__init__.py"), True)):
        if os.path.isfile(path):
            return path, is_package
    return None, False


def _library_dirs() -> tuple[str, ...]:
    paths = sysconfig.get_paths()
    return tuple({os.path.realpath(paths[key]) + os.sep for key in ("stdlib", "platstdlib", "purelib", "platlib") if key in paths})


def _is_library(path: str) -> bool:
    real = os.path.realpath(path)
    return real.startswith(_library_dirs()) or f"{os.sep}site-packages{os.sep}" in real


def _shown_path(path: str) -> str:
    """The path diagnostics show: relative to the working directory when inside it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:
        return path
    return path if relative.startswith("..") else relative
