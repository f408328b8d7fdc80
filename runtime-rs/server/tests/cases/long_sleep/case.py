# Runs: a durable sleep long enough for the runtime to be stopped and started again
# while the instance waits.
import asyncio

from rappel import Workflow, action, workflow

INPUT = {"name": "ada"}
EXPECTS = "result"


@action
async def greet(name: str, step: str) -> str:
    return f"{step} {name}"


@workflow
class NapWorkflow(Workflow):
    async def run(self, name: str) -> list[str]:
        before = await greet(name, "hello")
        await asyncio.sleep(3)
        after = await greet(name, "goodbye")
        return [before, after]
