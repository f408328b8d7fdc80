# Runs: `asyncio.gather(a(...), b(...))` evaluates every call's arguments left to right before any call starts: an argument read before a later argument pops the list, awaits or rebinds the variable with `:=` keeps the value it had (Python's order), in both evaluators and the durable runtime.
import asyncio

from rappel import Workflow, action, workflow

INPUT = {"queue": [10, 20, 30]}
EXPECTS = "result"


@action
async def handle(item: int) -> int:
    return item + 1


@action
async def next_batch(after: int) -> int:
    return after * 100


@workflow
class DrainQueueWorkflow(Workflow):
    async def run(self, queue: list[int]) -> dict:
        first = await asyncio.gather(handle(queue[0]), handle(queue.pop(0)), handle(queue[0]))
        size = len(queue)
        second = await asyncio.gather(handle(size), handle(size := size * 2), handle(size))
        third = await asyncio.gather(handle(queue[-1]), handle(await next_batch(queue[-1])))
        return {"first": first, "second": second, "third": third, "queue": queue, "size": size}
