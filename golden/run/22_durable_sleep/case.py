# Runs: durable sleeps between actions (asyncio.sleep with an int, a float and via `from asyncio import sleep`); the steps after each sleep still run in order.
import asyncio
from asyncio import sleep

from rappel import Workflow, action, workflow

INPUT = {"user": "lin"}
EXPECTS = "result"

SHORT_PAUSE = 0.02


@action
async def send_step(user: str, step: str) -> str:
    return f"{step} -> {user}"


@workflow
class DripWorkflow(Workflow):
    async def run(self, user: str) -> list[str]:
        sent: list[str] = []
        first = await send_step(user, "welcome")
        sent.append(first)
        await asyncio.sleep(0)
        second = await send_step(user, "tips")
        sent.append(second)
        await sleep(SHORT_PAUSE)
        third = await send_step(user, "survey")
        sent.append(third)
        await asyncio.sleep(SHORT_PAUSE * 2)
        return sent
