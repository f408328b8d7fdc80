# Pins: a two-way inventory sync — diff two dicts (adds, updates, removals) with comprehensions, push each kind in parallel only when non-empty, return counts.
import asyncio

from rappel import Workflow, action, workflow


@action
async def read_warehouse_stock(warehouse: str) -> dict[str, int]:
    return {"mug": 4, "cap": 0, "tee": 12}


@action
async def read_storefront_stock(store: str) -> dict[str, int]:
    return {"mug": 4, "cap": 3, "scarf": 1}


@action
async def upsert_listing(store: str, sku: str, quantity: int) -> bool:
    return True


@action
async def delist(store: str, sku: str) -> bool:
    return True


@workflow
class InventorySyncWorkflow(Workflow):
    async def run(self, warehouse: str, store: str) -> dict[str, int]:
        source, target = await asyncio.gather(read_warehouse_stock(warehouse), read_storefront_stock(store))
        changed = {sku: qty for sku, qty in source.items() if target.get(sku) != qty}
        removed = [sku for sku in target.keys() if sku not in source]
        upserts: list[bool] = []
        removals: list[bool] = []
        if changed:
            upserts = await asyncio.gather(*[upsert_listing(store, sku, qty) for sku, qty in changed.items()])
        if removed:
            removals = await asyncio.gather(*[delist(store, sku) for sku in removed])
        return {
            "upserted": len([ok for ok in upserts if ok]),
            "removed": len([ok for ok in removals if ok]),
            "unchanged": len(source) - len(changed),
        }
