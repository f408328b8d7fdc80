# Runs: an action's KeyError is wrapped in a user exception with `raise ... from`, whose cause is kept.
from rappel import Workflow, action, workflow

INPUT = {"sku": "unknown-sku", "quantity": 2}
EXPECTS = "error"

STOCK = {"pen": 10, "ink": 0}


class ReservationFailed(Exception):
    pass


@action
async def reserve(sku: str, quantity: int) -> int:
    left = STOCK[sku] - quantity
    if left < 0:
        raise ValueError(f"only {STOCK[sku]} {sku} left")
    return left


@workflow
class ReserveWorkflow(Workflow):
    async def run(self, sku: str, quantity: int) -> int:
        try:
            left = await reserve(sku, quantity)
        except KeyError as missing:
            raise ReservationFailed(f"no such item: {sku}") from missing
        except ValueError:
            raise ReservationFailed("out of stock") from None
        return left
