"""Read-only walks over a libcst tree, without libcst's visitor machinery.

libcst's `node.visit(visitor)` rebuilds every node it passes (a visitor may
replace children), which makes a walk of a module cost about as much as
parsing it. The frontend only reads its trees: `Visitor` has the interface of
`libcst.CSTVisitor` (`visit_<Node>` returning False skips the children,
`leave_<Node>`), visits children in libcst's order, and rebuilds nothing.
Fields that hold layout only (whitespace, commas, parentheses) are not walked.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import libcst as cst

# Fields that hold layout only: never a name, an expression or a statement.
_LAYOUT = frozenset({
    "lpar", "rpar", "comma", "leading_lines", "lines_after_decorators", "semicolon", "header", "footer",
    "trailing_whitespace", "colon", "equal", "dot", "lbrace", "rbrace", "lbracket", "rbracket", "newline",
    "asynchronous", "operator", "star", "first_line", "between", "whitespace", "indent", "first_colon",
    "second_colon", "start", "end", "conversion", "relative",
})

# Where libcst visits the children of a node in another order than its fields'.
_ORDER: dict[type, tuple[str, ...]] = {
    cst.Arg: ("keyword", "value"),
    cst.ClassDef: ("decorators", "name", "type_parameters", "bases", "keywords", "body"),
    cst.ExceptHandler: ("type", "name", "body"),
    cst.ExceptStarHandler: ("type", "name", "body"),
    cst.FormattedStringExpression: ("expression", "format_spec"),
    cst.FunctionDef: ("decorators", "name", "type_parameters", "params", "returns", "body"),
    cst.IfExp: ("body", "test", "orelse"),
    cst.ImportFrom: ("module", "names"),
    cst.MatchCase: ("pattern", "guard", "body"),
    cst.Parameters: ("posonly_params", "posonly_ind", "params", "star_arg", "kwonly_params", "star_kwarg"),
    cst.Slice: ("lower", "upper", "step"),
}

_fields: dict[type, tuple[str, ...]] = {}


def child_fields(kind: type) -> tuple[str, ...]:
    """The fields of a node class that may hold child nodes, in visiting order."""
    names = _fields.get(kind)
    if names is None:
        names = _ORDER.get(kind) or tuple(
            f.name for f in dataclasses.fields(kind)
            if f.name not in _LAYOUT and "whitespace" not in f.name and not f.name.startswith("_")
            and f.type not in (str, "str")  # the text of a name, a number, a string: no node
        )
        _fields[kind] = names
    return names


_is_node: dict[type, bool] = {}


def is_node(value: object) -> bool:
    """Whether `value` is a node (a cached `isinstance`: CSTNode is an ABC, and
    asking an ABC costs a Python call)."""
    kind = type(value)
    found = _is_node.get(kind)
    if found is None:
        found = _is_node[kind] = isinstance(value, cst.CSTNode)
    return found


def children(node: cst.CSTNode) -> list[cst.CSTNode]:
    """The child nodes of `node` that are not layout, in libcst's visiting order."""
    kind = type(node)
    names = _fields.get(kind)
    if names is None:
        names = child_fields(kind)
    found: list[cst.CSTNode] = []
    for name in names:
        value = getattr(node, name, None)
        kind = type(value)
        if kind is tuple or kind is list:  # a sequence field holds nodes only
            found.extend(value)
        elif _is_node.get(kind) or (kind not in _is_node and is_node(value)):  # else None, MaybeSentinel, a flag
            found.append(value)
    return found


class Visitor:
    """A read-only `libcst.CSTVisitor`: `self.walk(node)` instead of `node.visit(self)`."""

    _methods: dict[type, tuple[Callable | None, Callable | None]]

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        cls._methods = {}

    def walk(self, node: cst.CSTNode) -> None:
        kind = type(node)
        methods = self._methods.get(kind)
        if methods is None:
            methods = (getattr(type(self), "visit_" + kind.__name__, None), getattr(type(self), "leave_" + kind.__name__, None))
            self._methods[kind] = methods
        visit, leave = methods
        if visit is None or visit(self, node) is not False:
            for child in children(node):
                self.walk(child)
        if leave is not None:
            leave(self, node)
