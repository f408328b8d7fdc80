"""The RRL optimizer: a pipeline of passes run to a fixed point.

Each pass is a pure function `Program -> Program` that keeps spans (a node
that replaces another takes its span). `optimize` runs `PASSES` in order,
round after round, until a round changes nothing (at most `MAX_ROUNDS`).

With `verify=True` (the tests use it) the driver checks after every pass
that the program still prints and parses back to itself, and that the
checker reports no error it did not report before the pass.

Merging chains of pure statements into one DAG node is not done here: it
belongs to the DAG lowering (`rrl.dag`).
"""

from __future__ import annotations

import sys
from collections import Counter
from dataclasses import dataclass
from typing import Callable, Iterable

from .. import ast as A
from ..limits import deep_stack
from .eliminate_dead_code import eliminate_dead_code
from .fold_constants import fold_constants
from .propagate_copies import propagate_copies
from .simplify_control_flow import simplify_control_flow

MAX_ROUNDS = 8


@dataclass(frozen=True)
class Pass:
    name: str
    run: Callable[[A.Program], A.Program]

    @property
    def summary(self) -> str:
        """The first line of the pass's module docstring."""
        doc = sys.modules[self.run.__module__].__doc__ or ""
        return doc.strip().splitlines()[0] if doc.strip() else ""


PASSES: list[Pass] = [
    Pass("fold_constants", fold_constants),
    Pass("eliminate_dead_code", eliminate_dead_code),
    Pass("propagate_copies", propagate_copies),
    Pass("simplify_control_flow", simplify_control_flow),
]


class VerifyError(AssertionError):
    """A pass broke an invariant of the program (raised with `verify=True` only)."""


def pass_named(name: str) -> Pass:
    for candidate in PASSES:
        if candidate.name == name:
            return candidate
    raise KeyError(f"unknown optimizer pass `{name}`; the passes are: {', '.join(p.name for p in PASSES)}")


def run_pass(name: str, program: A.Program, *, verify: bool = False) -> A.Program:
    """Run one pass once."""
    result = pass_named(name).run(program)
    if verify:
        _verify(name, program, result)
    return result


@deep_stack
def optimize(program: A.Program, *, passes: Iterable[str] | None = None, verify: bool = False, max_rounds: int = MAX_ROUNDS) -> A.Program:
    """Run the passes (all of `PASSES`, or the ones named) until nothing changes."""
    names = [p.name for p in PASSES] if passes is None else list(passes)
    for name in names:
        pass_named(name)
    for _ in range(max_rounds):
        before = program
        for name in names:
            program = run_pass(name, program, verify=verify)
        if program == before:
            break
    return program


def _verify(name: str, before: A.Program, after: A.Program) -> None:
    from ..check import check, errors
    from ..parser import parse
    from ..printer import print_program

    text = print_program(after)
    if parse(text) != after:
        raise VerifyError(f"after `{name}` the program does not print and parse back to itself:\n{text}")
    old = Counter((d.code, d.message) for d in errors(check(before)))
    new = Counter((d.code, d.message) for d in errors(check(after)))
    added = new - old
    if added:
        listed = "\n".join(f"  {code}: {message}" for code, message in added)
        raise VerifyError(f"`{name}` introduced checker errors:\n{listed}\n{text}")


__all__ = ["MAX_ROUNDS", "PASSES", "Pass", "VerifyError", "optimize", "run_pass"]
