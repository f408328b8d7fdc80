# Pins: `:=` in statements is an assignment of its own, made where Python makes it — in an `if` test, after a short-circuiting `and` (only when the left side holds), in a `while` condition (again before every turn, with the awaited page it names), in a helper, and in an f-string or a list display, where the operands evaluated before it keep the value the variable had.
from rappel import Workflow, action, workflow


@action
async def fetch_page(cursor: int) -> list[str]:
    return []


@action
async def lookup(key: str) -> int:
    return 0


def first_word(text: str) -> str:
    if (space := text.find(" ")) >= 0:
        return text[:space]
    return text


@workflow
class PagedImportWorkflow(Workflow):
    async def run(self, key: str, limit: int) -> list:
        seen = []
        cursor = 0
        while (page := await fetch_page(cursor)) and len(seen) < limit:
            seen.extend(page)
            cursor += 1
        if key and (score := await lookup(key)) > 10:
            seen.append(f"high {score}")
        if (n := len(seen)) > limit:
            seen = seen[:limit]
        label = f"{n} then {(n := n + 1)} then {n}"
        return [n, (n := n * 2), n, label, first_word(key)]
