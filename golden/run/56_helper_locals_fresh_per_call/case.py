# Runs: every call of a helper method starts with its locals unbound, as in Python, though helpers are inlined into one DAG: a local that an earlier call in the loop bound (`rate`, `last`) is not seen by the next call, whose read raises UnboundLocalError (caught per order here), and neither is a loop variable of an earlier call after an empty loop.
from rappel import Workflow, action, workflow

INPUT = {
    "orders": [
        {"id": "a", "tier": "gold", "amounts": [60, 40]},
        {"id": "b", "tier": "basic", "amounts": [50]},
        {"id": "c", "tier": "gold", "amounts": []},
        {"id": "d", "tier": "silver", "amounts": [5]},
    ]
}
EXPECTS = "result"


@action
async def lookup_rate(tier: str) -> float:
    return {"gold": 0.25, "silver": 0.5}[tier]


@workflow
class DiscountWorkflow(Workflow):
    async def run(self, orders: list[dict]) -> dict[str, str]:
        priced: dict[str, str] = {}
        for order in orders:
            try:
                price = await self.discounted(order)
                priced[order["id"]] = f"{price:.2f}"
            except UnboundLocalError as exc:
                priced[order["id"]] = f"price: {exc}"
            try:
                priced[order["id"] + "-last"] = str(self.last_amount(order["amounts"]))
            except UnboundLocalError as exc:
                priced[order["id"] + "-last"] = str(exc)
        return priced

    async def discounted(self, order: dict) -> float:
        if order["tier"] != "basic":
            rate = await lookup_rate(order["tier"])
        return sum(order["amounts"]) * (1 - rate)

    def last_amount(self, amounts: list[int]) -> int:
        for last in amounts:
            pass
        return last
