# Rejects: NamedTuples, which RRL does not hold — built in a workflow (class syntax, and `collections.namedtuple`), or in an action's signature — each with a help line pointing at a frozen dataclass; and `isinstance` against a TypedDict (Python cannot test it).
import collections
from typing import NamedTuple, TypedDict

from rappel import Workflow, action, workflow


class Point(NamedTuple):
    x: int
    y: int = 0


Pair = collections.namedtuple("Pair", ["left", "right"])


class Audit(TypedDict):
    who: str


@action
async def shift(p: Point) -> list[Point]:
    return [p]


@workflow
class PointWorkflow(Workflow):
    async def run(self, x: int) -> int:
        p = Point(x, y=2)
        pair = Pair(x, 2)
        return p.x + pair.left


@workflow
class AuditCheckWorkflow(Workflow):
    async def run(self, audit: dict) -> bool:
        return isinstance(audit, Audit)


@workflow
class ShiftWorkflow(Workflow):
    async def run(self, x: int) -> int:
        moved = await shift((x, 0))
        return len(moved)
