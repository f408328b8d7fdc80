"""The durable backend: `await Wf().run(...)` through a `rappel-bridge`.

Starting an instance registers the workflow's program with the bridge (once per
process and bridge for each program text: versions are keyed by the hash of the
text), starts the instance, and returns a handle. Waiting asks the bridge in
slices (`WaitForResult`); the outcome comes back in the value codec and is decoded
into the user's own classes, as `rappel.testing.run_local` decodes it.

Where the bridge is (docs/operations.md, "The client"): `RAPPEL_SERVER_URL` (its
HTTP URL; `/healthz` gives the gRPC port), else `RAPPEL_GRPC_ADDR`, else the port
that `boot-rappel-singleton` prints (it starts a shared bridge when none runs).

Concurrent calls share requests: the `start()` calls an event loop makes in one
turn go to the bridge as one `StartWorkflows` request per workflow (one
transaction), and its `result()` calls of one turn are answered by one
`WaitForResults` stream (the bridge sends each instance's status as it finishes),
so 2,000 gathered `run()` calls cost a few requests, not 4,000. A start the bridge
refuses, or a wait whose shared call fails, goes again in a call of its own, which
answers, retries and reports as below.

A caller that waits survives the bridge going away: the client retries with backoff
for `reconnect_seconds` (asking the singleton or /healthz again where that is how
it found the bridge), then gives up with an error naming the instance and how to
fetch its result later. Starting an instance is never retried: a start whose answer
was lost might have queued the instance already.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import os
import re
import subprocess
import tempfile
import urllib.error
import urllib.request
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import grpc

from . import _binaries, _toolchain
from ._boundary import decode, encode, workflow_boundary
from ._client import WorkflowHandle, WorkflowState, WorkflowStatus
from ._errors import CodecError, RappelError, WorkflowCancelled
from ._prebuilt import configured_ir_dir, prebuilt_rrl
from ._proto import bridge_pb2, bridge_pb2_grpc
from .config import Address, is_set, load_settings

logger = logging.getLogger("rappel.client")

# How long a waiting caller keeps trying to reach a bridge that went away.
RECONNECT_SECONDS = 60.0
# One WaitForResult(s) call waits at most this long on the bridge; then it asks again.
WAIT_SLICE_SECONDS = 30.0
# The most instances one WaitForResults call waits for (the bridge's limit).
MAX_WAITED = 10_000
# Deadline of the calls that answer at once (register, start, status).
CALL_SECONDS = 30.0
# How long boot-rappel-singleton may take to find or start the bridge.
SINGLETON_SECONDS = 60.0
MAX_MESSAGE_BYTES = 64 << 20
# The largest encoded arguments of one instance, as rappel-bridge checks them
# (docs/operations.md, "Bad input"): refused here before anything is sent.
MAX_ARGUMENTS_BYTES = 4 << 20
# The most starts one StartWorkflows request carries (the bridge's limit), and
# about how many bytes of arguments: well under MAX_MESSAGE_BYTES.
MAX_BATCH = 10_000
BATCH_BYTES = 16 << 20

_CHANNEL_OPTIONS = [
    # Reconnect quickly to a bridge that restarts (gRPC's default backoff grows to minutes).
    ("grpc.initial_reconnect_backoff_ms", 100),
    ("grpc.min_reconnect_backoff_ms", 100),
    ("grpc.max_reconnect_backoff_ms", 2000),
    ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
    ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
]

_STATES = {
    bridge_pb2.InstanceStatus.QUEUED: WorkflowState.QUEUED,
    bridge_pb2.InstanceStatus.RUNNING: WorkflowState.RUNNING,
    bridge_pb2.InstanceStatus.SLEEPING: WorkflowState.SLEEPING,
    bridge_pb2.InstanceStatus.COMPLETED: WorkflowState.COMPLETED,
    bridge_pb2.InstanceStatus.FAILED: WorkflowState.FAILED,
    bridge_pb2.InstanceStatus.CANCELLED: WorkflowState.CANCELLED,
}

_RECONNECTABLE = (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED)


class BridgeUnavailable(RappelError):
    """The client cannot reach a rappel-bridge (or lost it for too long)."""


@dataclass(frozen=True)
class BridgeTarget:
    """Where the bridge's gRPC API is, how the client learnt it, and whether
    losing it means asking again (the singleton or /healthz may know a new port)."""

    address: str
    origin: str
    rediscover: bool = False


# ------------------------------------------------------------------ discovery


def connect_host(host: str) -> str:
    """The host to connect to for a bind host: a wildcard bind is reached locally."""
    return {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)


def _join(host: str, port: int) -> str:
    return str(Address(connect_host(host), port))


def healthz_grpc_port(http_url: str, origin: str) -> int:
    """The gRPC port a rappel-bridge's `GET /healthz` reports."""
    url = http_url.rstrip("/") + "/healthz"
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            body = json.loads(response.read().decode("utf-8"))
        port = body["grpc_port"]
        if not isinstance(port, int) or not 0 < port < 65536:
            raise ValueError(f"grpc_port is {port!r}")
        return port
    except (OSError, urllib.error.URLError) as exc:
        reason = getattr(exc, "reason", exc)
        raise BridgeUnavailable(
            f"cannot reach rappel-bridge at {url} ({origin}): {reason}. Start one "
            "(`rappel dev MODULE`, or `rappel-bridge` with RAPPEL_DATABASE_URL set), or point "
            "RAPPEL_SERVER_URL / RAPPEL_GRPC_ADDR at a running one."
        ) from None
    except (ValueError, KeyError, TypeError) as exc:
        raise BridgeUnavailable(
            f"{url} ({origin}) did not answer as a rappel-bridge does "
            f'(JSON with "grpc_port"): {type(exc).__name__}: {exc}'
        ) from None


def boot_singleton() -> int:
    """Run `boot-rappel-singleton`: the HTTP port of the shared local bridge, which
    it starts when none answers. Without RAPPEL_DATABASE_URL, the bridge it starts
    uses this project's embedded PostgreSQL (rappel.devdb)."""
    from . import devdb

    executable = _binaries.find("boot-rappel-singleton")
    env = dict(os.environ)
    if not load_settings().database_url:
        env["RAPPEL_DATABASE_URL"] = devdb.database_url()
    # The bridge it starts outlives it and may keep inherited descriptors open: read
    # one line from stdout rather than waiting for its end, and send stderr to a file.
    with tempfile.TemporaryFile(mode="w+") as errors:
        process = subprocess.Popen(
            [str(executable)], env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=errors, text=True,
        )
        assert process.stdout is not None
        try:
            line = process.stdout.readline().strip()
            status = process.wait(timeout=SINGLETON_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            status = None
        finally:
            process.stdout.close()
        errors.seek(0)
        stderr = errors.read().strip()
    if status == 0 and line.isdigit():
        return int(line)
    what = "did not finish in time" if status is None else f"failed (exit status {status})"
    raise BridgeUnavailable(
        f"{executable} {what}, so there is no rappel-bridge to start workflows on"
        + (f":\n{stderr[-2000:]}" if stderr else f" (it printed {line!r})")
        + "\nSet RAPPEL_SERVER_URL or RAPPEL_GRPC_ADDR to use a bridge that runs elsewhere."
    )


def discover() -> BridgeTarget:
    """Where the bridge is: RAPPEL_SERVER_URL, else RAPPEL_GRPC_ADDR, else the
    local singleton."""
    settings = load_settings()
    if settings.server_url:
        origin = f"RAPPEL_SERVER_URL={settings.server_url}"
        port = healthz_grpc_port(settings.server_url, origin)
        return BridgeTarget(_join(urlsplit(settings.server_url).hostname or "", port), origin, True)
    if is_set("RAPPEL_GRPC_ADDR"):
        address = settings.grpc_addr
        return BridgeTarget(_join(address.host, address.port), f"RAPPEL_GRPC_ADDR={address}")
    http_port = boot_singleton()
    host = settings.http_addr.host
    port = healthz_grpc_port(f"http://{_join(host, http_port)}", "boot-rappel-singleton")
    return BridgeTarget(_join(host, port), "boot-rappel-singleton", True)


# ------------------------------------------------------------------ programs


def rrl_text(cls: type) -> str:
    """The program registered for workflow `cls`: the prebuilt one of RAPPEL_IR_DIR
    when its source hash matches, else compiled here, as `rappel compile` writes it."""
    return _program(cls)[0]


def _program(cls: type) -> tuple[str, str]:
    """`rrl_text(cls)` and the hex SHA-256 of it, computed once per class and IR dir."""
    from ._workflow import program_of

    ir_dir = configured_ir_dir()
    cached = cls.__dict__.get("__rappel_rrl__")
    if cached is not None and cached[0] == ir_dir:
        return cached[1], cached[2]
    text = prebuilt_rrl(cls, ir_dir) if ir_dir is not None else None
    if text is None:
        text = _toolchain.print_program(_toolchain.optimize(program_of(cls)))
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    setattr(cls, "__rappel_rrl__", (ir_dir, text, digest))
    return text, digest


# ------------------------------------------------------------------ the backend


class DurableBackend:
    """Starts instances on a rappel-bridge and waits for them.

    `address` (`host:port` of the bridge's gRPC API) fixes the bridge (`origin` says
    where it came from, in messages); without it the bridge is discovered on first use. `reconnect_seconds`: how long a waiting caller
    keeps trying to reach a bridge that went away.
    """

    def __init__(
        self, address: str | None = None, *, reconnect_seconds: float = RECONNECT_SECONDS, origin: str | None = None
    ) -> None:
        self._fixed = BridgeTarget(address, origin or "the address given to DurableBackend") if address else None
        self._target: BridgeTarget | None = None
        self.reconnect_seconds = reconnect_seconds
        # grpc.aio channels (and asyncio tasks) belong to the event loop that made them.
        self._loops: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _LoopState] = weakref.WeakKeyDictionary()
        self._last: tuple[weakref.ref[asyncio.AbstractEventLoop], _LoopState] | None = None
        # (bridge address, hash of the program text) -> version id
        self._versions: dict[tuple[str, str], str] = {}

    def __repr__(self) -> str:
        target = self._fixed or self._target
        return f"<DurableBackend {target.address if target else '(not connected yet)'}>"

    # -------------------------------------------------------------- public

    async def start(
        self, workflow_cls: type, args: dict[str, Any], *, idempotency_key: str | None = None
    ) -> WorkflowHandle:
        arguments = _encoded_arguments(workflow_cls.__name__, args)
        state = self._loop_state()
        if state.starts is None:
            state.starts = _SharedStarts(self)
        instance_id = await state.starts.start(workflow_cls, arguments, idempotency_key)
        return self.handle(workflow_cls, instance_id)

    async def _start_alone(self, workflow_cls: type, arguments: bytes, idempotency_key: str | None) -> str:
        """One StartWorkflow call: the new (or keyed) instance's id."""
        response = await self._start_call(
            workflow_cls,
            "StartWorkflow",
            lambda version: bridge_pb2.StartWorkflowRequest(
                version_id=version, arguments=arguments, idempotency_key=idempotency_key
            ),
            f"start {workflow_cls.__name__}",
        )
        return response.instance_id

    async def start_many(
        self, workflow_cls: type, arguments: list[dict[str, Any]], idempotency_keys: list[str | None]
    ) -> list[WorkflowHandle]:
        """`StartWorkflows` requests of up to `MAX_BATCH` starts (and about
        `BATCH_BYTES` of arguments), one after the other: each is one transaction
        on the bridge, all of its starts or none."""
        name = workflow_cls.__name__
        encoded = [
            _encoded_arguments(name, args, f" (start_many()'s arguments[{index}])")
            for index, args in enumerate(arguments)
        ]
        handles: list[WorkflowHandle] = []
        for first, last in _chunks(encoded):

            def request(version: str, first: int = first, last: int = last) -> Any:
                return bridge_pb2.StartWorkflowsRequest(
                    starts=[
                        bridge_pb2.StartWorkflowRequest(
                            version_id=version, arguments=encoded[i], idempotency_key=idempotency_keys[i]
                        )
                        for i in range(first, last)
                    ]
                )

            doing = f"start {name} instances {first} to {last - 1} of {len(encoded)}"
            try:
                response = await self._start_call(workflow_cls, "StartWorkflows", request, doing, batch_offset=first)
            except RappelError as exc:
                # A refused batch is the caller's plain RappelError, whatever told it apart here.
                kind = RappelError if isinstance(exc, _RefusedBatch) else type(exc)
                if first == 0:
                    raise kind(str(exc)) from None
                raise kind(
                    f"{exc}\nThe {first} starts before these were queued already (a request holds at most "
                    f"{MAX_BATCH}): with idempotency keys, the same start_many() again returns their "
                    "instances instead of starting them twice."
                ) from None
            handles.extend(self.handle(workflow_cls, instance_id) for instance_id in response.instance_ids)
        return handles

    def handle(self, workflow_cls: type, instance_id: str) -> WorkflowHandle:
        name = workflow_cls.__name__
        return WorkflowHandle(
            instance_id,
            name,
            lambda: self._result(name, instance_id),
            lambda: self._status(name, instance_id),
            lambda: self._cancel(name, instance_id),
        )

    async def aclose(self) -> None:
        """Close this event loop's channel to the bridge."""
        state = self._loops.pop(asyncio.get_running_loop(), None)
        self._last = None
        if state is not None and state.channel is not None:
            await state.channel.close()

    # -------------------------------------------------------------- waiting

    async def _result(self, workflow: str, instance_id: str) -> Any:
        state = self._loop_state()
        if state.waits is None:
            state.waits = _SharedWaits(self)
        status = await state.waits.wait(instance_id)
        if status is None:
            status = await self._wait_alone(workflow, instance_id)
        outcome = _decode_status(workflow, status)
        if outcome.state in (WorkflowState.FAILED, WorkflowState.CANCELLED):
            raise outcome.exception  # type: ignore[misc]
        return outcome.result

    async def _wait_alone(self, workflow: str, instance_id: str) -> Any:
        """The final status of one instance, by WaitForResult calls of its own."""
        request = bridge_pb2.WaitForResultRequest(instance_id=instance_id, timeout_seconds=WAIT_SLICE_SECONDS)
        while True:
            status = await self._call(
                "WaitForResult", request, f"wait for {workflow} instance {instance_id}",
                reconnect=(workflow, instance_id), deadline=WAIT_SLICE_SECONDS + CALL_SECONDS,
            )
            if status.WhichOneof("outcome") is not None or status.state == bridge_pb2.InstanceStatus.CANCELLED:
                return status

    async def _status(self, workflow: str, instance_id: str) -> WorkflowStatus:
        request = bridge_pb2.GetStatusRequest(instance_id=instance_id)
        status = await self._call(
            "GetStatus", request, f"ask for the status of {workflow} instance {instance_id}",
            reconnect=(workflow, instance_id),
        )
        return _decode_status(workflow, status)

    async def _cancel(self, workflow: str, instance_id: str) -> bool:
        # Not retried on a lost bridge: the caller sees at once that it must try again
        # (a repeated cancel is harmless; it answers False once the first went through).
        request = bridge_pb2.CancelWorkflowRequest(instance_id=instance_id)
        response = await self._call("CancelWorkflow", request, f"cancel {workflow} instance {instance_id}")
        return response.cancelled

    # -------------------------------------------------------------- registering

    async def _start_call(
        self, cls: type, method: str, request: Callable[[str], Any], doing: str, **options: Any
    ) -> Any:
        """`method` with the request built for `cls`'s registered version; once more
        with a fresh registration when the bridge's database does not know the
        version this process cached."""
        try:
            return await self._call(method, request(await self._version(cls)), doing, **options)
        except _UnknownVersion:
            return await self._call(method, request(await self._version(cls, fresh=True)), doing, **options)

    async def _version(self, cls: type, *, fresh: bool = False) -> str:
        text, digest = _program(cls)
        target = await self._current_target()
        key = (target.address, digest)
        if not fresh and key in self._versions:
            return self._versions[key]
        # Concurrent first starts of a workflow register it once: the others wait
        # for that call (a fresh registration is never shared with a cached one).
        pending = self._loop_state().registering
        task = pending.get((key, fresh))
        if task is None:
            task = asyncio.ensure_future(self._register(cls, text, key))
            pending[(key, fresh)] = task
            task.add_done_callback(lambda _: pending.pop((key, fresh), None))
        return await asyncio.shield(task)

    async def _register(self, cls: type, text: str, key: tuple[str, str]) -> str:
        request = bridge_pb2.RegisterWorkflowRequest(workflow=cls.__name__, rrl=text)
        response = await self._call("RegisterWorkflow", request, f"register {cls.__name__}")
        self._versions[key] = response.version_id
        return response.version_id

    # -------------------------------------------------------------- calls

    def _loop_state(self) -> _LoopState:
        loop = asyncio.get_running_loop()
        # Most processes use one loop: look it up in the weak map only when it changes.
        last = self._last
        if last is not None and last[0]() is loop:
            return last[1]
        state = self._loops.get(loop)
        if state is None:
            state = self._loops[loop] = _LoopState()
        self._last = (weakref.ref(loop), state)
        return state

    async def _current_target(self, *, fresh: bool = False) -> BridgeTarget:
        if self._fixed is not None:
            return self._fixed
        if self._target is not None and not fresh:
            return self._target
        # One discovery at a time (it may start the singleton bridge): callers
        # that arrive meanwhile take its answer.
        state = self._loop_state()
        if state.discovering is None:
            state.discovering = asyncio.ensure_future(asyncio.to_thread(discover))
        task = state.discovering
        try:
            self._target = await asyncio.shield(task)
        finally:
            if state.discovering is task and task.done():
                state.discovering = None
        return self._target

    async def _stub(self, *, fresh: bool = False) -> tuple[BridgeTarget, bridge_pb2_grpc.WorkflowsStub]:
        target = await self._current_target(fresh=fresh)
        state = self._loop_state()
        if state.channel is None or state.address != target.address:
            if state.channel is not None:
                await state.channel.close()
            state.address = target.address
            state.channel = grpc.aio.insecure_channel(target.address, options=_CHANNEL_OPTIONS)
            state.stub = bridge_pb2_grpc.WorkflowsStub(state.channel)
        assert state.stub is not None
        return target, state.stub

    async def _call(
        self,
        method: str,
        request: Any,
        doing: str,
        *,
        reconnect: tuple[str, str] | None = None,
        deadline: float = CALL_SECONDS,
        batch_offset: int = 0,
    ) -> Any:
        """One call of the bridge. With `reconnect` (workflow, instance id), a lost
        bridge is retried with backoff for `reconnect_seconds`."""
        loop = asyncio.get_running_loop()
        give_up = loop.time() + self.reconnect_seconds
        delay = 0.1
        fresh = False
        while True:
            try:
                target, stub = await self._stub(fresh=fresh)
                return await getattr(stub, method)(request, timeout=deadline)
            except grpc.aio.AioRpcError as exc:
                code, details = exc.code(), exc.details() or ""
                if code not in _RECONNECTABLE:
                    raise _call_error(code, details, target, doing, method, batch_offset) from None
                if reconnect is None:
                    raise BridgeUnavailable(
                        f"cannot {doing}: rappel-bridge at {target.address} ({target.origin}) "
                        f"is not reachable ({code.name}: {details}). Start one (`rappel dev MODULE`, "
                        "or `rappel-bridge` with RAPPEL_DATABASE_URL set), or point "
                        "RAPPEL_SERVER_URL / RAPPEL_GRPC_ADDR at a running one."
                    ) from None
                if loop.time() + delay > give_up:
                    workflow, instance_id = reconnect
                    raise BridgeUnavailable(
                        f"lost rappel-bridge at {target.address} ({target.origin}) while trying to "
                        f"{doing}, and could not reach it again within {self.reconnect_seconds:g} s "
                        f"({code.name}: {details}). The instance is durable and goes on without the "
                        f"bridge: fetch its result later with `await {workflow}.handle({instance_id!r}).result()`."
                    ) from None
                logger.info("rappel-bridge at %s unreachable (%s); retrying in %.1f s", target.address, code.name, delay)
            except BridgeUnavailable:
                # Asking the singleton or /healthz again failed: keep trying until the end.
                if reconnect is None or loop.time() + delay > give_up:
                    raise
            await asyncio.sleep(delay)
            delay = min(delay * 2, 2.0)
            fresh = self._fixed is None and (self._target is None or self._target.rediscover)


@dataclass
class _LoopState:
    """What a DurableBackend keeps per event loop: one channel to the bridge (every
    call of the loop shares it) and its stub, and the registrations and the
    discovery in flight."""

    address: str | None = None
    channel: grpc.aio.Channel | None = None
    stub: bridge_pb2_grpc.WorkflowsStub | None = None
    registering: dict[Any, asyncio.Future[str]] = field(default_factory=dict)
    discovering: asyncio.Future[BridgeTarget] | None = None
    waits: _SharedWaits | None = None
    starts: _SharedStarts | None = None


class _PerTurn:
    """Calls of one event loop collected during one turn of it and sent together
    at its end (`_flush`), each as a task of its own (`_spawn`)."""

    def __init__(self, backend: DurableBackend) -> None:
        self.backend = backend
        self.calls: set[asyncio.Task[None]] = set()
        self.flush_scheduled = False

    def _schedule(self) -> None:
        if not self.flush_scheduled:
            self.flush_scheduled = True
            asyncio.get_running_loop().call_soon(self._end_of_turn)

    def _end_of_turn(self) -> None:
        self.flush_scheduled = False
        self._flush()

    def _flush(self) -> None:
        raise NotImplementedError

    def _spawn(self, work: Any) -> None:
        call = asyncio.ensure_future(work)
        self.calls.add(call)
        call.add_done_callback(self.calls.discard)


class _SharedStarts(_PerTurn):
    """The `start()` calls of one event loop made in one turn, sent together: one
    `StartWorkflows` request per workflow (one transaction on the bridge), each
    caller answered with its own instance. One bad start makes the bridge refuse the
    whole request, queuing none of it: then each start goes again alone, so that
    each caller gets its own answer. Any other failure is every caller's (a start
    is never retried: its answer lost, it may have been queued)."""

    def __init__(self, backend: DurableBackend) -> None:
        super().__init__(backend)
        self.queued: dict[type, list[tuple[bytes, str | None, asyncio.Future[str]]]] = {}

    def start(self, workflow_cls: type, arguments: bytes, idempotency_key: str | None) -> asyncio.Future[str]:
        """A future of the instance id."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[str] = loop.create_future()
        self.queued.setdefault(workflow_cls, []).append((arguments, idempotency_key, future))
        self._schedule()
        return future

    def _flush(self) -> None:
        queued, self.queued = self.queued, {}
        for workflow_cls, starts in queued.items():
            for first, last in _chunks([arguments for arguments, _, _ in starts]):
                self._spawn(self._send(workflow_cls, starts[first:last]))

    async def _send(self, workflow_cls: type, starts: list[tuple[bytes, str | None, asyncio.Future[str]]]) -> None:
        if len(starts) == 1:
            arguments, key, future = starts[0]
            await _settle(future, self.backend._start_alone(workflow_cls, arguments, key))
            return

        def request(version: str) -> Any:
            return bridge_pb2.StartWorkflowsRequest(
                starts=[
                    bridge_pb2.StartWorkflowRequest(version_id=version, arguments=arguments, idempotency_key=key)
                    for arguments, key, _ in starts
                ]
            )

        try:
            response = await self.backend._start_call(
                workflow_cls, "StartWorkflows", request, f"start {workflow_cls.__name__}"
            )
        except _RefusedBatch:
            await asyncio.gather(
                *(_settle(future, self.backend._start_alone(workflow_cls, arguments, key)) for arguments, key, future in starts)
            )
            return
        except BaseException as exc:
            for _, _, future in starts:
                if not future.done():
                    future.set_exception(exc)
            if not isinstance(exc, Exception):
                raise
            return
        for (_, _, future), instance_id in zip(starts, response.instance_ids):
            if not future.done():
                future.set_result(instance_id)


async def _settle(future: asyncio.Future[Any], work: Any) -> None:
    """Await `work` and give its result or its exception to `future`."""
    try:
        result = await work
    except BaseException as exc:
        if not future.done():
            future.set_exception(exc)
        if not isinstance(exc, Exception):
            raise
    else:
        if not future.done():
            future.set_result(result)


class _SharedWaits(_PerTurn):
    """The `result()` calls of one event loop, answered together: the instances
    asked for in one turn of the loop go in one `WaitForResults` call, whose stream
    brings each one's final status as it finishes. An instance whose shared call
    fails (the bridge lost, an unknown id, an older bridge) is answered None: its
    caller then waits with calls of its own, which retry and say what went wrong."""

    def __init__(self, backend: DurableBackend) -> None:
        super().__init__(backend)
        self.waiting: dict[str, list[asyncio.Future[Any]]] = {}
        self.queued: list[str] = []
        # The bridge has no WaitForResults (UNIMPLEMENTED once): every wait goes alone.
        self.unsupported = False

    def wait(self, instance_id: str) -> asyncio.Future[Any]:
        """A future of the instance's final status (None: wait alone)."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = loop.create_future()
        if self.unsupported:
            future.set_result(None)
            return future
        futures = self.waiting.get(instance_id)
        if futures is not None:
            futures.append(future)
            return future
        self.waiting[instance_id] = [future]
        self.queued.append(instance_id)
        self._schedule()
        return future

    def _flush(self) -> None:
        ids, self.queued = self.queued, []
        for first in range(0, len(ids), MAX_WAITED):
            self._spawn(self._call(ids[first : first + MAX_WAITED]))

    async def _call(self, ids: list[str]) -> None:
        left = set(ids)
        try:
            _, stub = await self.backend._stub()
            request = bridge_pb2.WaitForResultsRequest(instance_ids=ids, timeout_seconds=WAIT_SLICE_SECONDS)
            async for message in stub.WaitForResults(request, timeout=WAIT_SLICE_SECONDS + CALL_SECONDS):
                for status in message.statuses:
                    left.discard(status.instance_id)
                    self._answer(status.instance_id, status)
        except BaseException as exc:
            # Each caller left waits on its own, and finds out there what went wrong.
            if isinstance(exc, grpc.aio.AioRpcError) and exc.code() == grpc.StatusCode.UNIMPLEMENTED:
                self.unsupported = True
            for instance_id in left:
                self._answer(instance_id, None)
            if not isinstance(exc, Exception):
                raise
            return
        # The slice ended: the instances still wanted are asked for again.
        for instance_id in left:
            futures = [future for future in self.waiting.get(instance_id, ()) if not future.done()]
            if futures:
                self.waiting[instance_id] = futures
                self.queued.append(instance_id)
            else:
                self.waiting.pop(instance_id, None)
        if self.queued:
            self._schedule()

    def _answer(self, instance_id: str, status: Any) -> None:
        for future in self.waiting.pop(instance_id, ()):
            if not future.done():
                future.set_result(status)


class _UnknownVersion(RappelError):
    pass


class _RefusedBatch(RappelError):
    """The bridge refused a StartWorkflows request for one of its starts: none was queued."""


_BATCH_INDEX = re.compile(r"^starts\[(\d+)\]")


def _call_error(
    code: grpc.StatusCode, details: str, target: BridgeTarget, doing: str, method: str, batch_offset: int = 0
) -> RappelError:
    if method == "StartWorkflows":
        # The bridge names a start by its index in the request; the caller knows it
        # by its index in start_many()'s arguments.
        details = _BATCH_INDEX.sub(lambda m: f"arguments[{int(m[1]) + batch_offset}]", details)
    if code == grpc.StatusCode.NOT_FOUND and method in ("StartWorkflow", "StartWorkflows"):
        return _UnknownVersion(details)
    if code == grpc.StatusCode.INVALID_ARGUMENT and method == "RegisterWorkflow":
        return RappelError(f"cannot {doing}: rappel-bridge refused its program:\n{details}")
    if code == grpc.StatusCode.INVALID_ARGUMENT:
        refused = _RefusedBatch if method == "StartWorkflows" else RappelError
        return refused(f"cannot {doing}: rappel-bridge refused the request: {details}")
    if code == grpc.StatusCode.NOT_FOUND:
        return RappelError(f"cannot {doing}: rappel-bridge at {target.address} knows no such instance ({details})")
    return RappelError(f"cannot {doing}: rappel-bridge at {target.address} answered {code.name}: {details}")


def _encoded_arguments(workflow: str, args: dict[str, Any], where: str = "") -> bytes:
    """run()'s arguments as the bridge takes them, refused here when they do not
    encode or are over the runtime's limit, before anything is sent."""
    from rrl import codec

    with workflow_boundary(workflow):
        try:
            encoded = codec.dumps(args).encode("utf-8")
        except codec.EncodeError:
            # Name the argument and the path inside it.
            for name, value in args.items():
                encode(value, name, f"the argument `{name}` of run(){where}")
            raise
    if len(encoded) > MAX_ARGUMENTS_BYTES:
        raise CodecError(
            f"{workflow}: the arguments of run(){where} are {len(encoded):,} bytes encoded, over the limit of "
            f"{MAX_ARGUMENTS_BYTES:,} bytes (4 MiB) of a value the runtime stores: keep large data "
            "elsewhere (a table, object storage) and pass a reference to it"
        )
    return encoded


def _chunks(encoded: list[bytes]) -> list[tuple[int, int]]:
    """[first, last) ranges of at most MAX_BATCH starts and about BATCH_BYTES of
    arguments each (one start alone may be larger: the bridge takes 4 MiB)."""
    ranges: list[tuple[int, int]] = []
    first, size = 0, 0
    for index, arguments in enumerate(encoded):
        if index > first and (index - first >= MAX_BATCH or size + len(arguments) > BATCH_BYTES):
            ranges.append((first, index))
            first, size = index, 0
        size += len(arguments) + 64
    if first < len(encoded):
        ranges.append((first, len(encoded)))
    return ranges


def _decode_status(workflow: str, status: Any) -> WorkflowStatus:
    state = _STATES.get(status.state)
    if state is None:
        raise RappelError(f"rappel-bridge reported an unknown state {status.state} for {workflow} instance {status.instance_id}")
    outcome = status.WhichOneof("outcome")
    result: Any = None
    exception: BaseException | None = None
    with workflow_boundary(workflow):
        if outcome == "value":
            result = decode(status.value, "result", "the result of run()")
        elif outcome == "exception":
            decoded = decode(status.exception, "exception", "the exception raised by run()")
            exception = decoded if isinstance(decoded, BaseException) else RappelError(repr(decoded))
    if state is WorkflowState.CANCELLED:
        exception = WorkflowCancelled(workflow, status.instance_id)
    if state is WorkflowState.FAILED and exception is None:
        exception = RappelError(f"{workflow} instance {status.instance_id} failed without an exception")
    return WorkflowStatus(status.instance_id, state, result, exception)
