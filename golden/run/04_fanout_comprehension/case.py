# Runs: fan-out over a filtered comprehension with keyword arguments, then an aggregate over the results.
import asyncio

from rappel import Workflow, action, workflow

INPUT = {"orders": [{"id": "a", "cents": 1250}, {"id": "b", "cents": 0}, {"id": "c", "cents": 899}, {"id": "d", "cents": 4000}]}
EXPECTS = "result"


@action
async def compute_tax(order_id: str, cents: int, rate_percent: int) -> int:
    return cents * rate_percent // 100


@workflow
class TaxFanoutWorkflow(Workflow):
    async def run(self, orders: list[dict[str, int]]) -> dict[str, int]:
        billable = [o for o in orders if o["cents"] > 0]
        taxes = await asyncio.gather(*[
            compute_tax(order_id=o["id"], cents=o["cents"], rate_percent=20) for o in billable
        ])
        per_order = {o["id"]: tax for o, tax in zip(billable, taxes)}
        per_order["total"] = sum(taxes)
        return per_order
