# Runs: bytes, dates, times, timedeltas, naive and UTC datetimes, UUIDs and sets/frozensets returned by actions cross exactly (sets in a deterministic order) and are passed on to other actions and returned.
import datetime
import hashlib
import uuid

from rappel import Workflow, action, workflow

INPUT = {"name": "report.csv"}
EXPECTS = "result"


@action
async def render(name: str) -> bytes:
    return f"name,{name}\n".encode() + bytes([0, 255])


@action
async def fingerprint(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:12]


@action
async def schedule(name: str) -> dict:
    return {
        "day": datetime.date(2024, 2, 29),
        "at": datetime.time(6, 30, 0, 250),
        "every": datetime.timedelta(days=1, hours=2, microseconds=3),
        "created": datetime.datetime(2024, 2, 28, 23, 59, 59, 999999),
        "created_utc": datetime.datetime(2024, 2, 28, 23, 59, 59, tzinfo=datetime.timezone.utc),
        "id": uuid.UUID(int=2**128 - 1),
        "tags": {"csv", "daily", "export", name},
        "owners": frozenset({("ops", 1), ("data", 2)}),
    }


@action
async def count_tags(tags: set[str]) -> int:
    assert isinstance(tags, set)
    return len(tags)


@workflow
class ExportWorkflow(Workflow):
    async def run(self, name: str) -> dict:
        data = await render(name)
        digest = await fingerprint(data)
        plan = await schedule(name)
        tags = await count_tags(plan["tags"])
        return {"data": data, "digest": digest, "plan": plan, "tag_count": tags, "size": len(data)}
