# Runs: a fan-out whose actions kill their own worker process on the first attempt
# (SIGKILL, no result sent): the runtime counts those attempts as timed out and the
# default policy runs them again, on a worker the supervisor restarted or the other one.
import asyncio
import os
import signal
from pathlib import Path

from rappel import Workflow, action, workflow

INPUT = {"items": [1, 2, 3, 4]}
EXPECTS = "result"


@action
async def fragile_double(n: int) -> int:
    # A marker file shared by every worker process says the first attempt happened.
    marker = Path(os.environ["CASE_STATE_DIR"]) / f"killed-{n}"
    if not marker.exists():
        marker.touch()
        os.kill(os.getpid(), signal.SIGKILL)
    return n * 2


@workflow
class FragileWorkflow(Workflow):
    async def run(self, items: list[int]) -> list[int]:
        doubled = await asyncio.gather(*[fragile_double(n) for n in items])
        return doubled
