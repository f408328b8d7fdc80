# Pins: an Airflow-style backfill — a date-partition list computed with range and f-strings, processed in batches of parallel tasks with a throttling sleep between batches and a failure tally.
import asyncio

from rappel import Workflow, action, workflow

CONCURRENCY = 8


@action
async def backfill_partition(table: str, partition: str) -> int:
    return 1000


@workflow
class BackfillWorkflow(Workflow):
    async def run(self, table: str, year: int, month: int, days: int) -> dict[str, int]:
        partitions = [f"{year}-{month:02d}-{day:02d}" for day in range(1, days + 1)]
        rows = 0
        failed: list[str] = []
        for i in range(0, len(partitions), CONCURRENCY):
            chunk = partitions[i:i + CONCURRENCY]
            counts = await asyncio.gather(*[backfill_partition(table, p) for p in chunk], return_exceptions=True)
            for partition, count in zip(chunk, counts):
                if isinstance(count, Exception):
                    failed.append(partition)
                else:
                    rows += count
            if i + CONCURRENCY < len(partitions):
                await asyncio.sleep(5)
        return {"rows": rows, "failed": len(failed), "partitions": len(partitions)}
