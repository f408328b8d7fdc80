# Runs: class constants read as Class.NAME (plain classes, subclasses that override them, a dataclass default, ClassVars of a model, an exception class and the workflow class itself) become RRL consts; Class.__name__ is the class's name.
from dataclasses import dataclass
from typing import ClassVar

from pydantic import BaseModel

from rappel import Workflow, action, workflow

INPUT = {"sizes": [3, 12, 40, 7]}
EXPECTS = "result"


class Limits:
    MAX_BATCH = 10
    MAX_BATCHES = MAX_BATCH // 2
    LABELS = ("small", "large")


class StrictLimits(Limits):
    MAX_BATCH = 5


@dataclass
class Batch:
    size: int
    unit: str = "items"


class Plan(BaseModel):
    VERSION: ClassVar[int] = 2
    batches: list[int]


class TooLarge(Exception):
    code = "too_large"


@action
async def split(size: int, limit: int) -> list[int]:
    return [min(limit, size - start) for start in range(0, size, limit)]


@workflow
class BatchingWorkflow(Workflow):
    PREFIX = "plan"

    async def run(self, sizes: list[int]) -> dict:
        plans = []
        for size in sizes:
            limit = StrictLimits.MAX_BATCH if size > Limits.MAX_BATCH * 2 else Limits.MAX_BATCH
            batches = await split(size, limit)
            if len(batches) > Limits.MAX_BATCHES:
                plans.append(f"{TooLarge.code}: {size}")
                continue
            label = Limits.LABELS[1] if size > Limits.MAX_BATCH else Limits.LABELS[0]
            plans.append(f"{BatchingWorkflow.PREFIX}-{self.PREFIX}/v{Plan.VERSION}: {label} {batches} {Batch.unit}")
        return {"plans": plans, "names": [Plan.__name__, TooLarge.__name__, KeyError.__name__], "limits": [StrictLimits.MAX_BATCHES]}
