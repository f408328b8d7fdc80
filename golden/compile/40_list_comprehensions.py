# Pins: list comprehensions — plain map, filter with `if`, two `if` clauses, nested `for` clauses, tuple targets, a conditional expression as the element, and a comprehension over a comprehension.
from pydantic import BaseModel

from rappel import Workflow, action, workflow


class Order(BaseModel):
    id: str
    status: str
    items: list[str]
    total: float


@action
async def list_orders(customer_id: str) -> list[Order]:
    return [
        Order(id="o1", status="open", items=[" pen ", "ink"], total=12.0),
        Order(id="o2", status="shipped", items=["desk"], total=240.0),
        Order(id="o3", status="cancelled", items=[""], total=5.0),
    ]


@action
async def archive_orders(order_ids: list[str]) -> int:
    return len(order_ids)


@workflow
class OrderDigestWorkflow(Workflow):
    async def run(self, customer_id: str) -> dict[str, list[str]]:
        orders = await list_orders(customer_id)
        ids = [o.id for o in orders]
        open_ids = [o.id for o in orders if o.status == "open"]
        big_shipped = [o.id for o in orders if o.status == "shipped" if o.total > 100]
        all_items = [item for o in orders for item in o.items]
        labelled = [f"{i}:{o.id}" for i, o in enumerate(orders)]
        flags = ["big" if o.total >= 100 else "small" for o in orders]
        upper_items = [name.upper() for name in [item.strip() for item in all_items] if name]
        await archive_orders([o.id for o in orders if o.status == "cancelled"])
        return {
            "ids": ids,
            "open": open_ids,
            "big_shipped": big_shipped,
            "items": upper_items,
            "labelled": labelled,
            "flags": flags,
        }
