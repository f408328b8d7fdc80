"""Python annotations → RRL types.

`list[str]`, `List[str]` → `list[str]`; `Optional[X]`, `X | None` → `X | None`;
`Annotated[T, ...]` → `T`; classes → their local name (declaring the import);
anything else → `Any`. A missing annotation is `Any`.
"""

from __future__ import annotations

import builtins
import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Union

import libcst as cst

from rrl import ast as A
from rrl import codec

from . import dialect
from .index import ClassInfo
from .resolve import TypeInfo

if TYPE_CHECKING:
    from .compiler import WorkflowCompiler

ANY = A.NamedType("Any")

# The classes the value codec carries, by their dotted names (`datetime.datetime`).
VALUE_TYPES = frozenset(name.replace(":", ".") for name in codec.VALUE_CLASSES)
PLAIN_CLASS = "a plain class"


@dataclass(frozen=True)
class Unencodable:
    """The part of an annotation whose values the value codec cannot carry."""

    node: cst.CSTNode | None  # where to point; None for an annotation read from another module
    shown: str  # its text
    what: str  # what it is: "a plain class", dialect.FUNCTION_TYPE, ...
    local: bool = False  # a class of this module (it could become a model or a dataclass)


# What a name in an annotation refers to: a class of this module, a qualified name, or unknown.
Named = Union[ClassInfo, str, None]


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
        nested = self.wc.index.nested_class(node)
        if nested is not None:
            return self.local_class(nested)
        qualified = self.wc.index.qualified(node)
        if qualified is None:
            return ANY
        return self.qualified(qualified, preferred=node.value if isinstance(node, cst.Name) else None)

    def local_class(self, name: str) -> A.Type:
        info = self.wc.index.classes.get(name)
        if info is not None and info.kind in A.CLASS_KINDS:
            return A.NamedType(self.wc.builder.type_name(self.wc.src.module, name, name.rpartition(".")[2]))
        if info is not None and info.kind == "typeddict":
            return A.NamedType("dict")  # its values are plain dicts
        if info is None and self.wc.index.named_tuple_call(name) is not None:  # `Pair = namedtuple(...)`
            return A.NamedType(self.wc.builder.type_name(self.wc.src.module, name, name))
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
            # Classes the program declares; the codec's other value classes (datetime, ...) are `Any` to RRL.
            if isinstance(info, TypeInfo) and info.kind in A.CLASS_KINDS:
                return A.NamedType(self.wc.builder.type_name(info.module, info.name, preferred))
            if isinstance(info, TypeInfo) and info.kind == "typeddict":
                return A.NamedType("dict")
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


    # -------------------------------------------------------------- encodability

    def unencodable(self, annotation: cst.Annotation | None) -> Unencodable | None:
        """The first part of a source annotation whose values cannot cross a process
        boundary (RPL0245); None when all of it can, or when the frontend cannot tell."""
        if annotation is None:
            return None
        return self._unencodable(annotation.annotation, self._source_name, None)

    def unencodable_text(self, text: str | None) -> Unencodable | None:
        """The same for an annotation a resolver rendered (qualified names)."""
        node = _parsed(text)
        found = None if node is None else self._unencodable(node, lambda n: self._text_name(n, local=False), None)
        return None if found is None else dataclasses.replace(found, node=None)

    def _unencodable(self, node: cst.BaseExpression, name_of: Callable[[cst.BaseExpression], Named], at: cst.CSTNode | None) -> Unencodable | None:
        """`at`: the node to point at instead of `node` (a forward reference's string)."""
        if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
            text = node.evaluated_value
            parsed = _parsed(text) if isinstance(text, str) else None
            return None if parsed is None else self._unencodable(parsed, lambda n: self._text_name(n, local=True), at or node)
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
            return self._unencodable(node.left, name_of, at) or self._unencodable(node.right, name_of, at)
        if isinstance(node, cst.Subscript):
            head = name_of(node.value)
            generic = head if isinstance(head, str) else None
            args = [e.slice.value for e in node.slice if isinstance(e.slice, cst.Index)]
            if generic in dialect.ANNOTATED:
                args = args[:1]
            elif generic in dialect.LITERAL:
                return None
            elif (found := self._unencodable_name(node, head, at)) is not None:
                return found
            for arg in args:
                found = self._unencodable(arg, name_of, at)
                if found is not None:
                    return found
            return None
        if isinstance(node, (cst.Name, cst.Attribute)) and not (isinstance(node, cst.Name) and node.value == "None"):
            return self._unencodable_name(node, name_of(node), at)
        return None

    def _unencodable_name(self, node: cst.BaseExpression, named: Named, at: cst.CSTNode | None) -> Unencodable | None:
        if isinstance(named, ClassInfo):
            return None if self._local_value_class(named) else Unencodable(at or node, _code(node), PLAIN_CLASS, local=True)
        if named is None or named in dialect.TYPE_NAMES or named in dialect.ENCODABLE_TYPES or named in VALUE_TYPES:
            return None
        what = dialect.unencodable_type(named)
        if what is not None:
            return Unencodable(at or node, _code(node), what)
        if dialect.sdk_name(named) == "RappelTimeout" or named in dialect.EXCEPTION_ALIASES:
            return None
        if named.startswith("builtins."):
            if named[9:] in dialect.PYTHON_EXCEPTIONS or named == "builtins.None":
                return None
            return Unencodable(at or node, _code(node), dialect.BUILTIN_TYPE)
        resolved = self.wc.resolve(named)
        if isinstance(resolved, TypeInfo) and resolved.encodable is False:
            return Unencodable(at or node, _code(node), PLAIN_CLASS)
        return None

    def _source_name(self, node: cst.BaseExpression) -> Named:
        if isinstance(node, cst.Name) and self.wc.src.ref(node).kind == "global":
            return self.wc.index.classes.get(node.value)
        return self.wc.index.qualified(node) if isinstance(node, (cst.Name, cst.Attribute)) else None

    def _text_name(self, node: cst.BaseExpression, local: bool) -> Named:
        dotted = _dotted(node)
        if dotted is None:
            return None
        if local and dotted in self.wc.index.classes:
            return self.wc.index.classes[dotted]
        head = self._text_head(node, local)
        if head is not None and head.startswith("builtins.") and not hasattr(builtins, head[9:]):
            return None  # a bare name this text does not say where it comes from
        return head

    def _local_value_class(self, info: ClassInfo) -> bool:
        """A class of this module whose instances the codec carries: a model, a
        dataclass, a NamedTuple, an exception, an enum or a TypedDict."""
        if info.kind in ("model", "dataclass", "namedtuple", "exception", "enum", "typeddict"):
            return True
        for cls in self.wc.index.mro(info.name):
            for base in cls.foreign_bases:
                qualified = self.wc.index.qualified(base)
                if qualified in dialect.ENUM_BASES or qualified in dialect.TYPED_DICT_BASES:
                    return True
                resolved = self.wc.resolve(qualified) if qualified else None
                if isinstance(resolved, TypeInfo) and resolved.encodable:
                    return True
        return False


def _parsed(text: str | None) -> cst.BaseExpression | None:
    if not text:
        return None
    try:
        return cst.parse_expression(text)
    except Exception:
        return None


def _code(node: cst.CSTNode) -> str:
    return cst.Module([]).code_for_node(node)


def _dotted(node: cst.BaseExpression) -> str | None:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr.value}" if base else None
    return None


def _is_ellipsis(node) -> bool:
    return isinstance(node, cst.Ellipsis)
