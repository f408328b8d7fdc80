import asyncio
import socket
import sys

import pytest
import rappel_compiler

from rappel import (
    RappelError,
    Workflow,
    WorkflowCancelled,
    WorkflowCompileError,
    WorkflowHandle,
    action,
    workflow,
)
from rappel._client import WorkflowState, configure_backend, current_backend, use_backend
from rappel._workflow import bind_run_arguments, program_of
from rappel.testing import local_backend, run_local

from .support import uncompiled


class FakeCompileError(Exception):
    def __init__(self, diagnostics, rendered):
        super().__init__(rendered)
        self.diagnostics = diagnostics
        self.rendered = rendered


@pytest.fixture
def fake_compiler(monkeypatch):
    """Stand in for rappel_compiler: record the classes compiled, return a marker."""
    compiled: list[type] = []

    def compile_workflow_class(cls):
        compiled.append(cls)
        if getattr(cls, "reject", False):
            raise FakeCompileError(["diag"], "error[RPL0101]: datetime.now() is not deterministic")
        return ("program", cls.__name__)

    monkeypatch.setattr(rappel_compiler, "compile_workflow_class", compile_workflow_class, raising=False)
    monkeypatch.setattr(rappel_compiler, "CompileError", FakeCompileError, raising=False)
    return compiled


@action
async def wf_echo(value: str) -> str:
    return value


def test_workflow_compiles_on_first_use(fake_compiler):
    @workflow
    class Compiled(Workflow):
        async def run(self, value: str) -> str:
            return await wf_echo(value)

    # Defining the class compiles nothing: importing a module of many workflows is cheap.
    assert fake_compiler == []
    assert Compiled.__rappel_program__ is None
    # The compiler sees the decorated class, with the body it must compile.
    assert Compiled.__rappel_original_run__.__name__ == "run"
    assert Compiled.run is not Compiled.__rappel_original_run__
    assert program_of(Compiled) == ("program", "Compiled")
    assert program_of(Compiled) == ("program", "Compiled")
    assert fake_compiler == [Compiled]  # once


def test_compile_errors_become_workflow_compile_errors_at_first_use(fake_compiler):
    @workflow
    class Rejected(Workflow):
        reject = True

        async def run(self) -> None:
            return None

    with pytest.raises(WorkflowCompileError) as info:
        program_of(Rejected)

    assert str(info.value) == "error[RPL0101]: datetime.now() is not deterministic"
    assert info.value.diagnostics == ["diag"]
    assert info.value.__cause__ is None


def test_a_workflow_that_cannot_compile_imports_and_fails_at_first_use(tmp_path, monkeypatch):
    path = tmp_path / "clock_flows_first_use.py"
    path.write_text(
        "import time\n"
        "from rappel import Workflow, workflow\n\n\n"
        "@workflow\n"
        "class Clock(Workflow):\n"
        "    async def run(self) -> float:\n"
        "        return time.time()\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "clock_flows_first_use", raising=False)
    import clock_flows_first_use  # the module imports: nothing is compiled yet

    for first_use in (program_of, lambda cls: cls.visualize(), lambda cls: asyncio.run(run_local(cls))):
        with pytest.raises(WorkflowCompileError) as info:
            first_use(clock_flows_first_use.Clock)
        # It points at the offending call in the file, as `rappel check` does.
        assert str(info.value).startswith("error[RPL0101]: time.time() is not deterministic and cannot run inside a workflow\n")
        assert f"--> {path}:8:16\n" in str(info.value)
        assert "8 |         return time.time()\n" in str(info.value)
        assert [d.code for d in info.value.diagnostics] == ["RPL0101"]


def test_workflow_rejects_what_it_cannot_run():
    with pytest.raises(TypeError, match="subclass of rappel.Workflow"):
        workflow(object)  # type: ignore[type-var]

    # run()'s shape is the compiler's to judge: a located diagnostic, like any other.
    with pytest.raises(WorkflowCompileError, match=r"(?s)error\[RPL0229\]: workflow `NoRun` has no.*class NoRun"):

        @workflow
        class NoRun(Workflow):
            pass

    with pytest.raises(WorkflowCompileError, match=r"(?s)RPL0229\]: SyncRun.run\(\) must be `async def`.*def run"):

        @workflow
        class SyncRun(Workflow):
            def run(self) -> None:  # type: ignore[override]
                return None

    with pytest.raises(WorkflowCompileError, match=r"RPL0229\]: VarArgs.run\(\) cannot take `\*ids`"):

        @workflow
        class VarArgs(Workflow):
            async def run(self, *ids: str) -> None:
                return None

    with pytest.raises(WorkflowCompileError, match=r"RPL0229\]: PositionalOnly.run\(\) cannot take positional-only"):

        @workflow
        class PositionalOnly(Workflow):
            async def run(self, n: int, /) -> None:
                return None


def test_a_run_the_compiler_let_through_is_still_refused(fake_compiler):
    # The fake compiler accepts anything: the decorator's own check is the backstop.
    with pytest.raises(TypeError, match=r"SyncRun.run must be `async def`"):

        @workflow
        class SyncRun(Workflow):
            def run(self) -> None:  # type: ignore[override]
                return None


def test_deferred_compilation_collects_the_classes_it_saw(fake_compiler):
    with uncompiled() as deferred:

        @workflow
        class Broken(Workflow):
            def run(self) -> None:  # type: ignore[override]  # reported when compiled
                return None

    assert deferred == [Broken] and fake_compiler == []

    # Deferring one module's workflows (the CLI's): those of the modules it imports
    # compile as they would in production.
    with uncompiled("app.checked") as deferred:

        @workflow
        class Imported(Workflow):
            async def run(self) -> None:
                return None

    assert deferred == [] and fake_compiler == []
    assert program_of(Imported) == ("program", "Imported")


with uncompiled():

    @workflow
    class Greeter(Workflow):
        async def run(self, name: str, punctuation: str = "!") -> str:
            greeting = await wf_echo(f"hello {name}")
            if name == "nobody":
                raise LookupError("nobody to greet")
            return greeting + punctuation


def test_positional_arguments_are_bound_to_run_parameter_names():
    assert bind_run_arguments(Greeter, ("ada",), {}) == {"name": "ada", "punctuation": "!"}
    assert bind_run_arguments(Greeter, (), {"name": "bo", "punctuation": "?"}) == {
        "name": "bo",
        "punctuation": "?",
    }
    with pytest.raises(TypeError, match=r"Greeter.run\(\): too many positional arguments"):
        bind_run_arguments(Greeter, ("a", "b", "c"), {})


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_the_default_backend_is_durable_and_says_when_no_bridge_answers(monkeypatch):
    address = f"127.0.0.1:{closed_port()}"
    monkeypatch.delenv("RAPPEL_SERVER_URL", raising=False)
    monkeypatch.setenv("RAPPEL_GRPC_ADDR", address)
    configure_backend(None)
    try:
        with pytest.raises(RappelError) as info:
            await Greeter().run("ada")
    finally:
        configure_backend(None)
    message = str(info.value)
    assert f"cannot register Greeter: rappel-bridge at {address} (RAPPEL_GRPC_ADDR={address}) is not reachable" in message
    assert "rappel dev MODULE" in message


async def test_start_hands_the_backend_named_arguments():
    started: list[tuple[type, dict]] = []

    class RecordingBackend:
        async def start(self, workflow_cls, args):
            started.append((workflow_cls, args))

            async def result():
                return "queued"

            return WorkflowHandle("wf-1", workflow_cls.__name__, result)

    with use_backend(RecordingBackend()):
        handle = await Greeter().start("ada", punctuation="?")
        assert handle.id == "wf-1"
        assert await handle.result() == "queued"
        assert await Greeter().run("bo") == "queued"
    assert started == [
        (Greeter, {"name": "ada", "punctuation": "?"}),
        (Greeter, {"name": "bo", "punctuation": "!"}),
    ]


async def test_a_configured_backend_is_used_process_wide():
    class Constant:
        async def start(self, workflow_cls, args):
            async def result():
                return args["name"].upper()

            return WorkflowHandle("c", workflow_cls.__name__, result)

    configure_backend(Constant())
    try:
        assert await Greeter().run("ada") == "ADA"
    finally:
        configure_backend(None)
    from rappel._durable import DurableBackend

    assert isinstance(current_backend(), DurableBackend)


async def test_local_native_backend_runs_instances_behind_handles():
    with local_backend(native=True):
        handle = await Greeter().start("ada")
        assert isinstance(handle, WorkflowHandle)
        assert len(handle.id) == 32
        assert repr(handle) == f"<WorkflowHandle Greeter id={handle.id}>"
        assert await handle.result() == "hello ada!"
        assert await handle.result() == "hello ada!"  # the result can be read again
        assert await Greeter().run("bo", "?") == "hello bo?"
        failing = await Greeter().start("nobody")
        with pytest.raises(LookupError, match="nobody to greet"):
            await failing.result()


@pytest.mark.parametrize("native", [True, False])
async def test_the_local_backend_keeps_one_instance_per_idempotency_key(native):
    with local_backend(native=native):
        first = await Greeter().start("ada", idempotency_key="k1")
        again = await Greeter().start("bo", idempotency_key="k1")
        other = await Greeter().start("cy", idempotency_key="k2")
        plain = await Greeter().start("ada")
        assert again.id == first.id
        assert len({first.id, other.id, plain.id}) == 3
        assert await again.result() == "hello ada!"
        assert await other.result() == "hello cy!"


# What the cancellation test's second step saw: it must never run.
_ran_after_stall: list[str] = []


@action
async def wf_stall(key: str) -> str:
    await asyncio.sleep(3600)
    return key


@action
async def wf_after_stall(key: str) -> str:
    _ran_after_stall.append(key)
    return key


with uncompiled():

    @workflow
    class Stalls(Workflow):
        async def run(self, key: str) -> str:
            stalled = await wf_stall(key)
            return await wf_after_stall(stalled)


@pytest.mark.parametrize("native", [True, False])
async def test_the_local_backend_cancels_an_instance_and_its_waiters_get_workflow_cancelled(native):
    _ran_after_stall.clear()
    with local_backend(native=native):
        stalled = await Stalls().start("a")
        other = await Greeter().start("ada")
        waiting = asyncio.create_task(stalled.result())
        await asyncio.sleep(0.05)
        assert (await stalled.status()).state is WorkflowState.RUNNING
        assert await stalled.cancel() is True
        with pytest.raises(WorkflowCancelled, match=f"Stalls instance {stalled.id} was cancelled"):
            await waiting
        with pytest.raises(WorkflowCancelled):
            await Stalls.handle(stalled.id).result()
        status = await stalled.status()
        assert (status.state, status.done) == (WorkflowState.CANCELLED, True)
        assert isinstance(status.exception, WorkflowCancelled)
        assert await stalled.cancel() is False, "cancelled already"
        # Other instances are untouched; a finished one is not cancelled.
        assert await other.result() == "hello ada!"
        assert await other.cancel() is False
        assert (await other.status()).state is WorkflowState.COMPLETED
        assert await other.result() == "hello ada!"
    assert _ran_after_stall == []


@pytest.mark.parametrize("native", [True, False])
async def test_start_many_on_the_local_backend_returns_handles_in_order(native):
    with local_backend(native=native):
        handles = await Greeter.start_many(
            [{"name": "ada"}, {"name": "bo", "punctuation": "?"}, {"name": "cy"}, {"name": "dee"}],
            idempotency_keys=["k1", None, "k1", "k2"],
        )
        # A key repeated within the batch names the first start's instance.
        assert handles[2].id == handles[0].id
        assert len({handles[0].id, handles[1].id, handles[3].id}) == 3
        results = await asyncio.gather(*(h.result() for h in handles))
        assert results == ["hello ada!", "hello bo?", "hello ada!", "hello dee!"]
        assert await Greeter.start_many([]) == []


async def test_start_many_checks_every_item_before_starting_any():
    with local_backend() as backend:
        with pytest.raises(TypeError, match=r"Greeter.start_many\(\): arguments\[1\]: Greeter.run\(\): missing a required argument: 'name'"):
            await Greeter.start_many([{"name": "ada"}, {"punctuation": "?"}])
        with pytest.raises(TypeError, match=r"arguments\[0\] is a str, not a dict"):
            await Greeter.start_many(["ada"])
        with pytest.raises(TypeError, match=r"takes a list of argument dicts, one per instance, got one dict"):
            await Greeter.start_many({"name": "ada"})
        with pytest.raises(ValueError, match=r"1 idempotency_keys for 2 instances"):
            await Greeter.start_many([{"name": "ada"}, {"name": "bo"}], idempotency_keys=["k"])
        with pytest.raises(TypeError, match=r"idempotency_keys is one str"):
            await Greeter.start_many([{"name": "ada"}], idempotency_keys="k")
        with pytest.raises(TypeError, match=r"idempotency_keys\[0\] must be a str or None, got int"):
            await Greeter.start_many([{"name": "ada"}], idempotency_keys=[1])
        assert backend._tasks == {}


async def test_start_many_on_a_backend_without_it_starts_one_by_one():
    started: list[tuple[dict, str | None]] = []

    class OneByOne:
        async def start(self, workflow_cls, args, *, idempotency_key=None):
            started.append((args, idempotency_key))

            async def result():
                return args["name"]

            return WorkflowHandle(f"wf-{len(started)}", workflow_cls.__name__, result)

    with use_backend(OneByOne()):
        handles = await Greeter.start_many([{"name": "ada"}, {"name": "bo"}], idempotency_keys=[None, "k"])
    assert [h.id for h in handles] == ["wf-1", "wf-2"]
    assert started == [({"name": "ada", "punctuation": "!"}, None), ({"name": "bo", "punctuation": "!"}, "k")]


async def test_cancelling_a_wait_does_not_cancel_the_instance():
    release = asyncio.Event()

    @action
    async def wf_wait_for_release() -> str:
        await release.wait()
        return "released"

    with uncompiled():

        @workflow
        class Waits(Workflow):
            async def run(self) -> str:
                return await wf_wait_for_release()

    with local_backend(native=True):
        handle = await Waits().start()
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(handle.result(), 0.01)
        release.set()
        assert await handle.result() == "released"


async def test_start_requires_the_decorator():
    class Undecorated(Workflow):
        async def run(self) -> None:
            return None

    with pytest.raises(RappelError, match="not decorated with @workflow"):
        await Undecorated().start()


async def test_a_handle_from_a_backend_without_statuses_or_cancel_says_so_as_a_rappel_error():
    async def result():
        return None

    handle = WorkflowHandle("wf-1", "Greeter", result)
    with pytest.raises(RappelError, match=r"does not report statuses: give WorkflowHandle a `status` callable"):
        await handle.status()
    with pytest.raises(RappelError, match=r"cannot cancel instances: give WorkflowHandle a `cancel` callable"):
        await handle.cancel()
