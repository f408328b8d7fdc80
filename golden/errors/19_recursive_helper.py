# Rejects: recursion between workflow helpers — a helper that (indirectly, through a second helper) calls itself.
from rappel import Workflow, action, workflow


@action
async def list_children(folder_id: str) -> list[str]:
    return []


@workflow
class FolderSizeWorkflow(Workflow):
    async def run(self, root: str) -> int:
        return await self.count(root)

    async def count(self, folder_id: str) -> int:
        children = await list_children(folder_id)
        below = await self.count_all(children)
        return 1 + below

    async def count_all(self, folder_ids: list[str]) -> int:
        total = 0
        for child in folder_ids:
            size = await self.count(child)
            total += size
        return total
