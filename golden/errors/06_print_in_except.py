# Rejects: print() — I/O inside an except handler of run().
from rappel import Workflow, action, workflow


@action
async def sync_contacts(account_id: str) -> int:
    return 0


@workflow
class ContactSyncWorkflow(Workflow):
    async def run(self, account_id: str) -> int:
        try:
            return await sync_contacts(account_id)
        except ConnectionError as e:
            print(f"sync failed for {account_id}: {e}")
            return 0
