# Runs: NamedTuples crossing the value codec — an action takes and returns them (the worker rebuilds the user's classes: class syntax and `collections.namedtuple`), one nested in a dataclass and as a dict key, a workflow argument and its result; the workflow reads them as tuples with names.
import collections
from dataclasses import dataclass
from typing import NamedTuple

from rappel import Workflow, action, workflow

EXPECTS = "result"


class Cell(NamedTuple):
    row: int
    col: int


INPUT = {"corner": Cell(2, 3)}


class Move(NamedTuple):
    start: Cell
    end: Cell
    note: str = ""


Score = collections.namedtuple("Score", "player points")


@dataclass
class Board:
    size: int
    marks: dict[Cell, str]


@action
async def step(cell: Cell) -> Move:
    assert type(cell) is Cell, type(cell)
    return Move(cell, Cell(cell.row + 1, cell.col), note=f"{type(cell).__name__} {cell.row},{cell.col}")


@action
async def score(move: Move, board: Board) -> Score:
    assert type(move.start) is Cell and all(type(key) is Cell for key in board.marks)
    return Score("ana", len(board.marks) + move.end.row)


@workflow
class BoardWorkflow(Workflow):
    async def run(self, corner: Cell) -> tuple:
        start = Cell(*corner)
        move = await step(start)
        board = Board(3, {move.start: "x", move.end: "o"})
        result = await score(move, board)
        player, points = result
        return move, result, board.marks[(3, 3)], player, points, move.end == (3, 3), repr(result)
