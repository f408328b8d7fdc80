# Runs: the seed's retry example with a deterministic flaky action: it fails twice, then succeeds under RetryPolicy(attempts=50) with backoff and a timeout.
from datetime import timedelta

from rappel import BackoffPolicy, RetryPolicy, Workflow, action, current_attempt, workflow

INPUT = {"failures": 2}
EXPECTS = "result"


@action
async def inconsistent_action(failures: int) -> int:
    # Fails `failures` times, then succeeds.
    attempt = current_attempt()
    if attempt <= failures:
        raise RuntimeError(f"flaky dependency (attempt {attempt})")
    return attempt


@workflow
class InconsistentWorkflow(Workflow):
    async def run(self, failures: int) -> str:
        attempts = await self.run_action(
            inconsistent_action(failures),
            # control handling of failures
            retry=RetryPolicy(attempts=50),
            backoff=BackoffPolicy(base_delay=5),
            timeout=timedelta(minutes=10),
        )
        return f"succeeded after {attempts % (failures + 1) or failures + 1} attempts"
