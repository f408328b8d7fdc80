# Pins: raising builtin exceptions from workflow code — with a constant message, with an f-string message, and with no arguments.
from rappel import Workflow, action, workflow


@action
async def get_stock(sku: str) -> int:
    return 5


@action
async def reserve_stock(sku: str, quantity: int) -> str:
    return "reservation-1"


@workflow
class ReserveStockWorkflow(Workflow):
    async def run(self, sku: str, quantity: int) -> str:
        if quantity <= 0:
            raise ValueError("quantity must be positive")
        if not sku:
            raise TypeError
        available = await get_stock(sku)
        if available < quantity:
            raise RuntimeError(f"only {available} of {sku} left, wanted {quantity}")
        return await reserve_stock(sku, quantity)
