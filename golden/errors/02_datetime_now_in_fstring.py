# Rejects: datetime.now() — inside an f-string replacement field passed as an action argument.
from datetime import datetime

from rappel import Workflow, action, workflow


@action
async def write_log(line: str) -> None:
    return None


@workflow
class AuditLogWorkflow(Workflow):
    async def run(self, user: str) -> None:
        await write_log(f"[{datetime.now():%Y-%m-%d %H:%M}] login by {user}")
