# Runs: an action raises KeyError and the workflow catches it with `except LookupError as e` (class hierarchy matching across the action boundary); a ZeroDivisionError is caught as ArithmeticError.
from rappel import Workflow, action, workflow

INPUT = {"keys": ["apples", "kiwis", "pears"], "divisor": 0}
EXPECTS = "result"

PRICES = {"apples": 3, "pears": 5}


@action
async def price_of(key: str) -> int:
    return PRICES[key]


@action
async def split_cost(total: int, divisor: int) -> int:
    return total // divisor


@workflow
class PriceLookupWorkflow(Workflow):
    async def run(self, keys: list[str], divisor: int) -> dict[str, str]:
        found: dict[str, str] = {}
        total = 0
        for key in keys:
            try:
                price = await price_of(key)
                total += price
                found[key] = str(price)
            except LookupError as e:
                found[key] = f"missing {e}"
        try:
            share = await split_cost(total, divisor)
            found["share"] = str(share)
        except ArithmeticError:
            found["share"] = "undefined"
        found["total"] = str(total)
        return found
