# Runs: a timed-out action's RappelTimeout reaches the workflow with the same message and attributes (action, timeout, attempt) in every runner, after its last attempt; the workflow returns them.
import asyncio

from rappel import RappelTimeout, RetryPolicy, Workflow, action, workflow

INPUT = {"report": "q3"}
EXPECTS = "result"


@action
async def render_report(report: str) -> str:
    await asyncio.sleep(0.3)
    return f"rendered {report}"


@workflow
class RenderWorkflow(Workflow):
    async def run(self, report: str) -> list:
        try:
            return [await self.run_action(render_report(report), retry=RetryPolicy(attempts=2), timeout=0.05)]
        except RappelTimeout as e:
            return [str(e), e.action, e.timeout, e.attempt]
