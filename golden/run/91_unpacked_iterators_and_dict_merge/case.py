# Runs: `map()` and generator expressions unpacked into names, generator expressions passed to `dict.fromkeys()`, `str.join()` and `set()`, `d | e` and `d |= e` (later keys win, first keys keep their place), bitwise `|` `&` `^` on ints and bools, `next(iter(d))` and `next(iter(xs), default)` on an empty and a full list.
from rappel import Workflow, action, workflow

INPUT = {"row_id": "r1", "extra": {"lang": "de", "tz": "UTC"}}
EXPECTS = "result"


@action
async def load_row(row_id: str) -> str:
    return "2024-02-29;7;ada, grace ,ada"


@action
async def load_defaults(row_id: str) -> dict[str, str]:
    return {"theme": "light", "lang": "en"}


@action
async def load_queue(name: str) -> list[str]:
    return {"empty": [], "full": ["job-1", "job-2"]}[name]


@workflow
class ImportRowWorkflow(Workflow):
    async def run(self, row_id: str, extra: dict[str, str]) -> dict:
        row = await load_row(row_id)
        date, count, people = row.split(";")
        year, month, day = map(int, date.split("-"))
        first, *others = (name.strip().title() for name in people.split(","))
        names = dict.fromkeys(name.lower() for name in [first, *others])
        label = "/".join(str(part) for part in (year, month, day))
        initials = set(name[0] for name in names)
        settings = await load_defaults(row_id) | {"theme": "dark"}
        settings |= extra
        return {
            "date": [year, month, day],
            "count": int(count),
            "first": first,
            "others": others,
            "names": names,
            "label": label,
            "initials": sorted(initials),
            "settings": settings,
            "first_key": next(iter(settings)),
            "empty_head": next(iter(await load_queue("empty")), None),
            "full_head": next(iter(await load_queue("full")), None),
            "bits": [year | 3, year & 255, year ^ 1, True | False, True & False, True ^ True],
        }
