# Rejects: awaiting an arbitrary attribute coroutine (asyncio.wait_for around an action) — only actions, asyncio.sleep, asyncio.gather, self.run_action and helpers may be awaited.
import asyncio

from rappel import Workflow, action, workflow


@action
async def slow_lookup(key: str) -> str:
    return key


@workflow
class LookupWorkflow(Workflow):
    async def run(self, key: str) -> str:
        try:
            return await asyncio.wait_for(slow_lookup(key), timeout=5)
        except asyncio.TimeoutError:
            return ""
