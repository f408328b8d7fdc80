# Pins: a subscription renewal — reminder sleeps counted back from a renewal date given in days, plan-dependent pricing via dict lookup, pydantic result model.
import asyncio

from pydantic import BaseModel

from rappel import Workflow, action, workflow

PLAN_PRICES = {"basic": 900, "pro": 2900, "team": 9900}
REMINDER_DAYS_BEFORE = [14, 3, 1]


class RenewalOutcome(BaseModel):
    subscription_id: str
    renewed: bool
    charged_cents: int
    reminders: int


@action
async def send_renewal_reminder(subscription_id: str, days_left: int) -> None:
    return None


@action
async def auto_renew_enabled(subscription_id: str) -> bool:
    return True


@action
async def charge_renewal(subscription_id: str, cents: int) -> bool:
    return True


@workflow
class RenewalWorkflow(Workflow):
    async def run(self, subscription_id: str, plan: str, days_until_renewal: int) -> RenewalOutcome:
        reminders = 0
        remaining = days_until_renewal
        for days_before in REMINDER_DAYS_BEFORE:
            if days_before >= remaining:
                continue
            await asyncio.sleep((remaining - days_before) * 86400)
            remaining = days_before
            await send_renewal_reminder(subscription_id, days_before)
            reminders += 1
        await asyncio.sleep(remaining * 86400)
        enabled = await auto_renew_enabled(subscription_id)
        if not enabled:
            return RenewalOutcome(subscription_id=subscription_id, renewed=False, charged_cents=0, reminders=reminders)
        price = PLAN_PRICES.get(plan, PLAN_PRICES["basic"])
        ok = await charge_renewal(subscription_id, price)
        return RenewalOutcome(
            subscription_id=subscription_id,
            renewed=ok,
            charged_cents=price if ok else 0,
            reminders=reminders,
        )
