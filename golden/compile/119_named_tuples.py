# Pins: NamedTuples declared (`namedtuple Name from module:` with its fields in order, defaults last) from class syntax and from the calls that make them (`collections.namedtuple` with a list or a string of names, `typing.NamedTuple` with typed fields); built by position and by name, read by field and by index, unpacked, `_replace`/`_asdict`/`_fields`, and passed to and from actions.
import collections
import typing
from typing import NamedTuple

from rappel import Workflow, action, workflow


class Point(NamedTuple):
    x: int
    y: int = 0
    label: str = "origin"


Pair = collections.namedtuple("Pair", ["left", "right"])
Triple = collections.namedtuple("Triple", "a b c", defaults=[0])
Size = typing.NamedTuple("Size", [("width", int), ("height", int)])


@action
async def measure(point: Point) -> Size:
    return Size(point.x, point.y)


@action
async def pair_up(pair: Pair) -> list[Triple]:
    return [Triple(pair.left, pair.right)]


@workflow
class GeometryWorkflow(Workflow):
    async def run(self, x: int) -> tuple:
        point = Point(x, label="start")
        size = await measure(point._replace(y=x * 2))
        width, height = size
        triples = await pair_up(Pair(width, right=height))
        first = triples[0]
        return point.label, size[1], first.c, point._asdict(), size._fields, isinstance(point, tuple)
