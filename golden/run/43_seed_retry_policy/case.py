# Runs: the seed's retry example with a deterministic flaky action: it fails twice, then succeeds under RetryPolicy(attempts=50) with backoff and a timeout.
from datetime import timedelta

from rappel import BackoffPolicy, RetryPolicy, Workflow, action, workflow

INPUT = {"failures": 2}
EXPECTS = "result"

# Attempts per number of planned failures: the action fails `failures` times, then succeeds.
ATTEMPTS: dict[int, int] = {}


@action
async def inconsistent_action(failures: int) -> int:
    ATTEMPTS[failures] = ATTEMPTS.get(failures, 0) + 1
    attempt = ATTEMPTS[failures]
    if attempt % (failures + 1) != 0:
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
