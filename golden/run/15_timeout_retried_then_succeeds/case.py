# Runs: a timeout with no RetryPolicy — the first attempt overruns a 0.05 s timeout, the default policy retries timed-out actions, the second attempt returns promptly.
import asyncio

from rappel import BackoffPolicy, Workflow, action, current_attempt, workflow

INPUT = {"report_id": "r-2024-07"}
EXPECTS = "result"


@action
async def render_report(report_id: str) -> str:
    if current_attempt() == 1:  # the first attempt hangs past the timeout
        await asyncio.sleep(0.3)
    return f"rendered {report_id}"


@workflow
class RenderReportWorkflow(Workflow):
    async def run(self, report_id: str) -> str:
        rendered = await self.run_action(
            render_report(report_id),
            timeout=0.05,
            backoff=BackoffPolicy(base_delay=0.01),
        )
        return rendered
