# Runs: a change in place deep inside a value reaches the variable through a tuple and a frozen dataclass, as Python's change of the list inside them does: `pair[1].append(x)`, `buckets[i][1].append(x)` on a list of (name, list) tuples, `batch.items.append(x)` and `batch.items[0] = x` on a frozen dataclass; assigning an item of the tuple itself still fails with Python's TypeError.
from dataclasses import dataclass

from rappel import Workflow, action, workflow

INPUT = {"orders": [["eu", 30], ["us", 12], ["eu", 7], ["apac", 5], ["us", 1]]}
EXPECTS = "result"


@dataclass(frozen=True)
class Batch:
    region: str
    items: list[int]


@action
async def open_batch(region: str) -> Batch:
    return Batch(region=region, items=[])


@workflow
class RegionBatchesWorkflow(Workflow):
    async def run(self, orders: list[list]) -> dict:
        buckets = [("eu", []), ("us", []), ("apac", [])]
        index = {"eu": 0, "us": 1, "apac": 2}
        for region, amount in orders:
            buckets[index[region]][1].append(amount)
        totals = ("sums", [])
        for name, amounts in buckets:
            totals[1].append(sum(amounts))
        batch = await open_batch("eu")
        for amount in buckets[0][1]:
            batch.items.append(amount)
        batch.items[0] = batch.items[0] * 10
        try:
            totals[0] = "renamed"
            outcome = "renamed"
        except TypeError as e:
            outcome = str(e)
        return {"buckets": buckets, "totals": totals, "batch": batch, "outcome": outcome}
