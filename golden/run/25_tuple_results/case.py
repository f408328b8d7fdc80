# Runs: an action returning a tuple, tuple unpacking of it, and a workflow returning a tuple mixing scalars and a pydantic model.
from pydantic import BaseModel

from rappel import Workflow, action, workflow

INPUT = {"values": [4, 8, 15, 16, 23, 42]}
EXPECTS = "result"


class Stats(BaseModel):
    mean: float
    spread: int


@action
async def min_max(values: list[int]) -> tuple[int, int]:
    return (min(values), max(values))


@action
async def mean(values: list[int]) -> float:
    return sum(values) / len(values)


@workflow
class StatsWorkflow(Workflow):
    async def run(self, values: list[int]) -> tuple[int, int, Stats]:
        low, high = await min_max(values)
        average = await mean(values)
        bounds = (low, high)
        return bounds[0], bounds[1], Stats(mean=average, spread=high - low)
