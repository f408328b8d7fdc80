# Runs: a handler compensates and re-raises with bare `raise`; the workflow ends with the original action error (expected error: PermissionError).
from rappel import Workflow, action, workflow

INPUT = {"account": "acct-7", "amount": 250}
EXPECTS = "error"


@action
async def debit(account: str, amount: int) -> str:
    return f"debit-{account}-{amount}"


@action
async def credit(account: str, amount: int) -> str:
    raise PermissionError(f"account {account} is frozen")


@action
async def reverse_debit(debit_id: str) -> str:
    return f"reversed {debit_id}"


@workflow
class TransferWorkflow(Workflow):
    async def run(self, account: str, amount: int) -> str:
        debit_id = await debit(account, amount)
        try:
            await credit("acct-frozen", amount)
        except PermissionError:
            await reverse_debit(debit_id)
            raise
        return "transferred"
