# Pins: a generator expression or a map()/filter() iterator passed to `list.extend()`, `set.update()` or `dict.update()` is consumed at once: it becomes a list comprehension (or the iterator itself), on a variable and on an item of one.
from rappel import Workflow, action, workflow


@action
async def list_files(prefix: str) -> list[str]:
    return []


@workflow
class IndexFilesWorkflow(Workflow):
    async def run(self, prefix: str, extra: dict[str, int]) -> dict:
        names = await list_files(prefix)
        paths = [prefix]
        paths.extend(f"{prefix}/{name}" for name in names if not name.startswith("."))
        paths.extend(map(str.upper, names))
        suffixes = set()
        suffixes.update(name.rpartition(".")[2] for name in names)
        sizes = {"total": 0}
        sizes.update((name, len(name)) for name in names)
        groups = {"all": []}
        groups["all"].extend(filter(None, names))
        return {"paths": paths, "suffixes": sorted(suffixes), "sizes": sizes, "groups": groups}
