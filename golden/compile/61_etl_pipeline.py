# Pins: a realistic ETL — paginated extract with a while loop, parallel transform per page via gather, a quality gate that raises, and a load step with retries.
import asyncio

from pydantic import BaseModel

from rappel import RetryPolicy, Workflow, action, workflow

PAGE_SIZE = 500
MAX_BAD_RATIO = 0.05


class RawPage(BaseModel):
    rows: list[dict[str, str]]
    next_offset: int | None


class CleanBatch(BaseModel):
    rows: list[dict[str, str]]
    rejected: int


class DataQualityError(Exception):
    pass


@action
async def extract_page(source: str, offset: int, limit: int) -> RawPage:
    if offset >= 2 * limit:
        return RawPage(rows=[], next_offset=None)
    return RawPage(rows=[{"id": str(offset + i)} for i in range(limit)], next_offset=offset + limit)


@action
async def transform_rows(rows: list[dict[str, str]], schema: str) -> CleanBatch:
    return CleanBatch(rows=rows, rejected=0)


@action
async def load_rows(table: str, rows: list[dict[str, str]]) -> int:
    return len(rows)


@action
async def record_run(source: str, table: str, loaded: int, rejected: int) -> None:
    return None


@workflow
class NightlyEtlWorkflow(Workflow):
    async def run(self, source: str, table: str, schema: str) -> dict[str, int]:
        pages: list[RawPage] = []
        offset: int | None = 0
        while offset is not None:
            page = await extract_page(source, offset, PAGE_SIZE)
            pages.append(page)
            offset = page.next_offset

        batches = await asyncio.gather(*[transform_rows(p.rows, schema) for p in pages if p.rows])
        clean = [row for batch in batches for row in batch.rows]
        rejected = sum(batch.rejected for batch in batches)
        seen = len(clean) + rejected
        if seen and rejected / seen > MAX_BAD_RATIO:
            raise DataQualityError(f"{rejected} of {seen} rows rejected from {source}")

        loaded = 0
        for start in range(0, len(clean), PAGE_SIZE):
            count = await self.run_action(
                load_rows(table, clean[start:start + PAGE_SIZE]),
                retry=RetryPolicy(attempts=5),
            )
            loaded += count
        await record_run(source, table, loaded, rejected)
        return {"loaded": loaded, "rejected": rejected, "pages": len(pages)}
