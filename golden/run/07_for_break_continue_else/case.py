# Runs: for loops with continue, break and for-else — the first loop breaks, the second runs its else block.
from rappel import Workflow, action, workflow

INPUT = {"batches": [[1, 2, 3], [4, -1, 6], [7, 8, 9]], "limit": 3}
EXPECTS = "result"


@action
async def process(value: int) -> int:
    return value * 10


@workflow
class BatchScanWorkflow(Workflow):
    async def run(self, batches: list[list[int]], limit: int) -> dict[str, list[int]]:
        processed: list[int] = []
        for batch in batches:
            for value in batch:
                if value % 2 == 0:
                    continue
                if value < 0:
                    break
                result = await process(value)
                processed.append(result)
            else:
                processed.append(0)
        stopped_at: list[int] = []
        for value in processed:
            if value > 1000:
                stopped_at.append(value)
                break
        else:
            stopped_at.append(-1)
        first_big: list[int] = []
        for value in processed:
            if value >= 50:
                first_big.append(value)
                break
            if len(first_big) >= limit:
                break
        return {"processed": processed, "stopped_at": stopped_at, "first_big": first_big}
