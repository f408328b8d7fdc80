# Pins: lazy iterators consumed at once — `map()` and generator expressions unpacked into names (they become lists), and generator expressions passed to `dict.fromkeys()`, `str.join()`, `set()`, `any()` and `all()`.
from rappel import Workflow, action, workflow


@action
async def load_row(row_id: str) -> str:
    return "2024-02-29;7;ada,grace"


@action
async def store(year: int, month: int, day: int, count: int, names: dict[str, None], label: str, valid: bool) -> str:
    return "ok"


@workflow
class ImportRowWorkflow(Workflow):
    async def run(self, row_id: str) -> str:
        row = await load_row(row_id)
        date, count, people = row.split(";")
        year, month, day = map(int, date.split("-"))
        first, *others = (name.strip().title() for name in people.split(","))
        names = dict.fromkeys(name.lower() for name in [first, *others])
        label = "/".join(str(part) for part in (year, month, day))
        initials = set(name[0] for name in names)
        valid = all(part > 0 for part in (year, month, day)) and not any(len(name) > 40 for name in names)
        return await store(year, month, day, int(count) + len(initials), names, label, valid)
