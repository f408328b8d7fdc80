# Rejects: star-args and double-star kwargs passed to an action call (the call shape must be static).
from rappel import Workflow, action, workflow


@action
async def create_user(name: str, email: str, role: str = "member") -> str:
    return "user-1"


@workflow
class InviteWorkflow(Workflow):
    async def run(self, fields: list[str], options: dict[str, str]) -> list[str]:
        first = await create_user(*fields)
        second = await create_user(fields[0], fields[1], **options)
        return [first, second]
