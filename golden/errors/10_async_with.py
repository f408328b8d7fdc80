# Rejects: `async with` — an async context manager around actions in run().
import asyncio

from rappel import Workflow, action, workflow

LOCK = asyncio.Lock()


@action
async def bump_counter(key: str) -> int:
    return 1


@workflow
class CounterWorkflow(Workflow):
    async def run(self, key: str) -> int:
        async with LOCK:
            value = await bump_counter(key)
        return value
