# Pins: the README retry example verbatim — self.run_action(inconsistent_action(0.5), retry=RetryPolicy(attempts=50), backoff=BackoffPolicy(base_delay=5), timeout=timedelta(minutes=10)) as a statement.
import random
from datetime import timedelta

from rappel import BackoffPolicy, RetryPolicy, Workflow, action, workflow


@action
async def inconsistent_action(failure_rate: float) -> None:
    if random.random() < failure_rate:
        raise RuntimeError("flaky dependency")


@workflow
class InconsistentWorkflow(Workflow):
    async def run(self):
        await self.run_action(
            inconsistent_action(0.5),
            # control handling of failures
            retry=RetryPolicy(attempts=50),
            backoff=BackoffPolicy(base_delay=5),
            timeout=timedelta(minutes=10),
        )
