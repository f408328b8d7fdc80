"""RPL0245: action and run() signatures whose types the value codec cannot carry.

Action arguments and results, and run()'s arguments and result, cross process
boundaries in the codec's JSON; an annotation that names a plain class, a function,
an iterator, a stream or a class is rejected where it appears. What the codec
carries, `Any`/`object`, and names the compiler cannot resolve are accepted.
"""

from __future__ import annotations

import pytest

from rappel_compiler import ActionInfo, ParamInfo, live_resolver

from .support import codes, compile_text, diagnostics_text, expect

LOCAL_CLASSES = """
import collections.abc
import datetime
import decimal
import enum
import io
import typing
import uuid
from dataclasses import dataclass
from typing import IO, Annotated, Any, Callable, Iterator, Literal, Optional, TypedDict

from pydantic import BaseModel

from rappel import Depend


class Connection:
    pass


class Color(enum.Enum):
    RED = "red"


class Level(enum.IntEnum):
    LOW = 1


class Payload(TypedDict):
    id: str


class Order(BaseModel):
    id: str


@dataclass
class Line:
    sku: str


class Declined(Exception):
    pass


def open_connection() -> Connection:
    return Connection()
"""


def action_with(annotation: str, returns: str = "None") -> str:
    return f"""
{LOCAL_CLASSES}

@action
async def act(value: {annotation}) -> {returns}:
    return None


@workflow
class Flow(Workflow):
    async def run(self, value: Any) -> None:
        await act(value)
"""


REJECTED = [
    ("Connection", "`Connection`, a plain class"),
    ("list[Connection]", "`list[Connection]`, and `Connection` is a plain class"),
    ("dict[str, Connection] | None", "and `Connection` is a plain class"),
    ("Optional[tuple[int, Connection]]", "and `Connection` is a plain class"),
    ('"Connection"', "and `Connection` is a plain class"),
    ("Annotated[Connection, 'meta']", "and `Connection` is a plain class"),
    ("Callable[[int], int]", "`Callable[[int], int]`, a function type"),
    ("collections.abc.Callable", "a function type"),
    ("Iterator[int]", "an iterator or generator type"),
    ("typing.AsyncGenerator[int, None]", "an iterator or generator type"),
    ("typing.Awaitable[int]", "an awaitable type"),
    ("IO[str]", "a file or stream type"),
    ("io.StringIO", "a file or stream type"),
    ("type[Order]", "the type of classes"),
    ("typing.ContextManager[int]", "a context manager type"),
    ("bytearray", "`bytearray`, a builtin type the codec does not encode"),
    ("range", "`range`, a builtin type the codec does not encode"),
]


@pytest.mark.parametrize("annotation, says", REJECTED, ids=[a for a, _ in REJECTED])
def test_an_action_parameter_the_codec_cannot_carry(annotation, says):
    text = diagnostics_text(action_with(annotation))
    assert text.startswith(f"error[RPL0245]: the parameter `value` of the action `act` has the type `{annotation}`")
    assert says in text.splitlines()[0]
    assert text.count("error[RPL0245]") == 1


ACCEPTED = [
    "Any", "object", "None", "int", "float", "str", "bool", "bytes",
    "list[dict[str, tuple[int, ...]]]", "set[int]", "frozenset[str]", "typing.Sequence[int]",
    "collections.abc.Mapping[str, int]", "Literal['a', 'b']", "datetime.datetime", "datetime.timedelta",
    "uuid.UUID", "decimal.Decimal", "Color", "Level", "Payload", "Order", "Line", "Declined", "ValueError",
    "Optional[Order]", '"Order"', "dict[Color, list[Line]]", "Annotated[Order, 'meta']", "'app.models.Unknown'",
]


@pytest.mark.parametrize("annotation", ACCEPTED)
def test_what_the_codec_carries_is_accepted(annotation):
    assert codes(action_with(annotation, returns=annotation)) == []


def test_injected_parameters_never_leave_the_worker():
    assert codes(f"""
{LOCAL_CLASSES}

@action
async def act(n: int, conn: Annotated[Connection, Depend(open_connection)]) -> int:
    return n


@workflow
class Flow(Workflow):
    async def run(self) -> int:
        return await act(1)
""") == []


def test_results_and_run_signatures_are_checked():
    text = diagnostics_text(f"""
{LOCAL_CLASSES}

@action
async def rows(n: int) -> Iterator[int]:
    yield n


@workflow
class Flow(Workflow):
    async def run(self, handler: Callable[[str], None], n: int) -> Connection:
        await rows(n)
        return None
""")
    assert [line for line in text.splitlines() if line.startswith("error[")] == [
        "error[RPL0245]: the result of the action `rows` has the type `Iterator[int]`, an iterator or generator type: its values cannot cross a process boundary",
        "error[RPL0245]: the parameter `handler` of `Flow.run()` has the type `Callable[[str], None]`, a function type: its values cannot cross a process boundary",
        "error[RPL0245]: the result of `Flow.run()` has the type `Connection`, a plain class: its values cannot cross a process boundary",
    ]
    assert "= help: return a list: an action's result travels back only once it is complete" in text
    assert "= help: pass a value that says what to do (a name, an enum member) and choose the function inside the action" in text


def test_the_caret_points_at_the_part_that_cannot_cross():
    text = diagnostics_text(action_with("dict[str, list[Connection]]"))
    assert text.splitlines()[1:5] == expect("""
          --> app/flows.py:55:37
           |
        55 | async def act(value: dict[str, list[Connection]]) -> None:
           |                                     ^^^^^^^^^^
        """).splitlines()


def live_and(actions: dict[str, ActionInfo]):
    live = live_resolver({})
    return lambda qualified: actions.get(qualified) or live(qualified)


def test_classes_from_other_modules_are_classified_by_the_resolver():
    body = """
    import sqlite3
    import datetime
    import uuid

    from app.models import Anything


    @action
    async def act(conn: sqlite3.Connection, when: datetime.datetime, key: uuid.UUID, other: Anything) -> None:
        return None


    @workflow
    class Flow(Workflow):
        async def run(self) -> None:
            await act(None, None, None, None)
    """
    result = compile_text(body, resolve=live_and({}))
    assert [(d.code, d.message) for d in result.diagnostics] == [
        ("RPL0245", "the parameter `conn` of the action `act` has the type `sqlite3.Connection`, a plain class: "
                    "its values cannot cross a process boundary"),
    ]
    assert compile_text(body).diagnostics == []  # without a resolver: no guessing


def test_an_imported_action_is_reported_at_its_call():
    fetch = ActionInfo("fetch", "app.db", (ParamInfo("conn", "sqlite3.Connection"), ParamInfo("n", "int")), "collections.abc.Iterator[int]")
    text = diagnostics_text("""
    from app.db import fetch


    @workflow
    class Flow(Workflow):
        async def run(self) -> None:
            await fetch(None, 3)
    """, resolve=live_and({"app.db.fetch": fetch}))
    assert [line for line in text.splitlines() if line.startswith(("error[", "1"))] == [
        "error[RPL0245]: the parameter `conn` of the action `fetch` (from app.db) has the type `sqlite3.Connection`, a plain class: its values cannot cross a process boundary",
        "12 |         await fetch(None, 3)",
        "error[RPL0245]: the result of the action `fetch` (from app.db) has the type `collections.abc.Iterator[int]`, an iterator or generator type: its values cannot cross a process boundary",
        "12 |         await fetch(None, 3)",
    ]
