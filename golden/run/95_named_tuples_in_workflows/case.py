# Runs: NamedTuples built and used in the workflow, as the tuples they are — by position and by name, defaults, Python's arity errors word for word (where only running shows them), fields, indexing and slicing (a plain tuple), unpacking, len, iteration, `in`, equality and order with plain tuples, a set member and a dict key, sorting, `_replace` (and its error), `_asdict`, `_fields`, repr, isinstance against the class and `tuple`, and a field that cannot be assigned.
import collections
from typing import NamedTuple

from rappel import Workflow, action, workflow

INPUT = {"xs": [3, 1, 2]}
EXPECTS = "result"


class Point(NamedTuple):
    x: int
    y: int = 0


class Span(NamedTuple):
    start: int
    end: int
    label: str = "span"


Pair = collections.namedtuple("Pair", ["left", "right"])


@action
async def double(n: int) -> int:
    return n * 2


@workflow
class NamedTupleWorkflow(Workflow):
    async def run(self, xs: list[int]) -> tuple:
        points = [Point(x, y=await double(x)) for x in xs]
        origin = Point(0)
        span = Span(1, end=4)
        pair = Pair(origin, span)
        errors = []
        try:
            Span(*xs[:1])
        except TypeError as e:
            errors.append(str(e))
        try:
            Pair(*xs[:0])
        except TypeError as e:
            errors.append(str(e))
        try:
            Point(*xs)
        except TypeError as e:
            errors.append(str(e))
        try:
            Point(*xs[:1], x=2)
        except TypeError as e:
            errors.append(str(e))
        try:
            origin._replace(z=1)
        except ValueError as e:
            errors.append(str(e))
        fresh = Point(7)
        try:
            fresh.x = 5
        except AttributeError as e:
            errors.append(str(e))
        x, y = points[0]
        total = 0
        for item in span:
            if isinstance(item, int):
                total += item
        seen = {origin, (0, 0), Point(0, 0)}
        by_point = {p: p.x * p.y for p in points}
        moved = span._replace(end=9, label="moved")
        facts = [
            x + y,
            points[1].y,
            span[1],
            span[-1],
            span[:2],
            type(span[:2]).__name__,
            len(span),
            total,
            4 in span,
            origin == (0, 0),
            (0, 0) == origin,
            Point(1, 2) < Point(1, 3),
            Point(2, 0) > (1, 9),
            sorted(points),
            len(seen),
            by_point[(1, 2)],
            moved,
            moved._asdict(),
            moved._fields,
            repr(pair),
            str(span),
            f"{origin}",
            span + (5,),
            isinstance(origin, Point),
            isinstance(origin, tuple),
            isinstance(pair, Point),
            pair.left.y,
            pair[1].label,
            max(points).x,
            list(origin),
            origin.count(0),
            span.index(4),
        ]
        return points, pair, errors, facts
