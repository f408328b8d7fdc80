# Runs: extending a list from itself in the ways that finish in Python too, with Python's results: a list comprehension over it, a copy (`xs[:]`, `list(xs)`), `xs += xs` and `xs.extend(xs)` (the items it held before), reversed() (an iterator that walks back to the start), zip() over a copy, and a generator over another item of the same dict; then `d |= ` pairs built from the list.
from rappel import Workflow, action, workflow

INPUT = {"start": [1, 2]}
EXPECTS = "result"


@action
async def load_other(n: int) -> list[str]:
    return ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m"][:n]


@workflow
class SelfExtendWorkflow(Workflow):
    async def run(self, start: list[int]) -> dict:
        xs = list(start)
        xs += [x * 10 for x in xs]
        xs += (x + 1 for x in xs[:])
        xs.extend(list(map(str, xs)))
        doubled = [0, 1]
        doubled += doubled
        doubled.extend(doubled)
        back = [1, 2, 3]
        back += reversed(back)
        other = await load_other(3)
        paired = ["p"]
        paired += zip(other, list(paired) * 3)
        groups = {"a": [1], "b": [2, 3]}
        groups["a"] += (n * 2 for n in groups["b"])
        index = {}
        index |= ((str(n), n) for n in doubled)
        return {"xs": xs, "doubled": doubled, "back": back, "paired": paired, "groups": groups, "index": index}
