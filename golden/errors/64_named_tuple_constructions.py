# Rejects: NamedTuple constructions the checker sees are wrong before anything runs — a field spelt wrong (with the field meant), more positional arguments than fields, a field given by position and by name, a field without a default left out — and a NamedTuple whose default Python computes by a call, which RRL cannot hold.
import collections
from typing import NamedTuple

from rappel import Workflow, workflow


class Span(NamedTuple):
    start: int
    end: int
    label: str = "span"


def today() -> str:
    return "monday"


class Stamp(NamedTuple):
    day: str = today()


Pair = collections.namedtuple("Pair", ["left", "right"])


@workflow
class SpanWorkflow(Workflow):
    async def run(self, x: int) -> list:
        return [
            Span(x, end=2, lable="a"),
            Span(1, 2, "a", 4),
            Span(x, 2, start=3),
            Pair(left=x),
        ]


@workflow
class StampWorkflow(Workflow):
    async def run(self) -> str:
        return Stamp().day
