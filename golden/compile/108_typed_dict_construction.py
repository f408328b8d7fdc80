# Pins: a TypedDict builds a plain dict — keyword arguments become a dict display with the keys in order, a mapping argument becomes dict(mapping) (with keywords after it, `{**dict(mapping), ...}`) — and its values cross to actions as dicts.
from typing import TypedDict

from rappel import Workflow, action, workflow


class Audit(TypedDict):
    who: str
    count: int


class Entry(Audit, total=False):
    note: str


@action
async def record(audit: Audit) -> Entry:
    return Entry(who=audit["who"], count=audit["count"], note="kept")


@workflow
class AuditWorkflow(Workflow):
    async def run(self, who: str, defaults: dict) -> list:
        audit = Audit(who=who, count=1)
        entry = await record(audit)
        copied = Audit(entry)
        merged = Entry(defaults, who=who)
        return [audit, entry["note"], copied, merged]
