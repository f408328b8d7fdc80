# Runs: gather unpacked into a tuple of three names, combined into a dict.
import asyncio

from rappel import Workflow, action, workflow

INPUT = {"user_id": "u-42"}
EXPECTS = "result"


@action
async def fetch_name(user_id: str) -> str:
    return f"User {user_id.split('-')[1]}"


@action
async def fetch_plan(user_id: str) -> str:
    return "pro" if user_id.endswith("2") else "free"


@action
async def fetch_seats(user_id: str) -> int:
    return len(user_id) * 2


@workflow
class AccountOverviewWorkflow(Workflow):
    async def run(self, user_id: str) -> dict[str, str]:
        name, plan, seats = await asyncio.gather(fetch_name(user_id), fetch_plan(user_id=user_id), fetch_seats(user_id))
        return {"name": name, "plan": plan, "seats": str(seats)}
