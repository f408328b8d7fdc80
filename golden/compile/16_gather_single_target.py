# Pins: a fixed-arity gather bound to one name (a list) and then indexed, including negative indices and len().
import asyncio

from rappel import Workflow, action, workflow


@action
async def count_signups(day: str) -> int:
    return 10


@workflow
class SignupTrendWorkflow(Workflow):
    async def run(self) -> dict[str, int]:
        counts = await asyncio.gather(
            count_signups("monday"),
            count_signups("tuesday"),
            count_signups("wednesday"),
        )
        return {
            "first": counts[0],
            "last": counts[-1],
            "days": len(counts),
            "delta": counts[-1] - counts[0],
        }
