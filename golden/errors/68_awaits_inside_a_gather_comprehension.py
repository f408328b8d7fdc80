# Rejects: an await in the calls, the condition or an inner loop of a gather comprehension (Python awaits those one after the other while it builds the list of calls, before gather starts any); the help says to await them first, then gather over the results.
import asyncio

from rappel import Workflow, action, workflow


@action
async def resolve(handle: str) -> str:
    return handle.lower()


@action
async def is_active(handle: str) -> bool:
    return bool(handle)


@action
async def notify(address: str) -> str:
    return address


@workflow
class NotifyWorkflow(Workflow):
    async def run(self, handles: list[str]) -> list[str]:
        sent = await asyncio.gather(*[notify(await resolve(h)) for h in handles])
        kept = await asyncio.gather(*[notify(h) for h in handles if await is_active(h)])
        return sent + kept
