"""`@action`: the unit of distributed work.

Calling an action does not run it: `fetch_users(ids)` returns an `ActionCall` that
holds the arguments. Awaiting the call runs the function once (with its `Depend`
parameters resolved); `Workflow.run_action(call, retry=...)` runs it under a policy,
attempting it as many times as the policy allows.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import inspect
import keyword
from collections.abc import Callable, Coroutine, Generator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar, overload

from ._boundary import Resolver, run_across, workflow_boundary
from ._depend import Depend, DependencyScope, depend_of
from ._errors import ActionNotFound, RappelError
from ._execution import run_with_policy
from ._policies import ActionPolicy
from ._signatures import qualified_name, resolved_signature
from ._virtual_time import current_clock, real_time

_ACTION_ATTRIBUTE = "__rappel_action__"

# The number of the attempt running in this task (and the tasks it starts): set by
# `ActionDefinition.invoke` in every runner, read by `current_attempt()`.
_attempt: ContextVar[int | None] = ContextVar("rappel_action_attempt", default=None)


def current_attempt() -> int:
    """The number of the running action's attempt: 1 for the first, 2 for the first
    retry, and so on. The runtime's workers, `run_native` and `run_local` all set it,
    so an action can behave by attempt whichever process each attempt runs in.

    Raises RappelError outside an action's body (and the code it calls)."""
    attempt = _attempt.get()
    if attempt is None:
        raise RappelError(
            "rappel.current_attempt() was called outside a running action: "
            "call it in the body of an @action function, or in code that body calls"
        )
    return attempt


@dataclass(frozen=True)
class ActionParameter:
    """A parameter the workflow passes (part of the action's RRL signature)."""

    name: str
    has_default: bool
    default: Any = None
    keyword_only: bool = False


@dataclass(frozen=True)
class InjectedParameter:
    """A parameter filled in by `Depend` on the worker; invisible to the workflow."""

    name: str
    depend: Depend


@dataclass(frozen=True, eq=False)
class ActionDefinition:
    """What the SDK needs to know to call an action. Its RRL signature (types
    included) is the compiler's business: see the program's `action` declarations."""

    name: str
    module: str
    qualname: str
    fn: Callable[..., Coroutine[Any, Any, Any]]
    parameters: tuple[ActionParameter, ...]
    injected: tuple[InjectedParameter, ...]
    signature: inspect.Signature
    visible_signature: inspect.Signature

    def bind(self, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> dict[str, Any]:
        """Map call arguments to parameter names, with Python's own error messages."""
        for name in kwargs:
            injected = next((p for p in self.injected if p.name == name), None)
            if injected is not None:
                raise TypeError(
                    f"{self.name}(): parameter {name!r} is injected by {injected.depend!r} "
                    "and cannot be passed by the caller"
                )
        try:
            bound = self.visible_signature.bind(*args, **kwargs)
        except TypeError as exc:
            raise TypeError(f"{self.name}(): {exc}") from None
        return dict(bound.arguments)

    async def invoke(self, arguments: Mapping[str, Any], attempt: int = 1) -> Any:
        """Run the function once as attempt `attempt`: resolve injections, call,
        then run teardowns."""
        token = _attempt.set(attempt)
        try:
            if not self.injected and current_clock() is None:
                # A worker's hot path: real time already, nothing to inject.
                return await self.fn(**arguments)
            with real_time():
                if not self.injected:
                    return await self.fn(**arguments)
                async with contextlib.AsyncExitStack() as stack:
                    injected = await DependencyScope(stack).injected_arguments(self.signature)
                    return await self.fn(**arguments, **injected)
        finally:
            _attempt.reset(token)

    def bind_keywords(self, kwargs: Mapping[str, Any]) -> dict[str, Any]:
        """`bind((), kwargs)` without `inspect`'s cost when the names are right, as
        they are whenever the runtime sends them; the slow path words the errors."""
        names = kwargs.keys()
        if names <= self._visible_names and self._required_names <= names:
            return dict(kwargs)
        return self.bind((), kwargs)

    @functools.cached_property
    def _visible_names(self) -> frozenset[str]:
        return frozenset(p.name for p in self.parameters)

    @functools.cached_property
    def _required_names(self) -> frozenset[str]:
        return frozenset(p.name for p in self.parameters if not p.has_default)


class ActionCall:
    """One invocation of an action with its arguments, not yet run.

    Awaiting it runs the action (each await is a new run); `Workflow.run_action`
    runs it under a retry/backoff/timeout policy.
    """

    __slots__ = ("definition", "args", "kwargs", "arguments", "back")

    def __init__(
        self,
        definition: ActionDefinition,
        args: tuple[Any, ...],
        kwargs: Mapping[str, Any],
        back: Resolver | None = None,
    ) -> None:
        self.definition = definition
        self.args = tuple(args)
        self.kwargs = dict(kwargs)
        self.arguments = definition.bind(self.args, self.kwargs)
        # The classes the result and the exception are read with: the user's, or
        # those of the program the reference interpreter runs.
        self.back = back

    @property
    def action_name(self) -> str:
        return self.definition.name

    def attempt(self, number: int = 1) -> Coroutine[Any, Any, Any]:
        """A fresh coroutine running attempt `number` of the action, as a worker runs
        it: the arguments, and the result or the exception, cross the value codec.
        The action works on its own copy of every value, and a value the codec
        cannot carry fails here as it would in production."""

        definition = self.definition

        def invoke(arguments: Mapping[str, Any]) -> Coroutine[Any, Any, Any]:
            return definition.invoke(arguments, number)

        async def attempt() -> Any:
            # Its values' errors read as a worker's: the action by module and name,
            # no workflow (a worker does not know which workflow dispatched it).
            with workflow_boundary(None):
                label = f"action {definition.module}.{definition.name}()"
                return await run_across(self.arguments, invoke, label, back=self.back)

        return attempt()

    def __await__(self) -> Generator[Any, None, Any]:
        return self._run().__await__()

    async def _run(self) -> Any:
        if current_clock() is None:
            # Not under a workflow: a plain call of the function, handy in unit tests.
            return await self.definition.invoke(self.arguments)
        # Awaited directly by workflow code under rappel.testing: the default policy
        # applies, exactly as it will in the runtime.
        return await run_with_policy(self, ActionPolicy.build())

    def __repr__(self) -> str:
        rendered = ", ".join(f"{k}={v!r}" for k, v in self.arguments.items())
        return f"<ActionCall {self.definition.name}({rendered})>"


# ------------------------------------------------------------------ registry

# Actions are identified by (module, registered name), as RRL declares them
# (`action send_email(...) from app.actions`): two modules may each define a
# `send_email`, but one module cannot register two actions under one name.
_registry: dict[tuple[str, str], ActionDefinition] = {}


def _register(definition: ActionDefinition) -> None:
    key = (definition.module, definition.name)
    existing = _registry.get(key)
    if existing is not None and existing.qualname != definition.qualname:
        raise RappelError(
            f"action name {definition.name!r} is already registered in module "
            f"{definition.module} by {existing.qualname}; cannot register "
            f"{definition.qualname} under the same name. "
            "Choose another name with @action(name=...)"
        )
    # The same function defined again (a module reloaded) replaces its old definition.
    _registry[key] = definition


def lookup_action(name: str, module: str | None = None) -> ActionDefinition:
    """The action `name` of `module` (imported first if needed); without a module,
    the only action registered under `name`. ActionNotFound when there is none."""
    if module is None:
        found = [d for (_, registered), d in _registry.items() if registered == name]
        if len(found) == 1:
            return found[0]
        if not found:
            raise ActionNotFound(f"no action is registered under the name {name!r}")
        modules = ", ".join(sorted(d.module for d in found))
        raise RappelError(f"action name {name!r} is registered in several modules ({modules}); name the module")

    if (module, name) not in _registry:
        try:
            importlib.import_module(module)
        except ImportError as exc:
            raise ActionNotFound(
                f"action {name!r} is not registered and its module {module!r} "
                f"cannot be imported: {type(exc).__name__}: {exc}"
            ) from exc
    try:
        return _registry[(module, name)]
    except KeyError:
        raise ActionNotFound(f"module {module!r} defines no action named {name!r}") from None


def registered_actions() -> list[ActionDefinition]:
    """Every action registered in this process, by module and name."""
    return [definition for _, definition in sorted(_registry.items())]


def get_action_definition(obj: object) -> ActionDefinition | None:
    """The definition behind an `@action`-decorated function, else None."""
    definition = getattr(obj, _ACTION_ATTRIBUTE, None)
    return definition if isinstance(definition, ActionDefinition) else None


# ------------------------------------------------------------------ decorator

F = TypeVar("F", bound=Callable[..., Any])


@overload
def action(fn: F, /) -> F: ...
@overload
def action(*, name: str | None = None) -> Callable[[F], F]: ...


def action(fn: Callable[..., Any] | None = None, /, *, name: str | None = None) -> Any:
    """Declare an `async def` function as an action: `@action` or `@action(name="...")`.

    The decorated function returns an `ActionCall` when called; await it (or pass it
    to `Workflow.run_action`) to run it.
    """
    if fn is None:
        return lambda f: _make_action(f, name)
    if not callable(fn):
        raise TypeError(
            f"@action takes no positional arguments; use @action or @action(name=...), got {fn!r}"
        )
    return _make_action(fn, name)


def _make_action(fn: Callable[..., Any], name: str | None) -> Callable[..., ActionCall]:
    definition = _define(fn, name)
    _register(definition)

    @functools.wraps(fn)
    def make_call(*args: Any, **kwargs: Any) -> ActionCall:
        return ActionCall(definition, args, kwargs)

    setattr(make_call, _ACTION_ATTRIBUTE, definition)
    return make_call


def _define(fn: Callable[..., Any], name: str | None) -> ActionDefinition:
    label = qualified_name(fn)
    if get_action_definition(fn) is not None:
        raise TypeError(f"{label} is already an action; apply @action once")
    if not inspect.iscoroutinefunction(fn):
        kind = "an async generator" if inspect.isasyncgenfunction(fn) else "not an async function"
        raise TypeError(
            f"@action requires an `async def` function, but {label} is {kind}; "
            "actions are awaited by workflows and run on async workers"
        )
    name = fn.__name__ if name is None else name
    if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name):
        raise ValueError(
            f"@action(name=...) must be a Python identifier (it names the action in RRL), "
            f"got {name!r} for {label}"
        )

    signature = resolved_signature(fn)
    visible: list[inspect.Parameter] = []
    parameters: list[ActionParameter] = []
    injected: list[InjectedParameter] = []
    for param in signature.parameters.values():
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD, param.POSITIONAL_ONLY):
            raise TypeError(
                f"action {label} cannot take {param}: workflows pass action arguments "
                "by name, so every parameter needs a name (no *args, **kwargs or /)"
            )
        depend = depend_of(param.annotation)
        if depend is not None:
            injected.append(InjectedParameter(param.name, depend))
            continue
        visible.append(param)
        parameters.append(
            ActionParameter(
                name=param.name,
                has_default=param.default is not param.empty,
                default=None if param.default is param.empty else param.default,
                keyword_only=param.kind is param.KEYWORD_ONLY,
            )
        )

    return ActionDefinition(
        name=name,
        module=fn.__module__,
        qualname=fn.__qualname__,
        fn=fn,
        parameters=tuple(parameters),
        injected=tuple(injected),
        signature=signature,
        visible_signature=signature.replace(parameters=visible),
    )
