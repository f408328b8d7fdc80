# Runs: module-level constants (scalars, list, dict, tuple, nested) used in conditions, loop bounds, lookups and action arguments.
from rappel import Workflow, action, workflow

INPUT = {"plan": "team", "seats": 12}
EXPECTS = "result"

BASE_PRICES = {"solo": 900, "team": 2900, "enterprise": 9900}
FREE_SEATS = 3
VOLUME_TIERS = [(10, 5), (50, 10), (100, 20)]
CURRENCY = "EUR"
TAX_RATE = 0.19
ROUND_TO = (2,)


@action
async def format_price(cents: int, currency: str) -> str:
    return f"{cents / 100:.2f} {currency}"


@workflow
class PricingWorkflow(Workflow):
    async def run(self, plan: str, seats: int) -> dict[str, str]:
        base = BASE_PRICES.get(plan, BASE_PRICES["solo"])
        billable = max(0, seats - FREE_SEATS)
        discount = 0
        for threshold, percent in VOLUME_TIERS:
            if seats >= threshold:
                discount = percent
        subtotal = base * billable * (100 - discount) // 100
        tax = round(subtotal / 100 * TAX_RATE, ROUND_TO[0])
        formatted = await format_price(subtotal, CURRENCY)
        return {"subtotal": formatted, "discount": f"{discount}%", "tax": str(tax), "billable": str(billable)}
