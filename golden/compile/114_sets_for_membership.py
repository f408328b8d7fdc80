# Pins: sets for membership and de-duplication — `set()`, `{a, b}` and set comprehensions (as `set([...])`), `in`, `.add()` / `.discard()` (which rebind the variable), `len()`, `sorted()`, `set(xs)` and `frozenset(xs)`, the operators `|` `&` `-` `^` (and `|=`), and the set methods.
from rappel import Workflow, action, workflow


@action
async def list_tags(post_id: str) -> list[str]:
    return []


@action
async def publish(tags: list[str], removed: list[str], shared: int) -> str:
    return "ok"


@workflow
class TagCloudWorkflow(Workflow):
    async def run(self, post_ids: list[str]) -> str:
        reserved = {"draft", "internal"}
        seen = set()
        repeated: list[str] = []
        for post_id in post_ids:
            tags = await list_tags(post_id)
            for tag in tags:
                if tag in seen:
                    repeated.append(tag)
                seen.add(tag.lower())
        seen.discard("")
        lowered = {t.strip() for t in repeated if t}
        kept = seen - reserved
        everything = kept | lowered
        everything |= set(repeated)
        shared = kept & frozenset(lowered)
        odd = kept ^ lowered
        if kept.issubset(everything) and not odd.isdisjoint(everything):
            everything = everything.union(reserved, {"extra"}).difference({"spam"})
        return await publish(sorted(everything), sorted(reserved - kept), len(shared) + len(odd.intersection(seen)))
