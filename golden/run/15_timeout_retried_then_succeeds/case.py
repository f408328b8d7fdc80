# Runs: a timeout with no RetryPolicy — the first attempt overruns a 0.05 s timeout, the default policy retries timed-out actions, the second attempt returns promptly.
import asyncio

from rappel import BackoffPolicy, Workflow, action, workflow

INPUT = {"report_id": "r-2024-07"}
EXPECTS = "result"

# Odd calls (per input) hang past the timeout, even calls return at once: every execution
# of the workflow consumes exactly two calls.
CALLS: dict[str, int] = {}


@action
async def render_report(report_id: str) -> str:
    CALLS[report_id] = CALLS.get(report_id, 0) + 1
    if CALLS[report_id] % 2 == 1:
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
