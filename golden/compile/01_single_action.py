# Pins: the smallest workflow — one action awaited with a positional argument, its result returned.
from rappel import Workflow, action, workflow


@action
async def greet(name: str) -> str:
    return f"Hello, {name}!"


@workflow
class GreetingWorkflow(Workflow):
    async def run(self, name: str) -> str:
        message = await greet(name)
        return message
