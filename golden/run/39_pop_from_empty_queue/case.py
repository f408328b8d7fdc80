# Runs: a queue drained one item too far — `batch.append(queue.pop(0))` until pop() raises IndexError, which fails the workflow with Python's message.
from rappel import Workflow, action, workflow

INPUT = {"items": ["a", "b", "c"], "batch_size": 2}
EXPECTS = "error"


@action
async def ship(batch: list[str]) -> int:
    return len(batch)


@workflow
class BatchDrainWorkflow(Workflow):
    async def run(self, items: list[str], batch_size: int) -> int:
        queue = list(items)
        shipped = 0
        while True:
            batch: list[str] = []
            for _ in range(batch_size):
                batch.append(queue.pop(0))
            shipped += await ship(batch)
