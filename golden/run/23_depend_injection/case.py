# Runs: actions with Depend-injected parameters (a sync and an async provider) reading an in-memory fake database; the workflow passes only the ordinary arguments.
from typing import Annotated

from rappel import Depend, Workflow, action, workflow

INPUT = {"user_ids": ["u1", "u3", "u2"]}
EXPECTS = "result"


class FakeDatabase:
    ROWS = {"u1": {"name": "Ana", "credits": 5}, "u2": {"name": "Bo", "credits": 0}, "u3": {"name": "Cy", "credits": 12}}

    def get(self, user_id: str) -> dict:
        return dict(self.ROWS[user_id])


class FakeClock:
    def today(self) -> str:
        return "2024-01-01"


def get_db() -> FakeDatabase:
    return FakeDatabase()


async def get_clock() -> FakeClock:
    return FakeClock()


@action
async def load_user(user_id: str, db: Annotated[FakeDatabase, Depend(get_db)]) -> dict:
    return db.get(user_id)


@action
async def stamp(
    clock: Annotated[FakeClock, Depend(get_clock)],
    label: str,
    db: Annotated[FakeDatabase, Depend(get_db)],
) -> str:
    return f"{label} @ {clock.today()} ({len(db.ROWS)} users)"


@workflow
class CreditsReportWorkflow(Workflow):
    async def run(self, user_ids: list[str]) -> dict[str, str]:
        report: dict[str, str] = {}
        for user_id in user_ids:
            user = await load_user(user_id)
            report[user["name"]] = "has credits" if user["credits"] > 0 else "empty"
        report["stamp"] = await stamp(label="credits")
        return report
