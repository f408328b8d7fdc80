# Runs: a workflow whose base class is defined in another module of the project (case/base.py):
# its sync and async helper methods (the async one calls an action of that module) and its
# class-attribute policies are inherited; a class constant the workflow overrides is read
# from the workflow, as Python's attribute lookup does.
from rappel import action, workflow

from golden_run_94_base_workflow_from_another_module.base import NotifyingWorkflow


@action
async def create_account(email: str) -> int:
    return len(email)


@workflow
class SignupWorkflow(NotifyingWorkflow):
    SIGNATURE = "-- the signup team"

    async def run(self, email: str) -> dict:
        account = await create_account(email=email)
        receipt = await self.notify(email, "Welcome")
        return {"account": account, "receipt": receipt, "subject": self.subject(account)}


INPUT = {"email": "ada@example.com"}
EXPECTS = "result"
