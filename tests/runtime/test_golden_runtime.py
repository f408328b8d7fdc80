"""Every golden run case through the real runtime: the client starts it on a
rappel-bridge, the instance is queued in Postgres, start-workers advances it and
two Python workers run its actions. Its outcome, as the caller receives it, is
the case's expected.json: what `run_native` (the Python body itself) returns.

One runtime serves the module (the workers import `golden_corpus`, every case
under its own module name), and every case is started at once, so the cases'
actions interleave across both workers.
"""

from __future__ import annotations

import asyncio
import copy
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from runtime_support import HERE, psql, worker_env  # first: puts tests/golden on the path

import golden_corpus
from outcomes import encode_outcome
from rappel.dev import LocalRuntime, use_backend
from run_cases import RUN_CASES, workflow_class

# Generous: cases back off and sleep for real here (golden/run/43 waits 15 s).
WAIT_SECONDS = 240.0
# Parked instances' timers more than a minute away are made due at once (_cut_long_sleeps).
CUT_LONG_SLEEPS = """
WITH woken AS (
    UPDATE instances SET wake_at = now()
    WHERE state = 'sleeping' AND wake_at > now() + interval '60 seconds'
    RETURNING id
)
UPDATE timers SET due_at = now() FROM woken
WHERE timers.instance_id = woken.id AND timers.due_at > now() + interval '60 seconds'
"""


@pytest.fixture(scope="module")
def runtime(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalRuntime]:
    state = tmp_path_factory.mktemp("golden-state")  # golden/run/28 and 49 count calls here
    env = worker_env(RAPPEL_GOLDEN_STATE_DIR=str(state))
    with LocalRuntime("golden_corpus", database_url=database_url, worker_count=2, concurrent_per_worker=10, env=env, cwd=HERE) as rt:
        yield rt


async def _outcome(handle) -> dict:
    try:
        return {"result": await handle.result()}
    except Exception as exc:  # the workflow's own failure is the outcome
        return {"error": exc}


async def _cut_long_sleeps(database_url: str) -> None:
    """golden/run/41 sleeps for a day: once an instance is parked on a timer more
    than a minute away, make the timer due now. The only place the suite writes
    to the store's tables (instances.wake_at, timers.due_at); shorter sleeps and
    backoffs run in real time."""
    while True:
        await asyncio.to_thread(psql, database_url, CUT_LONG_SLEEPS)
        await asyncio.sleep(0.5)


async def _run_all(rt: LocalRuntime, database_url: str) -> dict[str, str]:
    with use_backend(rt.backend):
        handles = await asyncio.gather(
            *(workflow_class(golden_corpus.CASES[case.name])().start(**_input(case)) for case in RUN_CASES)
        )
        waiting = [asyncio.create_task(_outcome(h)) for h in handles]
        cutting = asyncio.create_task(_cut_long_sleeps(database_url))
        done, _ = await asyncio.wait(waiting, timeout=WAIT_SECONDS)
        cutting.cancel()
        received = {}
        for case, handle, task in zip(RUN_CASES, handles, waiting):
            if task in done:
                received[case.name] = encode_outcome(task.result())
            else:
                task.cancel()
                received[case.name] = f"unfinished after {WAIT_SECONDS:g} s: {await handle.status()!r}"
    return received


def _input(case: Path) -> dict:
    return copy.deepcopy(golden_corpus.CASES[case.name].INPUT)


@pytest.fixture(scope="module")
def received(runtime: LocalRuntime, database_url: str) -> dict[str, str]:
    """Every case started at once; each one's outcome in expected.json's encoding."""
    return asyncio.run(_run_all(runtime, database_url))


@pytest.mark.parametrize("case", RUN_CASES, ids=lambda p: p.name)
def test_golden_case_through_the_runtime(case: Path, received: dict[str, str]) -> None:
    expected = (case / "expected.json").read_text(encoding="utf-8")
    if not received[case.name].startswith("{"):
        pytest.fail(received[case.name])
    assert json.loads(received[case.name]) == json.loads(expected), received[case.name]
