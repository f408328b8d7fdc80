"""Signature introspection shared by actions, dependency providers and workflows."""

from __future__ import annotations

import inspect
import types
import typing
from typing import Any, Callable

from ._errors import RappelError


def resolved_signature(fn: Callable[..., Any]) -> inspect.Signature:
    """`inspect.signature` with string annotations (PEP 563) evaluated where possible.

    An annotation that cannot be evaluated yet (a forward reference to a name defined
    later in the module) stays a string, unless it declares a `Depend`: injection must
    be known when the function is decorated, so that is an error.
    """
    try:
        return inspect.signature(fn, eval_str=True)
    except Exception:
        signature = inspect.signature(fn)
    namespace = getattr(inspect.unwrap(fn), "__globals__", {})
    params = []
    for param in signature.parameters.values():
        annotation = param.annotation
        if isinstance(annotation, str):
            try:
                annotation = eval(annotation, namespace)  # noqa: S307 - annotation text
            except Exception as exc:
                if "Depend(" in annotation:
                    raise RappelError(
                        f"cannot evaluate the annotation of parameter {param.name!r} of "
                        f"{qualified_name(fn)}: {annotation!r} ({type(exc).__name__}: {exc}); "
                        "define the dependency provider before the function that uses it"
                    ) from exc
        params.append(param.replace(annotation=annotation))
    return signature.replace(parameters=params)


def qualified_name(obj: object) -> str:
    module = getattr(obj, "__module__", None)
    name = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", None) or repr(obj)
    return f"{module}.{name}" if module and module != "builtins" else name


def type_string(annotation: object) -> str | None:
    """Render an annotation the way it is written in source: `list[str]`, `User | None`.

    Classes are rendered by their (unqualified) name, as the RRL program names them;
    `Annotated` metadata is dropped. Returns None for a missing annotation.
    """
    if annotation is inspect.Parameter.empty or annotation is inspect.Signature.empty:
        return None
    return _render(annotation)


def _render(tp: object) -> str:
    if isinstance(tp, str):
        return tp
    if isinstance(tp, typing.ForwardRef):
        return tp.__forward_arg__
    if tp is None or tp is type(None):
        return "None"
    if tp is Ellipsis:
        return "..."
    if isinstance(tp, list):  # the parameter list of Callable[[int], str]
        return "[" + ", ".join(_render(t) for t in tp) + "]"
    if isinstance(tp, typing.TypeVar):
        return tp.__name__
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is typing.Annotated:
        return _render(args[0])
    if origin is typing.Union or origin is types.UnionType:
        return " | ".join(_render(a) for a in args)
    if origin is typing.Literal:
        return "Literal[" + ", ".join(repr(a) for a in args) + "]"
    if origin is not None:
        name = getattr(origin, "__name__", None) or _strip_typing(repr(origin))
        if not args:
            return name
        return f"{name}[{', '.join(_render(a) for a in args)}]"
    if isinstance(tp, type):
        return tp.__qualname__
    return _strip_typing(repr(tp))


def _strip_typing(text: str) -> str:
    return text.replace("typing.", "")
