# Rejects: `yield` in run() — a workflow cannot be a generator, yield appears inside a for loop.
from rappel import Workflow, action, workflow


@action
async def fetch_page(number: int) -> list[str]:
    return []


@workflow
class StreamPagesWorkflow(Workflow):
    async def run(self, pages: int):
        for number in range(pages):
            items = await fetch_page(number)
            yield items
