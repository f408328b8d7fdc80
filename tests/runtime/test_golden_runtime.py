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

from runtime_support import HERE, worker_env

import golden_corpus
from outcomes import encode_outcome
from rappel._client import use_backend
from rappel.dev import LocalRuntime
from run_cases import RUN_CASES, workflow_class

# Generous: cases back off and sleep for real here (golden/run/43 waits 15 s).
WAIT_SECONDS = 240.0


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


async def _run_all(rt: LocalRuntime) -> dict[str, str]:
    with use_backend(rt.backend):
        handles = await asyncio.gather(
            *(workflow_class(golden_corpus.CASES[case.name])().start(**_input(case)) for case in RUN_CASES)
        )
        outcomes = await asyncio.wait_for(asyncio.gather(*(_outcome(h) for h in handles)), WAIT_SECONDS)
    return {case.name: encode_outcome(outcome) for case, outcome in zip(RUN_CASES, outcomes)}


def _input(case: Path) -> dict:
    return copy.deepcopy(golden_corpus.CASES[case.name].INPUT)


@pytest.fixture(scope="module")
def received(runtime: LocalRuntime) -> dict[str, str]:
    """Every case started at once; each one's outcome in expected.json's encoding."""
    return asyncio.run(_run_all(runtime))


@pytest.mark.parametrize("case", RUN_CASES, ids=lambda p: p.name)
def test_golden_case_through_the_runtime(case: Path, received: dict[str, str]) -> None:
    expected = (case / "expected.json").read_text(encoding="utf-8")
    assert json.loads(received[case.name]) == json.loads(expected), received[case.name]
