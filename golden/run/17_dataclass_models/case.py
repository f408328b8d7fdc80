# Runs: dataclasses returned by actions, constructed in the workflow (by keyword and positionally, with defaults) and returned as the result.
from dataclasses import dataclass, field

from rappel import Workflow, action, workflow

INPUT = {"points": [[0.0, 0.0], [3.0, 4.0], [6.0, 8.0]]}
EXPECTS = "result"


@dataclass
class Point:
    x: float
    y: float


@dataclass
class Leg:
    start: Point
    end: Point
    km: float


@dataclass
class Trip:
    legs: list[Leg]
    total_km: float
    tags: list[str] = field(default_factory=list)


@action
async def to_point(coords: list[float]) -> Point:
    return Point(x=coords[0], y=coords[1])


@action
async def measure(start: Point, end: Point) -> float:
    return ((end.x - start.x) ** 2 + (end.y - start.y) ** 2) ** 0.5


@workflow
class TripWorkflow(Workflow):
    async def run(self, points: list[list[float]]) -> Trip:
        stops: list[Point] = []
        for coords in points:
            stop = await to_point(coords)
            stops.append(stop)
        legs: list[Leg] = []
        for start, end in zip(stops, stops[1:]):
            km = await measure(start, end)
            legs.append(Leg(start=start, end=end, km=km))
        total = sum(leg.km for leg in legs)
        origin = Point(0.0, 0.0)
        tags = ["round-number"] if total == int(total) else []
        if stops and stops[0] == origin:
            tags.append("from-origin")
        return Trip(legs, total, tags)
