# Pins: what the sharing check (RPL0227) accepts for augmented assignments — `|=`, `&=`, `^=`, `-=` and `+=` on a number or a str rebind the name (a copy taken before keeps the old value), however the right side was computed; only lists, sets and dicts change in place.
from rappel import Workflow, action, workflow


@action
async def load_rows() -> list[dict]:
    return [{"bits": 1, "n": 2, "tag": "a"}, {"bits": 4, "n": 3, "tag": "b"}]


@workflow
class FlagsWorkflow(Workflow):
    async def run(self) -> list:
        rows = await load_rows()
        flags = 0
        for row in rows:
            flags |= row["bits"]
        before = flags
        flags |= rows[0]["bits"] * 8
        flags &= rows[1]["n"] | 8
        flags ^= rows[0]["n"]
        total = 0
        for row in rows:
            total += row["n"]
        counted = [total]
        total -= rows[0]["n"]
        label = ""
        for row in rows:
            label += row["tag"]
        first = label
        label += rows[0]["tag"]
        return [before, flags, counted, total, first, label]
