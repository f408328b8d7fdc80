# Rejects: parameters of run() named like keywords of RRL (`sleep`, `action`), which the compiler cannot rename as it renames locals and helper parameters (clients pass run()'s arguments by name); `max` and `timeout`, keywords only inside a policy or a loop bound, are fine.
import asyncio

from rappel import Workflow, action, workflow


@action
async def remind(action: str) -> str:
    return action


@workflow
class ReminderWorkflow(Workflow):
    async def run(self, sleep: int, action: str, max: int = 3, timeout: float = 1.0) -> str:
        await asyncio.sleep(sleep)
        return await self.remind_later(action=action, sleep=max)

    async def remind_later(self, action: str, sleep: int) -> str:
        await asyncio.sleep(sleep)
        return await remind(action=action)
