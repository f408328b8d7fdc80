# Runs: the default policy (no RetryPolicy) — a timeout is retried without limit (four attempts overrun a 0.05 s timeout, the fifth returns), while an exception fails after one attempt with its own type and message.
import asyncio

from rappel import Workflow, action, current_attempt, workflow

INPUT = {"job": "nightly", "slow_attempts": 4}
EXPECTS = "result"


@action
async def crunch(job: str, slow_attempts: int) -> str:
    attempt = current_attempt()
    if attempt <= slow_attempts:
        await asyncio.sleep(0.3)  # overruns the timeout
    return f"{job} crunched on attempt {attempt}"


@action
async def validate(job: str) -> str:
    raise ValueError(f"{job} is not valid (attempt {current_attempt()})")


@workflow
class DefaultPolicyWorkflow(Workflow):
    async def run(self, job: str, slow_attempts: int) -> list[str]:
        crunched = await self.run_action(crunch(job, slow_attempts), timeout=0.05)
        try:
            checked = await validate(job)
        except ValueError as e:
            checked = f"{type(e).__name__}: {e}"
        return [crunched, checked]
