"""`python -m rappel.worker` as a real process, against a real gRPC server written
here that plays the runtime's side of `WorkerBridge.Attach`."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import textwrap
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import grpc
import pytest

from rappel._proto import worker_pb2, worker_pb2_grpc
from rrl import codec

WORKFLOW_COUNT = 200
STEP_SECONDS = 10.0  # the longest any single wait in these tests may take

USER_MODULE = '''
import asyncio
import random
import sys
from collections.abc import AsyncIterator
from typing import Annotated

from rappel import Depend, Workflow, action, workflow


class Refused(Exception):
    pass


def prefix() -> str:
    return "Hello"


OPENED: list[str] = []


async def database(greeting: Annotated[str, Depend(prefix)]) -> AsyncIterator[str]:
    OPENED.append("open")
    yield f"{greeting} from the db"
    OPENED.append("closed")


@action
async def greet(name: str, db: Annotated[str, Depend(database)]) -> str:
    return f"{db}, {name}"


@action
async def opened() -> list[str]:
    return list(OPENED)


@action
async def refuse(reason: str) -> int:
    raise Refused(reason)


@action
async def unencodable() -> object:
    return object()


RUNNING = 0
MOST_RUNNING = 0


@action
async def nap(seconds: float) -> int:
    global RUNNING, MOST_RUNNING
    RUNNING += 1
    MOST_RUNNING = max(MOST_RUNNING, RUNNING)
    try:
        await asyncio.sleep(seconds)
    finally:
        RUNNING -= 1
    return MOST_RUNNING


@action
async def noop(i: int) -> int:
    return i


@action
async def compiler_state() -> dict:
    return {
        "compiler_modules": sorted(m for m in sys.modules if m.split(".")[0] in ("rappel_compiler", "libcst", "lark")),
        "compiled": sorted(cls.__name__ for cls in WORKFLOWS if cls.__dict__.get("__rappel_program__") is not None),
    }


# Compiling this one would fail (random.random() in a workflow is RPL-rejected
# non-determinism): a worker that compiled at import could not even start.
@workflow
class NotCompilable(Workflow):
    async def run(self) -> float:
        return random.random()
'''

WORKFLOW_TEMPLATE = '''

@workflow
class Greeting{i}(Workflow):
    async def run(self, names: list[str]) -> list[str]:
        greetings = await asyncio.gather(*[greet(name=name) for name in names])
        if len(greetings) > {i}:
            return greetings[:{i}]
        return greetings
'''


@pytest.fixture(scope="module")
def app_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("worker_app")
    workflows = "".join(WORKFLOW_TEMPLATE.format(i=i) for i in range(WORKFLOW_COUNT))
    names = ", ".join(["NotCompilable"] + [f"Greeting{i}" for i in range(WORKFLOW_COUNT)])
    (directory / "worker_app.py").write_text(USER_MODULE + workflows + f"\n\nWORKFLOWS = [{names}]\n")
    (directory / "broken_app.py").write_text("import no_such_module_anywhere\n")
    return directory


class FakeRuntime(worker_pb2_grpc.WorkerBridgeServicer):
    """The runtime's side of one worker stream: what the worker sends lands in
    `inbox`; what the test puts in `outbox` is sent (None ends the stream)."""

    def __init__(self) -> None:
        self.inbox: asyncio.Queue[worker_pb2.WorkerMessage | None] = asyncio.Queue()
        self.outbox: asyncio.Queue[worker_pb2.RuntimeMessage | None] = asyncio.Queue()

    async def Attach(self, request_iterator: Any, context: Any) -> AsyncIterator[worker_pb2.RuntimeMessage]:
        async def read() -> None:
            async for message in request_iterator:
                await self.inbox.put(message)
            await self.inbox.put(None)  # the worker closed its side

        reader = asyncio.create_task(read())
        try:
            while (message := await self.outbox.get()) is not None:
                yield message
        finally:
            # Let the worker's last messages arrive before the call ends.
            with_timeout = asyncio.wait_for(asyncio.shield(reader), 1.0)
            try:
                await with_timeout
            except (asyncio.TimeoutError, asyncio.CancelledError):
                reader.cancel()

    async def next_message(self) -> worker_pb2.WorkerMessage | None:
        return await asyncio.wait_for(self.inbox.get(), STEP_SECONDS)

    async def dispatch(self, *dispatches: worker_pb2.Dispatch) -> None:
        await self.outbox.put(worker_pb2.RuntimeMessage(dispatches=worker_pb2.DispatchBatch(dispatches=dispatches)))

    async def results(self, count: int) -> tuple[dict[str, worker_pb2.Result], int]:
        """The next `count` results by attempt id, and how many messages carried them
        (heartbeats in between are skipped)."""
        found: dict[str, worker_pb2.Result] = {}
        messages = 0
        while len(found) < count:
            message = await self.next_message()
            assert message is not None, f"the worker closed the stream after {len(found)} of {count} results"
            if message.WhichOneof("kind") == "results":
                messages += 1
                found.update((r.attempt_id, r) for r in message.results.results)
        return found, messages


class Worker:
    def __init__(self, process: asyncio.subprocess.Process, runtime: FakeRuntime, hello: worker_pb2.Hello, started_in: float):
        self.process, self.runtime, self.hello, self.started_in = process, runtime, hello, started_in

    async def exit_status(self) -> tuple[int, str]:
        _, stderr = await asyncio.wait_for(self.process.communicate(), STEP_SECONDS)
        return self.process.returncode, stderr.decode()


@pytest.fixture
async def start_worker(app_dir: Path) -> AsyncIterator[Any]:
    servers: list[grpc.aio.Server] = []
    processes: list[asyncio.subprocess.Process] = []

    async def start(slots: int = 4, heartbeat_seconds: float = 5.0) -> Worker:
        runtime = FakeRuntime()
        server = grpc.aio.server()
        worker_pb2_grpc.add_WorkerBridgeServicer_to_server(runtime, server)
        port = server.add_insecure_port("127.0.0.1:0")
        await server.start()
        servers.append(server)
        env = worker_env(
            RAPPEL_WORKER_ADDR=f"127.0.0.1:{port}",
            RAPPEL_WORKER_ID="w-test",
            RAPPEL_USER_MODULE="worker_app",
            RAPPEL_CONCURRENT_PER_WORKER=str(slots),
            RAPPEL_WORKER_HEARTBEAT_SECONDS=str(heartbeat_seconds),
        )
        began = time.perf_counter()
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "rappel.worker", cwd=app_dir, env=env,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
        )
        processes.append(process)
        first = await runtime.next_message()
        assert first is not None and first.WhichOneof("kind") == "hello", first
        return Worker(process, runtime, first.hello, time.perf_counter() - began)

    yield start
    for process in processes:
        if process.returncode is None:
            process.kill()
            await process.wait()
    for server in servers:
        await server.stop(grace=None)


def worker_env(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAPPEL_")}
    env.update(values)
    return env


def dispatch(attempt_id: str, action: str, /, timeout: float = 30.0, **kwargs: Any) -> worker_pb2.Dispatch:
    return worker_pb2.Dispatch(
        attempt_id=attempt_id, module="worker_app", name=action,
        kwargs=codec.dumps(kwargs).encode(), attempt=1, timeout_seconds=timeout,
    )


def value_of(result: worker_pb2.Result) -> Any:
    assert result.WhichOneof("outcome") == "value", result.error.traceback
    return codec.loads(result.value, _unresolvable)  # these tests' values name no class


def _unresolvable(name: str) -> type:
    raise LookupError(name)


def error_of(result: worker_pb2.Result) -> tuple[BaseException, str]:
    assert result.WhichOneof("outcome") == "error", result
    return codec.loads(result.error.exception, _unresolvable), result.error.traceback


# ------------------------------------------------------------------ tests


async def test_hello_then_a_batch_of_dispatches_with_depend(start_worker: Any) -> None:
    worker = await start_worker(slots=16)
    hello = worker.hello
    assert (hello.worker_id, hello.pid, hello.slots, hello.user_module) == ("w-test", worker.process.pid, 16, "worker_app")
    assert {"worker_app:greet", "worker_app:refuse", "worker_app:nap"} <= set(hello.actions)

    await worker.runtime.dispatch(*(dispatch(f"a{i}", "greet", name=f"user{i}") for i in range(12)))
    results, _ = await worker.runtime.results(12)
    assert {k: value_of(r) for k, r in results.items()} == {f"a{i}": f"Hello from the db, user{i}" for i in range(12)}
    assert all(r.duration_seconds >= 0 for r in results.values())

    # Each attempt resolved its generator dependency and ran its teardown.
    await worker.runtime.dispatch(dispatch("opened", "opened"))
    results, _ = await worker.runtime.results(1)
    assert value_of(results["opened"]) == ["open", "closed"] * 12


async def test_errors_are_results_not_crashes(start_worker: Any) -> None:
    worker = await start_worker()
    await worker.runtime.dispatch(
        dispatch("raises", "refuse", reason="card declined"),
        dispatch("unknown", "no_such_action"),
        worker_pb2.Dispatch(attempt_id="unknown-module", module="no_such_module", name="f", kwargs=b"{}", attempt=1),
        dispatch("unencodable", "unencodable"),
        dispatch("bad-arguments", "greet", name="x", nickname="y"),
        worker_pb2.Dispatch(attempt_id="bad-kwargs", module="worker_app", name="noop", kwargs=b"[1,", attempt=1),
        dispatch("slow", "nap", timeout=0.2, seconds=5),
    )
    results, _ = await worker.runtime.results(7)

    exc, trace = error_of(results["raises"])
    assert codec.exception_chain(type(exc))[:2] == ("worker_app:Refused", "builtins:Exception")
    assert str(exc) == "card declined" and isinstance(exc, Exception)
    assert "raise Refused(reason)" in trace and "worker_app.py" in trace

    exc, _ = error_of(results["unknown"])
    assert codec.exception_chain(type(exc)) == ("rappel:ActionNotFound", "rappel:RappelError", "builtins:Exception")
    assert "cannot run action worker_app.no_such_action()" in str(exc)
    assert "defines no action named 'no_such_action'" in str(exc)
    assert "has actions from worker_app" in str(exc) and "retrying cannot help" in str(exc)

    exc, _ = error_of(results["unknown-module"])
    assert codec.exception_chain(type(exc))[0] == "rappel:ActionNotFound"
    assert "cannot run action no_such_module.f()" in str(exc) and "cannot be imported" in str(exc)

    exc, _ = error_of(results["unencodable"])
    assert "CodecError" in type(exc).__name__
    assert "the result of action worker_app.unencodable() cannot be encoded" in str(exc)

    exc, _ = error_of(results["bad-arguments"])
    assert "greet()" in str(exc) and "nickname" in str(exc)

    exc, _ = error_of(results["bad-kwargs"])
    assert "the arguments of action worker_app.noop() cannot be decoded" in str(exc)

    exc, _ = error_of(results["slow"])
    assert "RappelTimeout" in type(exc).__name__ and "timed out after 0.2s" in str(exc)

    # The worker is still serving.
    await worker.runtime.dispatch(dispatch("after", "noop", i=7))
    results, _ = await worker.runtime.results(1)
    assert value_of(results["after"]) == 7


async def test_slots_bound_concurrency_and_heartbeats_name_running_attempts(start_worker: Any) -> None:
    worker = await start_worker(slots=3, heartbeat_seconds=0.2)
    await worker.runtime.dispatch(*(dispatch(f"n{i}", "nap", seconds=0.6) for i in range(8)))
    heartbeats: list[set[str]] = []
    results: dict[str, worker_pb2.Result] = {}
    while len(results) < 8:
        message = await worker.runtime.next_message()
        assert message is not None
        if message.WhichOneof("kind") == "heartbeat":
            heartbeats.append(set(message.heartbeat.attempt_ids))
        else:
            results.update((r.attempt_id, r) for r in message.results.results)
    assert max(value_of(r) for r in results.values()) == 3  # never more than the slots at once
    assert heartbeats, "attempts ran for 1.8 s with heartbeats due every 0.2 s"
    assert heartbeats[0] == {f"n{i}" for i in range(8)}  # received and waiting for a slot count too
    assert all(beat <= {f"n{i}" for i in range(8)} and beat for beat in heartbeats)


async def test_drain_finishes_in_flight_work_then_exits_zero(start_worker: Any) -> None:
    worker = await start_worker(slots=4)
    await worker.runtime.dispatch(*(dispatch(f"d{i}", "nap", seconds=0.4) for i in range(3)))
    await worker.runtime.outbox.put(worker_pb2.RuntimeMessage(drain=worker_pb2.Drain()))
    results, _ = await worker.runtime.results(3)
    assert set(results) == {"d0", "d1", "d2"} and all(r.WhichOneof("outcome") == "value" for r in results.values())
    assert await worker.runtime.next_message() is None  # the worker closed its side
    status, stderr = await worker.exit_status()
    assert status == 0, stderr
    assert "drained after 3 actions" in stderr
    assert "Unknown experiment" not in stderr  # grpc knows every name the worker turns off


@pytest.mark.parametrize("given", [None, "", "-event_engine_dns"])
def test_the_worker_turns_off_grpcs_event_engine_unless_told_otherwise(given: str | None) -> None:
    env = worker_env()
    env.pop("GRPC_EXPERIMENTS", None)
    if given is not None:
        env["GRPC_EXPERIMENTS"] = given
    script = "import os, rappel.worker; print(os.environ['GRPC_EXPERIMENTS'])"
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    value = done.stdout.strip()
    if given is None:
        assert value.split(",")[:2] == ["-event_engine_client", "-event_engine_listener"], value
    else:
        assert value == given


async def test_stream_closed_by_the_runtime_exits_cleanly(start_worker: Any) -> None:
    worker = await start_worker()
    await worker.runtime.outbox.put(None)
    status, stderr = await worker.exit_status()
    assert status == 0, stderr
    assert "Traceback" not in stderr


async def test_worker_never_compiles_workflows(start_worker: Any) -> None:
    worker = await start_worker()
    await worker.runtime.dispatch(dispatch("state", "compiler_state"))
    results, _ = await worker.runtime.results(1)
    assert value_of(results["state"]) == {"compiler_modules": [], "compiled": []}
    # Process start to Hello, with a module of WORKFLOW_COUNT workflows: interpreter,
    # rappel, grpc and the module. Compiling them would take several seconds.
    # Printed, never asserted: timings belong in benchmarks.
    print(f"worker start to Hello with {WORKFLOW_COUNT} workflows: {worker.started_in:.3f} s")


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"RAPPEL_USER_MODULE": "worker_app"}, "RAPPEL_WORKER_ADDR is not set"),
        ({"RAPPEL_WORKER_ADDR": "127.0.0.1:1"}, "RAPPEL_USER_MODULE is not set"),
        ({"RAPPEL_WORKER_ADDR": "127.0.0.1:1", "RAPPEL_USER_MODULE": "worker_app", "RAPPEL_CONCURRENT_PER_WORKER": "many"},
         "RAPPEL_CONCURRENT_PER_WORKER='many' (from the environment) is not valid"),
        ({"RAPPEL_WORKER_ADDR": "127.0.0.1:1", "RAPPEL_USER_MODULE": "broken_app"},
         "cannot import RAPPEL_USER_MODULE='broken_app'"),
    ],
)
async def test_start_errors_are_clear(app_dir: Path, env: dict[str, str], expected: str) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "rappel.worker", cwd=app_dir, env=worker_env(**env),
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )
    _, stderr = await asyncio.wait_for(process.communicate(), STEP_SECONDS)
    assert process.returncode == 2
    assert f"rappel worker: error: {expected}" in stderr.decode()


async def test_no_runtime_at_the_address_is_a_clear_error(app_dir: Path) -> None:
    env = worker_env(RAPPEL_WORKER_ADDR="127.0.0.1:9", RAPPEL_USER_MODULE="worker_app")
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "rappel.worker", cwd=app_dir, env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )
    _, stderr = await asyncio.wait_for(process.communicate(), STEP_SECONDS)
    text = stderr.decode()
    assert process.returncode == 1, text
    assert "the stream to 127.0.0.1:9 failed: UNAVAILABLE" in text and "Traceback" not in text


async def test_sigterm_finishes_in_flight_work_like_drain(start_worker: Any) -> None:
    worker = await start_worker(slots=2)
    await worker.runtime.dispatch(*(dispatch(f"t{i}", "nap", seconds=0.4) for i in range(2)))
    await asyncio.sleep(0.1)  # the dispatches have arrived
    worker.process.terminate()
    results, _ = await worker.runtime.results(2)
    assert all(r.WhichOneof("outcome") == "value" for r in results.values())
    status, stderr = await worker.exit_status()
    assert status == 0, stderr


def test_compile_on_first_use_defers_until_the_program_is_needed(app_dir: Path) -> None:
    # In a fresh interpreter: the switch is process-wide, as in a worker.
    script = textwrap.dedent(
        """
        import sys
        from rappel import WorkflowCompileError
        from rappel._workflow import compile_on_first_use, program_of
        compile_on_first_use()
        import worker_app
        assert not any(m.split(".")[0] in ("rappel_compiler", "libcst", "lark") for m in sys.modules)
        program_of(worker_app.Greeting3)  # compiles now, on first use
        assert "rappel_compiler" in sys.modules
        try:
            program_of(worker_app.NotCompilable)
        except WorkflowCompileError as exc:
            print("rejected:", str(exc).splitlines()[0])
        """
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=app_dir, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("rejected: error[RPL"), done.stdout


def test_an_exception_the_codec_cannot_encode_is_still_reported() -> None:
    from rappel._worker import _encoded_exception

    exc: BaseException = ValueError("bottom")
    for level in range(5000):  # a cause chain deeper than the recursion limit
        try:
            raise ValueError(f"level {level}") from exc
        except ValueError as raised:
            exc = raised
    reported = codec.loads(_encoded_exception(exc, "action m.f()"), _unresolvable)
    assert codec.exception_chain(type(reported))[0] == "rappel:RappelError"
    assert str(reported).startswith("action m.f() raised ValueError: level 4999, which cannot be encoded")


async def test_deadlines_expire_late_attempts_and_forget_finished_ones() -> None:
    from rappel._worker import Deadlines

    deadlines = Deadlines()

    async def attempt(seconds: float, timeout: float) -> str:
        expiry = deadlines.start(timeout)
        try:
            await asyncio.sleep(seconds)
            return "done"
        except asyncio.CancelledError:
            return "expired" if expiry.expired else "cancelled"
        finally:
            deadlines.stop(expiry)

    outcomes = await asyncio.gather(*(attempt(30, 0.05) for _ in range(10)), *(attempt(0, 30) for _ in range(10)))
    assert outcomes == ["expired"] * 10 + ["done"] * 10
    # Every timer is gone: the expired ones fired, the finished ones were cancelled.
    assert deadlines._ticks == {}
