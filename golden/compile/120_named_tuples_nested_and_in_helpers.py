# Pins: a NamedTuple nested in a class keeps its qualname (`namedtuple Cell from module import Grid.Cell`); NamedTuples in a helper method, in `isinstance` with a tuple of classes, in the types of a dict's keys and an optional result, and a field that is itself a NamedTuple.
from typing import NamedTuple

from rappel import Workflow, action, workflow


class Grid:
    class Cell(NamedTuple):
        row: int
        col: int = 0


class Move(NamedTuple):
    start: Grid.Cell
    end: Grid.Cell


@action
async def plan(cells: dict[Grid.Cell, str]) -> Move | None:
    return None


@workflow
class GridWorkflow(Workflow):
    async def run(self, rows: int) -> list:
        cells = {Grid.Cell(r): f"r{r}" for r in range(rows)}
        move = await plan(cells)
        if move is None:
            move = self.default_move(rows)
        return [move.end.row, isinstance(move.start, (Move, Grid.Cell)), self.distance(move)]

    def default_move(self, rows: int) -> Move:
        return Move(Grid.Cell(0), end=Grid.Cell(rows - 1, col=1))

    def distance(self, move: Move) -> int:
        (r1, c1), (r2, c2) = move
        return abs(r2 - r1) + abs(c2 - c1)
