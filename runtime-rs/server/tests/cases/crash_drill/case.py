# Runs: three steps per instance, each writing a line to CASE_STATE_DIR/runs.log when
# it completes, so a test can count how often each step ran across a crash.
import asyncio
import os
from pathlib import Path

from rappel import Workflow, action, workflow

INPUT = {"n": 7}
EXPECTS = "result"


def _ran(step: str, n: int) -> None:
    with open(Path(os.environ["CASE_STATE_DIR"]) / "runs.log", "a") as log:
        log.write(f"{step} {n}\n")


@action
async def step_one(n: int) -> int:
    await asyncio.sleep(0.1)
    _ran("one", n)
    return n + 1


@action
async def step_two(n: int) -> int:
    await asyncio.sleep(0.1)
    _ran("two", n)
    return n * 2


@action
async def step_three(n: int) -> int:
    await asyncio.sleep(0.1)
    _ran("three", n)
    return n + 3


@workflow
class DrillWorkflow(Workflow):
    async def run(self, n: int) -> int:
        first = await step_one(n)
        second = await step_two(first)
        third = await step_three(second)
        return third
