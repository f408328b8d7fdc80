# Runs: three steps per instance (a fault drill), each with a 3 s timeout, each writing
# "<step> <n> <runtime> <pid>" to CASE_STATE_DIR/starts.log when it starts and to
# CASE_STATE_DIR/runs.log when it completes, so a fault drill can count how often
# each step ran, in which start-workers (DRILL_RUNTIME) and which worker process.
import asyncio
import os
from datetime import timedelta
from pathlib import Path

from rappel import Workflow, action, workflow

INPUT = {"n": 7}
EXPECTS = "result"


def _log(name: str, step: str, n: int) -> None:
    runtime = os.environ.get("DRILL_RUNTIME", "-")
    with open(Path(os.environ["CASE_STATE_DIR"]) / name, "a") as log:
        log.write(f"{step} {n} {runtime} {os.getpid()}\n")


def _started(step: str, n: int) -> None:
    _log("starts.log", step, n)


def _ran(step: str, n: int) -> None:
    _log("runs.log", step, n)


@action
async def step_one(n: int) -> int:
    _started("one", n)
    await asyncio.sleep(0.1)
    _ran("one", n)
    return n + 1


@action
async def step_two(n: int) -> int:
    _started("two", n)
    await asyncio.sleep(0.1)
    _ran("two", n)
    return n * 2


@action
async def step_three(n: int) -> int:
    _started("three", n)
    await asyncio.sleep(0.1)
    _ran("three", n)
    return n + 3


@workflow
class FaultDrillWorkflow(Workflow):
    async def run(self, n: int) -> int:
        first = await self.run_action(step_one(n), timeout=timedelta(seconds=3))
        second = await self.run_action(step_two(first), timeout=timedelta(seconds=3))
        third = await self.run_action(step_three(second), timeout=timedelta(seconds=3))
        return third
