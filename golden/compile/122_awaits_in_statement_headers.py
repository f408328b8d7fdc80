# Pins: awaits in the headers of statements — `for x in await f()` (and `enumerate(await f())`, a for/else) hoisted before the loop, `if await` / `elif await` (the elif's await inside the else branch), `while await ...` and `while not await ...` (re-evaluated at the top of every turn, with `else:`), `assert await ...` with an awaited message, `return await`, and `raise E(await ...)`.
from rappel import Workflow, action, workflow


@action
async def list_batches(source: str) -> list[str]:
    return []


@action
async def is_ready(batch: str) -> bool:
    return True


@action
async def is_stale(batch: str) -> bool:
    return False


@action
async def has_more(cursor: int) -> bool:
    return False


@action
async def import_batch(batch: str) -> int:
    return 0


@action
async def describe(source: str) -> str:
    return source


@workflow
class ImportWorkflow(Workflow):
    async def run(self, source: str) -> int:
        imported = 0
        for batch in await list_batches(source):
            if await is_ready(batch):
                imported += await import_batch(batch)
            elif await is_stale(batch):
                continue
            else:
                break
        for i, batch in enumerate(await list_batches(source)):
            imported += i
        else:
            imported += 1
        cursor = 0
        while await has_more(cursor):
            cursor += 1
        while not await is_ready(source):
            cursor += 1
        else:
            cursor -= 1
        assert await is_ready(source), await describe(source)
        if imported < 0:
            raise ValueError(await describe(source))
        return await import_batch(source)
