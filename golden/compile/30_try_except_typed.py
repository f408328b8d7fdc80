# Pins: try/except with a single typed handler around one action, falling back to another action.
from rappel import Workflow, action, workflow


@action
async def fetch_from_primary(key: str) -> str:
    return "value"


@action
async def fetch_from_replica(key: str) -> str:
    return "value"


@workflow
class ResilientReadWorkflow(Workflow):
    async def run(self, key: str) -> str:
        try:
            value = await fetch_from_primary(key)
        except ConnectionError:
            value = await fetch_from_replica(key)
        return value
