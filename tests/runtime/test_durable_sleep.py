"""A durable sleep holds no worker slot and survives a restart of everything.

One worker with one slot: while an instance sleeps, other instances run their
actions on that slot. Then the bridge and start-workers are both killed during
the sleep and started again, and the sleeper wakes and finishes.
"""

from __future__ import annotations

import asyncio
import collections
from collections.abc import Iterator
from pathlib import Path

import pytest

import durable_app
from rappel import WorkflowState
from rappel.dev import LocalRuntime, use_backend
from runtime_support import HERE, worker_env

pytestmark = pytest.mark.asyncio(loop_scope="module")

# Long enough for the runtime to park the sleeper (a few seconds), the quick
# instances to run and both restarts to happen inside it.
SLEEP_SECONDS = 20.0
WAIT_SECONDS = 120.0


@pytest.fixture(scope="module")
def runtime(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LocalRuntime, Path]]:
    files = tmp_path_factory.mktemp("sleep")
    log = files / "executions.log"
    env = worker_env(RAPPEL_DRILL_LOG=str(log), RAPPEL_DRILL_GATE=str(files / "gate"))
    with LocalRuntime("durable_app", database_url=database_url, worker_count=1, concurrent_per_worker=1, env=env, cwd=HERE) as rt:
        yield rt, log


def runs(log: Path) -> collections.Counter[tuple[str, str]]:
    lines = log.read_text().splitlines() if log.exists() else []
    return collections.Counter(tuple(line.split(" ", 2)[1:]) for line in lines if line.startswith("start "))


async def test_a_sleeping_instance_frees_its_slot_and_wakes_after_a_full_restart(runtime) -> None:
    rt, log = runtime
    with use_backend(rt.backend):
        sleeper = await durable_app.Nap().start(key="s", seconds=SLEEP_SECONDS)
        for _ in range(int(WAIT_SECONDS / 0.1)):
            if (await sleeper.status()).state is WorkflowState.SLEEPING:
                break
            await asyncio.sleep(0.1)
        assert (await sleeper.status()).state is WorkflowState.SLEEPING

        # The one slot is free: other instances run to completion during the sleep.
        quick = await asyncio.wait_for(
            asyncio.gather(*[durable_app.Quick().run(key=f"q{i}") for i in range(5)]), WAIT_SECONDS
        )
        assert quick == [f"quick q{i}" for i in range(5)]
        assert (await sleeper.status()).state is WorkflowState.SLEEPING
        assert ("after", "s") not in runs(log)

        # Everything dies during the sleep and comes back.
        rt.kill_workers()
        rt.kill_bridge()
        rt.start_bridge()
        rt.start_workers()
        assert (await sleeper.status()).state is WorkflowState.SLEEPING

        result = await asyncio.wait_for(durable_app.Nap.handle(sleeper.id).result(), WAIT_SECONDS)

    assert result == ["before s", "after s"]
    assert runs(log) == {("before", "s"): 1, **{("quick", f"q{i}"): 1 for i in range(5)}, ("after", "s"): 1}
