"""What of a class's own code runs when a workflow builds an instance.

A workflow may build a model, a dataclass or an enum member (`Color(value)`)
only when building it runs no code of the class: every field default is a
constant, no `default_factory` other than `list`, `dict` or `tuple`, no
`__init__`, `__new__`, `__post_init__`, `__setattr__`, `model_post_init` or
enum `_missing_`, and no pydantic validator. It builds an exception only when
the class defines no `__init__`, `__new__` or `__str__`: a runtime builds one
from its declared class and its args alone. Such code could read the clock,
draw random numbers or do I/O, and the runtime builds these values without
running Python at all.

Classes of the module being compiled are read from their source (they may
not exist yet when `@workflow` compiles); imported classes from the live
objects (`resolve.construction_hooks`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import libcst as cst

from . import dialect
from .resolve import CONSTRUCTION_METHODS, EXCEPTION_METHODS, Hook, TypeInfo
from .tree import Visitor

if TYPE_CHECKING:
    from .index import ClassInfo, ModuleIndex

_CONSTANT_FACTORIES = frozenset({"builtins.list", "builtins.dict", "builtins.tuple"})


def source_hooks(index: "ModuleIndex", class_name: str) -> list[Hook]:
    """The code that building `class_name` runs."""
    hooks: list[Hook] = []
    for info in index.mro(class_name):
        hooks.extend(_ClassHooks(index, info).find())
    return hooks


class _ClassHooks:
    def __init__(self, index: "ModuleIndex", info: "ClassInfo"):
        self.index = index
        self.info = info
        self.hooks: list[Hook] = []

    def find(self) -> list[Hook]:
        methods = EXCEPTION_METHODS if self.info.kind == "exception" else CONSTRUCTION_METHODS
        for name, method in self.info.methods.items():
            if name in methods:
                self.add(f"it defines `{name}`", method.name)
            for decorator in method.decorators:
                expr = decorator.decorator.func if isinstance(decorator.decorator, cst.Call) else decorator.decorator
                if self.index.qualified(expr) in dialect.VALIDATOR_DECORATORS:
                    self.add(f"it has the validator `{name}`", method.name)
        if self.info.kind in ("model", "dataclass", "namedtuple"):
            for name in self.info.fields:
                self.field(name)
        for base in self.info.foreign_bases:
            qualified = self.index.qualified(base)
            resolved = self.index.resolver(qualified) if qualified and self.index.resolver else None
            if isinstance(resolved, TypeInfo):
                shown = self.index.src.text(base)
                self.hooks.extend(Hook(f"{hook.what} (in its base `{shown}`)", hook.field) for hook in resolved.hooks)
        return self.hooks

    def add(self, what: str, node: cst.CSTNode, field: str | None = None) -> None:
        span = self.index.src.span(node)
        self.hooks.append(Hook(f"{what} (line {span.line})" if span else what, field))

    def field(self, name: str) -> None:
        annotation = self.info.field_types[name].annotation
        for sub in _calls_in(annotation):
            if self.index.qualified(sub.func) in dialect.FIELD_VALIDATOR_MARKERS:
                self.add(f"its field `{name}` is validated by `{self.index.src.text(sub)}`", sub)
        value = self.info.consts.get(name)
        if value is None:
            return
        # Passing the field skips its default; a private attribute cannot be passed.
        field = None if self.info.kind == "model" and name.startswith("_") else name
        if isinstance(value, cst.Call) and self.index.qualified(value.func) in dialect.FIELD_FUNCTIONS:
            for arg in value.args:
                keyword = arg.keyword.value if arg.keyword is not None else None
                if keyword == "default_factory" and self.index.qualified(arg.value) not in _CONSTANT_FACTORIES:
                    self.add(f"its field `{name}` has `default_factory={self.index.src.text(arg.value)}`", arg, field)
                elif keyword in ("default", None) and not self.constant(arg.value, set()):
                    self.add(f"its field `{name}` has a default computed by `{self.index.src.text(arg.value)}`", arg, field)
        elif not self.constant(value, set()):
            self.add(f"its field `{name}` has a default computed by `{self.index.src.text(value)}`", value, field)

    def constant(self, node: cst.BaseExpression, seen: set[str]) -> bool:
        """Made of literals, constants and enum members: no call runs to compute it."""
        if isinstance(node, (cst.Integer, cst.Float, cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)):
            return not _calls_in(node)
        if isinstance(node, cst.Ellipsis):
            return True  # pydantic's "required"
        if isinstance(node, cst.Name):
            const = self.index.consts.get(node.value)
            if const is None or const.value is None or node.value in seen or self.index.src.ref(node).kind != "global":
                return True  # a literal name, an import, a class (member), or reported where it is used
            return self.constant(const.value, seen | {node.value})
        if isinstance(node, cst.Attribute):
            return isinstance(node.value, (cst.Name, cst.Attribute)) and self.constant(node.value, seen)
        if isinstance(node, cst.UnaryOperation):
            return self.constant(node.expression, seen)
        if isinstance(node, cst.BinaryOperation):
            return self.constant(node.left, seen) and self.constant(node.right, seen)
        if isinstance(node, (cst.List, cst.Tuple)):
            return all(self.constant(e.value, seen) for e in node.elements)
        if isinstance(node, cst.Dict):
            return all(
                isinstance(e, cst.DictElement) and self.constant(e.key, seen) and self.constant(e.value, seen)
                for e in node.elements
            )
        return False


class _CallFinder(Visitor):
    def __init__(self) -> None:
        self.calls: list[cst.Call] = []

    def visit_Call(self, node: cst.Call) -> None:
        self.calls.append(node)


def _calls_in(node: cst.CSTNode) -> list[cst.Call]:
    finder = _CallFinder()
    finder.walk(node)
    return finder.calls
