"""`rappel.testing.record_transcript`: a run of the compiled program as JSON data
that `rrl replay` (and `rrl.transcript.replay`) checks a runtime against."""

from __future__ import annotations

import json
from typing import Annotated

import pytest

from rappel import CodecError, Depend, RetryPolicy, Workflow, action, workflow
from rappel._workflow import dag_of
from rappel.testing import record_transcript, run_local
from rrl.transcript import outcome, replay


class Declined(Exception):
    pass


def fee() -> int:
    return 1


@action
async def rt_charge(amount: int, fee: Annotated[int, Depend(fee)]) -> int:
    if amount < 0:
        raise Declined(f"cannot charge {amount}")
    return amount + fee


@workflow
class Billing(Workflow):
    async def run(self, amounts: list[int]) -> list[int]:
        charged = []
        for amount in amounts:
            charged.append(await self.run_action(rt_charge(amount), retry=RetryPolicy(attempts=2)))
        return charged


async def test_the_transcript_is_json_data_that_replays_to_run_locals_outcome():
    transcript = await record_transcript(Billing, [3, 4])
    assert json.loads(json.dumps(transcript)) == transcript
    assert transcript["arguments"] == {"amounts": [3, 4]}
    assert outcome(transcript) == {"result": [4, 5]} and await run_local(Billing, [3, 4]) == [4, 5]
    assert replay(dag_of(Billing), transcript).result == [4, 5]


async def test_a_failing_workflow_is_an_outcome_not_an_exception():
    transcript = await record_transcript(Billing, amounts=[-1])
    tags = [next(iter(event.get("completion") or event["commands"][0])) for event in transcript["events"]]
    assert tags == ["dispatch", "raised", "dispatch", "raised", "finish"]
    error = outcome(transcript)["error"]["exception"]
    assert error["class"] == [f"{__name__}:Declined", "builtins:Exception"]
    assert error["message"] == "cannot charge -1"


async def test_overrides_apply_to_the_recorded_run():
    transcript = await record_transcript(Billing, [3], overrides={fee: lambda: 10})
    assert outcome(transcript) == {"result": [13]}


async def test_an_argument_the_codec_cannot_carry_fails_as_in_run_local():
    with pytest.raises(CodecError, match=r"Billing: the argument `amounts` of run\(\) cannot be encoded"):
        await record_transcript(Billing, [object()])
