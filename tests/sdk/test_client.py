"""The durable client against an in-test rappel.v1.Workflows server: registration,
decoding to the declared types, exceptions as their own type, handles and
statuses, a bridge that goes away, discovery. The real path (a real bridge, the
runtime, workers) is tested end to end in tests/e2e."""

from __future__ import annotations

import asyncio
import hashlib
import http.server
import json
import socket
import threading
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import grpc
import pytest
from pydantic import BaseModel
from rrl import codec

from rappel import CodecError, RappelError, Workflow, WorkflowCancelled, WorkflowState, action, workflow
from rappel._boundary import resolve_class
from rappel._client import use_backend
from rappel._durable import BridgeUnavailable, DurableBackend, discover, rrl_text
from rappel._proto import bridge_pb2, bridge_pb2_grpc

pb = bridge_pb2.InstanceStatus


class Receipt(BaseModel):
    to: str
    sent: bool


@dataclass
class Tally:
    name: str
    count: int


class QuotaExceeded(Exception):
    pass


@action
async def client_send(to: str) -> Receipt:
    return Receipt(to=to, sent=True)


@workflow
class SendAll(Workflow):
    async def run(self, people: list[str], note: str = "hi") -> list[Receipt]:
        return await asyncio.gather(*[client_send(to=p) for p in people])


# ------------------------------------------------------------------ the fake bridge


class FakeBridge(bridge_pb2_grpc.WorkflowsServicer):
    """The bridge's protocol with outcomes the test decides: `finish(id, value=...)`
    or `finish(id, exception=...)` completes an instance."""

    def __init__(self) -> None:
        self.registered: list[tuple[str, str]] = []
        self.versions: dict[str, str] = {}
        self.started: list[tuple[str, Any]] = []
        self.instances: dict[str, pb] = {}
        self.changed = asyncio.Condition()
        self.refuse: str | None = None
        # Each start's idempotency key, None where the request had none.
        self.keys: list[str | None] = []
        # The size of each StartWorkflows request.
        self.batches: list[int] = []
        # StartWorkflows refuses a batch holding a start with these arguments.
        self.refuse_start: Any = None
        # The instance ids of each WaitForResults call; with `shared_waits` off,
        # the bridge answers it UNIMPLEMENTED, as one older than the call.
        self.wait_calls: list[list[str]] = []
        self.shared_waits = True

    async def RegisterWorkflow(self, request: Any, context: Any) -> Any:
        if self.refuse:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, self.refuse)
        self.registered.append((request.workflow, request.rrl))
        digest = hashlib.sha256(request.rrl.encode()).hexdigest()
        version = f"v-{digest[:12]}"
        self.versions[version] = request.workflow
        return bridge_pb2.RegisterWorkflowResponse(version_id=version, ir_hash=digest)

    async def StartWorkflow(self, request: Any, context: Any) -> Any:
        if request.version_id not in self.versions:
            await context.abort(grpc.StatusCode.NOT_FOUND, f"no version {request.version_id}")
        if self.refuse_start is not None and codec.loads(request.arguments, resolve_class) == self.refuse_start:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, "refused")
        self.keys.append(request.idempotency_key if request.HasField("idempotency_key") else None)
        instance = f"i-{len(self.instances) + 1}"
        self.started.append((request.version_id, codec.loads(request.arguments, resolve_class)))
        self.instances[instance] = pb(instance_id=instance, state=pb.QUEUED)
        return bridge_pb2.StartWorkflowResponse(instance_id=instance)

    async def StartWorkflows(self, request: Any, context: Any) -> Any:
        self.batches.append(len(request.starts))
        for index, start in enumerate(request.starts):
            if start.version_id not in self.versions:
                await context.abort(grpc.StatusCode.NOT_FOUND, f"starts[{index}]: no version {start.version_id}")
            if self.refuse_start is not None and codec.loads(start.arguments, resolve_class) == self.refuse_start:
                await context.abort(grpc.StatusCode.INVALID_ARGUMENT, f"starts[{index}]: refused")
        response = bridge_pb2.StartWorkflowsResponse()
        for start in request.starts:
            response.instance_ids.append((await self.StartWorkflow(start, context)).instance_id)
            response.existing.append(False)
        return response

    async def WaitForResult(self, request: Any, context: Any) -> Any:
        await self._known(request.instance_id, context)
        async with self.changed:
            try:
                await asyncio.wait_for(
                    self.changed.wait_for(lambda: self._done(request.instance_id)),
                    timeout=request.timeout_seconds,
                )
            except TimeoutError:
                pass
        return self.instances[request.instance_id]

    async def WaitForResults(self, request: Any, context: Any) -> Any:
        ids = list(request.instance_ids)
        self.wait_calls.append(ids)
        if not self.shared_waits:
            await context.abort(grpc.StatusCode.UNIMPLEMENTED, "Method not found!")
        for index, instance_id in enumerate(ids):
            if instance_id not in self.instances:
                await context.abort(grpc.StatusCode.NOT_FOUND, f"instance_ids[{index}]: no instance {instance_id}")
        loop = asyncio.get_running_loop()
        deadline = loop.time() + request.timeout_seconds
        left = set(ids)
        while left:
            async with self.changed:
                try:
                    await asyncio.wait_for(
                        self.changed.wait_for(lambda: any(self._done(i) for i in left)),
                        timeout=max(0.0, deadline - loop.time()),
                    )
                except TimeoutError:
                    return
                done = [self.instances[i] for i in sorted(left) if self._done(i)]
            left.difference_update(status.instance_id for status in done)
            yield bridge_pb2.InstanceStatuses(statuses=done)

    async def GetStatus(self, request: Any, context: Any) -> Any:
        return await self._known(request.instance_id, context)

    async def CancelWorkflow(self, request: Any, context: Any) -> Any:
        status = await self._known(request.instance_id, context)
        if self._done(request.instance_id):
            return bridge_pb2.CancelWorkflowResponse(cancelled=False, status=status)
        async with self.changed:
            status = pb(instance_id=request.instance_id, state=pb.CANCELLED)
            self.instances[request.instance_id] = status
            self.changed.notify_all()
        return bridge_pb2.CancelWorkflowResponse(cancelled=True, status=status)

    def _done(self, instance_id: str) -> bool:
        status = self.instances[instance_id]
        return status.WhichOneof("outcome") is not None or status.state == pb.CANCELLED

    async def _known(self, instance_id: str, context: Any) -> Any:
        if instance_id not in self.instances:
            await context.abort(grpc.StatusCode.NOT_FOUND, f"no instance {instance_id}")
        return self.instances[instance_id]

    async def finish(self, instance_id: str, *, value: Any = None, exception: BaseException | None = None) -> None:
        async with self.changed:
            if exception is not None:
                status = pb(instance_id=instance_id, state=pb.FAILED, exception=codec.dumps(exception).encode())
            else:
                status = pb(instance_id=instance_id, state=pb.COMPLETED, value=codec.dumps(value).encode())
            self.instances[instance_id] = status
            self.changed.notify_all()


class Served:
    """A FakeBridge served on a port that stays the same across restarts."""

    def __init__(self, bridge: FakeBridge, port: int) -> None:
        self.bridge = bridge
        self.port = port
        self.server: grpc.aio.Server | None = None

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    async def start(self) -> None:
        self.server = grpc.aio.server()
        bridge_pb2_grpc.add_WorkflowsServicer_to_server(self.bridge, self.server)
        self.server.add_insecure_port(self.address)
        await self.server.start()

    async def stop(self) -> None:
        if self.server is not None:
            await self.server.stop(grace=None)
            self.server = None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
async def served() -> AsyncIterator[Served]:
    serving = Served(FakeBridge(), free_port())
    await serving.start()
    yield serving
    await serving.stop()


@pytest.fixture
def backend(served: Served) -> Iterator[DurableBackend]:
    durable = DurableBackend(served.address, reconnect_seconds=10)
    with use_backend(durable):
        yield durable


async def finish_when_started(bridge: FakeBridge, **outcome: Any) -> None:
    while not bridge.started:
        await asyncio.sleep(0.01)
    await bridge.finish(f"i-{len(bridge.started)}", **outcome)


# ------------------------------------------------------------------ tests


async def test_run_registers_starts_and_returns_the_declared_types(served: Served, backend: DurableBackend) -> None:
    receipts = [Receipt(to="ada", sent=True), Receipt(to="bo", sent=False)]
    finishing = asyncio.create_task(finish_when_started(served.bridge, value=receipts))
    result = await SendAll().run(["ada", "bo"])
    await finishing
    assert result == receipts
    assert all(type(r) is Receipt for r in result)
    [(name, text)] = served.bridge.registered
    assert name == "SendAll"
    assert text == rrl_text(SendAll)
    assert "workflow SendAll" in text
    assert served.bridge.started[0][1] == {"people": ["ada", "bo"], "note": "hi"}


async def test_a_version_is_registered_once_per_process_and_bridge(served: Served, backend: DurableBackend) -> None:
    for people in (["a"], ["b"], ["c"]):
        handle = await SendAll().start(people)
        await served.bridge.finish(handle.id, value=[])
        assert await handle.result() == []
    assert len(served.bridge.registered) == 1
    assert len(served.bridge.started) == 3


async def test_the_workflows_exception_is_raised_as_its_own_type(served: Served, backend: DurableBackend) -> None:
    handle = await SendAll().start(["ada"])
    await served.bridge.finish(handle.id, exception=QuotaExceeded("over quota for ada"))
    with pytest.raises(QuotaExceeded, match="over quota for ada"):
        await handle.result()
    handle = await SendAll().start(["bo"])
    await served.bridge.finish(handle.id, exception=KeyError("bo"))
    with pytest.raises(LookupError):
        await handle.result()


async def test_status_and_a_handle_found_again_by_id(served: Served, backend: DurableBackend) -> None:
    handle = await SendAll().start(["ada"])
    status = await handle.status()
    assert (status.id, status.state, status.done, status.result) == (handle.id, WorkflowState.QUEUED, False, None)
    await served.bridge.finish(handle.id, value=[Tally("ada", 2)])
    again = SendAll.handle(handle.id)
    assert repr(again) == f"<WorkflowHandle SendAll id={handle.id}>"
    status = await again.status()
    assert status.state is WorkflowState.COMPLETED and status.done
    assert status.result == [Tally("ada", 2)] and type(status.result[0]) is Tally
    assert await again.result() == [Tally("ada", 2)]

    failed = await SendAll().start(["bo"])
    await served.bridge.finish(failed.id, exception=QuotaExceeded("no"))
    status = await failed.status()
    assert status.state is WorkflowState.FAILED
    assert isinstance(status.exception, QuotaExceeded) and str(status.exception) == "no"


async def test_a_cancelled_instance_raises_workflow_cancelled_also_in_waiting_callers(
    served: Served, backend: DurableBackend
) -> None:
    handle = await SendAll().start(["ada"])
    waiting = asyncio.create_task(handle.result())
    await asyncio.sleep(0.1)
    assert await handle.cancel() is True
    with pytest.raises(WorkflowCancelled, match=f"SendAll instance {handle.id} was cancelled") as raised:
        await waiting
    assert (raised.value.workflow, raised.value.instance_id) == ("SendAll", handle.id)
    again = SendAll.handle(handle.id)
    with pytest.raises(WorkflowCancelled):
        await again.result()
    status = await again.status()
    assert (status.state, status.done, status.result) == (WorkflowState.CANCELLED, True, None)
    assert isinstance(status.exception, WorkflowCancelled)
    # Cancelling what has finished (cancelled or completed) changes nothing.
    assert await again.cancel() is False
    done = await SendAll().start(["bo"])
    await served.bridge.finish(done.id, value=[])
    assert await done.cancel() is False
    assert await done.result() == []
    with pytest.raises(RappelError, match="cannot cancel SendAll instance i-404: .* knows no such instance"):
        await SendAll.handle("i-404").cancel()


async def test_gathered_results_share_one_wait_and_each_gets_its_own_outcome(
    served: Served, backend: DurableBackend
) -> None:
    handles = await SendAll.start_many([{"people": [f"r{i}"]} for i in range(40)])
    waiting = asyncio.gather(*(h.result() for h in handles), return_exceptions=True)
    await asyncio.sleep(0.1)
    for index, handle in enumerate(handles):
        if index == 7:
            await served.bridge.finish(handle.id, exception=QuotaExceeded("r7"))
        else:
            await served.bridge.finish(handle.id, value=[Receipt(to=f"r{index}", sent=True)])
    results = await asyncio.wait_for(waiting, 30)
    assert served.bridge.wait_calls == [[h.id for h in handles]]
    assert isinstance(results[7], QuotaExceeded) and str(results[7]) == "r7"
    assert [r for i, r in enumerate(results) if i != 7] == [
        [Receipt(to=f"r{i}", sent=True)] for i in range(40) if i != 7
    ]
    # One instance waited for twice in one turn is asked for once, and both get it.
    again = await SendAll().start(["ada"])
    both = asyncio.gather(again.result(), SendAll.handle(again.id).result())
    await asyncio.sleep(0.1)
    await served.bridge.finish(again.id, value=[])
    assert await asyncio.wait_for(both, 30) == [[], []]
    assert served.bridge.wait_calls[-1] == [again.id]


async def test_an_unknown_instance_in_a_shared_wait_fails_alone(served: Served, backend: DurableBackend) -> None:
    known = await SendAll().start(["ada"])
    await served.bridge.finish(known.id, value=[])
    results = await asyncio.gather(known.result(), SendAll.handle("i-404").result(), return_exceptions=True)
    assert results[0] == []
    assert isinstance(results[1], RappelError)
    assert "cannot wait for SendAll instance i-404" in str(results[1]) and "knows no such instance" in str(results[1])


async def test_a_bridge_without_shared_waits_is_waited_on_one_call_each(served: Served, backend: DurableBackend) -> None:
    served.bridge.shared_waits = False
    handles = await SendAll.start_many([{"people": ["a"]}, {"people": ["b"]}])
    for handle in handles:
        await served.bridge.finish(handle.id, value=[])
    assert await asyncio.gather(*(h.result() for h in handles)) == [[], []]
    later = await SendAll().start(["c"])
    await served.bridge.finish(later.id, value=[])
    assert await later.result() == []
    assert len(served.bridge.wait_calls) == 1, "asked once, then never again"


async def test_an_unknown_instance_is_a_clear_error(backend: DurableBackend) -> None:
    with pytest.raises(RappelError, match="cannot wait for SendAll instance i-404: .* knows no such instance"):
        await SendAll.handle("i-404").result()


async def test_a_waiting_caller_survives_the_bridge_restarting(served: Served, backend: DurableBackend) -> None:
    handle = await SendAll().start(["ada"])
    waiting = asyncio.create_task(handle.result())
    await asyncio.sleep(0.2)
    await served.stop()
    await asyncio.sleep(0.5)
    assert not waiting.done()
    await served.start()
    await served.bridge.finish(handle.id, value=[Receipt(to="ada", sent=True)])
    assert await asyncio.wait_for(waiting, 30) == [Receipt(to="ada", sent=True)]


async def test_a_bridge_gone_too_long_names_the_instance_and_how_to_fetch_it(served: Served) -> None:
    durable = DurableBackend(served.address, reconnect_seconds=1)
    with use_backend(durable):
        handle = await SendAll().start(["ada"])
        await served.stop()
        with pytest.raises(BridgeUnavailable) as info:
            await handle.result()
    message = str(info.value)
    assert f"lost rappel-bridge at {served.address}" in message
    assert f"await SendAll.handle({handle.id!r}).result()" in message


async def test_a_program_the_bridge_refuses_shows_its_diagnostics(served: Served, backend: DurableBackend) -> None:
    served.bridge.refuse = "error[RPL0901]: action client_send is not known here"
    with pytest.raises(RappelError, match=r"(?s)cannot register SendAll: rappel-bridge refused its program:\nerror\[RPL0901\]"):
        await SendAll().run(["ada"])


async def test_a_bridge_with_a_new_database_gets_the_version_again(served: Served, backend: DurableBackend) -> None:
    first = await SendAll().start(["ada"])
    served.bridge.versions.clear()  # as a bridge on a fresh database knows no version
    second = await SendAll().start(["bo"])
    assert first.id != second.id
    assert len(served.bridge.registered) == 2


async def test_an_argument_the_codec_cannot_carry_is_named(backend: DurableBackend, served: Served) -> None:
    with pytest.raises(CodecError, match=r"SendAll: the argument `people` of run\(\) cannot be encoded: people\[1\]"):
        await SendAll().start(["ada", object()])
    assert served.bridge.started == []


async def test_arguments_that_do_not_fit_run_or_the_limit_are_refused_before_the_bridge(
    backend: DurableBackend, served: Served
) -> None:
    with pytest.raises(TypeError, match=r"SendAll.run\(\): missing a required argument: 'people'"):
        await SendAll().start()
    with pytest.raises(TypeError, match=r"SendAll.run\(\): got an unexpected keyword argument 'nite'"):
        await SendAll().start(["ada"], nite="hi")
    with pytest.raises(TypeError, match=r"SendAll.run\(\): too many positional arguments"):
        await SendAll().start(["ada"], "hi", "extra")
    with pytest.raises(CodecError, match=r"SendAll: the arguments of run\(\) are 5,242,9\d\d bytes encoded, over the limit"):
        await SendAll().start(["x" * (5 << 20)])
    assert served.bridge.registered == [] and served.bridge.started == []


# ------------------------------------------------------------------ discovery


class Healthz(http.server.BaseHTTPRequestHandler):
    grpc_port = 0

    def do_GET(self) -> None:  # noqa: N802 - the handler's protocol
        body = json.dumps({"service": "rappel-bridge", "http_port": 1, "grpc_port": self.grpc_port}).encode()
        self.send_response(200 if self.path == "/healthz" else 404)
        self.send_header("content-type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def healthz() -> Iterator[http.server.HTTPServer]:
    server = http.server.HTTPServer(("127.0.0.1", 0), Healthz)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_discovery_reads_the_grpc_port_from_the_server_urls_healthz(
    monkeypatch: pytest.MonkeyPatch, healthz: http.server.HTTPServer
) -> None:
    Healthz.grpc_port = 40123
    url = f"http://127.0.0.1:{healthz.server_address[1]}"
    monkeypatch.setenv("RAPPEL_SERVER_URL", url)
    monkeypatch.setenv("RAPPEL_GRPC_ADDR", "127.0.0.1:1")  # the URL wins
    target = discover()
    assert (target.address, target.origin, target.rediscover) == ("127.0.0.1:40123", f"RAPPEL_SERVER_URL={url}", True)


def test_discovery_uses_rappel_grpc_addr_when_no_url_is_set(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("RAPPEL_SERVER_URL", raising=False)
    monkeypatch.setenv("RAPPEL_GRPC_ADDR", "0.0.0.0:4555")
    target = discover()
    assert (target.address, target.rediscover) == ("127.0.0.1:4555", False)


def test_a_server_url_that_does_not_answer_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    monkeypatch.setenv("RAPPEL_SERVER_URL", url)
    with pytest.raises(BridgeUnavailable, match=f"cannot reach rappel-bridge at {url}/healthz \\(RAPPEL_SERVER_URL={url}\\)"):
        discover()


async def test_a_lost_bridge_found_through_the_url_is_asked_for_again(
    monkeypatch: pytest.MonkeyPatch, healthz: http.server.HTTPServer
) -> None:
    """The bridge comes back on another gRPC port: /healthz tells the client."""
    first = Served(FakeBridge(), free_port())
    await first.start()
    Healthz.grpc_port = first.port
    monkeypatch.setenv("RAPPEL_SERVER_URL", f"http://127.0.0.1:{healthz.server_address[1]}")
    durable = DurableBackend(reconnect_seconds=20)
    second = Served(first.bridge, free_port())
    try:
        with use_backend(durable):
            handle = await SendAll().start(["ada"])
            waiting = asyncio.create_task(handle.result())
            await asyncio.sleep(0.2)
            await first.stop()
            Healthz.grpc_port = second.port
            await second.start()
            await first.bridge.finish(handle.id, value=[])
            assert await asyncio.wait_for(waiting, 30) == []
    finally:
        await second.stop()


async def test_start_sends_an_idempotency_key_and_leaves_it_out_of_the_arguments(
    served: Served, backend: DurableBackend
) -> None:
    await SendAll().start(["ada"], idempotency_key="batch-42")
    await SendAll().start(["bo"])
    assert served.bridge.keys == ["batch-42", None]
    assert served.bridge.started[0][1] == {"people": ["ada"], "note": "hi"}


async def test_a_key_that_is_not_a_string_is_refused_before_the_bridge(served: Served, backend: DurableBackend) -> None:
    with pytest.raises(TypeError, match="idempotency_key must be a str, got int"):
        await SendAll().start(["ada"], idempotency_key=42)
    assert served.bridge.keys == []


@workflow
class Keyed(Workflow):
    async def run(self, idempotency_key: str) -> str:
        return idempotency_key


async def test_a_run_parameter_named_idempotency_key_stays_an_argument(
    served: Served, backend: DurableBackend
) -> None:
    await Keyed().start(idempotency_key="mine")
    assert served.bridge.keys == [None]
    assert served.bridge.started[0][1] == {"idempotency_key": "mine"}


async def test_start_many_sends_one_batch_and_returns_handles_in_order(served: Served, backend: DurableBackend) -> None:
    handles = await SendAll.start_many(
        [{"people": ["ada"]}, {"people": ["bo"], "note": "yo"}, {"people": []}],
        idempotency_keys=["k-ada", None, "k-none"],
    )
    assert served.bridge.batches == [3]
    assert [h.id for h in handles] == ["i-1", "i-2", "i-3"]
    assert [args for _, args in served.bridge.started] == [
        {"people": ["ada"], "note": "hi"},
        {"people": ["bo"], "note": "yo"},
        {"people": [], "note": "hi"},
    ]
    assert served.bridge.keys == ["k-ada", None, "k-none"]
    assert len(served.bridge.registered) == 1
    await served.bridge.finish("i-2", value=[Receipt(to="bo", sent=True)])
    assert await handles[1].result() == [Receipt(to="bo", sent=True)]


async def test_start_many_splits_past_the_bridges_batch_limit(
    served: Served, backend: DurableBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    import rappel._durable as durable

    monkeypatch.setattr(durable, "MAX_BATCH", 2)
    handles = await SendAll.start_many([{"people": [str(i)]} for i in range(5)])
    assert served.bridge.batches == [2, 2, 1]
    assert [h.id for h in handles] == [f"i-{i}" for i in range(1, 6)]


async def test_a_refused_start_is_named_by_its_index_in_start_many(
    served: Served, backend: DurableBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    import rappel._durable as durable

    monkeypatch.setattr(durable, "MAX_BATCH", 2)
    served.bridge.refuse_start = {"people": ["3"], "note": "hi"}
    with pytest.raises(RappelError) as info:
        await SendAll.start_many([{"people": [str(i)]} for i in range(5)])
    message = str(info.value)
    assert "cannot start SendAll instances 2 to 3 of 5: rappel-bridge refused the request: arguments[3]: refused" in message
    assert "The 2 starts before these were queued already" in message
    assert len(served.bridge.started) == 2


async def test_start_many_registers_again_for_a_bridge_that_forgot_the_version(
    served: Served, backend: DurableBackend
) -> None:
    await SendAll.start_many([{"people": ["ada"]}])
    served.bridge.versions.clear()
    handles = await SendAll.start_many([{"people": ["bo"]}, {"people": ["cy"]}])
    assert len(served.bridge.registered) == 2
    assert [h.id for h in handles] == ["i-2", "i-3"]


async def test_start_many_names_the_item_whose_argument_cannot_be_encoded(
    served: Served, backend: DurableBackend
) -> None:
    with pytest.raises(CodecError, match=r"start_many\(\)'s arguments\[1\]") as info:
        await SendAll.start_many([{"people": ["ada"]}, {"people": [object()]}])
    assert "people[0]" in str(info.value)
    assert served.bridge.started == []


async def test_concurrent_starts_share_one_request_and_a_refused_one_fails_alone(
    served: Served, backend: DurableBackend
) -> None:
    handles = await asyncio.gather(*(SendAll().start([f"p{i}"]) for i in range(30)))
    assert served.bridge.batches == [30]
    assert [h.id for h in handles] == [f"i-{i}" for i in range(1, 31)]
    assert [args["people"] for _, args in served.bridge.started] == [[f"p{i}"] for i in range(30)]

    served.bridge.refuse_start = {"people": ["bad"], "note": "hi"}
    outcomes = await asyncio.gather(
        SendAll().start(["ok1"]), SendAll().start(["bad"]), SendAll().start(["ok2"]), return_exceptions=True
    )
    assert served.bridge.batches == [30, 3], "refused together, then sent one by one"
    assert isinstance(outcomes[1], RappelError) and type(outcomes[1]) is RappelError
    assert "cannot start SendAll: rappel-bridge refused the request: refused" in str(outcomes[1])
    assert [args["people"] for _, args in served.bridge.started[30:]] == [["ok1"], ["ok2"]]
    assert [h.id for h in (outcomes[0], outcomes[2])] == ["i-31", "i-32"]


async def test_concurrent_first_starts_register_the_workflow_once(served: Served, backend: DurableBackend) -> None:
    handles = await asyncio.gather(*(SendAll().start([str(i)]) for i in range(20)))
    assert len({h.id for h in handles}) == 20
    assert len(served.bridge.registered) == 1
