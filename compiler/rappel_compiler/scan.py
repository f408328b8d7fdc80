"""Finds every non-deterministic call or name in a function body at once
(RPL01xx), independently of lowering: lowering stops at the first problem of
a statement, this scan reports all of them. Duplicates of what lowering
reports are merged by the diagnostic sink.
"""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

import libcst as cst

from . import dialect
from .diagnostics import Reject

if TYPE_CHECKING:
    from .compiler import WorkflowCompiler


class _Scanner(cst.CSTVisitor):
    def __init__(self, wc: "WorkflowCompiler"):
        super().__init__()
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
        node.body.visit(self)  # not `type`: catching an exception class runs nothing
        return False

    def visit_Call(self, node: cst.Call) -> bool:
        qualified = self._qualified(node.func)
        if qualified and dialect.sdk_name(qualified) == "RetryPolicy":
            return False  # exception classes, evaluated at compile time
        if qualified is not None:
            self._check(node.func, node)
            for arg in node.args:
                arg.visit(self)
            return False
        return True

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        if self._qualified(node) is not None:  # `module.name`: judged as a whole
            self._check(node, None)
        else:
            node.value.visit(self)  # not `attr`: a field name is not a reference
        return False

    def visit_Arg(self, node: cst.Arg) -> bool:
        node.value.visit(self)  # not `keyword`
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
    fn.body.visit(scanner)
    return scanner.found


class _NameSpellings(cst.CSTVisitor):
    def __init__(self):
        super().__init__()
        self.found: list[Reject] = []

    def visit_Name(self, node: cst.Name) -> None:
        normal = unicodedata.normalize("NFKC", node.value)
        if normal != node.value:
            self.found.append(Reject(
                "RPL0235", f"the name `{node.value}` is not written in its normal form: Python reads it as `{normal}`", node,
                f"write `{normal}`: Python and RRL compare names in their NFKC normal form, so this spelling "
                "would be a second name for the same variable, attribute or parameter",
            ))


def unnormalised_names(node: cst.CSTNode) -> list[Reject]:
    """Every name in `node` that is not NFKC-normal (`ﬁle` for `file`): Python
    reads the normal form, which the compiler would otherwise not see."""
    visitor = _NameSpellings()
    node.visit(visitor)
    return visitor.found
