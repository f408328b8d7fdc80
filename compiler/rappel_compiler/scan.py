"""Finds every non-deterministic call or name in a function body at once
(RPL01xx), independently of lowering: lowering stops at the first problem of
a statement, this scan reports all of them. Duplicates of what lowering
reports are merged by the diagnostic sink.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import libcst as cst

from . import dialect
from .diagnostics import Reject
from .source import normal_form
from .tree import Visitor

if TYPE_CHECKING:
    from .compiler import WorkflowCompiler


class _Scanner(Visitor):
    def __init__(self, wc: "WorkflowCompiler"):
        self.wc = wc
        self.found: list[Reject] = []

    def _qualified(self, node: cst.CSTNode) -> str | None:
        if isinstance(node, cst.Name):
            ref = self.wc.src.ref(node)
            return ref.qualified if ref.kind in ("builtin", "import") else None
        if isinstance(node, cst.Attribute):
            return self.wc.src.imported_name(node)
        return None

    def _check(self, node: cst.CSTNode, call: cst.Call | None) -> bool:
        qualified = self._qualified(node)
        category = self.wc.forbidden(qualified) if qualified else None
        if category is None:
            return False
        shown = self.wc.src.text(node) + ("()" if call is not None else "")
        self.found.append(Reject(category.code, f"{shown} {category.verb}", call or node, category.help))
        return True

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> bool:
        self.walk(node.body)  # not `type`: catching an exception class runs nothing
        return False

    def visit_Call(self, node: cst.Call) -> bool:
        qualified = self._qualified(node.func)
        if qualified and dialect.sdk_name(qualified) == "RetryPolicy":
            return False  # exception classes, evaluated at compile time
        if qualified is not None:
            self._check(node.func, node)
            for arg in node.args:
                self.walk(arg)
            return False
        return True

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        if self._qualified(node) is not None:  # `module.name`: judged as a whole
            self._check(node, None)
        else:
            self.walk(node.value)  # not `attr`: a field name is not a reference
        return False

    def visit_Arg(self, node: cst.Arg) -> bool:
        self.walk(node.value)  # not `keyword`
        return False

    def visit_Name(self, node: cst.Name) -> bool:
        self._check(node, None)
        return False

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False  # nested definitions are rejected as a whole

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False


def forbidden_calls(wc: "WorkflowCompiler", fn: cst.FunctionDef) -> list[Reject]:
    scanner = _Scanner(wc)
    scanner.walk(fn.body)
    return scanner.found


def _unnormalised(node: cst.Name, normal: str) -> Reject:
    return Reject(
        "RPL0235", f"the name `{node.value}` is not written in its normal form: Python reads it as `{normal}`", node,
        f"write `{normal}`: Python and RRL compare names in their NFKC normal form, so this spelling "
        "would be a second name for the same variable, attribute or parameter",
    )


class _NameSpellings(Visitor):
    def __init__(self, definitions: dict[str, list[cst.Name]]):
        self.definitions = definitions
        self.found: list[Reject] = []

    def visit_Name(self, node: cst.Name) -> None:
        normal = normal_form(node.value)
        if normal != node.value:
            self.found.append(_unnormalised(node, normal))
        for definition in self.definitions.get(normal, ()):
            self.found.append(_unnormalised(definition, normal))


def unnormalised_names(node: cst.CSTNode, definitions: dict[str, list[cst.Name]] | None = None) -> list[Reject]:
    """Every name in `node` that is not NFKC-normal (`ﬁle` for `file`): Python
    reads the normal form, which the compiler would otherwise not see; and,
    from `definitions` (`ModuleIndex.unnormalised`), every definition spelled
    so of a name that `node` uses (`def ﬁnd` for a call `find()`)."""
    visitor = _NameSpellings(definitions or {})
    visitor.walk(node)
    return visitor.found
