"""One parsed source file with its metadata: positions and names.

Lowering code asks `span(node)`, `ref(node)` (what a name is bound to) and
`imported_name(node)` without being a visitor: positions come from
`positions.Positions` (libcst's, for the statements asked about), names from
`names.Names` (a light scope analysis).

Names are resolved as Python resolves them, by their NFKC normal form: `ﬁnd`
(with the ligature `ﬁ`) and `find` are one name (`normal_form`). Scopes key
names by their spelling, so `ref` asks them for every spelling of the name
that occurs in the module.
"""

from __future__ import annotations

import ast
import os
import re
import threading
import unicodedata
import warnings
from collections import OrderedDict
from dataclasses import dataclass

import libcst as cst
from libcst.helpers import get_full_name_for_node

from rrl.ast import Span

from .dialect import SDK_EXPORTS, SDK_PACKAGE
from .names import Binding, Names, Scope
from .parsing import parse_module
from .positions import Positions
from .tree import Visitor


def normal_form(name: str) -> str:
    """The name Python reads for the identifier `name` (NFKC)."""
    return name if name.isascii() else unicodedata.normalize("NFKC", name)


@dataclass(frozen=True)
class NameRef:
    """What a `Name` (or dotted attribute chain) refers to."""

    kind: str  # "local" | "global" | "builtin" | "import" | "undefined" | "class"
    qualified: str  # builtins.len, app.actions.send, C.run.<locals>.x, X


class SourceModule:
    def __init__(self, source: str, path: str, module: str, is_package: bool = False, python_tree: ast.Module | None = None):
        self.source = source
        self.path = path
        self.module = module
        self.package = module if is_package else module.rpartition(".")[0]
        if python_tree is None:
            python_tree = _python_parse(source)
        self.tree: cst.Module = parse_module(source, python_tree)
        self.positions = Positions(self.tree, source, python_tree)
        self.names = Names(self.tree)
        # Whether every name is written in its normal form: so when the whole text is NFKC
        # (ASCII is), as an identifier starts and ends where no normalization reaches across.
        self.normalized = unicodedata.is_normalized("NFKC", source)
        self._spellings = {} if self.normalized else _spellings(self.tree)
        # `from rappel import *` binds the SDK's names; when it is the module's only kind
        # of star import, those names are known without the SDK. Names another star import
        # binds stay unknown (a static reading cannot tell what that module exports).
        stars = _star_imports(source, self.tree)
        self._star_sdk = bool(stars) and all(self.absolute(m) == SDK_PACKAGE for m in stars)
        # `ref` and `imported_name` of this module's nodes by their ids, worked out once:
        # the scan, the index and the lowering ask about the same names.
        self._refs: dict[int, NameRef] = {}
        self._imported: dict[int, str | None] = {}

    # -------------------------------------------------------------- metadata

    def span(self, node: cst.CSTNode | None) -> Span | None:
        """Where `node` is (None for a node that is not in the module), worked
        out when first read: see `LazySpan`."""
        if node is None or not self._in_module(node):
            return None
        return LazySpan.of(self.positions, node, node)

    def span_between(self, first: cst.CSTNode | None, last: cst.CSTNode | None) -> Span | None:
        """From the start of `first` to the end of `last`."""
        if first is None or last is None or not (self._in_module(first) and self._in_module(last)):
            return None
        return LazySpan.of(self.positions, first, last)

    def _in_module(self, node: cst.CSTNode) -> bool:
        """Whether `node` is one of this module's (it then has a position). The
        name analysis passed almost all those asked about: asking it spares the
        positions an index of every node of the module."""
        return self.names.passed(node) or self.positions.has(node)

    def text(self, node: cst.CSTNode) -> str:
        return self.tree.code_for_node(node).strip()

    def scope(self, node: cst.CSTNode) -> Scope | None:
        return self.names.scope(node)

    def spellings(self, name: str) -> tuple[str, ...]:
        """Every spelling in this module of the name `name` stands for."""
        return self._spellings.get(normal_form(name), (name,))

    def imported_name(self, node: cst.CSTNode) -> str | None:
        """The absolute qualified name of an imported object (`Name` or a dotted
        `Attribute` chain such as `os.path.join`)."""
        key = id(node)
        if key in self._imported:
            return self._imported[key]
        found = self._imported_name(node)
        if key in self.names.scopes:  # a node of this module: alive while the module is, its id its own
            self._imported[key] = found
        return found

    def _imported_name(self, node: cst.CSTNode) -> str | None:
        if not _dotted(node):
            return None
        found = self.names.imports(node)
        if not found and isinstance(node, cst.Name):  # bound under another spelling
            scope = self.scope(node)
            if scope is not None and not scope.lookup(node.value):
                found = [q for spelling in self.spellings(node.value) for q in self.names.imports_of(scope, spelling)]
        if found:
            return self.absolute(normal_form(found[0]))
        root = node
        while isinstance(root, cst.Attribute):
            root = root.value
        if self._star_imported(root) is None:
            return None
        return f"{SDK_PACKAGE}.{normal_form(get_full_name_for_node(node))}"

    def _star_imported(self, node: cst.Name) -> str | None:
        """`rappel.workflow` for a name only `from rappel import *` binds."""
        name = normal_form(node.value)
        if not self._star_sdk or name not in SDK_EXPORTS:
            return None
        scope = self.scope(node)
        if scope is None or self._assignments(scope, name):
            return None
        return f"{SDK_PACKAGE}.{name}"

    def _assignments(self, scope: Scope, name: str) -> list[Binding]:
        """What binds `name` in `scope`, under any of its spellings."""
        return [b for spelling in self.spellings(name) for b in scope.lookup(spelling)]

    def absolute(self, name: str) -> str:
        """Resolve a relative import name (`.actions.send`) against this package."""
        if not name.startswith("."):
            return name
        level = len(name) - len(name.lstrip("."))
        base = self.package.split(".") if self.package else []
        base = base[: len(base) - (level - 1)] if level > 1 else base
        rest = name[level:]
        return ".".join([*base, rest]) if base else rest

    def ref(self, node: cst.Name) -> NameRef:
        """Classify a `Name` in an expression by where it is bound."""
        found = self._refs.get(id(node))
        if found is not None:
            return found
        scope = self.scope(node)
        if scope is None:  # not a name of this module
            return NameRef("undefined", node.value)
        found = self._refs[id(node)] = self._ref(node, scope)
        return found

    def _ref(self, node: cst.Name, scope: Scope) -> NameRef:
        assignments = self._assignments(scope, node.value)
        if not assignments:
            star = self._star_imported(node)
            return NameRef("import", star) if star else NameRef("undefined", node.value)
        if any(b.kind == "builtin" for b in assignments):
            return NameRef("builtin", f"builtins.{node.value}")
        if all(b.kind == "import" for b in assignments):
            qualified = self.imported_name(node)
            return NameRef("import", qualified or node.value)
        if all(b.scope.kind == "global" for b in assignments):
            return NameRef("global", node.value)
        if all(b.scope.kind == "class" for b in assignments):
            return NameRef("class", node.value)
        # Bound in this function (or a comprehension or lambda inside it), or in a
        # function enclosing the class (a workflow defined inside a function):
        # the latter are definitions like the module's own.
        own = set()
        current: Scope | None = scope
        while current is not None and current.kind not in ("class", "global"):
            own.add(id(current))
            current = current.parent
        if all(id(b.scope) not in own and b.scope.kind != "class" for b in assignments):
            return NameRef("global", node.value)
        return NameRef("local", node.value)


class LazySpan(Span):
    """A `Span` whose numbers are read from the module's positions when one is
    first asked for. Positions cost a code generation of the statement they are
    in (`positions.py`), and a workflow that compiles cleanly reads almost none
    of its spans: they are for diagnostics. Until then the span keeps the
    module's tree (as the parse cache does); it equals, hashes and pickles as
    the plain `Span` of the same numbers."""

    @classmethod
    def of(cls, positions: Positions, first: cst.CSTNode, last: cst.CSTNode) -> LazySpan:
        span = object.__new__(cls)
        object.__setattr__(span, "_nodes", (positions, first, last))
        return span

    def __getattr__(self, name: str):  # only called while the fields are not set
        if name not in _SPAN_FIELDS:
            raise AttributeError(name)
        nodes = self.__dict__.get("_nodes")
        if nodes is not None:
            positions, first, last = nodes
            start, end = positions.get(first), positions.get(last)
            values = (start[0], start[1] + 1, end[2], end[3] + 1)
            for field, value in zip(_SPAN_FIELDS, values):
                object.__setattr__(self, field, value)
            self.__dict__.pop("_nodes", None)  # the tree is not needed any more
        return self.__dict__[name]

    def _numbers(self) -> tuple[int, int, int, int]:
        return (self.line, self.column, self.end_line, self.end_column)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Span):
            return NotImplemented
        return self._numbers() == (other.line, other.column, other.end_line, other.end_column)

    __hash__ = Span.__hash__

    def __repr__(self) -> str:
        return repr(Span(*self._numbers()))

    def __reduce__(self):
        return (Span, self._numbers())


_SPAN_FIELDS = ("line", "column", "end_line", "end_column")


# ------------------------------------------------------------------ cache

_CACHE_SIZE = 64
_cache: "OrderedDict[tuple, SourceModule]" = OrderedDict()
_lock = threading.Lock()


def _python_parse(source: str) -> ast.Module | None:
    """Python's parse of a module the caller has not parsed (one a helper is
    imported from, a test's), which positions and the parse of long chains read.
    Its warnings are reported where the module is compiled, not printed here."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return ast.parse(source)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None  # libcst says what is wrong with it


def clear_cache() -> None:
    """Forget every parsed module (benchmarks measure a cold parse)."""
    with _lock:
        _cache.clear()


def load(source: str, path: str, module: str, is_package: bool = False, python_tree: ast.Module | None = None) -> SourceModule:
    """Parse `source`, reusing a previous parse of the same text. `python_tree`:
    Python's own parse of it, when the caller has one."""
    key = (path, module, is_package, hash(source), len(source))
    with _lock:
        cached = _cache.get(key)
        if cached is not None and cached.source == source:
            _cache.move_to_end(key)
            return cached
    parsed = SourceModule(source, path, module, is_package, python_tree)
    with _lock:
        _cache[key] = parsed
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return parsed


_file_cache: dict[str, tuple[int, str]] = {}


def read_file(path: str) -> str:
    """The text of `path`, cached per (path, mtime)."""
    mtime = os.stat(path).st_mtime_ns
    with _lock:
        cached = _file_cache.get(path)
        if cached is not None and cached[0] == mtime:
            return cached[1]
    with open(path, encoding="utf-8-sig") as handle:  # a byte order mark is not code, as for Python
        text = handle.read()
    with _lock:
        _file_cache[path] = (mtime, text)
    return text


class _Spellings(Visitor):
    def __init__(self):
        self.by_normal_form: dict[str, set[str]] = {}

    def visit_Name(self, node: cst.Name) -> None:
        self.by_normal_form.setdefault(normal_form(node.value), set()).add(node.value)


def _spellings(tree: cst.Module) -> dict[str, tuple[str, ...]]:
    """normal form → every spelling of it in `tree`, for the names spelled
    otherwise somewhere (`ﬁnd` and `find`)."""
    visitor = _Spellings()
    visitor.walk(tree)
    return {
        normal: tuple(sorted(spellings | {normal}))
        for normal, spellings in visitor.by_normal_form.items()
        if spellings != {normal}
    }


class _StarImports(Visitor):
    """The modules of `from M import *` statements (Python allows them at module
    level only, `if` and `try` blocks included)."""

    def __init__(self) -> None:
        self.modules: list[str] = []

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        if isinstance(node.names, cst.ImportStar):
            module = get_full_name_for_node(node.module) if node.module else ""
            self.modules.append("." * len(node.relative) + (module or ""))
        return False

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False


def _star_imports(source: str, tree: cst.Module) -> list[str]:
    if not _STAR_IMPORT.search(source):  # most modules: no second walk of the tree
        return []
    visitor = _StarImports()
    visitor.walk(tree)
    return visitor.modules


_STAR_IMPORT = re.compile(r"\bimport\s*\*")


def _dotted(node: cst.CSTNode) -> bool:
    while isinstance(node, cst.Attribute):
        node = node.value
    return isinstance(node, cst.Name)
