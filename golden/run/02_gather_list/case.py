# Runs: a fixed-arity gather bound to a single name; the result is a list in argument order regardless of completion order.
import asyncio

from rappel import Workflow, action, workflow

INPUT = {"n": 6}
EXPECTS = "result"


@action
async def square(x: int) -> int:
    return x * x


@action
async def cube(x: int) -> int:
    return x * x * x


@action
async def negate(x: int) -> int:
    return -x


@workflow
class PowersWorkflow(Workflow):
    async def run(self, n: int) -> list[int]:
        values = await asyncio.gather(cube(n), square(n), negate(n))
        return values
