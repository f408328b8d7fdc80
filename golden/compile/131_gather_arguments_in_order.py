# Pins: the arguments of `asyncio.gather(a(...), b(...))` are evaluated left to right before the parallel block: when a later argument pops a list, awaits or rebinds a variable with `:=`, the earlier arguments go into temporaries first.
import asyncio

from rappel import Workflow, action, workflow


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
