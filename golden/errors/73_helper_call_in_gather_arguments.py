# Rejects: a helper call computing an action's argument inside a gather comprehension (RPL0217), with the help that says to compute the values in a list first and gather over them with zip().
import asyncio

from rappel import Workflow, action, workflow


@action
async def deliver(channel: str, text: str) -> bool:
    return True


def render(title: str, channel: str) -> str:
    return f"[{channel}] {title}"


@workflow
class NotifyWorkflow(Workflow):
    async def run(self, title: str, channels: list[str]) -> list[bool]:
        return await asyncio.gather(*[deliver(channel, render(title, channel)) for channel in channels])
