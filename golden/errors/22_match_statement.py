# Rejects: a `match` statement (structural pattern matching) dispatching on an action result.
from rappel import Workflow, action, workflow


@action
async def get_event(event_id: str) -> dict[str, str]:
    return {"type": "created"}


@action
async def handle(kind: str) -> str:
    return kind


@workflow
class EventDispatchWorkflow(Workflow):
    async def run(self, event_id: str) -> str:
        event = await get_event(event_id)
        match event["type"]:
            case "created":
                return await handle("create")
            case "deleted" | "archived":
                return await handle("remove")
            case _:
                return "ignored"
