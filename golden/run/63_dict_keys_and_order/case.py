# Runs: dicts cross with their insertion order (not sorted), with keys that are ints, tuples, None and bools, and with user keys that look like codec tags ("$type", "dict", "float"); the workflow reads and extends them.
from rappel import Workflow, action, workflow

INPUT = {"grid": {(0, 1): "b", (0, 0): "a", (1, 0): "c"}, "meta": {"$type": "user", "dict": [1], "float": "1.5"}}
EXPECTS = "result"


@action
async def histogram(values: list[int]) -> dict[int, int]:
    counts: dict[int, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return counts


@action
async def flags(names: list[str]) -> dict:
    return {None: "unset", True: [n for n in names if n.startswith("x")], False: [n for n in names if not n.startswith("x")]}


@workflow
class KeysWorkflow(Workflow):
    async def run(self, grid: dict[tuple[int, int], str], meta: dict) -> dict:
        counts = await histogram([5, 3, 5, 1, 3, 5])
        marks = await flags(["xa", "b", "xc"])
        grid[(2, 2)] = grid[(0, 0)] + grid[(1, 0)]
        meta["seen"] = list(counts)
        return {"counts": counts, "order": list(counts.keys()), "marks": marks, "grid": grid, "meta": meta, "first": marks[True][0]}
