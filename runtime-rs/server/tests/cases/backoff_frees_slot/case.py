# Runs: a backoff that holds no worker slot. Instance n = 0 calls an action that fails
# its first attempt and is retried after a 3 s backoff; the other instances call a
# quick action. With a single worker slot, the quick actions can only run during the
# backoff if the waiting retry holds no slot. Each action writes
# "<action> <n> <attempt>" to CASE_STATE_DIR/runs.log when it runs.
import os
from pathlib import Path

from rappel import BackoffPolicy, RetryPolicy, Workflow, action, current_attempt, workflow

INPUT = {"n": 0}
EXPECTS = "result"


def _ran(name: str, n: int) -> None:
    with open(Path(os.environ["CASE_STATE_DIR"]) / "runs.log", "a") as log:
        log.write(f"{name} {n} {current_attempt()}\n")


@action
async def flaky(n: int) -> int:
    _ran("flaky", n)
    if current_attempt() == 1:
        raise ConnectionError(f"first attempt for {n} refused")
    return n


@action
async def quick(n: int) -> int:
    _ran("quick", n)
    return n


@workflow
class BackoffWorkflow(Workflow):
    async def run(self, n: int) -> int:
        if n == 0:
            return await self.run_action(
                flaky(n), retry=RetryPolicy(attempts=2), backoff=BackoffPolicy(base_delay=3)
            )
        return await quick(n)
