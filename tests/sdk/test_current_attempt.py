"""`rappel.current_attempt()`: every runner tells the action which attempt it is."""

from __future__ import annotations

import asyncio

import pytest

from rappel import BackoffPolicy, RappelError, RetryPolicy, Workflow, action, current_attempt, workflow
from rappel._boundary import resolve_class
from rappel._proto import worker_pb2
from rappel._worker import run_dispatch
from rappel.testing import record_transcript, run_local, run_native
from rrl import codec


@action
async def flaky(fails: int) -> list[int]:
    """Fails `fails` times, then returns the attempt numbers it saw, one of them read
    in a task the action started (it inherits the attempt)."""
    attempt = current_attempt()
    if attempt <= fails:
        raise ConnectionError(f"attempt {attempt} failed")
    in_task = await asyncio.create_task(_read_attempt())
    return [attempt, in_task]


async def _read_attempt() -> int:
    return current_attempt()


@workflow
class Flaky(Workflow):
    async def run(self, fails: int) -> list[int]:
        return await self.run_action(flaky(fails), retry=RetryPolicy(attempts=5), backoff=BackoffPolicy(base_delay=0.01))


@pytest.mark.parametrize("runner", [run_native, run_local], ids=["native", "local"])
async def test_each_retry_sees_its_attempt_number(runner) -> None:
    assert await runner(Flaky, fails=3) == [4, 4]
    assert await runner(Flaky, fails=0) == [1, 1]


async def test_the_transcript_records_the_attempts_the_action_saw() -> None:
    transcript = await record_transcript(Flaky, fails=1)
    raised = [e["completion"]["raised"] for e in transcript["events"] if "raised" in e.get("completion", {})]
    assert [r["exception"]["exception"]["message"] for r in raised] == ["attempt 1 failed"]


async def test_a_worker_runs_the_attempt_its_dispatch_names() -> None:
    dispatch = worker_pb2.Dispatch(
        attempt_id="a-7", module=__name__, name="flaky", kwargs=codec.dumps({"fails": 2}).encode(), attempt=7
    )
    result = await run_dispatch(dispatch)
    assert result.WhichOneof("outcome") == "value", result
    assert codec.loads(result.value, resolve_class) == [7, 7]

    dispatch.attempt = 2
    result = await run_dispatch(dispatch)
    assert result.WhichOneof("outcome") == "error"
    assert str(codec.loads(result.error.exception, resolve_class)) == "attempt 2 failed"


async def test_a_plain_call_outside_a_workflow_is_attempt_one() -> None:
    assert await flaky(0) == [1, 1]


def test_outside_an_action_it_says_where_it_works() -> None:
    with pytest.raises(RappelError, match=r"current_attempt\(\) was called outside a running action"):
        current_attempt()
