# Pins: several @workflow classes in one module sharing the same actions; each compiles to its own RRL workflow.
import asyncio

from rappel import Workflow, action, workflow


@action
async def fetch_price(sku: str) -> float:
    return 9.99


@action
async def update_price(sku: str, price: float) -> bool:
    return True


@workflow
class PriceCheckWorkflow(Workflow):
    async def run(self, sku: str) -> float:
        return await fetch_price(sku)


@workflow
class DiscountWorkflow(Workflow):
    async def run(self, sku: str, percent: int) -> float:
        price = await fetch_price(sku)
        new_price = round(price * (100 - percent) / 100, 2)
        await update_price(sku, new_price)
        return new_price


@workflow
class BulkRepriceWorkflow(Workflow):
    async def run(self, skus: list[str]) -> list[float]:
        prices = await asyncio.gather(*[fetch_price(sku) for sku in skus])
        return prices
