"""Run workflows in-process, in tests and scripts.

- `run_native(Wf, ...)` awaits the Python `run()` body itself: the ground truth.
- `run_local(Wf, ...)` executes the compiled RRL program in the reference interpreter,
  the same program the runtime executes.
- `record_transcript(Wf, ...)` runs it as `run_local` does and returns its transcript:
  what the interpreter dispatched, what came back, and the outcome, as JSON data.

Both run actions for real (with `Depend` resolved, `overrides` applied) and keep
workflow time virtual: durable sleeps and retry backoffs return at once and are
recorded on a `VirtualClock` (see `virtual_clock()`). See docs/testing.md.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from ._client import use_backend
from ._depend import override_dependency
from ._in_process import LocalBackend, Overrides, execute_local, execute_native, record_local, workflow_class
from ._virtual_time import VirtualClock, requested_clock
from ._workflow import Workflow, bind_run_arguments

__all__ = [
    "LocalBackend",
    "VirtualClock",
    "local_backend",
    "override_dependency",
    "record_transcript",
    "run_local",
    "run_native",
    "virtual_clock",
]


async def run_native(
    workflow: type[Workflow] | Workflow, /, *args: Any, overrides: Overrides = None, **kwargs: Any
) -> Any:
    """Run the workflow's original Python `run()` with the given arguments.

    `workflow` is a Workflow class (instantiated without arguments) or an instance.
    `overrides` maps dependency providers to replacements for this run.
    """
    cls = workflow_class(workflow)
    instance = workflow if isinstance(workflow, Workflow) else cls()
    return await execute_native(instance, bind_run_arguments(cls, args, kwargs), overrides)


async def run_local(
    workflow: type[Workflow] | Workflow, /, *args: Any, overrides: Overrides = None, **kwargs: Any
) -> Any:
    """Run the workflow's compiled program in the reference interpreter."""
    cls = workflow_class(workflow)
    return await execute_local(cls, bind_run_arguments(cls, args, kwargs), overrides)


async def record_transcript(
    workflow: type[Workflow] | Workflow, /, *args: Any, overrides: Overrides = None, **kwargs: Any
) -> dict[str, Any]:
    """Run the workflow's compiled program as `run_local` does and return its
    transcript, a JSON-serializable dict: the arguments, every batch of commands
    the interpreter issued (action attempts with their arguments, timers), every
    completion fed back, and the outcome, values in the codec's encoding. The
    workflow's own failure is its outcome, not an exception. See docs/testing.md,
    "Transcripts"; `rrl replay` checks another runtime against it."""
    cls = workflow_class(workflow)
    return await record_local(cls, bind_run_arguments(cls, args, kwargs), overrides)


@contextlib.contextmanager
def virtual_clock() -> Iterator[VirtualClock]:
    """Runs started inside the block record their sleeps on the yielded clock:

        with virtual_clock() as clock:
            await run_native(Reminder, user_id="u1")
        assert clock.sleeps == [86400.0]
    """
    with requested_clock() as clock:
        yield clock


@contextlib.contextmanager
def local_backend(*, native: bool = False, overrides: Overrides = None) -> Iterator[LocalBackend]:
    """Make `await Wf().run(...)` / `Wf().start(...)` run in-process inside the block:
    the compiled program by default, the Python body with `native=True`."""
    backend = LocalBackend(native=native, overrides=overrides)
    with use_backend(backend):
        yield backend
