# Pins: a plain if/else choosing between two actions on an action result, with both branches assigning the same name used afterwards.
from rappel import Workflow, action, workflow


@action
async def get_account_balance(account_id: str) -> int:
    return 1200


@action
async def approve_withdrawal(account_id: str, amount: int) -> str:
    return "approved"


@action
async def decline_withdrawal(account_id: str, reason: str) -> str:
    return "declined"


@workflow
class WithdrawalWorkflow(Workflow):
    async def run(self, account_id: str, amount: int) -> str:
        balance = await get_account_balance(account_id)
        if balance >= amount:
            status = await approve_withdrawal(account_id, amount)
        else:
            status = await decline_withdrawal(account_id, reason="insufficient funds")
        return f"{status}: {amount}"
