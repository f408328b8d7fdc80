"""The workflows and actions of the durability tests (tests/runtime/test_durability.py),
served by the workers as RAPPEL_USER_MODULE=durable_app.

Actions record every execution in the file RAPPEL_DRILL_LOG, one line appended
per event (`start <step> <key>` / `end <step> <key>`), so the test counts how
often each step of each instance ran, across worker processes and restarts.
A step that waits for the gate waits until the file RAPPEL_DRILL_GATE exists.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from rappel import Workflow, action, workflow


def record(event: str, step: str, key: str) -> None:
    # One short write with O_APPEND: lines from concurrent processes never interleave.
    fd = os.open(os.environ["RAPPEL_DRILL_LOG"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, f"{event} {step} {key}\n".encode())
    finally:
        os.close(fd)


async def gate_open() -> None:
    gate = Path(os.environ["RAPPEL_DRILL_GATE"])
    while not gate.exists():
        await asyncio.sleep(0.05)


# ------------------------------------------------------------------ the crash drill


@action
async def double(n: int) -> int:
    record("start", "double", str(n))
    record("end", "double", str(n))
    return 2 * n


@action
async def increment_at_gate(n: int, value: int) -> int:
    record("start", "increment", str(n))
    await gate_open()
    record("end", "increment", str(n))
    return value + 1


@action
async def label(n: int, value: int) -> str:
    record("start", "label", str(n))
    record("end", "label", str(n))
    return f"{n}:{value}"


@workflow
class ThreeSteps(Workflow):
    """Three actions in a row: n → 2n → 2n+1 → "n:2n+1"."""

    async def run(self, n: int) -> str:
        doubled = await double(n)
        incremented = await increment_at_gate(n, doubled)
        return await label(n, incremented)


# ------------------------------------------------------------------ the bridge drill


@action
async def relay_leg(leg: str, key: str) -> str:
    record("start", leg, key)
    await asyncio.sleep(0.3)
    record("end", leg, key)
    return f"{leg} {key}"


@workflow
class Relay(Workflow):
    """Two legs of 0.3 s each, so that callers wait through the bridge's deaths."""

    async def run(self, key: str) -> list[str]:
        first = await relay_leg("first", key)
        second = await relay_leg("second", key)
        return [first, second]


# ------------------------------------------------------------------ errors


class PaymentDeclined(Exception):
    """Raised by an action; the caller gets it back as this class."""


@action
async def charge(order_id: str, cents: int) -> str:
    raise PaymentDeclined(f"card declined for order {order_id} ({cents} cents)")


@workflow
class Checkout(Workflow):
    async def run(self, order_id: str, cents: int) -> str:
        return await charge(order_id, cents)


# ------------------------------------------------------------------ durable sleep


@action
async def note(step: str, key: str) -> str:
    record("start", step, key)
    record("end", step, key)
    return f"{step} {key}"


@workflow
class Nap(Workflow):
    """Note, sleep durably for `seconds`, note again."""

    async def run(self, key: str, seconds: float) -> list[str]:
        before = await note("before", key)
        await asyncio.sleep(seconds)
        after = await note("after", key)
        return [before, after]


@workflow
class Quick(Workflow):
    async def run(self, key: str) -> str:
        return await note("quick", key)
