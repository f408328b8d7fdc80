# Runs: accumulators across loop iterations — += on int, float, str and list, list.append, list.extend, d[k] = v on new and existing keys, nested tuple unpacking.
from rappel import Workflow, action, workflow

INPUT = {"events": [["click", 1], ["view", 3], ["click", 2], ["buy", 1], ["view", 1]]}
EXPECTS = "result"


@action
async def weight(kind: str) -> float:
    return {"click": 0.5, "view": 0.25, "buy": 5.0}[kind]


@workflow
class EventTallyWorkflow(Workflow):
    async def run(self, events: list[list]) -> dict:
        count = 0
        score = 0.0
        trail = ""
        kinds: list[str] = []
        expanded: list[str] = []
        per_kind: dict[str, int] = {}
        for kind, n in events:
            w = await weight(kind)
            count += n
            score += w * n
            trail += kind[0]
            kinds += [kind]
            expanded.extend([kind] * n)
            per_kind[kind] = per_kind.get(kind, 0) + n
        (first_kind, first_n), last = events[0], events[-1]
        return {
            "count": count,
            "score": score,
            "trail": trail,
            "kinds": kinds,
            "expanded": len(expanded),
            "per_kind": per_kind,
            "first": f"{first_kind}x{first_n}",
            "last": last[0],
        }
