"""Starting workflow instances: the backend interface and workflow handles.

`Workflow.start()` hands the workflow class and its arguments (bound to run()'s
parameter names) to the current backend, which returns a `WorkflowHandle`. The
durable Postgres backend arrives with the runtime; until one is configured, starting
a workflow is a clear error. Tests install an in-process backend with
`rappel.testing.local_backend()`.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Awaitable, Callable, Iterator
from contextvars import ContextVar
from typing import Any, Protocol

from ._errors import RappelError


class WorkflowHandle:
    """A started workflow instance: its `id`, and `await handle.result()` for its
    return value (or its exception, raised again)."""

    def __init__(self, id: str, workflow: str, result: Callable[[], Awaitable[Any]]) -> None:
        self.id = id
        self.workflow = workflow
        self._result = result

    async def result(self) -> Any:
        return await self._result()

    def __repr__(self) -> str:
        return f"<WorkflowHandle {self.workflow} id={self.id}>"


class Backend(Protocol):
    async def start(self, workflow_cls: type, args: dict[str, Any]) -> WorkflowHandle:
        """Queue an instance of `workflow_cls` with `args` (run() parameter -> value)."""
        ...


class _NoBackend:
    """What `start()` reaches when nothing is configured: explain what is missing."""

    async def start(self, workflow_cls: type, args: dict[str, Any]) -> WorkflowHandle:
        name = workflow_cls.__name__
        if os.environ.get("RAPPEL_DATABASE_URL"):
            reason = (
                "RAPPEL_DATABASE_URL is set, but this release of rappel does not include "
                "the durable Postgres runtime yet (it arrives in the next release)."
            )
        else:
            reason = (
                "durable execution needs the Rappel runtime, configured with "
                "RAPPEL_DATABASE_URL; the runtime arrives in the next release."
            )
        raise RappelError(
            f"cannot start {name}: {reason} To run it in-process, in tests or "
            f"scripts, use `await rappel.testing.run_local({name}, ...)`."
        )


_default_backend: Backend = _NoBackend()
_scoped_backend: ContextVar[Backend | None] = ContextVar("rappel_backend", default=None)


def configure_backend(backend: Backend | None) -> None:
    """Set the process-wide backend (None restores the unconfigured default)."""
    global _default_backend
    _default_backend = backend if backend is not None else _NoBackend()


@contextlib.contextmanager
def use_backend(backend: Backend) -> Iterator[Backend]:
    """Use `backend` in this context (and tasks started from it) only."""
    token = _scoped_backend.set(backend)
    try:
        yield backend
    finally:
        _scoped_backend.reset(token)


def current_backend() -> Backend:
    return _scoped_backend.get() or _default_backend
