"""Running workflows inside the current process: the Python body itself (`native`)
or the compiled program in the reference interpreter (`local`)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from . import _toolchain
from ._boundary import HELP, cross_arguments, run_across, workflow_boundary
from ._client import WorkflowHandle, WorkflowState, WorkflowStatus
from ._depend import Provider, apply_overrides
from ._errors import CodecError, RappelError, WorkflowCancelled
from ._local_host import LocalHost
from ._virtual_time import clock_for_run, modules_of, workflow_time
from ._workflow import Workflow, dag_of, original_run

Overrides = Mapping[Provider, Provider] | None


def workflow_class(workflow: type[Workflow] | Workflow) -> type[Workflow]:
    cls = workflow if isinstance(workflow, type) else type(workflow)
    if not issubclass(cls, Workflow):
        raise TypeError(f"expected a rappel.Workflow subclass or instance, got {workflow!r}")
    return cls


async def execute_native(
    instance: Workflow, arguments: dict[str, Any], overrides: Overrides = None
) -> Any:
    """Await the user's run() body with virtual time; actions run for real."""
    cls = type(instance)
    body = original_run(cls)

    async def run(arguments: dict[str, Any]) -> Any:
        with apply_overrides(overrides), workflow_time(clock_for_run(), modules_of(cls)):
            return await body(instance, **arguments)

    return await run_workflow_across(cls, arguments, run)


async def execute_local(
    cls: type[Workflow], arguments: dict[str, Any], overrides: Overrides = None
) -> Any:
    """Execute the compiled DAG of `cls` in the reference interpreter."""
    dag = dag_of(cls)

    async def run(arguments: dict[str, Any]) -> Any:
        host = LocalHost(clock_for_run(), dag.classes)
        with apply_overrides(overrides):
            return await _toolchain.execute(dag, arguments, host)

    # The program's values are of its own classes, built from its declarations.
    return await run_workflow_across(cls, arguments, run, into=dag.classes.resolve)


async def record_local(
    cls: type[Workflow], arguments: dict[str, Any], overrides: Overrides = None
) -> dict[str, Any]:
    """The transcript of the compiled DAG of `cls` run in the reference interpreter:
    its arguments cross the value codec, its actions run for real (through the
    codec too), their completions are fed back in the canonical order."""
    from rrl.codec import EncodeError

    dag = dag_of(cls)
    with workflow_boundary(cls.__name__):
        crossed = cross_arguments(arguments, "run()", dag.classes.resolve)
        host = LocalHost(clock_for_run(), dag.classes)
        try:
            with apply_overrides(overrides):
                return await _toolchain.record_transcript(dag, crossed, host)
        except EncodeError as exc:
            raise CodecError(f"{cls.__name__}: the transcript cannot record {exc}\n{HELP}") from None


async def run_workflow_across(
    cls: type[Workflow],
    arguments: dict[str, Any],
    run: Callable[[dict[str, Any]], Awaitable[Any]],
    into: Callable[[str], Any] | None = None,
) -> Any:
    """Run a workflow as a client and the runtime see it: its arguments, result and
    exception cross the value codec, and so do its actions' values. The arguments
    are read with the classes `into` finds (the user's by default)."""
    with workflow_boundary(cls.__name__):
        return await run_across(arguments, run, "run()", into=into)


class LocalBackend:
    """A backend that runs each started instance as an asyncio task in this process.

    `handle.cancel()` cancels the instance's task: unlike the runtime, where an action
    already running on a worker finishes (its result discarded), an action running in
    the task is interrupted by asyncio's cancellation. Either way nothing more of the
    instance runs and `result()` raises `WorkflowCancelled`."""

    def __init__(self, *, native: bool = False, overrides: Overrides = None) -> None:
        self.native = native
        self.overrides = dict(overrides or {})
        self._tasks: dict[str, asyncio.Task[Any]] = {}
        # (workflow name, idempotency key) -> instance id, as the store keeps it.
        self._keys: dict[tuple[str, str], str] = {}
        # Instances cancelled through a handle (a task cancelled otherwise failed).
        self._cancelled: set[str] = set()

    async def start(
        self, workflow_cls: type[Workflow], args: dict[str, Any], *, idempotency_key: str | None = None
    ) -> WorkflowHandle:
        if idempotency_key is not None:
            existing = self._keys.get((workflow_cls.__name__, idempotency_key))
            if existing is not None:
                return self.handle(workflow_cls, existing)
        if self.native:
            body = execute_native(workflow_cls(), args, self.overrides)
        else:
            body = execute_local(workflow_cls, args, self.overrides)
        task = asyncio.create_task(body, name=f"rappel:{workflow_cls.__name__}")
        instance_id = uuid.uuid4().hex
        self._tasks[instance_id] = task
        if idempotency_key is not None:
            self._keys[(workflow_cls.__name__, idempotency_key)] = instance_id
        return self.handle(workflow_cls, instance_id)

    async def start_many(
        self, workflow_cls: type[Workflow], arguments: list[dict[str, Any]], idempotency_keys: list[str | None]
    ) -> list[WorkflowHandle]:
        # A key repeated within the batch names the first start's instance, as the store does.
        return [
            await self.start(workflow_cls, args, idempotency_key=key)
            for args, key in zip(arguments, idempotency_keys, strict=True)
        ]

    def handle(self, workflow_cls: type[Workflow], instance_id: str) -> WorkflowHandle:
        task = self._tasks.get(instance_id)
        if task is None:
            raise RappelError(f"this local backend started no {workflow_cls.__name__} instance {instance_id!r}")

        name = workflow_cls.__name__

        def cancelled() -> bool:
            return instance_id in self._cancelled

        async def result() -> Any:
            if cancelled():
                raise WorkflowCancelled(name, instance_id)
            # Like a durable instance, the run outlives a caller that stops waiting.
            try:
                value = await asyncio.shield(task)
            except asyncio.CancelledError:
                # The instance was cancelled (its task is over), or else this caller was.
                if cancelled() and task.done():
                    raise WorkflowCancelled(name, instance_id) from None
                raise
            except Exception:
                if cancelled():  # what the cancellation made it raise is not its outcome
                    raise WorkflowCancelled(name, instance_id) from None
                raise
            if cancelled():  # it ignored the cancellation: its result is not applied
                raise WorkflowCancelled(name, instance_id)
            return value

        async def status() -> WorkflowStatus:
            if cancelled():
                return WorkflowStatus(instance_id, WorkflowState.CANCELLED, exception=WorkflowCancelled(name, instance_id))
            if not task.done():
                return WorkflowStatus(instance_id, WorkflowState.RUNNING)
            if task.cancelled():
                return WorkflowStatus(instance_id, WorkflowState.FAILED, exception=asyncio.CancelledError())
            if task.exception() is not None:
                return WorkflowStatus(instance_id, WorkflowState.FAILED, exception=task.exception())
            return WorkflowStatus(instance_id, WorkflowState.COMPLETED, result=task.result())

        async def cancel() -> bool:
            if task.done() or cancelled():
                return False
            self._cancelled.add(instance_id)
            task.cancel()
            return True

        return WorkflowHandle(instance_id, name, result, status, cancel)
