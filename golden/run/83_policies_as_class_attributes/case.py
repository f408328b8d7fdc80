# Runs: a retry policy, a backoff policy and a timeout kept as class attributes of a base workflow class and read as `self.<name>` in run_action: a flaky action succeeds on its third attempt within the class's retry policy, and a subclass's override of the timeout applies.
from datetime import timedelta

from rappel import BackoffPolicy, RetryPolicy, Workflow, action, current_attempt, workflow

INPUT = {"order_id": "o-7"}
EXPECTS = "result"


@action
async def reserve(order_id: str) -> str:
    if current_attempt() < 3:
        raise ConnectionError(f"attempt {current_attempt()} lost the connection")
    return f"reserved {order_id} on attempt {current_attempt()}"


class ResilientWorkflow(Workflow):
    retry_policy = RetryPolicy(attempts=4, exceptions=(ConnectionError,))
    backoff_policy = BackoffPolicy(base_delay=0.01, multiplier=2)
    action_timeout = timedelta(minutes=1)


@workflow
class ReserveOrderWorkflow(ResilientWorkflow):
    action_timeout = timedelta(seconds=20)

    async def run(self, order_id: str) -> str:
        return await self.run_action(
            reserve(order_id), retry=self.retry_policy, backoff=self.backoff_policy, timeout=self.action_timeout
        )
