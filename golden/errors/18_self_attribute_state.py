# Rejects: `self.x = ...` — storing workflow state on the instance (in run() and in a helper).
from rappel import Workflow, action, workflow


@action
async def count_rows(table: str) -> int:
    return 0


@workflow
class RowCountWorkflow(Workflow):
    async def run(self, tables: list[str]) -> int:
        self.total = 0
        for table in tables:
            await self.add(table)
        return self.total

    async def add(self, table: str) -> None:
        rows = await count_rows(table)
        self.total = self.total + rows
