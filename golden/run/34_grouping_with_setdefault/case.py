# Runs: grouping with setdefault — `d.setdefault(k, []).append(v)` per customer, nested `setdefault(k, {})[k2] += n` counters, list.sort(key=lambda) on each stored group, then d.pop(k) and d.pop(k, None) to take groups out.
from pydantic import BaseModel

from rappel import Workflow, action, workflow

INPUT = {"region": "north", "vip": ["cy"]}
EXPECTS = "result"


class Order(BaseModel):
    id: str
    customer: str
    sku: str
    qty: int


@action
async def fetch_orders(region: str) -> list[Order]:
    rows = [
        ("o1", "ana", "apple", 3), ("o2", "bo", "pear", 1), ("o3", "ana", "fig", 5),
        ("o4", "cy", "apple", 2), ("o5", "bo", "apple", 4), ("o6", "ana", "apple", 1),
    ]
    return [Order(id=i, customer=c, sku=s, qty=q) for i, c, s, q in rows]


@workflow
class GroupOrdersWorkflow(Workflow):
    async def run(self, region: str, vip: list[str]) -> dict:
        orders = await fetch_orders(region)
        by_customer: dict[str, list[Order]] = {}
        units: dict[str, dict[str, int]] = {}
        for order in orders:
            by_customer.setdefault(order.customer, []).append(order)
            units.setdefault(order.sku, {}).setdefault(order.customer, 0)
            units.setdefault(order.sku, {})[order.customer] += order.qty
        for customer in sorted(by_customer):
            by_customer[customer].sort(key=lambda o: (-o.qty, o.id))
        vip_orders = {}
        for customer in vip:
            vip_orders[customer] = [o.id for o in by_customer.pop(customer)]
        missing = by_customer.pop("nobody", None)
        return {
            "groups": {c: [o.id for o in group] for c, group in by_customer.items()},
            "units": units,
            "vip": vip_orders,
            "missing": missing,
        }
