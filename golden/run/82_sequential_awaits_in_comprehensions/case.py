# Runs: `[await f(x) for x in xs]` awaits one call after the other (one action per batch, in order), a dict comprehension awaits in its condition and its value, and a chained comparison awaits its third operand only when the first comparison holds (the action that would fail is never called).
from rappel import Workflow, action, workflow

INPUT = {"items": ["a", "bbb", "cc"], "low": 2}
EXPECTS = "result"


@action
async def score(item: str) -> int:
    return len(item) * 10


@action
async def is_kept(item: str) -> bool:
    return item != "a"


@action
async def must_not_run(item: str) -> int:
    raise RuntimeError(f"called for {item}")


@workflow
class SequentialScoresWorkflow(Workflow):
    async def run(self, items: list[str], low: int) -> dict[str, object]:
        scores = [await score(item) for item in items]
        kept = {item: await score(item) for item in items if await is_kept(item)}
        in_band = [item for item in items if 20 <= await score(item) <= 30]
        skipped = low > 5 > await must_not_run(items[0])
        checked = low < 5 <= await score(items[1]) < 100
        return {"scores": scores, "kept": kept, "in_band": in_band, "skipped": skipped, "checked": checked}
