"""Signature introspection shared by actions, dependency providers and workflows."""

from __future__ import annotations

import inspect
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
