# Runs: sets for membership and de-duplication — `set()` grown with `.add()` in a loop, `in`, `.discard()`, set displays and comprehensions, `|` `&` `-` `^` and `|=`, the set methods, `len()`, `min()`, `sorted()`, and a set returned by an action combined with one built in the workflow, then passed to an action and returned (the codec sorts its items).
from rappel import Workflow, action, workflow

INPUT = {"post_ids": ["p1", "p2", "p3"]}
EXPECTS = "result"


@action
async def list_tags(post_id: str) -> list[str]:
    return {"p1": ["Python", "rust", "draft"], "p2": ["rust", "Go", " python "], "p3": []}[post_id]


@action
async def followed_tags(post_ids: list[str]) -> set[str]:
    return {"go", "zig", "python"}


@action
async def count_tags(tags: set[str]) -> int:
    assert isinstance(tags, set)
    return len(tags)


@workflow
class TagCloudWorkflow(Workflow):
    async def run(self, post_ids: list[str]) -> dict:
        reserved = {"draft", "internal"}
        seen = set()
        repeated = []
        for post_id in post_ids:
            tags = await list_tags(post_id)
            for tag in tags:
                tag = tag.strip().lower()
                if tag in seen:
                    repeated.append(tag)
                seen.add(tag)
        seen.discard("internal")
        seen.discard("never there")
        kept = seen - reserved
        followed = await followed_tags(post_ids)
        everything = kept | followed
        everything |= {"extra"}
        initials = {t[0] for t in sorted(kept)}
        return {
            "kept": sorted(kept),
            "repeated": repeated,
            "both": sorted(kept & followed),
            "either": sorted(kept ^ followed),
            "everything": sorted(everything),
            "union": sorted(kept.union(reserved, ["zz"])),
            "difference": sorted(everything.difference(kept)),
            "intersection": sorted(frozenset(everything).intersection(followed)),
            "checks": [kept.issubset(everything), everything.issuperset(kept), kept.isdisjoint(reserved), "go" in kept],
            "sizes": [len(seen), len(initials), await count_tags(everything)],
            "first": min(kept),
            "initials": initials,
            "followed": followed,
        }
