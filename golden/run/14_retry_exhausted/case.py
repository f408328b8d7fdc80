# Runs: an action that always fails with ConnectionError under RetryPolicy(attempts=3, exceptions=(ConnectionError,)) — after the last attempt the error propagates and fails the workflow (expected error: ConnectionError).
from rappel import BackoffPolicy, RetryPolicy, Workflow, action, workflow

INPUT = {"host": "payments.internal"}
EXPECTS = "error"


@action
async def open_connection(host: str) -> str:
    raise ConnectionError(f"connection refused by {host}")


@action
async def prepare(host: str) -> str:
    return host.upper()


@workflow
class ConnectWorkflow(Workflow):
    async def run(self, host: str) -> str:
        label = await prepare(host)
        conn = await self.run_action(
            open_connection(host),
            retry=RetryPolicy(attempts=3, exceptions=(ConnectionError,)),
            backoff=BackoffPolicy(base_delay=0.01, multiplier=2.0, max_delay=0.02),
        )
        return f"{label}:{conn}"
