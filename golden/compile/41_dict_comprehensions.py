# Pins: dict comprehensions — from a list, from .items() with a filter, with computed keys, inverted mappings, and nested dict/list comprehension values.
from rappel import Workflow, action, workflow


@action
async def fetch_inventory(warehouse: str) -> dict[str, int]:
    return {"apple": 3, "pear": 0}


@action
async def fetch_reorder_points(warehouse: str) -> dict[str, int]:
    return {"apple": 5, "pear": 2}


@workflow
class ReorderPlanWorkflow(Workflow):
    async def run(self, warehouse: str, skus: list[str]) -> dict[str, dict[str, int]]:
        stock = await fetch_inventory(warehouse)
        points = await fetch_reorder_points(warehouse)
        on_hand = {sku: stock.get(sku, 0) for sku in skus}
        shortfalls = {sku: points[sku] - qty for sku, qty in on_hand.items() if sku in points and qty < points[sku]}
        keyed = {f"{warehouse}/{sku}": qty for sku, qty in shortfalls.items()}
        by_quantity = {qty: sku for sku, qty in stock.items()}
        buckets = {
            label: {sku: qty for sku, qty in stock.items() if (qty == 0) == (label == "empty")}
            for label in ["empty", "stocked"]
        }
        return {
            "shortfalls": shortfalls,
            "keyed": keyed,
            "empty": buckets["empty"],
            "counts": {"distinct_quantities": len(by_quantity)},
        }
