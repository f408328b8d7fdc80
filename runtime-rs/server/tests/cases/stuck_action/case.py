# Runs: an action that blocks its worker's event loop past its timeout, so the worker
# cannot report the timeout itself: the runtime's deadline counts it as timed out, and
# the workflow catches the RappelTimeout; the late result is discarded.
import time

from rappel import RappelTimeout, RetryPolicy, Workflow, action, workflow

INPUT = {"job": "nightly"}
EXPECTS = "result"


@action
async def blocking_job(job: str) -> str:
    time.sleep(1.5)
    return f"{job} done"


@workflow
class StuckWorkflow(Workflow):
    async def run(self, job: str) -> str:
        try:
            return await self.run_action(blocking_job(job), retry=RetryPolicy(attempts=1), timeout=0.2)
        except RappelTimeout:
            return f"{job} timed out"
