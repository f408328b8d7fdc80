# Runs: the exception a workflow catches after its retries are exhausted is the last attempt's, matched by class hierarchy — a KeyError retried on LookupError and caught by `except LookupError`, a user exception retried on its base class and caught by another base — while an exception outside the retry filter is not retried and still matched by its hierarchy.
from rappel import BackoffPolicy, RetryPolicy, Workflow, action, current_attempt, workflow

INPUT = {"sku": "sku-9"}
EXPECTS = "result"


class InventoryError(Exception):
    pass


class Throttled(InventoryError):
    pass


class HardThrottled(Throttled):
    """Raised by the action only: the workflow names its bases."""


@action
async def stock_of(sku: str) -> int:
    raise KeyError(f"{sku} (attempt {current_attempt()})")


@action
async def reserve(sku: str) -> str:
    raise HardThrottled(f"reserve {sku} throttled (attempt {current_attempt()})")


@workflow
class ReserveWorkflow(Workflow):
    async def run(self, sku: str) -> list[str]:
        out = []
        try:
            await self.run_action(
                stock_of(sku),
                retry=RetryPolicy(attempts=3, exceptions=(LookupError,)),
                backoff=BackoffPolicy(base_delay=0.01),
            )
        except LookupError as e:
            out.append(f"{type(e).__name__}: {e}")
        try:
            await self.run_action(reserve(sku), retry=RetryPolicy(attempts=2, exceptions=(Throttled,)))
        except InventoryError as e:
            out.append(f"{type(e).__name__}: {e} throttled={isinstance(e, Throttled)}")
        try:
            await self.run_action(stock_of(sku), retry=RetryPolicy(attempts=4, exceptions=(ConnectionError,)))
        except KeyError as e:
            out.append(f"not retried {type(e).__name__}: {e}")
        return out
