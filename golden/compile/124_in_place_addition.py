# Pins: the RRL of `+=`: RRL's own `target += value`, which extends a list with any iterable as Python's list `+=` does, for a name, an item and a field; a generator expression on its right is consumed at once (a list comprehension), as is map(); an await on its right runs first, into a temporary; `-=` and `*=` keep their plain form (`x = x - y`).
from pydantic import BaseModel

from rappel import Workflow, action, workflow


class Basket(BaseModel):
    items: list[str] = []


@action
async def load_tags(batch: str) -> list[str]:
    return [batch]


@workflow
class InPlaceWorkflow(Workflow):
    async def run(self, batch: str, sizes: list[int]) -> dict:
        tags = ["new"]
        tags += ("a", "b")
        tags += batch
        tags += await load_tags(batch)
        tags += (str(size * 2) for size in sizes if size)
        tags += map(str, sizes)
        basket = Basket()
        basket.items += tags[:1]
        counts = {"all": [0]}
        counts["all"] += range(len(sizes))
        total = 0
        for size in sizes:
            total += size
        total -= 1
        tags *= 2
        return {"tags": tags, "basket": basket, "counts": counts, "total": total}
