# Rejects: `await` in a helper that is not `async def` — invalid Python, which Python reports only when it compiles the module — as a syntax error (RPL0253, in Python's words), never as unsupported syntax (RPL0221).
from rappel import Workflow, action, workflow


@action
async def fetch_name(user_id: str) -> str:
    return user_id


@workflow
class PlainHelperWorkflow(Workflow):
    async def run(self, user_id: str) -> str:
        return self.name_of(user_id)

    def name_of(self, user_id: str) -> str:
        return await fetch_name(user_id)
