# Runs: the default policy — an action that raises (KeyError) fails the workflow after one attempt with no handler in place (expected error: KeyError, whose message is the repr of the key).
from rappel import Workflow, action, workflow

INPUT = {"skus": ["tea", "coffee", "cocoa"]}
EXPECTS = "error"

STOCK = {"tea": 4, "coffee": 9}


@action
async def stock_level(sku: str) -> int:
    return STOCK[sku]


@workflow
class StockCheckWorkflow(Workflow):
    async def run(self, skus: list[str]) -> int:
        total = 0
        for sku in skus:
            level = await stock_level(sku)
            total += level
        return total
