# Pins: a payment dunning flow — retry a failed charge on a schedule of waits (days), catching a user exception per attempt, escalating with for-else when all attempts fail.
import asyncio

from rappel import RetryPolicy, Workflow, action, workflow

RETRY_WAIT_DAYS = [1, 3, 5, 7]


class CardDeclined(Exception):
    pass


@action
async def attempt_charge(subscription_id: str, attempt: int) -> str:
    raise CardDeclined("insufficient_funds")


@action
async def email_payment_failed(subscription_id: str, attempt: int, reason: str) -> None:
    return None


@action
async def suspend_subscription(subscription_id: str) -> None:
    return None


@action
async def mark_paid(subscription_id: str, charge_id: str) -> None:
    return None


@workflow
class DunningWorkflow(Workflow):
    async def run(self, subscription_id: str) -> str:
        attempt = 0
        for wait_days in RETRY_WAIT_DAYS:
            attempt += 1
            try:
                charge_id = await self.run_action(
                    attempt_charge(subscription_id, attempt),
                    retry=RetryPolicy(attempts=3, exceptions=(ConnectionError, TimeoutError)),
                )
            except CardDeclined as declined:
                await email_payment_failed(subscription_id, attempt, str(declined))
                await asyncio.sleep(wait_days * 86400)
                continue
            await mark_paid(subscription_id, charge_id)
            break
        else:
            await suspend_subscription(subscription_id)
            return "suspended"
        return f"paid on attempt {attempt}"
