"""The worker process (`python -m rappel.worker`): runs actions for the runtime.

`start-workers` spawns it with `RAPPEL_WORKER_ADDR` (its WorkerBridge) and
`RAPPEL_WORKER_ID`. The worker imports `RAPPEL_USER_MODULE` without compiling any
workflow, opens one `WorkerBridge.Attach` stream, says Hello, and then runs the
dispatches it receives, at most `slots` at once, sending results back in batches.

One writer task owns the stream's sending side (grpc.aio allows one outstanding write
per call): finished results collect in a list while a write is in progress and go out
together in the next message, so a lightly loaded worker answers each result at once
and a busy one sends big batches (docs/operations.md, "The worker process").
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
import math
import os
import signal
import sys
import time
import traceback
from dataclasses import dataclass, field
from typing import Any

import grpc
from rrl import codec

from ._actions import lookup_action, registered_actions
from ._boundary import HELP, resolve_class
from ._errors import ActionNotFound, CodecError, ConfigError, RappelError, RappelTimeout
from ._proto import worker_pb2, worker_pb2_grpc
from ._workflow import compile_on_first_use
from .config import load_settings

logger = logging.getLogger("rappel.worker")

# A message well under gRPC's default 4 MiB limit: results are split across messages
# beyond it. A single larger result still goes alone (the runtime's limit decides).
MAX_RESULT_BATCH_BYTES = 1 << 20
# The largest encoded result or exception a worker sends, as the runtime's limit on
# any value crossing into Postgres (docs/operations.md, "Bad input").
MAX_PAYLOAD_BYTES = 4 << 20
# Dispatch batches from the runtime may be large; accept up to this.
MAX_RECEIVE_BYTES = 64 << 20


class WorkerStartError(RappelError):
    """The worker cannot start: configuration, the user module, the connection."""


@dataclass
class WorkerState:
    """What one worker holds while it runs."""

    slots: int
    heartbeat_seconds: float
    # Attempts received and not yet reported: heartbeats name them.
    in_flight: set[str] = field(default_factory=set)
    tasks: set[asyncio.Task[None]] = field(default_factory=set)
    pending: list[Any] = field(default_factory=list)  # Result messages not yet sent
    wake_writer: asyncio.Event = field(default_factory=asyncio.Event)
    deadlines: Deadlines = field(default_factory=lambda: Deadlines())
    heartbeat_due: bool = False
    closing: bool = False
    finished: int = 0


def prepare_user_module(module_name: str) -> list[str]:
    """Import the user's module with workflow compilation deferred; return the
    actions it registered (with those of what it imports) as `module:name`."""
    compile_on_first_use()
    # `python -m` puts the working directory first on sys.path; keep it there for
    # a worker started another way, so the user's package is found as in their shell.
    if "" not in sys.path and os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        importlib.import_module(module_name)
    except Exception as exc:
        details = "".join(traceback.format_exception(exc)).rstrip()
        raise WorkerStartError(f"cannot import RAPPEL_USER_MODULE={module_name!r}:\n{details}") from None
    return [f"{d.module}:{d.name}" for d in registered_actions()]


class Deadlines:
    """The timeouts of one event loop's running attempts. Each deadline is rounded up
    to the next `TICK`, and the attempts due in one tick share one timer of the loop,
    so starting and ending an attempt's timeout is a set insertion and removal rather
    than `asyncio.timeout`'s context manager and a timer of its own (a fifth of the
    worker's CPU for a no-op action: docs/benchmarks.md, "The worker hop"). An attempt
    times out at most `TICK` late."""

    TICK = 0.005

    def __init__(self) -> None:
        self._ticks: dict[int, tuple[set[_Expiry], asyncio.TimerHandle]] = {}

    def start(self, seconds: float) -> _Expiry:
        """Cancel the current task once `seconds` have passed, unless `stop` comes first."""
        loop = asyncio.get_running_loop()
        tick = math.ceil((loop.time() + seconds) / self.TICK)
        expiry = _Expiry(asyncio.current_task(), tick)
        entry = self._ticks.get(tick)
        if entry is None:
            self._ticks[tick] = ({expiry}, loop.call_at(tick * self.TICK, self._expire, tick))
        else:
            entry[0].add(expiry)
        return expiry

    def stop(self, expiry: _Expiry) -> None:
        entry = self._ticks.get(expiry.tick)
        if entry is not None:
            entry[0].discard(expiry)
            if not entry[0]:
                entry[1].cancel()
                del self._ticks[expiry.tick]

    def _expire(self, tick: int) -> None:
        expiries, _ = self._ticks.pop(tick)
        for expiry in expiries:
            expiry.expired = True
            expiry.task.cancel()


class _Expiry:
    __slots__ = ("task", "tick", "expired")

    def __init__(self, task: Any, tick: int) -> None:
        self.task, self.tick, self.expired = task, tick, False


async def run_dispatch(dispatch: Any, deadlines: Deadlines | None = None) -> Any:
    """One attempt of one action, as a `Result` message: the value, or the error
    (the codec-encoded exception and its traceback). Never raises. `deadlines`
    times it out (its own when not given)."""
    started = time.perf_counter()
    try:
        try:
            definition = lookup_action(dispatch.name, dispatch.module)
        except ActionNotFound as exc:
            raise _not_found(_label(dispatch), exc) from None
        try:
            kwargs = codec.loads(dispatch.kwargs, resolve_class)
        except codec.DecodeError as exc:
            raise CodecError(f"the arguments of {_label(dispatch)} cannot be decoded: {exc.where('kwargs')} {exc.reason}") from None
        if not isinstance(kwargs, dict):
            raise CodecError(f"the arguments of {_label(dispatch)} are not an object of names to values: {kwargs!r}")
        arguments = definition.bind_keywords(kwargs)
        timeout = dispatch.timeout_seconds
        if timeout > 0:
            deadlines = deadlines or Deadlines()
            expiry = deadlines.start(timeout)
            try:
                value = await definition.invoke(arguments, dispatch.attempt or 1)
            except (Exception, asyncio.CancelledError):
                if not expiry.expired:
                    raise
            finally:
                deadlines.stop(expiry)
            if expiry.expired:
                # Past its timeout the attempt timed out, whatever it did next (an
                # action that swallows its cancellation returns or raises late).
                expiry.task.uncancel()
                raise RappelTimeout(
                    f"action {definition.name} timed out after {timeout:g}s (attempt {dispatch.attempt})",
                    action=definition.name,
                    timeout=timeout,
                    attempt=dispatch.attempt,
                ) from None
        else:
            value = await definition.invoke(arguments, dispatch.attempt or 1)
        try:
            encoded = b"null" if value is None else codec.dumps(value).encode()
        except codec.EncodeError as exc:
            raise CodecError(f"the result of {_label(dispatch)} cannot be encoded: {exc.where('result')} {exc.reason}\n{HELP}") from None
        if len(encoded) > MAX_PAYLOAD_BYTES:
            raise CodecError(
                f"the result of {_label(dispatch)} is {_mib(len(encoded))} encoded, over the {_mib(MAX_PAYLOAD_BYTES)} "
                "limit of a value crossing to the runtime: keep large data elsewhere (a table, object "
                "storage) and return a reference to it"
            )
    except Exception as exc:
        return worker_pb2.Result(
            attempt_id=dispatch.attempt_id,
            error=worker_pb2.ActionError(exception=_encoded_exception(exc, _label(dispatch)), traceback=_traceback_text(exc)),
            duration_seconds=time.perf_counter() - started,
        )
    return worker_pb2.Result(
        attempt_id=dispatch.attempt_id,
        value=encoded,
        duration_seconds=time.perf_counter() - started,
    )


def _not_found(label: str, problem: ActionNotFound) -> ActionNotFound:
    """The error of a dispatch for an action this worker does not have, naming the
    modules it has actions from: a deployment error, never retried."""
    modules = sorted({d.module for d in registered_actions()})
    user_module = os.environ.get("RAPPEL_USER_MODULE", "")
    return ActionNotFound(
        f"this worker cannot run {label}: {problem}. It imported RAPPEL_USER_MODULE={user_module!r} "
        f"and has actions from {', '.join(modules) or 'no module'}. Deploy the code that defines the "
        "action to the workers (RAPPEL_USER_MODULE must import its module), or start the workflow "
        "from the code the workers run; retrying cannot help, so the attempt is not retried"
    )


def _mib(size: int) -> str:
    return f"{size / (1 << 20):.1f} MiB" if size % (1 << 20) else f"{size >> 20} MiB"


def _label(dispatch: Any) -> str:
    return f"action {dispatch.module}.{dispatch.name}()"


def _encoded_exception(exc: BaseException, label: str) -> bytes:
    """The codec's encoding of `exc`. The codec encodes every exception; should it
    still fail (an exception nested past the recursion limit), or come out over the
    payload limit, it is reported as a RappelError that says what was raised rather
    than lost."""
    try:
        encoded = codec.dumps(exc).encode()
    except Exception as failure:
        problem = f"which cannot be encoded ({failure})"
    else:
        if len(encoded) <= MAX_PAYLOAD_BYTES:
            return encoded
        problem = f"which is {_mib(len(encoded))} encoded, over the {_mib(MAX_PAYLOAD_BYTES)} limit"
    stand_in = RappelError(f"{label} raised {type(exc).__qualname__}: {_shown(exc)}, {problem}")
    return codec.dumps(stand_in).encode()


def _shown(exc: BaseException) -> str:
    try:
        return f"{exc!s:.2000}"
    except Exception as failure:  # a broken __str__
        return f"<str() failed: {type(failure).__name__}>"


def _traceback_text(exc: BaseException) -> str:
    try:
        return "".join(traceback.format_exception(exc))
    except Exception as failure:  # a broken __str__ must not lose the result
        return f"<traceback unavailable: {type(failure).__name__}>"


def result_messages(results: list[Any]) -> list[Any]:
    """`results` as WorkerMessages of at most MAX_RESULT_BATCH_BYTES each (a larger
    single result alone)."""
    messages, batch, size = [], [], 0
    for result in results:
        result_size = result.ByteSize()
        if batch and size + result_size > MAX_RESULT_BATCH_BYTES:
            messages.append(worker_pb2.WorkerMessage(results=worker_pb2.ResultBatch(results=batch)))
            batch, size = [], 0
        batch.append(result)
        size += result_size
    if batch:
        messages.append(worker_pb2.WorkerMessage(results=worker_pb2.ResultBatch(results=batch)))
    return messages


async def _writer(call: Any, state: WorkerState) -> None:
    """The only task that writes to the stream: whatever finished while the last
    write was in flight goes out in the next message."""
    while True:
        await state.wake_writer.wait()
        state.wake_writer.clear()
        if state.pending:
            results, state.pending = state.pending, []
            for message in result_messages(results):
                await call.write(message)
        if state.heartbeat_due:
            state.heartbeat_due = False
            if state.in_flight:
                heartbeat = worker_pb2.Heartbeat(attempt_ids=sorted(state.in_flight))
                await call.write(worker_pb2.WorkerMessage(heartbeat=heartbeat))
        if state.closing and not state.pending:
            return


async def _heartbeats(state: WorkerState) -> None:
    while True:
        await asyncio.sleep(state.heartbeat_seconds)
        state.heartbeat_due = True
        state.wake_writer.set()


async def _run_one(dispatch: Any, semaphore: asyncio.Semaphore, state: WorkerState) -> None:
    try:
        async with semaphore:
            result = await run_dispatch(dispatch, state.deadlines)
    finally:
        state.in_flight.discard(dispatch.attempt_id)
    state.pending.append(result)
    state.finished += 1
    state.wake_writer.set()


async def serve(address: str, worker_id: str, slots: int, user_module: str, actions: list[str], heartbeat_seconds: float) -> int:
    """Attach to the runtime at `address` and run its dispatches until it drains this
    worker (exit status 0) or the stream ends (0 when the runtime closed it, 1 when
    it failed)."""
    state = WorkerState(slots=slots, heartbeat_seconds=heartbeat_seconds)
    semaphore = asyncio.Semaphore(slots)
    drained = asyncio.Event()
    loop = asyncio.get_running_loop()

    def drain_on_signal() -> None:
        # SIGTERM or Ctrl-C: finish what is running, as for Drain; a second one stops at once.
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(signum)
        drained.set()

    with contextlib.suppress(NotImplementedError):
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, drain_on_signal)

    options = [("grpc.max_receive_message_length", MAX_RECEIVE_BYTES)]
    async with grpc.aio.insecure_channel(address, options=options) as channel:
        call = worker_pb2_grpc.WorkerBridgeStub(channel).Attach()
        hello = worker_pb2.Hello(worker_id=worker_id, pid=os.getpid(), slots=slots, user_module=user_module, actions=actions)
        writer = asyncio.create_task(_writer(call, state))
        heartbeats = asyncio.create_task(_heartbeats(state))
        reader = asyncio.create_task(_read(call, state, semaphore, drained))
        drain_wait = asyncio.create_task(drained.wait())
        status = 0
        try:
            await call.write(worker_pb2.WorkerMessage(hello=hello))
            logger.info("worker %s attached to %s with %d slots, %d actions", worker_id, address, slots, len(actions))
            done, _ = await asyncio.wait({reader, drain_wait, writer}, return_when=asyncio.FIRST_COMPLETED)
            if writer in done:
                writer.result()  # a write failed: the stream is gone
            if drained.is_set():
                logger.info("worker %s draining: %d attempts in flight", worker_id, len(state.in_flight))
                # Finish everything received, send every result, then close our side.
                while state.tasks:
                    await asyncio.gather(*list(state.tasks))
                state.closing = True
                state.wake_writer.set()
                await writer
                await call.done_writing()
                logger.info("worker %s drained after %d actions", worker_id, state.finished)
            else:
                reader.result()
                logger.info("worker %s: the runtime closed the stream", worker_id)
        except grpc.aio.AioRpcError as exc:
            print(f"rappel worker {worker_id}: the stream to {address} failed: {exc.code().name}: {exc.details()}", file=sys.stderr)
            status = 1
        except (grpc.aio.UsageError, asyncio.InvalidStateError) as exc:
            print(f"rappel worker {worker_id}: the stream to {address} closed while sending: {exc}", file=sys.stderr)
            status = 1
        finally:
            for task in (reader, heartbeats, drain_wait, writer, *state.tasks):
                task.cancel()
            await asyncio.gather(reader, heartbeats, drain_wait, writer, *state.tasks, return_exceptions=True)
    return status


async def _read(call: Any, state: WorkerState, semaphore: asyncio.Semaphore, drained: asyncio.Event) -> None:
    """Start a task per dispatch; return when the runtime drains or ends the stream."""
    async for message in call:
        kind = message.WhichOneof("kind")
        if kind == "dispatches":
            for dispatch in message.dispatches.dispatches:
                state.in_flight.add(dispatch.attempt_id)
                task = asyncio.create_task(_run_one(dispatch, semaphore, state))
                state.tasks.add(task)
                task.add_done_callback(state.tasks.discard)
        elif kind == "drain":
            drained.set()
            return


def main(argv: list[str] | None = None) -> int:
    """`python -m rappel.worker`: settings from the environment, then serve."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s", stream=sys.stderr)
    try:
        settings = load_settings()
        if not settings.worker_addr:
            raise WorkerStartError(
                "RAPPEL_WORKER_ADDR is not set: it is the address of the runtime's WorkerBridge "
                "(host:port), which start-workers sets for the workers it spawns"
            )
        if not settings.user_module:
            raise WorkerStartError("RAPPEL_USER_MODULE is not set: name the module that defines your actions, e.g. my_app.actions")
        worker_id = settings.worker_id or f"worker-{os.getpid()}"
        actions = prepare_user_module(settings.user_module)
    except (ConfigError, WorkerStartError) as exc:
        print(f"rappel worker: error: {exc}", file=sys.stderr)
        return 2
    try:
        return asyncio.run(
            serve(
                settings.worker_addr,
                worker_id,
                settings.concurrent_per_worker,
                settings.user_module,
                actions,
                settings.worker_heartbeat_seconds,
            )
        )
    except KeyboardInterrupt:  # a second Ctrl-C while draining
        print(f"rappel worker {worker_id}: interrupted", file=sys.stderr)
        return 130
