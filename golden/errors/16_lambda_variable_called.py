# Rejects: a lambda stored in a variable and then called (only key= lambdas of sorted/min/max are allowed).
from rappel import Workflow, action, workflow


@action
async def fetch_prices(skus: list[str]) -> list[float]:
    return []


@workflow
class PriceAdjustWorkflow(Workflow):
    async def run(self, skus: list[str], markup: float) -> list[float]:
        prices = await fetch_prices(skus)
        adjust = lambda p: round(p * (1 + markup), 2)
        return [adjust(p) for p in prices]
