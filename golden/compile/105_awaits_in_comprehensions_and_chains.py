# Pins: `await` inside list and dict comprehensions (in the element, the condition and a nested loop's iterable) runs one call after the other as loops, unlike asyncio.gather; `await` in a chained comparison is evaluated only when the comparisons before it hold, each operand once.
from rappel import Workflow, action, workflow


@action
async def score(item: str) -> int:
    return len(item)


@action
async def is_active(item: str) -> bool:
    return True


@action
async def variants(item: str) -> list[str]:
    return [item, item.upper()]


@workflow
class ScoringWorkflow(Workflow):
    async def run(self, items: list[str], low: int, high: int) -> dict[str, object]:
        scores = [await score(item) for item in items]
        active = {item: await score(item) for item in items if await is_active(item)}
        expanded = [v for item in items for v in await variants(item)]
        in_range = [item for item in items if low <= await score(item) < high]
        banded = low < high <= await score(items[0]) < 100
        return {"scores": scores, "active": active, "expanded": expanded, "in_range": in_range, "banded": banded}
