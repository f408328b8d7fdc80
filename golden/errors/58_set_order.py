# Rejects: uses of a set's order, which is not deterministic — a for loop over a set variable, list() of one, str.join() of a set comprehension, a comprehension over a set operator's result, unpacking a set display, sorted() with key= (ties keep the set's order) and `*` unpacking; `sorted(s)` and `len(s)` are accepted.
from rappel import Workflow, action, workflow


@action
async def list_tags(post_id: str) -> list[str]:
    return []


@workflow
class TagAuditWorkflow(Workflow):
    async def run(self, post_id: str) -> dict:
        tags = await list_tags(post_id)
        seen = set()
        for tag in tags:
            seen.add(tag)
        for tag in seen:
            await list_tags(tag)
        unique = list(seen)
        label = ",".join({t.upper() for t in tags})
        firsts = [t[0] for t in seen | {"misc"}]
        first, second = {"a", "b"}
        by_length = sorted(seen, key=len)
        everything = [*seen, "end"]
        return {"ok": sorted(seen), "count": len(seen), "u": unique, "l": label, "f": firsts, "b": by_length, "e": everything}
