# Pins: asyncio reached through aliases — `import asyncio as aio` for gather and sleep, and `from asyncio import sleep` (also renamed) for durable sleep.
import asyncio as aio
from asyncio import sleep
from asyncio import sleep as pause

from rappel import Workflow, action, workflow


@action
async def send_sms(phone: str, text: str) -> bool:
    return True


@workflow
class ReminderWorkflow(Workflow):
    async def run(self, phones: list[str], text: str) -> int:
        await sleep(60)
        first = await aio.gather(*[send_sms(p, text) for p in phones])
        await pause(3600)
        await aio.sleep(2.5)
        second = await aio.gather(*[send_sms(p, f"Reminder: {text}") for p in phones])
        return sum(1 for ok in first + second if ok)
