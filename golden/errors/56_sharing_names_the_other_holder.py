# Rejects: changes in place that another holder would see in Python (RPL0227), each message naming that holder and the line where the sharing began — a second variable, a container the object was put in, the element of a list a loop variable is, the other items of a repeated list, and the caller's argument in a helper; and changing the iterated list when the loop goes on (a `continue` after it).
from rappel import Workflow, action, workflow


@action
async def load_rows() -> list[dict]:
    return [{"id": 1}, {"id": 2}]


@workflow
class SharedRowsWorkflow(Workflow):
    async def run(self, tags: list[str]) -> list:
        rows = await load_rows()
        first = rows[0]
        first["seen"] = True
        index = {"tags": tags}
        tags.append("indexed")
        for row in rows:
            row["id"] += 1
        grid = [[]] * 2
        grid[0].append(1)
        for tag in tags:
            if tag:
                tags.append(tag + "!")
                continue
            break
        return [rows, index, grid, await self.mark(rows)]

    async def mark(self, items: list[dict]) -> list[dict]:
        items.append({"id": 0})
        return items
