# Runs: helper methods have scopes of their own, as in Python, while they are inlined: a helper awaited in two branches of asyncio.gather, inside a loop, a helper calling a helper, parameters and locals named like the caller's variables (`total`, `item`), which keep their values, and locals bound on some paths only.
import asyncio

from rappel import Workflow, action, workflow

INPUT = {"batches": [[1, 3], [2], []]}
EXPECTS = "result"


@action
async def double(value: int) -> int:
    return value * 2


@workflow
class ScopesWorkflow(Workflow):
    async def run(self, batches: list[list[int]]) -> dict:
        total = 100
        item = "the caller's item"
        rows = []
        for batch in batches:
            forward, backward = await asyncio.gather(self.summarize(batch), self.summarize(batch[::-1]))
            rows.append([forward, backward])
            total = total + await self.largest(total=len(batch), batch=batch)
        return {"rows": rows, "total": total, "item": item}

    async def summarize(self, batch: list[int]) -> str:
        total = 0
        for item in batch:
            total = total + await double(item)
        try:
            return f"{total} after {item}"
        except UnboundLocalError:
            return f"{total} from nothing"

    async def largest(self, total: int, batch: list[int]) -> int:
        if await self.has_big(batch):
            best = total * 10
        try:
            return best
        except UnboundLocalError:
            return -1

    async def has_big(self, batch: list[int]) -> bool:
        for item in batch:
            if item > 2:
                big = item
        try:
            return big > 0
        except UnboundLocalError:
            return False
