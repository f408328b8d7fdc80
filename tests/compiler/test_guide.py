"""The accepted-subset table (`dialect.CONSTRUCTS`) says what the frontend does,
and docs/guide.md shows the tables scripts/gen_guide.py makes of dialect.py."""

from __future__ import annotations

import importlib.util
import textwrap
from pathlib import Path

import pytest

import rrl
from rappel_compiler import dialect
from rappel_compiler.diagnostics import CODES

from .support import compile_text

ROOT = Path(__file__).resolve().parents[2]

# The module every example runs in: `run()` takes `xs`, `d` and `name`, next to an
# action `step`, a helper method `double`, a module function, an enum, a NamedTuple
# and the modules the rows call.
MODULE = """
import datetime
import enum
import hashlib
import json
import os
import random
import time
from typing import NamedTuple

from rappel import BackoffPolicy, RetryPolicy


class Color(enum.Enum):
    RED = "red"
    BLUE = "blue"


class Point(NamedTuple):
    x: int


def _module_function(s: str) -> str:
    return s.strip()


@action
async def step(x: int) -> int:
    return x


@workflow
class Flow(Workflow):
    async def run(self, xs: list[int], d: dict[str, int], name: str) -> object:
{body}

    def double(self, x: int) -> int:
        return x * 2
"""


def _load_generator():
    spec = importlib.util.spec_from_file_location("gen_guide", ROOT / "scripts" / "gen_guide.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("row", dialect.CONSTRUCTS, ids=[row.shown for row in dialect.CONSTRUCTS])
def test_each_construct_is_accepted_or_refused_as_the_table_says(row: dialect.Construct):
    body = textwrap.indent(row.example, " " * 8)
    result = compile_text(MODULE.format(body=body))
    codes = {d.code for d in result.diagnostics}
    shown = rrl.render_all(result.diagnostics)
    if row.code is None:
        assert not codes, f"the table says {row.shown} is accepted, the compiler says:\n{shown}"
    else:
        assert row.code in CODES
        assert row.code in codes, f"the table says {row.shown} is refused with {row.code}, the compiler says: {shown or 'accepted'}"


def test_the_table_has_both_kinds_of_rows():
    assert sum(row.code is None for row in dialect.CONSTRUCTS) >= 10
    assert sum(row.code is not None for row in dialect.CONSTRUCTS) >= 10
    assert len({row.shown for row in dialect.CONSTRUCTS}) == len(dialect.CONSTRUCTS)


def test_the_guide_shows_the_tables_of_dialect_py():
    guide = (ROOT / "docs" / "guide.md").read_text(encoding="utf-8")
    generator = _load_generator()
    assert guide.count("<!-- generated: ") == len(generator.TABLES)
    assert generator.render(guide) == guide, "docs/guide.md is stale: run `make guide` and commit the result"
