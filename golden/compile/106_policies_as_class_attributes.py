# Pins: policies kept as class attributes (`retry_policy = RetryPolicy(...)`, a BackoffPolicy, a timedelta timeout), read as `self.<name>` in run_action from run() and from a helper, inherited from a base class of the module and overridden in a subclass; a policy built from other class constants.
from datetime import timedelta

from rappel import BackoffPolicy, RetryPolicy, Workflow, action, workflow


@action
async def charge(invoice_id: str, cents: int) -> str:
    return "ch_1"


@action
async def notify(invoice_id: str) -> bool:
    return True


class BillingWorkflow(Workflow):
    ATTEMPTS = 5
    retry_policy = RetryPolicy(attempts=ATTEMPTS, exceptions=(ConnectionError, TimeoutError))
    backoff_policy = BackoffPolicy(base_delay=2, multiplier=3, max_delay=timedelta(minutes=5))
    action_timeout = timedelta(seconds=30)

    async def notify_owner(self, invoice_id: str) -> bool:
        return await self.run_action(notify(invoice_id), retry=self.retry_policy, timeout=self.action_timeout)


@workflow
class ChargeInvoiceWorkflow(BillingWorkflow):
    action_timeout = timedelta(minutes=2)

    async def run(self, invoice_id: str, cents: int) -> str:
        charge_id = await self.run_action(
            charge(invoice_id, cents),
            retry=self.retry_policy,
            backoff=self.backoff_policy,
            timeout=self.action_timeout,
        )
        await self.notify_owner(invoice_id)
        return charge_id
