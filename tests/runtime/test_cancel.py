"""Cancelling instances through the real path (client → rappel-bridge → Postgres →
start-workers → Python workers): an instance cancelled while its action runs gets
no further step, its waiting caller gets WorkflowCancelled, a cancelled durable
sleep never wakes, and the other instances run on untouched.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import durable_app
from rappel import RappelError, WorkflowCancelled, WorkflowState
from rappel.dev import LocalRuntime, use_backend
from runtime_support import HERE, worker_env

pytestmark = pytest.mark.asyncio(loop_scope="module")

# An upper bound on waits, never asserted: a wait that runs out fails with what it saw.
WAIT_SECONDS = 120.0


@pytest.fixture(scope="module")
def runtime(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LocalRuntime, Path, Path]]:
    files = tmp_path_factory.mktemp("cancel")
    log, gate = files / "executions.log", files / "gate"
    env = worker_env(RAPPEL_DRILL_LOG=str(log), RAPPEL_DRILL_GATE=str(gate))
    with LocalRuntime("durable_app", database_url=database_url, worker_count=1, concurrent_per_worker=4, env=env, cwd=HERE) as rt:
        yield rt, log, gate


def events(log: Path) -> set[str]:
    return set(log.read_text().splitlines()) if log.exists() else set()


async def wait_for_events(log: Path, wanted: set[str]) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not wanted <= events(log):
        if time.monotonic() > deadline:
            pytest.fail(f"waited {WAIT_SECONDS:g} s for {sorted(wanted)}; the log has {sorted(events(log))}")
        await asyncio.sleep(0.05)


async def test_a_cancelled_instance_stops_and_its_caller_gets_workflow_cancelled(runtime) -> None:
    rt, log, gate = runtime
    with use_backend(rt.backend):
        doomed = await durable_app.ThreeSteps().start(n=1)
        kept = await durable_app.ThreeSteps().start(n=2)
        sleeper = await durable_app.Nap().start(key="s", seconds=3600)
        waiting = asyncio.create_task(doomed.result())
        # Both second steps are running on the worker, held at the gate; the
        # sleeper is in its hour-long sleep.
        await wait_for_events(log, {"start increment 1", "start increment 2", "end before s"})

        assert await doomed.cancel() is True
        assert await durable_app.Nap.handle(sleeper.id).cancel() is True
        with pytest.raises(WorkflowCancelled, match=f"ThreeSteps instance {doomed.id} was cancelled") as raised:
            await asyncio.wait_for(waiting, WAIT_SECONDS)
        assert raised.value.instance_id == doomed.id
        with pytest.raises(WorkflowCancelled):
            await durable_app.ThreeSteps.handle(doomed.id).result()
        for handle in (doomed, sleeper):
            status = await handle.status()
            assert (status.state, status.done, status.result) == (WorkflowState.CANCELLED, True, None)
            assert isinstance(status.exception, WorkflowCancelled)

        # The held actions finish; only the instance that was not cancelled goes on.
        gate.touch()
        assert await asyncio.wait_for(kept.result(), WAIT_SECONDS) == "2:5"
        assert await asyncio.wait_for(durable_app.Quick().run(key="q"), WAIT_SECONDS) == "quick q"

        # Cancelling what has finished changes nothing.
        assert await doomed.cancel() is False
        assert await kept.cancel() is False
        assert await kept.result() == "2:5"
        assert (await kept.status()).state is WorkflowState.COMPLETED
        with pytest.raises(RappelError, match="knows no such instance"):
            await durable_app.ThreeSteps.handle("2f1c0e7a-6c5b-4f0e-9a51-3d2b1c0a9e8f").cancel()

    # A graceful stop drains the worker and writes what it answered: every result
    # there will be has reached the runtime.
    rt.stop()
    seen = events(log)
    assert "end increment 1" in seen, "the in-flight action of the cancelled instance finished"
    assert "start label 1" not in seen, "but its result was not applied: no step after it ran"
    assert "start after s" not in seen, "the cancelled sleep never woke"
    assert {"start label 2", "start quick q"} <= seen
