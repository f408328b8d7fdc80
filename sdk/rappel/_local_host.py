"""The host through which the reference interpreter reaches Python: actions, types,
exception matching and (virtual) time. It is the in-process stand-in for what the
runtime does with workers and Postgres."""

from __future__ import annotations

import builtins
import enum
import importlib
import inspect
from typing import TYPE_CHECKING, Any

from ._actions import ActionCall, lookup_action
from ._errors import RappelError, RappelTimeout
from ._virtual_time import VirtualClock

if TYPE_CHECKING:
    from rrl.interpreter import Dispatch


class LocalHost:
    """Implements the interpreter's host protocol in-process.

    `clock` records the workflow's durable sleeps (and the interpreter's backoffs),
    which return at once.
    """

    def __init__(self, clock: VirtualClock | None = None) -> None:
        self.clock = clock if clock is not None else VirtualClock()
        self._types: dict[str, type] = {}

    async def call_action(self, call: Dispatch) -> Any:
        """Run one attempt of the action `call` dispatches (the interpreter
        enforces its timeout).

        The arguments, and the result or the action's exception, cross the value
        codec as they cross Postgres and a worker in production (see
        `ActionCall.attempt`): an action that changes its argument in place does
        not change the workflow's value."""
        return await ActionCall(lookup_action(call.action, call.module), (), call.kwargs).attempt()

    def construct(self, type_name: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        """Instantiate `module.Class` (builtins by bare name): models, dataclasses,
        exceptions the program builds."""
        return self.resolve_type(type_name)(*args, **kwargs)

    def exception_matches(self, exc: BaseException, type_name: str) -> bool:
        cls = self.resolve_type(type_name)
        if not issubclass(cls, BaseException):
            raise RappelError(f"{type_name} is not an exception class and cannot be caught")
        if isinstance(exc, cls):
            return True
        # A stand-in for an exception whose class could not be rebuilt here still
        # matches the classes its chain names, as it does in the runtime.
        from rrl.codec import UnresolvedException, class_name, exception_chain

        return isinstance(exc, UnresolvedException) and class_name(cls) in exception_chain(type(exc))

    def is_instance(self, value: Any, type_name: str) -> bool:
        return isinstance(value, self.resolve_type(type_name))

    def enum_member(self, type_name: str, member: str) -> Any:
        cls = self.resolve_type(type_name)
        if not issubclass(cls, enum.Enum):
            raise RappelError(f"{type_name} is not an enum: a workflow reads no other attribute of a class")
        if member not in cls.__members__:
            raise AttributeError(f"type object '{cls.__name__}' has no attribute '{member}'")
        return cls.__members__[member]

    async def sleep(self, seconds: float) -> None:
        await self.clock.sleep(seconds)

    def resolve_type(self, type_name: str) -> type:
        cls = self._types.get(type_name)
        if cls is None:
            cls = _import_type(type_name)
            self._types[type_name] = cls
        return cls


# Names RRL uses bare besides Python's builtins: the exceptions rappel itself raises.
_RAPPEL_TYPES: dict[str, type] = {cls.__name__: cls for cls in (RappelError, RappelTimeout)}


def _import_type(type_name: str) -> type:
    if "." not in type_name:
        found = _RAPPEL_TYPES.get(type_name) or getattr(builtins, type_name, None)
        if not inspect.isclass(found):
            raise RappelError(f"{type_name!r} is not a builtin type; name it as module.Class")
        return found

    parts = type_name.split(".")
    # The longest importable prefix is the module; the rest is a (possibly nested)
    # class path inside it.
    for split in range(len(parts) - 1, 0, -1):
        module_name = ".".join(parts[:split])
        try:
            found: Any = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name and (module_name == exc.name or module_name.startswith(exc.name + ".")):
                continue  # this prefix is not a module; try a shorter one
            raise
        for attribute in parts[split:]:
            try:
                found = getattr(found, attribute)
            except AttributeError:
                raise RappelError(
                    f"cannot find type {type_name!r}: module {module_name!r} has no "
                    f"{'.'.join(parts[split:])!r}"
                ) from None
        if not inspect.isclass(found):
            raise RappelError(f"{type_name!r} is {found!r}, not a class")
        return found
    raise RappelError(f"cannot find type {type_name!r}: no module {parts[0]!r} can be imported")
