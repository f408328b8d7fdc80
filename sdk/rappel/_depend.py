"""Dependency injection for actions: `Annotated[T, Depend(provider)]`.

Providers are resolved for each action call (each attempt), recursively, with every
provider called at most once per call. Generator providers wrap the call: the code
after `yield` runs when the action finishes, also when it raised.
"""

from __future__ import annotations

import contextlib
import inspect
import typing
from collections.abc import Callable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, ClassVar

from ._errors import RappelError
from ._signatures import qualified_name, resolved_signature

Provider = Callable[..., Any]


@dataclass(frozen=True)
class Depend:
    """Marks a parameter as injected: `db: Annotated[Database, Depend(get_db)]`.

    `provider` is a sync or async function, or a sync or async generator function
    (setup before `yield`, teardown after). Injected parameters are not part of the
    action's workflow-visible signature.
    """

    provider: Provider

    # How the compiler, which must not import the SDK, recognises injected parameters.
    __rappel_depend__: ClassVar[bool] = True

    def __post_init__(self) -> None:
        if not callable(self.provider):
            raise TypeError(f"Depend() needs a callable provider, got {self.provider!r}")

    def __repr__(self) -> str:
        return f"Depend({qualified_name(self.provider)})"


def depend_of(annotation: object) -> Depend | None:
    """The `Depend` marker of an `Annotated[...]` annotation, if it has one."""
    if typing.get_origin(annotation) is not typing.Annotated:
        return None
    markers = [m for m in annotation.__metadata__ if isinstance(m, Depend)]
    if len(markers) > 1:
        raise RappelError(f"{annotation!r} has more than one Depend(...) marker")
    return markers[0] if markers else None


# ------------------------------------------------------------------ overrides

_overrides: ContextVar[Mapping[Provider, Provider]] = ContextVar(
    "rappel_dependency_overrides", default=MappingProxyType({})
)


@contextlib.contextmanager
def apply_overrides(overrides: Mapping[Provider, Provider] | None) -> Iterator[None]:
    """Replace providers for the current context (and tasks started from it).

    Context variables are per task, so concurrent tests do not see each other's
    overrides. Nested overrides layer on top of the outer ones.
    """
    if not overrides:
        yield
        return
    for original, replacement in overrides.items():
        if not callable(original) or not callable(replacement):
            raise TypeError(
                "dependency overrides map a provider to a replacement provider, "
                f"got {original!r}: {replacement!r}"
            )
    token = _overrides.set(MappingProxyType({**_overrides.get(), **overrides}))
    try:
        yield
    finally:
        _overrides.reset(token)


def override_dependency(original: Provider, replacement: Provider) -> contextlib.AbstractContextManager[None]:
    """Within the `with` block, `Depend(original)` is served by `replacement`."""
    return apply_overrides({original: replacement})


# ------------------------------------------------------------------ resolution


class DependencyScope:
    """Resolves the injections of one action call; teardowns go on `stack`."""

    def __init__(self, stack: contextlib.AsyncExitStack) -> None:
        self._stack = stack
        self._cache: dict[Provider, Any] = {}
        self._overrides = _overrides.get()

    async def resolve(self, depend: Depend, chain: tuple[Provider, ...] = ()) -> Any:
        original = depend.provider
        if original in self._cache:
            return self._cache[original]
        if original in chain:
            cycle = " -> ".join(qualified_name(p) for p in (*chain, original))
            raise RappelError(f"dependency cycle: {cycle}")
        provider = self._overrides.get(original, original)
        value = await self._call(provider, (*chain, original))
        self._cache[original] = value
        return value

    async def injected_arguments(
        self, signature: inspect.Signature, chain: tuple[Provider, ...] = ()
    ) -> dict[str, Any]:
        """Values for every `Depend` parameter of `signature`, by name."""
        values = {}
        for param in signature.parameters.values():
            depend = depend_of(param.annotation)
            if depend is not None:
                values[param.name] = await self.resolve(depend, chain)
        return values

    async def _call(self, provider: Provider, chain: tuple[Provider, ...]) -> Any:
        signature = resolved_signature(provider)
        injected = await self.injected_arguments(signature, chain)
        args, kwargs = [], {}
        for param in signature.parameters.values():
            if param.name in injected:
                if param.kind is param.POSITIONAL_ONLY:
                    args.append(injected[param.name])
                else:
                    kwargs[param.name] = injected[param.name]
            elif param.default is param.empty and param.kind not in (
                param.VAR_POSITIONAL,
                param.VAR_KEYWORD,
            ):
                raise RappelError(
                    f"dependency provider {qualified_name(provider)}() has a parameter "
                    f"{param.name!r} that rappel cannot supply: give it a default or "
                    "annotate it as Annotated[..., Depend(other_provider)]"
                )

        if inspect.isasyncgenfunction(provider):
            cm = contextlib.asynccontextmanager(provider)(*args, **kwargs)
            value = await cm.__aenter__()
            self._stack.push_async_exit(_never_suppress_async(cm.__aexit__))
            return value
        if inspect.isgeneratorfunction(provider):
            cm = contextlib.contextmanager(provider)(*args, **kwargs)
            value = cm.__enter__()
            self._stack.push(_never_suppress(cm.__exit__))
            return value
        value = provider(*args, **kwargs)
        if inspect.isawaitable(value):
            value = await value
        return value


# A provider's teardown sees the action's exception (so `try/finally` and `except`
# around `yield` work) but may not swallow it: an action that failed stays failed.


def _never_suppress(exit_fn: Callable[..., Any]) -> Callable[..., bool]:
    def exit_without_suppressing(*exc_info: Any) -> bool:
        exit_fn(*exc_info)
        return False

    return exit_without_suppressing


def _never_suppress_async(exit_fn: Callable[..., Any]) -> Callable[..., Any]:
    async def exit_without_suppressing(*exc_info: Any) -> bool:
        await exit_fn(*exc_info)
        return False

    return exit_without_suppressing
