# Rejects: changing an item of a repeated list — `[[]] * 2` (a literal count), `[{}] * len(names)` and `slots *= 2` hold the same object several times, so Python changes every copy at once while RRL would change one; and `*=` on a list another variable refers to (Python repeats it in place). A list of fresh items and `[0] * n` compile.
from rappel import Workflow, action, workflow


@action
async def load_names() -> list[str]:
    return ["ada", "grace"]


@workflow
class SeatingWorkflow(Workflow):
    async def run(self, tables: int) -> dict:
        rows = [[]] * 2
        rows[0].append("head")
        names = await load_names()
        cards = [{}] * len(names)
        for i, name in enumerate(names):
            cards[i]["name"] = name
        slots = [[]]
        slots *= tables
        slots[0].append("window")
        counts = [0] * tables
        counts[0] += 1
        fresh = [[] for _ in range(tables)]
        fresh[0].append("aisle")
        previous = counts
        counts *= 2
        return {"rows": rows, "cards": cards, "slots": slots, "counts": counts, "previous": previous, "fresh": fresh}
