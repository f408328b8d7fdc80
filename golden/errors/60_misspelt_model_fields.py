# Rejects: misspelt fields of models and dataclasses — reading a field the value's class does not have (RPL0263: the value of a parameter of that type, or of an action declared to return it) suggests the field spelt most like it, and so does building one with an unknown keyword (RPL0340, at the keyword).
from dataclasses import dataclass

from pydantic import BaseModel

from rappel import Workflow, action, workflow


class Order(BaseModel):
    id: str
    total: float
    customer_email: str


@dataclass
class Line:
    sku: str
    quantity: int


@action
async def load_order(order_id: str) -> Order:
    return Order(id=order_id, total=1.0, customer_email="a@example.com")


@action
async def send(to: str, text: str) -> None:
    return None


@workflow
class ReceiptWorkflow(Workflow):
    async def run(self, order_id: str) -> float:
        order = await load_order(order_id)
        await send(to=order.customer_emial, text=f"{order.id}: {order.total}")
        return order.totl


@workflow
class FirstLineWorkflow(Workflow):
    async def run(self, lines: list[Line]) -> int:
        first = Line(sku=lines[0].sku, quantiy=lines[0].quantity)
        return first.quantity
