"""The frontend's own analyses of a module against libcst's, which they
replaced because they cost most of a `rappel check`: name resolution
(rappel_compiler.names) against libcst's full scope analysis, positions
(rappel_compiler.positions) against its PositionProvider, and the read-only
walk (rappel_compiler.tree) against its visitors. On many modules (the golden
corpus, the examples, and the Python code of this repository, which binds
names in every way Python allows), the answers must be libcst's."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import (
    BuiltinAssignment,
    ClassScope,
    GlobalScope,
    ImportAssignment,
    MetadataWrapper,
    PositionProvider,
    QualifiedNameSource,
    ScopeProvider,
)

from rappel_compiler.names import Names, find_import
from rappel_compiler.positions import Positions
from rappel_compiler.source import SourceModule, normal_form
from rappel_compiler.tree import Visitor, children
from rrl.limits import deep_stack

ROOT = Path(__file__).resolve().parents[2]
MODULES = sorted(
    [
        *ROOT.glob("golden/compile/*.py"),
        *ROOT.glob("golden/errors/*.py"),
        *ROOT.glob("golden/run/*/case.py"),
        *ROOT.glob("examples/*.py"),
        *ROOT.glob("compiler/rappel_compiler/*.py"),
        *ROOT.glob("sdk/rappel/*.py"),
    ]
)


class _Oracle:
    """What the frontend read from libcst's ScopeProvider before."""

    def __init__(self, src: SourceModule):
        self.scopes = MetadataWrapper(src.tree, unsafe_skip_copy=True).resolve(ScopeProvider)
        self.spellings = src.spellings

    def kind(self, node: cst.Name) -> str:
        scope = self.scopes.get(node)
        if scope is None:
            return "unscoped"
        assignments = [a for spelling in self.spellings(node.value) if spelling in scope for a in scope[spelling]]
        if not assignments:
            return "undefined"
        if any(isinstance(a, BuiltinAssignment) for a in assignments):
            return "builtin"
        if all(isinstance(a, ImportAssignment) for a in assignments):
            return "import"
        if all(isinstance(a.scope, GlobalScope) for a in assignments):
            return "global"
        if all(isinstance(a.scope, ClassScope) for a in assignments):
            return "class"
        own, current = set(), scope
        while current is not None and not isinstance(current, (ClassScope, GlobalScope)):
            own.add(id(current))
            current = current.parent if current.parent is not current else None
        if all(id(a.scope) not in own and not isinstance(a.scope, ClassScope) for a in assignments):
            return "enclosing"
        return "local"

    def imports(self, node: cst.CSTNode) -> set[str]:
        root = node
        while isinstance(root, cst.Attribute):
            root = root.value
        scope = self.scopes.get(root)
        if scope is None:
            return set()
        return {q.name for q in scope.get_qualified_names_for(node) if q.source is QualifiedNameSource.IMPORT}


def _kind(src: SourceModule, node: cst.Name) -> str:
    scope = src.scope(node)
    if scope is None:
        return "unscoped"
    ref = src.ref(node)
    if ref.kind == "global" and not all(b.scope.kind == "global" for b in scope.lookup(node.value)):
        return "enclosing"  # a function around the class: `ref` calls that global too
    return ref.kind


class _Collect(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: list[cst.Name] = []
        self.chains: list[cst.Attribute] = []

    def visit_Name(self, node: cst.Name) -> None:
        self.names.append(node)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        root = node.value
        while isinstance(root, cst.Attribute):
            root = root.value
        if isinstance(root, cst.Name):  # what the frontend asks about: `os.path.join`, not `f().x`
            self.chains.append(node)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_names_resolve_as_libcst_resolves_them(path: Path) -> None:
    deep_stack(_compare_names)(path)  # deep expressions: positions and code are found recursively


def _compare_names(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    src = SourceModule(source, str(path), "pkg.module")
    oracle = _Oracle(src)
    collected = _Collect()
    src.tree.visit(collected)
    for node in collected.names:
        where = f"{path}:{src.span(node)}: {node.value}"
        assert _kind(src, node) == oracle.kind(node), where
        assert set(src.names.imports(node)) == oracle.imports(node), where
    for node in collected.chains:
        where = f"{path}:{src.span(node)}: {src.text(node)}"
        assert set(src.names.imports(node)) == oracle.imports(node), where


SCOPING = '''
import os.path
import numpy as np
from . import sibling
from ..pkg import thing as other
from asyncio import sleep, gather as g

x = 1

def f(a, b=x, *args, c: np.ndarray = None, **kw):
    global x
    x = 2
    y = [a for a in args if a]
    z = {k: v for k, v in kw.items()}
    w = lambda q, r=y: q + r
    def inner():
        nonlocal y
        y = 3
        return os.path.join(sleep, g, sibling, other)
    return inner

class C:
    attr = x
    other = attr
    def method(self):
        return attr, C.attr, np.array([]).shape
    values = [attr for _ in range(3)]

for item in range(3):
    del item
with open("f") as handle, open("g") as (first, second):
    pass
try:
    pass
except ValueError as error:
    print(error)
if (n := 10) > 5:
    print(n)
'''


def test_names_resolve_as_libcst_resolves_them_in_tricky_scopes(tmp_path: Path) -> None:
    path = tmp_path / "scoping.py"
    path.write_text(SCOPING)
    src = SourceModule(SCOPING, str(path), "pkg.module")
    oracle = _Oracle(src)
    collected = _Collect()
    src.tree.visit(collected)
    kinds = {}
    for node in collected.names:
        assert _kind(src, node) == oracle.kind(node), f"{src.span(node)}: {node.value}"
        assert set(src.names.imports(node)) == oracle.imports(node), f"{src.span(node)}: {node.value}"
        kinds.setdefault(node.value, set()).add(_kind(src, node))
    for node in collected.chains:
        assert set(src.names.imports(node)) == oracle.imports(node), src.text(node)
    # What the analysis must tell apart, whatever libcst said.
    assert kinds["np"] == {"import", "unscoped"}  # read, and bound by the import
    assert "builtin" in kinds["print"] and "undefined" not in kinds["print"]
    assert "class" in kinds["attr"] and "undefined" in kinds["attr"]  # a method does not see the class body
    assert src.imported_name(next(n for n in collected.chains if src.text(n) == "os.path.join")) == "os.path.join"
    assert src.imported_name(next(n for n in collected.names if n.value == "g" and src.ref(n).kind == "import")) == "asyncio.gather"
    assert src.imported_name(next(n for n in collected.names if n.value == "other" and src.ref(n).kind == "import")) == "pkg.thing"


def test_find_import_reads_what_an_import_binds() -> None:
    def statement(code: str):
        return cst.parse_statement(code).body[0]

    assert find_import(statement("import os.path"), "os.path.join") == ["os.path.join"]
    assert find_import(statement("import os.path"), "os.getcwd") == ["os.getcwd"]
    assert find_import(statement("import numpy as np"), "np.array") == ["numpy.array"]
    assert find_import(statement("from . import a, ab"), "ab") == [".ab"]
    assert find_import(statement("from ..m import f as g"), "g.x") == ["..m.f.x"]
    assert find_import(statement("from m import *"), "x") == []
    assert normal_form("ﬁnd") == "find"
    assert Names(cst.parse_module("x = 1\n")).module_scope.bindings["x"][0].kind == "other"


class _Order(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.nodes: list[cst.CSTNode] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        self.nodes.append(node)
        return True


class _FastOrder(Visitor):
    def __init__(self) -> None:
        self.nodes: list[cst.CSTNode] = []

    def visit_Name(self, node: cst.Name) -> None:
        self.nodes.append(node)

    def visit_Call(self, node: cst.Call) -> None:
        self.nodes.append(node)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self.nodes.append(node)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.nodes.append(node)


@pytest.mark.parametrize("path", MODULES[::7], ids=lambda p: str(p.relative_to(ROOT)))
def test_the_fast_walk_visits_what_libcst_visits_in_its_order(path: Path) -> None:
    tree = cst.parse_module(path.read_text(encoding="utf-8"))
    everything = _Order()
    deep_stack(tree.visit)(everything)
    fast = _FastOrder()
    deep_stack(fast.walk)(tree)
    kinds = (cst.Name, cst.Call, cst.Attribute, cst.FunctionDef)
    assert fast.nodes == [n for n in everything.nodes if isinstance(n, kinds)]


def _libcst_positions(tree: cst.Module) -> dict[cst.CSTNode, tuple[int, int, int, int]]:
    found = MetadataWrapper(tree, unsafe_skip_copy=True).resolve(PositionProvider)
    return {node: (r.start.line, r.start.column, r.end.line, r.end.column) for node, r in found.items()}


def _assert_positions_are_libcsts(text: str) -> None:
    tree = cst.parse_module(text)
    expected = deep_stack(_libcst_positions)(tree)
    positions = Positions(tree, text)
    assert positions.starts() is not None
    nodes: list[cst.CSTNode] = []

    def collect(node: cst.CSTNode) -> None:
        nodes.append(node)
        for child in children(node):
            collect(child)

    for stmt in tree.body:
        deep_stack(collect)(stmt)
    for node in nodes:  # those of statements, computed statement by statement
        assert deep_stack(positions.get)(node) == expected[node], tree.code_for_node(node)
    assert not positions._whole
    for node, where in expected.items():  # the layout of the module too, in one pass
        assert deep_stack(positions.get)(node) == where, tree.code_for_node(node)


@pytest.mark.parametrize("path", MODULES[::3], ids=lambda p: str(p.relative_to(ROOT)))
def test_positions_are_libcsts(path: Path) -> None:
    _assert_positions_are_libcsts(path.read_text(encoding="utf-8"))


LAYOUT = '''# a header comment

import os; import sys  # two statements on a line

# the comment of a decorated class

@decorator  # after the decorator
# between decorators
@other(
    argument,
)
class C:
    x = 1
    # a comment at the end of the block

# before a function
def f(a,
      b):
    return \\
        a + b
x = [
    1,
]
# the last comment
'''


@pytest.mark.parametrize("text", [LAYOUT, LAYOUT.rstrip("\\n"), LAYOUT.replace("\\n", "\\r\\n"), "x = 1", "", "# only a comment\\n"])
def test_positions_are_libcsts_whatever_the_layout(text: str) -> None:
    _assert_positions_are_libcsts(text)
