# Pins: user-defined exception classes (a small hierarchy defined in the module) raised from the workflow and caught by their base class.
from rappel import Workflow, action, workflow


class BillingError(Exception):
    pass


class CardDeclined(BillingError):
    pass


class FraudSuspected(BillingError):
    """Raised when the risk engine scores a charge above the threshold."""


@action
async def fraud_score(customer_id: str) -> int:
    return 3


@action
async def charge_card(customer_id: str, cents: int) -> bool:
    return True


@action
async def open_support_case(customer_id: str, reason: str) -> str:
    return "case-1"


@workflow
class ChargeWorkflow(Workflow):
    async def run(self, customer_id: str, cents: int) -> str:
        try:
            score = await fraud_score(customer_id)
            if score > 80:
                raise FraudSuspected(f"fraud score {score}")
            ok = await charge_card(customer_id, cents)
            if not ok:
                raise CardDeclined(f"card declined for {customer_id}")
        except BillingError as e:
            case_id = await open_support_case(customer_id, str(e))
            return f"failed: {case_id}"
        return "charged"
