# Runs: `list.extend()`, `set.update()` and `dict.update()` given a generator expression (with a filter, over pairs) or a map()/filter() iterator, on variables and on an item of a dict, then the results passed to an action; `str.rindex()` finds the last separator (and raises ValueError when there is none).
from rappel import Workflow, action, workflow

INPUT = {"bucket": "logs"}
EXPECTS = "result"


@action
async def list_keys(bucket: str) -> list[str]:
    return ["2024/app.log", "2024/db.log", ".keep", "2025/app.log.gz"]


@action
async def archive(keys: list[str], years: list[str]) -> int:
    return len(keys) * 10 + len(years)


@workflow
class ArchiveLogsWorkflow(Workflow):
    async def run(self, bucket: str) -> dict:
        keys = await list_keys(bucket)
        selected = []
        selected.extend(f"{bucket}/{key}" for key in keys if not key.startswith("."))
        selected.extend(map(str.upper, keys[:1]))
        years = set()
        years.update(key.split("/")[0] for key in keys if "/" in key)
        sizes = {"count": len(keys)}
        sizes.update((key, len(key)) for key in keys if key.endswith(".log"))
        by_kind = {"logs": [], "other": []}
        by_kind["logs"].extend(filter(lambda key: key.endswith(".log"), keys))
        by_kind["other"].extend(key for key in keys if not key.endswith(".log"))
        names = []
        for key in keys:
            try:
                names.append(key[key.rindex("/") + 1 :])
            except ValueError as error:
                names.append(f"{key} ({error})")
        archived = await archive(selected, sorted(years))
        return {"selected": selected, "years": sorted(years), "sizes": sizes, "by_kind": by_kind, "names": names,
                "archived": archived}
