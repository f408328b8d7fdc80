# Rejects: what stays refused of NamedTuples — a method or a property their class defines (its code would run in Python, and no runtime runs it), `_make` called on the class, a NamedTuple made by a call whose field names are not written out; and `isinstance` against a TypedDict (Python cannot test it).
import collections
from typing import NamedTuple, TypedDict

from rappel import Workflow, action, workflow


class Point(NamedTuple):
    x: int
    y: int = 0

    def norm(self) -> int:
        return abs(self.x) + abs(self.y)

    @property
    def flipped(self) -> "Point":
        return Point(self.y, self.x)


class Audit(TypedDict):
    who: str


FIELDS = ["left", "right"]
Pair = collections.namedtuple("Pair", FIELDS)


@action
async def shift(p: Point) -> list[Point]:
    return [p]


@workflow
class PointWorkflow(Workflow):
    async def run(self, x: int) -> int:
        p = Point(x, y=2)
        q = Point._make([x, 1])
        return p.norm() + q.x


@workflow
class FlipWorkflow(Workflow):
    async def run(self, x: int) -> int:
        flipped = Point(x).flipped
        return flipped.x


@workflow
class AuditCheckWorkflow(Workflow):
    async def run(self, audit: dict) -> bool:
        return isinstance(audit, Audit)


@workflow
class PairWorkflow(Workflow):
    async def run(self, x: int) -> int:
        return Pair(x, 1).left
