# Rejects: augmented assignments that change a shared list, set or dict in place (RPL0227) — two names holding one list then `a += [...]`, a set changed by `-=` and by `|=` with a set expression, and a dict changed by `|=`, each naming the other holder.
from rappel import Workflow, action, workflow


@action
async def load_ids() -> list[int]:
    return [1, 2, 3]


@workflow
class SharedContainersWorkflow(Workflow):
    async def run(self, extra: dict[str, int]) -> list:
        ids = await load_ids()
        kept = ids
        ids += [4]
        seen = set(ids)
        previous = seen
        seen -= {1}
        known = set(ids)
        alias = known
        known |= seen - previous
        counts = {"a": 1}
        snapshot = counts
        counts |= extra
        return [kept, previous, alias, snapshot]
