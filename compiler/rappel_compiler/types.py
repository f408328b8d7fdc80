"""Python annotations → RRL types.

`list[str]`, `List[str]` → `list[str]`; `Optional[X]`, `X | None` → `X | None`;
`Annotated[T, ...]` → `T`; classes → their local name (declaring the import);
anything else → `Any`. A missing annotation is `Any`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import libcst as cst

from rrl import ast as A

from . import dialect
from .resolve import TypeInfo

if TYPE_CHECKING:
    from .compiler import WorkflowCompiler

ANY = A.NamedType("Any")


def union(options: list[A.Type]) -> A.Type:
    flat: list[A.Type] = []
    for option in options:
        for item in option.options if isinstance(option, A.UnionType) else (option,):
            if item not in flat:
                flat.append(item)
    if any(o == ANY for o in flat):
        return ANY
    # `None` last, as people write it.
    flat = [o for o in flat if not isinstance(o, A.NoneType)] + [o for o in flat if isinstance(o, A.NoneType)]
    return flat[0] if len(flat) == 1 else A.UnionType(tuple(flat))


class TypeLowering:
    def __init__(self, wc: "WorkflowCompiler"):
        self.wc = wc

    # -------------------------------------------------------------- from source

    def annotation(self, annotation: cst.Annotation | None) -> A.Type:
        if annotation is None:
            return ANY
        return self.expr(annotation.annotation)

    def expr(self, node: cst.BaseExpression) -> A.Type:
        if isinstance(node, cst.Name) and node.value == "None":
            return A.NoneType()
        if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
            text = node.evaluated_value
            return self.text(text, local=True) if isinstance(text, str) else ANY
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
            return union([self.expr(node.left), self.expr(node.right)])
        if isinstance(node, cst.Subscript):
            args = [e.slice.value for e in node.slice if isinstance(e.slice, cst.Index)]
            return self._generic(self._head(node.value), args, self.expr)
        if isinstance(node, (cst.Name, cst.Attribute)):
            return self._named(node)
        return ANY

    def _head(self, node: cst.BaseExpression) -> str | None:
        if isinstance(node, (cst.Name, cst.Attribute)):
            return self.wc.index.qualified(node)
        return None

    def _named(self, node: cst.Name | cst.Attribute) -> A.Type:
        if isinstance(node, cst.Name) and self.wc.src.ref(node).kind == "global":
            return self.local_class(node.value)
        qualified = self.wc.index.qualified(node)
        if qualified is None:
            return ANY
        return self.qualified(qualified, preferred=node.value if isinstance(node, cst.Name) else None)

    def local_class(self, name: str) -> A.Type:
        if name in self.wc.index.classes:
            return A.NamedType(self.wc.builder.type_name(self.wc.src.module, name))
        return ANY

    def qualified(self, qualified: str, preferred: str | None = None) -> A.Type:
        if qualified in dialect.TYPE_NAMES:
            return A.NamedType(dialect.TYPE_NAMES[qualified])
        if qualified == "builtins.None":
            return A.NoneType()
        sdk = dialect.sdk_name(qualified)
        if sdk == "RappelTimeout":
            return A.NamedType("RappelTimeout")
        if qualified.startswith("builtins.") and qualified[9:] in dialect.PYTHON_EXCEPTIONS:
            return A.NamedType(self.wc.builder.type_name("builtins", qualified[9:]))
        if qualified in dialect.EXCEPTION_ALIASES:
            return A.NamedType(dialect.EXCEPTION_ALIASES[qualified])
        if self.wc.resolver is not None and sdk is None:
            info = self.wc.resolver(qualified)
            if isinstance(info, TypeInfo):
                return A.NamedType(self.wc.builder.type_name(info.module, info.name, preferred))
        return ANY

    def _generic(self, head: str | None, args: list, convert) -> A.Type:
        if head in dialect.ANNOTATED and args:
            return convert(args[0])
        if head in dialect.OPTIONAL and len(args) == 1:
            return union([convert(args[0]), A.NoneType()])
        if head in dialect.UNION:
            return union([convert(a) for a in args])
        name = dialect.TYPE_NAMES.get(head or "")
        if name is None or name == "Any":
            return ANY
        if name == "tuple" and any(_is_ellipsis(a) for a in args):
            return A.NamedType("tuple")
        return A.NamedType(name, tuple(convert(a) for a in args))

    # -------------------------------------------------------------- from text

    def text(self, text: str | None, local: bool = False) -> A.Type:
        """An annotation given as text: a forward reference in the source
        (`local`: names are this module's), or a resolver's annotation string
        (names are qualified)."""
        if not text:
            return ANY
        try:
            node = cst.parse_expression(text)
        except Exception:
            return ANY
        return self._text_expr(node, local)

    def _text_expr(self, node: cst.BaseExpression, local: bool) -> A.Type:
        convert = lambda n: self._text_expr(n, local)  # noqa: E731
        if isinstance(node, cst.Name) and node.value == "None":
            return A.NoneType()
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
            return union([convert(node.left), convert(node.right)])
        if isinstance(node, cst.Subscript):
            args = [e.slice.value for e in node.slice if isinstance(e.slice, cst.Index)]
            return self._generic(self._text_head(node.value, local), args, convert)
        dotted = _dotted(node)
        if dotted is None:
            return ANY
        if local and dotted in self.wc.index.classes:
            return self.local_class(dotted)
        return self.qualified(self._text_head(node, local) or dotted)

    def _text_head(self, node: cst.BaseExpression, local: bool) -> str | None:
        dotted = _dotted(node)
        if dotted is None:
            return None
        if "." not in dotted:
            if dotted in ("Any", "List", "Dict", "Tuple", "Optional", "Union", "Annotated"):
                return f"typing.{dotted}"
            return f"builtins.{dotted}"
        return dotted


def _dotted(node: cst.BaseExpression) -> str | None:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr.value}" if base else None
    return None


def _is_ellipsis(node) -> bool:
    return isinstance(node, cst.Ellipsis)
