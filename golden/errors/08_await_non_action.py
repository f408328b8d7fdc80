# Rejects: awaiting a coroutine that is not an action, sleep, gather or helper — a plain module-level async function.
from rappel import Workflow, action, workflow


async def fetch_json(url: str) -> dict[str, str]:
    return {}


@action
async def store_payload(payload: dict[str, str]) -> None:
    return None


@workflow
class IngestWorkflow(Workflow):
    async def run(self, url: str) -> None:
        payload = await fetch_json(url)
        await store_payload(payload)
