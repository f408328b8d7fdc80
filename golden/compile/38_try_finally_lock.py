# Pins: try/finally without except — a lease is always released, even when the body raises or returns early.
from rappel import Workflow, action, workflow


@action
async def acquire_lock(resource: str, owner: str) -> str:
    return "lease-1"


@action
async def release_lock(lease_id: str) -> None:
    return None


@action
async def rebuild_index(resource: str) -> int:
    return 100


@workflow
class LockedRebuildWorkflow(Workflow):
    async def run(self, resource: str, owner: str, dry_run: bool) -> int:
        lease = await acquire_lock(resource, owner)
        try:
            if dry_run:
                return 0
            documents = await rebuild_index(resource)
        finally:
            await release_lock(lease)
        return documents
