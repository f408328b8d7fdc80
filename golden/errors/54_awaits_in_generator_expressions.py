# Rejects: `await` inside generator expressions passed to builtins (Python makes them async generators, which sum(), any() and sorted() cannot iterate); a list comprehension is the sequential form.
from rappel import Workflow, action, workflow


@action
async def score(item: str) -> int:
    return len(item)


@workflow
class TotalsWorkflow(Workflow):
    async def run(self, items: list[str]) -> list[int]:
        total = sum(await score(item) for item in items)
        if any(await score(item) > 3 for item in items):
            total += 1
        ranked = sorted(items, key=len)
        return [total, len(ranked), max(await score(i) for i in ranked)]
