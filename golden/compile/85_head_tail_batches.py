# Pins: head/tail unpacking and starred arguments — `first, *rest = pages`, `*older, latest = versions`, `zip(*rows)` to transpose a table, `max(*totals)`, filter(None, ...) and map(lambda ...) consumed by list()/sum(), and a clear() between batches.
from rappel import Workflow, action, workflow


@action
async def fetch_table(report: str) -> list[list[float]]:
    return [[1.0]]


@action
async def archive(versions: list[str]) -> None:
    return None


@action
async def publish(header: str, columns: list[list[float]], best: float) -> str:
    return "url"


@workflow
class ReportTransposeWorkflow(Workflow):
    async def run(self, report: str, pages: list[str], versions: list[str]) -> str:
        first, *rest = pages
        *older, latest = versions
        if older:
            await archive(older)
        rows = await fetch_table(report)
        columns = [list(column) for column in zip(*rows)]
        totals = list(map(lambda column: round(sum(column), 2), columns))
        nonzero = list(filter(None, totals))
        best = max(*totals) if len(totals) > 1 else sum(totals)
        pending: list[str] = []
        for page in rest:
            pending.append(page)
            if len(pending) == 2:
                pending.clear()
        header = f"{first} (+{len(rest)} pages, {len(nonzero)} nonzero, latest {latest})"
        return await publish(header, columns, best)
