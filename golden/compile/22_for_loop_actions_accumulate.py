# Pins: a for loop over a list of pydantic models given as workflow input, awaiting an action per item (sequential, one at a time) and accumulating results with list.append and a running += total.
from pydantic import BaseModel

from rappel import Workflow, action, workflow


class Line(BaseModel):
    sku: str
    quantity: int


@action
async def charge_line_item(order_id: str, sku: str, quantity: int) -> int:
    return 500 * quantity


@workflow
class SequentialChargeWorkflow(Workflow):
    async def run(self, order_id: str, lines: list[Line]) -> dict[str, int]:
        charged: list[int] = []
        total = 0
        for line in lines:
            cents = await charge_line_item(order_id, line.sku, line.quantity)
            charged.append(cents)
            total += cents
        return {"lines": len(charged), "total_cents": total}
