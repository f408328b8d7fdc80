"""Virtual time for workflow code run in-process by `rappel.testing`.

A durable `await asyncio.sleep(86400)` in a workflow should not hold a test for a day,
and neither should the backoff between retries. While `run_native` executes a
workflow body, a context variable holds a `VirtualClock`; `asyncio.sleep` is replaced
by a dispatcher that advances that clock when it is set and sleeps for real when it
is not. Context variables are per task, so only the workflow body (and the tasks it
spawns, such as `asyncio.gather` branches) sees virtual time; actions reset the
variable and always run in real time, so their timeouts stay real.

The dispatcher is installed on `asyncio.sleep`, and on any `from asyncio import sleep`
binding in the workflow's modules, only while at least one run is in progress.
"""

from __future__ import annotations

import asyncio
import asyncio.tasks
import contextlib
import sys
import threading
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from types import ModuleType
from typing import Any

_real_sleep = asyncio.tasks.sleep


class VirtualClock:
    """Time as seen by workflow code under test: sleeps return at once and are recorded.

    `sleeps` lists every requested duration (durable sleeps and retry backoffs, in
    the order they were requested); `now` is their sum.
    """

    def __init__(self) -> None:
        self.sleeps: list[float] = []

    @property
    def now(self) -> float:
        return sum(self.sleeps)

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(max(0.0, float(seconds)))
        # Still a scheduling point, like a real sleep: parallel branches interleave.
        await _real_sleep(0)

    def __repr__(self) -> str:
        return f"VirtualClock(now={self.now:g}, sleeps={len(self.sleeps)})"


# The clock of the workflow body running in this context; None in actions and
# everywhere else.
_workflow_clock: ContextVar[VirtualClock | None] = ContextVar("rappel_workflow_clock", default=None)

# A clock the test asked for with `rappel.testing.virtual_clock()`.
_requested_clock: ContextVar[VirtualClock | None] = ContextVar("rappel_requested_clock", default=None)


def current_clock() -> VirtualClock | None:
    """The virtual clock if the caller is workflow code run by rappel.testing."""
    return _workflow_clock.get()


def clock_for_run() -> VirtualClock:
    """The clock a new test run should use: the requested one, else a fresh one."""
    return _requested_clock.get() or VirtualClock()


@contextlib.contextmanager
def requested_clock() -> Iterator[VirtualClock]:
    clock = VirtualClock()
    token = _requested_clock.set(clock)
    try:
        yield clock
    finally:
        _requested_clock.reset(token)


async def workflow_sleep(delay: float, result: Any = None) -> Any:
    """`asyncio.sleep` that is virtual inside workflow code under test."""
    clock = _workflow_clock.get()
    if clock is None:
        return await _real_sleep(delay, result)
    await clock.sleep(delay)
    return result


@contextlib.contextmanager
def real_time() -> Iterator[None]:
    """Run the enclosed code (an action) with real sleeps."""
    token = _workflow_clock.set(None)
    try:
        yield
    finally:
        _workflow_clock.reset(token)


@contextlib.contextmanager
def workflow_time(clock: VirtualClock, modules: Iterable[ModuleType] = ()) -> Iterator[None]:
    """Run the enclosed workflow body on `clock`."""
    _patches.acquire(modules)
    token = _workflow_clock.set(clock)
    try:
        yield
    finally:
        _workflow_clock.reset(token)
        _patches.release()


class _SleepPatches:
    """Reference-counted replacement of `asyncio.sleep` bindings by `workflow_sleep`.

    Patches stay while any run is active (the dispatcher is harmless to code outside
    workflows) and are undone when the last one finishes, unless someone else has
    rebound the name in the meantime.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._active = 0
        self._patched: list[tuple[dict[str, Any], str]] = []

    def acquire(self, modules: Iterable[ModuleType]) -> None:
        with self._lock:
            self._active += 1
            self._patch(vars(asyncio), "sleep")
            for module in modules:
                namespace = vars(module)
                for name, value in list(namespace.items()):
                    if value is _real_sleep:
                        self._patch(namespace, name)

    def release(self) -> None:
        with self._lock:
            self._active -= 1
            if self._active:
                return
            for namespace, name in self._patched:
                if namespace.get(name) is workflow_sleep:
                    namespace[name] = _real_sleep
            self._patched.clear()

    def _patch(self, namespace: dict[str, Any], name: str) -> None:
        if namespace.get(name) is _real_sleep:
            namespace[name] = workflow_sleep
            self._patched.append((namespace, name))


_patches = _SleepPatches()


def modules_of(cls: type) -> list[ModuleType]:
    """The modules whose code runs as workflow code of `cls` (it and its bases)."""
    names = {klass.__module__ for klass in cls.__mro__ if klass is not object}
    return [sys.modules[name] for name in sorted(names) if name in sys.modules]
