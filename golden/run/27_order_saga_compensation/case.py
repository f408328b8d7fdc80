# Runs: an order saga where the payment step raises a user exception — completed reservations are released in reverse order and the workflow returns a cancellation summary.
import asyncio

from pydantic import BaseModel

from rappel import Workflow, action, workflow

INPUT = {"order_id": "o-77", "skus": ["lamp", "desk", "chair"], "card": "4000-0000-0000-0002"}
EXPECTS = "result"


class PaymentDeclined(Exception):
    pass


class OrderOutcome(BaseModel):
    order_id: str
    status: str
    steps: list[str]


@action
async def reserve(order_id: str, sku: str) -> str:
    return f"res-{sku}"


@action
async def release(reservation: str) -> str:
    return f"released {reservation}"


@action
async def charge(order_id: str, card: str, items: int) -> str:
    if card.endswith("0002"):
        raise PaymentDeclined(f"card ending {card[-4:]} declined for {order_id}")
    return f"charge-{order_id}"


@workflow
class OrderSagaWorkflow(Workflow):
    async def run(self, order_id: str, skus: list[str], card: str) -> OrderOutcome:
        steps: list[str] = []
        reservations = await asyncio.gather(*[reserve(order_id, sku) for sku in skus])
        steps.extend(reservations)
        try:
            charge_id = await charge(order_id, card, len(reservations))
            steps.append(charge_id)
        except PaymentDeclined as e:
            steps.append(f"declined: {e}")
            for reservation in reversed(reservations):
                undone = await release(reservation)
                steps.append(undone)
            return OrderOutcome(order_id=order_id, status="cancelled", steps=steps)
        return OrderOutcome(order_id=order_id, status="paid", steps=steps)
