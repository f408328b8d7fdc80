"""Values crossing a process boundary in-process, as they cross it in production.

In production, action arguments go from the runtime to a worker and results
and exceptions come back, workflow arguments go from the client to Postgres
and the result comes back, all in the value codec's JSON (`rrl.codec`,
docs/language.md "Values and the codec"). `rappel.testing` sends every such
value through the same encoding, so a value the codec cannot carry fails a
local run where it would fail in production, with an error that names the
workflow, the action, the parameter (or the result) and the path inside it.
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
from collections.abc import Awaitable, Callable, Iterator
from contextvars import ContextVar
from typing import Any

from ._errors import CodecError

Resolver = Callable[[str], Any]

HELP = (
    "help: values that cross a process boundary are None, bool, int, float, str, bytes, lists, "
    "tuples, dicts, sets, dates and times, UUID, Decimal, enum members, pydantic models, "
    'dataclasses and exceptions (see "Values and the codec" in docs/language.md)'
)

# The workflow whose values are crossing, for error messages: set by `rappel.testing`
# around a run, inherited by the tasks it starts.
_workflow: ContextVar[str | None] = ContextVar("rappel_boundary_workflow", default=None)


@contextlib.contextmanager
def workflow_boundary(workflow: str | None) -> Iterator[None]:
    """Errors of values crossing inside the block name `workflow` (None: no workflow,
    as a worker, which does not know it, reports an action's values)."""
    token = _workflow.set(workflow)
    try:
        yield
    finally:
        _workflow.reset(token)


def cross(value: Any, root: str, what: str, resolve: Resolver | None = None) -> Any:
    """`value` as the other side of the boundary receives it: encoded to the codec's
    JSON text and decoded from it, with the classes `resolve` finds (the user's by
    default; a program's classes where the reference interpreter receives it).
    `root` names the value in error paths (`result.items[3].conn`), `what` says
    which value it is."""
    return decode(encode(value, root, what), root, what, resolve)


def encode(value: Any, root: str, what: str) -> str:
    """`value` as the codec's JSON text; a `CodecError` naming `what` and the path
    inside it when the codec cannot carry it."""
    from rrl import codec

    try:
        return codec.dumps(value)
    except codec.EncodeError as exc:
        raise CodecError(_message(what, "cannot be encoded", exc.where(root), exc.reason)) from None


def decode(text: str | bytes, root: str, what: str, resolve: Resolver | None = None) -> Any:
    """The value of the codec's JSON `text`, with the classes `resolve` finds (the
    user's by default); a `CodecError` naming `what` when it cannot be rebuilt."""
    from rrl import codec

    try:
        return codec.loads(text, resolve or resolve_class)
    except codec.DecodeError as exc:
        raise CodecError(_message(what, "cannot be decoded", exc.where(root), exc.reason)) from None


def cross_exception(exc: BaseException, what: str, resolve: Resolver | None = None) -> BaseException:
    """The exception as the receiver rebuilds it, keeping the original traceback
    so a test failure still points into the code that raised it."""
    crossed = cross(exc, "exception", what, resolve)
    return crossed.with_traceback(exc.__traceback__)


def cross_arguments(arguments: dict[str, Any], label: str, resolve: Resolver | None = None) -> dict[str, Any]:
    """Keyword arguments as the receiver of `label` (`run()`, `action f()`) gets them,
    read with the classes `resolve` finds (the user's by default)."""
    return {name: cross(value, name, f"the argument `{name}` of {label}", resolve) for name, value in arguments.items()}


async def run_across(
    arguments: dict[str, Any],
    run: Callable[[dict[str, Any]], Awaitable[Any]],
    label: str,
    *,
    into: Resolver | None = None,
    back: Resolver | None = None,
) -> Any:
    """`run(arguments)` with the arguments, and its result or exception, crossing
    the boundary: how a workflow run or an action attempt sees its values. The
    arguments are read with the classes `into` finds, the result and the exception
    with those `back` finds (the user's classes by default)."""
    crossed = cross_arguments(arguments, label, into)
    try:
        result = await run(crossed)
    except Exception as exc:
        failure = exc
    else:
        return cross(result, "result", f"the result of {label}", back)
    raise cross_exception(failure, f"the exception raised by {label}", back)


def _message(what: str, problem: str, path: str, reason: str) -> str:
    workflow = _workflow.get()
    where = f"{workflow}: " if workflow else ""
    return f"{where}{what} {problem}: {path} {reason}\n{HELP}"


def resolve_class(name: str) -> type:
    """`module:qualname` → the class, importing the module: how a worker finds the
    classes named in a value."""
    module_name, _, qualname = name.partition(":")
    found: Any = importlib.import_module(module_name)
    for part in qualname.split("."):
        found = getattr(found, part)
    if not inspect.isclass(found):
        raise TypeError(f"{name} is {found!r}, not a class")
    return found
