# Pins: @action(name="...") registers the action under a custom name that the RRL must use instead of the Python function name.
from rappel import Workflow, action, workflow


@action(name="billing_lookup_customer")
async def lookup_customer(customer_id: str) -> dict[str, str]:
    return {"id": customer_id, "plan": "pro"}


@action(name="billing_apply_credit")
async def apply_credit(customer_id: str, cents: int) -> int:
    return cents


@action
async def notify_customer(customer_id: str, message: str) -> bool:
    return True


@workflow
class GoodwillCreditWorkflow(Workflow):
    async def run(self, customer_id: str, cents: int) -> int:
        customer = await lookup_customer(customer_id)
        applied = 0
        if customer["plan"] == "pro":
            applied = await apply_credit(customer_id, cents * 2)
        else:
            applied = await apply_credit(customer_id=customer_id, cents=cents)
        await notify_customer(customer_id, f"We credited {applied} cents to your account")
        return applied
