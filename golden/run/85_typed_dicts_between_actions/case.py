# Runs: a TypedDict built in a workflow is a plain dict (keywords, a mapping, a mapping with keywords after it), passed to an action and returned by one as a dict, read and updated by key.
from typing import TypedDict

from rappel import Workflow, action, workflow

INPUT = {"who": "ada", "defaults": {"count": 0, "note": "none"}}
EXPECTS = "result"


class Audit(TypedDict):
    who: str
    count: int


class Entry(Audit, total=False):
    note: str


@action
async def record(audit: Audit) -> Entry:
    return Entry(who=audit["who"].upper(), count=audit["count"] + 1, note="kept")


@workflow
class AuditWorkflow(Workflow):
    async def run(self, who: str, defaults: dict) -> list:
        audit = Audit(who=who, count=1)
        entry = await record(audit)
        copied = Audit(entry)
        copied["count"] += 10
        merged = Entry(defaults, who=who)
        return [audit, entry, copied, merged, sorted(merged), isinstance(entry, dict)]
