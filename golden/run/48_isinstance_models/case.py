# Runs: isinstance() with dataclasses, pydantic models, enums, subclasses, unions, tuples and a module constant naming classes, on values built in the workflow and returned by actions.
import enum
from dataclasses import dataclass

from pydantic import BaseModel

from rappel import Workflow, action, workflow

INPUT = {"shapes": [["circle", 2], ["square", 3], ["label", 0], ["big_square", 10]]}
EXPECTS = "result"


class Unit(enum.Enum):
    CM = "cm"


@dataclass
class Circle:
    radius: float


class Square(BaseModel):
    side: float


class BigSquare(Square):
    pass


SHAPES = (Circle, Square)


@action
async def build(kind: str, size: float) -> Circle | Square | str:
    if kind == "circle":
        return Circle(radius=size)
    if kind == "square":
        return Square(side=size)
    if kind == "big_square":
        return BigSquare(side=size)
    return kind


@workflow
class AreaWorkflow(Workflow):
    async def run(self, shapes: list[list]) -> list:
        report = []
        for kind, size in shapes:
            shape = await build(kind, size)
            if isinstance(shape, Circle):
                area = 3 * shape.radius * shape.radius
            elif isinstance(shape, (BigSquare, int)):
                area = -1
            elif isinstance(shape, Square):
                area = shape.side * shape.side
            else:
                area = 0
            report.append([kind, area, isinstance(shape, SHAPES), isinstance(shape, str | None)])
        built = Circle(radius=1.0)
        report.append([isinstance(built, Circle), isinstance(built, Square), isinstance(Unit.CM, Unit), isinstance(Unit("cm"), (Circle, Unit))])
        return report
