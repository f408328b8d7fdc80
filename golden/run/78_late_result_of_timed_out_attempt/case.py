# Runs: an action that swallows its cancellation and returns anyway once its 0.05 s timeout passed — the late result is discarded (the attempt timed out), the default policy retries the timeout, and the second attempt's result is the one the workflow gets; a late exception is discarded the same way.
import asyncio

from rappel import RetryPolicy, Workflow, action, current_attempt, workflow

INPUT = {"report": "q3"}
EXPECTS = "result"


@action
async def render(report: str) -> str:
    attempt = current_attempt()
    if attempt == 1:
        try:
            await asyncio.sleep(0.3)
        except asyncio.CancelledError:
            return f"late {report} (attempt {attempt})"  # after the timeout: discarded
    return f"rendered {report} (attempt {attempt})"


@action
async def archive(report: str) -> str:
    try:
        await asyncio.sleep(0.3)
    except asyncio.CancelledError:
        raise ValueError(f"archive of {report} interrupted")  # after the timeout: discarded
    return f"archived {report}"


@workflow
class LateResultWorkflow(Workflow):
    async def run(self, report: str) -> list[str]:
        rendered = await self.run_action(render(report), timeout=0.05)
        try:
            archived = await self.run_action(archive(report), retry=RetryPolicy(attempts=2), timeout=0.05)
        except ValueError as e:
            archived = f"ValueError: {e}"
        except Exception as e:
            archived = f"{type(e).__name__}: {e}"
        return [rendered, archived]
