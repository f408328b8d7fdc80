"""Name resolution for one parsed module: which binding a `Name` refers to.

The frontend asks, for a few names of a workflow, whether each is a local, a
module global, a class attribute, a builtin or an import (and then what it
imports). libcst's `ScopeProvider` answers that for every node of the module
and costs about a third of a whole `rappel check`; this is the same analysis
reduced to what the frontend asks, in one pass over the tree that does not
rebuild it (libcst's visitors copy every node they pass).

It follows libcst's scope rules, so that the answers, and the diagnostics
built on them, are the ones the frontend always gave (tests/compiler/
test_names.py compares the two on every module of the test suites):

- a module, a class body, a function or lambda, a comprehension are scopes;
  a name bound anywhere in a scope is that scope's (Python's rule), looked up
  from inner to outer scopes, skipping class bodies, then builtins;
- `global` and `nonlocal` move a name's bindings to the scope they name;
- decorators, base classes, return annotations, parameter defaults and
  annotations, and a comprehension's first iterable belong to the enclosing
  scope;
- `import a.b` binds `a.b` and `a`; what an imported name stands for is read
  from the import statement (`find_import`).
"""

from __future__ import annotations

import builtins
import dataclasses
from collections.abc import Iterator

import libcst as cst
from libcst.helpers import get_full_name_for_node

from .tree import children


class Scope:
    """A module, class body, function (or lambda) or comprehension scope."""

    __slots__ = ("kind", "parent", "node", "bindings", "overrides", "count")

    def __init__(self, kind: str, parent: Scope | None, node: cst.CSTNode | None):
        self.kind = kind  # "global" | "class" | "function" | "comprehension"
        self.parent = parent
        self.node = node
        self.bindings: dict[str, list[Binding]] = {}
        self.overrides: dict[str, Scope] = {}  # `global x` / `nonlocal x`
        self.count = 0  # bindings recorded so far: orders a binding against an access

    @property
    def globals(self) -> Scope:
        scope = self
        while scope.parent is not None:
            scope = scope.parent
        return scope

    def target(self, name: str) -> Scope:
        """The scope a binding of `name` made here belongs to."""
        override = self.overrides.get(name)
        if override is not None:
            return _visible(override).target(name)
        return self

    def lookup(self, name: str) -> list[Binding]:
        """The bindings `name` refers to here (empty: unbound; `BUILTIN`: a
        builtin). This scope's own bindings count, even a class body's."""
        scope: Scope = self
        while scope.parent is not None:
            override = scope.overrides.get(name)
            if override is not None:
                scope = _visible(override)
                continue
            found = scope.bindings.get(name)
            if found:
                return found
            scope = _visible(scope.parent)
        found = scope.bindings.get(name)
        if found:
            return found
        return [BUILTIN] if hasattr(builtins, name) else []


    def visible_names(self) -> set[str]:
        """Every name bound here or in a scope this one sees (not the builtins)."""
        names: set[str] = set(self.bindings)
        scope: Scope | None = self.parent
        while scope is not None:
            scope = _visible(scope)
            names.update(scope.bindings)
            scope = scope.parent
        return names


def _visible(scope: Scope) -> Scope:
    """`scope`, or the nearest scope around it that is no class body: a nested
    scope does not see a class body's names."""
    while scope.kind == "class":
        scope = scope.parent  # type: ignore[assignment]  # a class body has a parent
    return scope


@dataclasses.dataclass(eq=False)
class Binding:
    """What binds a name in a scope: an import statement, a builtin, or any
    other binding (an assignment target, a def, a class, a parameter...)."""

    kind: str  # "import" | "builtin" | "other"
    scope: Scope | None
    node: cst.CSTNode | None
    index: int = -1


BUILTIN = Binding("builtin", None, None)


class Names:
    """The scopes of one module, and the scope of each `Name` read or bound in
    it (None for the names that are no variables: attributes, keywords)."""

    def __init__(self, module: cst.Module):
        self.module_scope = Scope("global", None, module)
        # Keyed by the nodes' ids (the module holds the nodes; hashing a node
        # costs a Python call): the scope of each node, and each read's scope,
        # the dotted name it reads (`os.path` of `os.path.join` after
        # `import os.path`) and its order among the scope's bindings.
        self.scopes: dict[int, Scope] = {}
        self.access_nodes: dict[int, tuple[Scope, str, int]] = {}
        self.keywords: set[int] = set()  # the ids of the arguments' keywords (`name=` of `f(name=value)`)
        _Walker(self).module(module)

    def passed(self, node: cst.CSTNode) -> bool:
        """Whether the analysis passed `node`: then it is one of the module's
        (most are; not the names of attributes, imports and `global`, say)."""
        return id(node) in self.scopes or id(node) in self.keywords

    def scope(self, node: cst.CSTNode) -> Scope | None:
        return self.scopes.get(id(node))

    def imports(self, node: cst.CSTNode) -> list[str]:
        """The qualified names (as written: relative ones start with dots) the
        `Name` or dotted `Attribute` chain `node` has through an import, in the
        order the imports are written."""
        root = node
        while isinstance(root, cst.Attribute):
            root = root.value
        if not isinstance(root, cst.Name):
            return []
        scope = self.scopes.get(id(root))
        if scope is None:
            return []
        full_name = get_full_name_for_node(node)
        if full_name is None:
            return []
        access = self.access_nodes.get(id(node))
        if access is not None:  # the name as read here: bindings made before it count
            access_scope, name, index = access
            bindings = _before(access_scope, name, index)
            return [q for b in bindings if b.kind == "import" for q in find_import(b.node, name)]
        return self.imports_of(scope, full_name, node)

    def imports_of(self, scope: Scope, full_name: str, node: cst.CSTNode | None = None) -> list[str]:
        """What the dotted name `full_name` read in `scope` has through an
        import: the bindings of its longest bound prefix decide."""
        bindings: list[Binding] = []
        prefix: str | None = full_name
        while prefix:
            bindings = scope.lookup(prefix)
            if bindings:
                break
            cut = prefix.rfind(".")
            prefix = None if cut == -1 else prefix[:cut]
        if node is not None and any(b.kind == "other" and b.node is node for b in bindings):
            return []  # `node` is itself what binds the name
        return [q for b in bindings if b.kind == "import" for q in find_import(b.node, full_name)]


def _before(scope: Scope, name: str, index: int) -> list[Binding]:
    """The bindings of `name` a read at `index` in `scope` may see: those of
    another scope, and those of its own made before it (else the parent's)."""
    bindings = scope.lookup(name)
    earlier = [b for b in bindings if b.scope is not scope or b.index < index]
    if not earlier and bindings and scope.parent is not None:
        earlier = scope.parent.lookup(name)
    return earlier


def find_import(statement: cst.Import | cst.ImportFrom, full_name: str) -> list[str]:
    """What `full_name` (`np.array`, `sleep`) stands for through `statement`:
    `numpy.array`, `asyncio.sleep`, `.actions.send` (relative as written)."""
    names = statement.names
    if isinstance(names, cst.ImportStar):
        return []
    module = ""
    if isinstance(statement, cst.ImportFrom):
        if statement.module is not None:
            module = get_full_name_for_node(statement.module) or ""
        if statement.relative:
            module = "." * len(statement.relative) + module
    results: list[str] = []
    for alias in names:
        real = get_full_name_for_node(alias.name)
        if not real:
            continue
        parts = real.split(".")
        for cut in range(len(parts), 0, -1):  # the longest prefix of a dotted import that matches
            real_name = ".".join(parts[:cut])
            as_name = real_name
            if module.endswith("."):
                real_name = module + real_name
            elif module:
                real_name = f"{module}.{real_name}"
            if alias.asname is not None:
                alias_name = alias.evaluated_alias
                if alias_name is not None:
                    as_name = alias_name
            if full_name.startswith(as_name):
                rest = full_name.split(as_name, 1)[1]
                if rest and not rest.startswith("."):
                    continue
                rest = rest.lstrip(".")
                qualified = f"{real_name}.{rest}" if rest else real_name
                if qualified not in results:
                    results.append(qualified)
                break
    return results


# Nodes whose end counts as a binding in their scope (libcst orders bindings and
# reads by this count).
_BINDING_LIKE = frozenset({
    cst.AnnAssign, cst.AsName, cst.Assign, cst.AugAssign, cst.ClassDef, cst.CompFor, cst.FunctionDef,
    cst.Global, cst.Import, cst.ImportFrom, cst.NamedExpr, cst.Nonlocal, cst.Parameters, cst.WithItem,
})

class _Walker:
    """One pass over the tree, in libcst's order: scopes, bindings, reads."""

    def __init__(self, names: Names):
        self.names = names
        self.scopes = names.scopes  # written for every node passed
        self.scope = names.module_scope
        # The outermost `Attribute` of the chain being walked (None outside one,
        # and inside a call's parentheses, which start a new chain).
        self.chain: list[cst.Attribute | None] = [None]
        self.reads: list[tuple[cst.Name, Scope, int, cst.Attribute | None]] = []

    def module(self, module: cst.Module) -> None:
        for stmt in module.body:
            self.visit(stmt)
        self.resolve_reads()

    # ------------------------------------------------------------- bindings

    def bind(self, name: str, node: cst.CSTNode, kind: str = "other") -> None:
        target = self.scope.target(name)
        target.bindings.setdefault(name, []).append(Binding(kind, target, node, target.count))

    def store(self, node: cst.CSTNode) -> None:
        """An assignment target: names bound, attributes and subscripts read."""
        if isinstance(node, cst.Name):
            self.scopes[id(node)] = self.scope
            self.bind(node.value, node)
        elif isinstance(node, (cst.Attribute, cst.Subscript)):
            self.visit(node)
            self.scopes[id(node)] = self.scope
        elif isinstance(node, (cst.Tuple, cst.List)):
            for element in node.elements:
                self.store(element.value)
                self.scopes[id(element)] = self.scope
            self.scopes[id(node)] = self.scope
        elif isinstance(node, cst.StarredElement):
            self.store(node.value)
            self.scopes[id(node)] = self.scope
        else:
            self.visit(node)

    # ------------------------------------------------------------- traversal

    def visit(self, node: cst.CSTNode) -> None:
        kind = type(node)
        method = _methods.get(kind, _methods)
        if method is _methods:
            method = _methods[kind] = getattr(_Walker, "visit_" + kind.__name__, None)
        if method is None or method(self, node) is not False:
            for child in children(node):
                self.visit(child)
        self.scopes[id(node)] = self.scope
        if kind in _BINDING_LIKE:
            self.scope.count += 1

    def visit_Name(self, node: cst.Name) -> bool:
        self.scopes[id(node)] = self.scope
        self.reads.append((node, self.scope, self.scope.count, self.chain[-1]))
        return False

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        outermost = self.chain[-1] is None
        if outermost:
            self.chain[-1] = node
        self.visit(node.value)  # the attribute's own name is no variable
        if outermost:
            self.chain[-1] = None
        return False

    def visit_Call(self, node: cst.Call) -> bool:
        self.chain.append(None)
        self.visit(node.func)
        for arg in node.args:
            self.visit(arg)
        self.chain.pop()
        return False

    def visit_Arg(self, node: cst.Arg) -> bool:
        self.visit(node.value)  # a keyword's name is no variable
        if node.keyword is not None:
            self.names.keywords.add(id(node.keyword))
        return False

    def visit_Import(self, node: cst.Import) -> bool:
        self._import(node)
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        self._import(node)
        return False

    def _import(self, node: cst.Import | cst.ImportFrom) -> None:
        if isinstance(node.names, cst.ImportStar):
            return
        for alias in node.names:
            self.scopes[id(alias)] = self.scope
            bound = alias.asname.name if alias.asname is not None else alias.name
            for dotted in _dotted_names(bound):
                self.bind(dotted, node, "import")

    def visit_Global(self, node: cst.Global) -> bool:
        for item in node.names:
            if self.scope.kind != "global":
                self.scope.overrides[item.name.value] = self.scope.globals
        return False

    def visit_Nonlocal(self, node: cst.Nonlocal) -> bool:
        for item in node.names:
            if self.scope.kind != "global":
                self.scope.overrides[item.name.value] = self.scope.parent
        return False

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self.bind(node.name.value, node)
        self.scopes[id(node.name)] = self.scope
        outer = self.scope
        self.scope = Scope("function", outer, node)
        self.visit(node.params)
        self.visit(node.body)
        self.scope = outer
        for decorator in node.decorators:
            self.visit(decorator)
        if node.returns is not None:
            self.visit(node.returns)
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        outer = self.scope
        self.scope = Scope("function", outer, node)
        self.visit(node.params)
        self.visit(node.body)
        self.scope = outer
        return False

    def visit_Param(self, node: cst.Param) -> bool:
        self.bind(node.name.value, node)
        self.scopes[id(node.name)] = self.scope
        inner = self.scope
        self.scope = inner.parent  # defaults and annotations: the enclosing scope
        for part in (node.default, node.annotation):
            if part is not None:
                self.visit(part)
        self.scope = inner
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        self.bind(node.name.value, node)
        self.scopes[id(node.name)] = self.scope
        for decorator in node.decorators:
            self.visit(decorator)
        for base in node.bases:
            self.visit(base)
        for keyword in node.keywords:
            self.visit(keyword)
        outer = self.scope
        self.scope = Scope("class", outer, node)
        for stmt in node.body.body:
            self.visit(stmt)
        self.scope = outer
        return False

    def visit_ListComp(self, node: cst.ListComp) -> bool:
        return self._comprehension(node)

    def visit_SetComp(self, node: cst.SetComp) -> bool:
        return self._comprehension(node)

    def visit_DictComp(self, node: cst.DictComp) -> bool:
        return self._comprehension(node)

    def visit_GeneratorExp(self, node: cst.GeneratorExp) -> bool:
        return self._comprehension(node)

    def _comprehension(self, node) -> bool:
        for_in = node.for_in
        self.visit(for_in.iter)  # the first iterable: the enclosing scope
        self.scopes[id(for_in)] = self.scope
        outer = self.scope
        self.scope = Scope("comprehension", outer, node)
        self.store(for_in.target)
        self.scope.count += 1
        for condition in for_in.ifs:
            self.visit(condition)
        if for_in.inner_for_in is not None:
            self.visit(for_in.inner_for_in)
        if isinstance(node, cst.DictComp):
            self.visit(node.key)
            self.visit(node.value)
        else:
            self.visit(node.elt)
        self.scope = outer
        return False

    def visit_CompFor(self, node: cst.CompFor) -> bool:  # an inner `for` of a comprehension
        self.store(node.target)
        self.visit(node.iter)
        for condition in node.ifs:
            self.visit(condition)
        if node.inner_for_in is not None:
            self.visit(node.inner_for_in)
        return False

    def visit_For(self, node: cst.For) -> bool:
        self.store(node.target)
        self.scope.count += 1
        self.visit(node.iter)
        self.visit(node.body)
        if node.orelse is not None:
            self.visit(node.orelse)
        return False

    def visit_Assign(self, node: cst.Assign) -> bool:
        for target in node.targets:
            self.store(target.target)
            self.scopes[id(target)] = self.scope
        self.visit(node.value)
        return False

    def visit_AnnAssign(self, node: cst.AnnAssign) -> bool:
        self.store(node.target)
        self.visit(node.annotation)
        if node.value is not None:
            self.visit(node.value)
        return False

    def visit_AugAssign(self, node: cst.AugAssign) -> bool:
        self.store(node.target)
        self.visit(node.value)
        return False

    def visit_NamedExpr(self, node: cst.NamedExpr) -> bool:
        self.store(node.target)
        self.visit(node.value)
        return False

    def visit_AsName(self, node: cst.AsName) -> bool:
        self.store(node.name)
        return False

    # ------------------------------------------------------------- reads

    def resolve_reads(self) -> None:
        """Where a read is part of a dotted chain, the longest bound prefix of the
        chain (`os.path` of `os.path.join` after `import os.path`) is what it reads."""
        for name, scope, index, chain in self.reads:
            node: cst.CSTNode = name
            dotted = name.value
            if chain is not None:
                for candidate, part in _dotted_chain(chain):
                    if scope.lookup(candidate):
                        node, dotted = part, candidate
                        break
            self.names.access_nodes[id(node)] = (scope, dotted, index)


_methods: dict = {}


def _dotted_names(node: cst.CSTNode) -> Iterator[str]:
    """`a.b.c` → `a.b.c`, `a.b`, `a` (what `import a.b.c` binds)."""
    for name, _ in _dotted_chain(node):
        yield name


def _dotted_chain(node: cst.CSTNode) -> Iterator[tuple[str, cst.CSTNode]]:
    """The dotted prefixes of a chain with their nodes, longest first; a call
    in the chain (`a.b().c`) stands for its function (libcst's reading)."""
    if isinstance(node, cst.Name):
        yield node.value, node
        return
    if not isinstance(node, cst.Attribute):
        return
    value = node.value
    if isinstance(value, cst.Call):
        value = value.func
        if isinstance(value, (cst.Attribute, cst.Name)):
            yield from _dotted_chain(value)
        return
    if isinstance(value, (cst.Attribute, cst.Name)):
        inner = list(_dotted_chain(value))
        if inner:
            yield f"{inner[0][0]}.{node.attr.value}", node
            yield from inner
