# Rejects (several): a pydantic model or a dataclass built from a dict — `Item(**data)`, `Item.model_validate(data)`, `Shipment(**row)` — each with the help that says to name the fields or to let the action return the model.
from dataclasses import dataclass

from pydantic import BaseModel

from rappel import Workflow, action, workflow


class Item(BaseModel):
    sku: str
    quantity: int = 1


@dataclass
class Shipment:
    carrier: str
    weight_grams: int


@action
async def load_rows(order_id: str) -> list[dict]:
    return []


@workflow
class ImportOrderWorkflow(Workflow):
    async def run(self, order_id: str) -> list:
        rows = await load_rows(order_id)
        items = [Item(**row) for row in rows if "sku" in row]
        first = Item.model_validate(rows[0])
        shipment = Shipment(**rows[-1])
        return [items, first, shipment]
