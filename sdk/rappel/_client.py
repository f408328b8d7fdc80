"""Starting workflow instances: the backend interface, workflow handles and statuses.

`Workflow.start()` hands the workflow class and its arguments (bound to run()'s
parameter names) to the current backend, which returns a `WorkflowHandle`. The
default backend is the durable one (`rappel._durable.DurableBackend`): the
instance is queued through a `rappel-bridge` and runs on the runtime. Tests install
an in-process backend with `rappel.testing.local_backend()`.
"""

from __future__ import annotations

import contextlib
import enum
from collections.abc import Awaitable, Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Protocol

from ._errors import RappelError


class WorkflowState(enum.Enum):
    """Where an instance is: queued, running, sleeping (a durable sleep or a retry's
    backoff, holding no worker), or done (completed, failed, or cancelled by
    `handle.cancel()`)."""

    QUEUED = "queued"
    RUNNING = "running"
    SLEEPING = "sleeping"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def done(self) -> bool:
        return self in (WorkflowState.COMPLETED, WorkflowState.FAILED, WorkflowState.CANCELLED)


@dataclass(frozen=True)
class WorkflowStatus:
    """An instance's state, with its outcome once it is done: `result` (what run()
    returned) when completed, `exception` (what it raised) when failed, a
    `WorkflowCancelled` as `exception` when cancelled."""

    id: str
    state: WorkflowState
    result: Any = None
    exception: BaseException | None = None

    @property
    def done(self) -> bool:
        return self.state.done


class WorkflowHandle:
    """A started workflow instance: its `id`, `await handle.result()` for its return
    value (or its exception, raised again), `await handle.status()` for where it is,
    `await handle.cancel()` to stop it."""

    def __init__(
        self,
        id: str,
        workflow: str,
        result: Callable[[], Awaitable[Any]],
        status: Callable[[], Awaitable[WorkflowStatus]] | None = None,
        cancel: Callable[[], Awaitable[bool]] | None = None,
    ) -> None:
        self.id = id
        self.workflow = workflow
        self._result = result
        self._status = status
        self._cancel = cancel

    async def result(self) -> Any:
        return await self._result()

    async def status(self) -> WorkflowStatus:
        if self._status is None:
            raise RappelError(
                f"the backend of {self!r} does not report statuses: give WorkflowHandle a `status` "
                "callable, or use the durable backend or rappel.testing.local_backend()"
            )
        return await self._status()

    async def cancel(self) -> bool:
        """Stop the instance if it has not finished: it ends CANCELLED, nothing more of
        it runs (actions already running finish, but their results are discarded), and
        `result()` raises `WorkflowCancelled`, also in callers already waiting. Returns
        True when this call cancelled it, False when it had finished before (completed,
        failed or cancelled): a finished instance is left as it is."""
        if self._cancel is None:
            raise RappelError(
                f"the backend of {self!r} cannot cancel instances: give WorkflowHandle a `cancel` "
                "callable, or use the durable backend or rappel.testing.local_backend()"
            )
        return await self._cancel()

    def __repr__(self) -> str:
        return f"<WorkflowHandle {self.workflow} id={self.id}>"


class Backend(Protocol):
    async def start(
        self, workflow_cls: type, args: dict[str, Any], *, idempotency_key: str | None = None
    ) -> WorkflowHandle:
        """Queue an instance of `workflow_cls` with `args` (run() parameter -> value);
        with `idempotency_key`, the key's existing instance if the workflow used it."""
        ...

    def handle(self, workflow_cls: type, instance_id: str) -> WorkflowHandle:
        """The handle of an instance started earlier (by any process)."""
        ...


class BatchBackend(Backend, Protocol):
    """A backend that starts many instances in one go (`Workflow.start_many`);
    a backend without `start_many` gets one `start` per instance instead."""

    async def start_many(
        self, workflow_cls: type, arguments: list[dict[str, Any]], idempotency_keys: list[str | None]
    ) -> list[WorkflowHandle]:
        """Queue one instance per item of `arguments` (run() parameter -> value),
        with the idempotency key at the same index (None: no key); their handles
        in the same order."""
        ...


def _durable_backend() -> Backend:
    from ._durable import DurableBackend

    return DurableBackend()


# Made on first use: discovering the bridge waits until a workflow starts.
_default_backend: Backend | None = None
_scoped_backend: ContextVar[Backend | None] = ContextVar("rappel_backend", default=None)


def configure_backend(backend: Backend | None) -> None:
    """Set the process-wide backend (None restores the default, the durable one)."""
    global _default_backend
    _default_backend = backend


@contextlib.contextmanager
def use_backend(backend: Backend) -> Iterator[Backend]:
    """Use `backend` in this context (and tasks started from it) only."""
    token = _scoped_backend.set(backend)
    try:
        yield backend
    finally:
        _scoped_backend.reset(token)


def current_backend() -> Backend:
    global _default_backend
    scoped = _scoped_backend.get()
    if scoped is not None:
        return scoped
    if _default_backend is None:
        _default_backend = _durable_backend()
    return _default_backend
