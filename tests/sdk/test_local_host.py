from dataclasses import dataclass
from typing import Annotated

import pytest
from pydantic import BaseModel

from rappel import Depend, RappelTimeout, action
from rappel._local_host import LocalHost
from rrl.interpreter import Dispatch, TimedOut, run_attempt
from rappel.testing import override_dependency


class Point(BaseModel):
    x: int
    y: int


@dataclass
class Box:
    label: str

    @dataclass
    class Lid:
        color: str


class PaymentDeclined(Exception):
    pass


def multiplier() -> int:
    return 3


@action
async def host_multiply(n: int, factor: Annotated[int, Depend(multiplier)]) -> int:
    return n * factor


@action
async def host_decline(amount: float) -> None:
    raise PaymentDeclined(f"declined {amount}")


@action
async def host_hang() -> None:
    import asyncio

    await asyncio.sleep(10)


def dispatch(action: str, kwargs: dict, timeout: float = 5.0, attempt: int = 1) -> Dispatch:
    return Dispatch("0", attempt, action, __name__, kwargs, timeout)


async def test_call_action_runs_one_attempt_with_dependencies():
    host = LocalHost()
    assert await host.call_action(dispatch("host_multiply", {"n": 2})) == 6
    with override_dependency(multiplier, lambda: 10):
        assert await host.call_action(dispatch("host_multiply", {"n": 2})) == 20


async def test_call_action_propagates_the_real_exception():
    with pytest.raises(PaymentDeclined, match="declined 9.5"):
        await LocalHost().call_action(dispatch("host_decline", {"amount": 9.5}))


async def test_an_attempt_past_its_timeout_completes_as_timed_out():
    completion = await run_attempt(LocalHost(), dispatch("host_hang", {}, timeout=0.02, attempt=3))
    assert completion == TimedOut("0", 3)


async def test_call_action_checks_arguments():
    with pytest.raises(TypeError, match=r"host_multiply\(\): missing a required argument: 'n'"):
        await LocalHost().call_action(dispatch("host_multiply", {}))


def _program_classes(declarations: str):
    """The classes of a program that declares `declarations` (and nothing else)."""
    import rrl
    from rrl.evaluate import Evaluator

    program = rrl.parse(f"rrl 1\n\n{declarations}")
    return Evaluator({c.name: c for c in program.classes}).classes


@action
async def host_point(x: int) -> Point:
    return Point(x=x, y=x + 1)


@action
async def host_lid(color: str) -> Box.Lid:
    return Box.Lid(color)


async def test_results_come_back_as_the_programs_values():
    classes = _program_classes(
        f"model Point from {__name__}:\n    x: int\n    y: int\n\ndataclass Lid from {__name__} import Box.Lid:\n    color: str\n"
    )
    host = LocalHost(classes=classes)
    point = await host.call_action(dispatch("host_point", {"x": 1}))
    assert type(point) is classes.named("Point") and not isinstance(point, Point)
    assert (point.x, point.y, repr(point)) == (1, 2, "Point(x=1, y=2)")
    lid = await host.call_action(dispatch("host_lid", {"color": "red"}))
    assert type(lid) is classes.named("Lid") and repr(lid) == "Box.Lid(color='red')"
    # an argument of the program's classes reaches the action as the user's class
    assert await host.call_action(dispatch("host_point", {"x": point.x})) == point


async def test_exceptions_come_back_as_the_programs_classes():
    classes = _program_classes(f"exception PaymentDeclined(Exception) from {__name__}\n")
    with pytest.raises(classes.named("PaymentDeclined"), match="declined 9.5") as raised:
        await LocalHost(classes=classes).call_action(dispatch("host_decline", {"amount": 9.5}))
    assert not isinstance(raised.value, PaymentDeclined)
    # the engine's own (a timed-out attempt's, which the machine builds): one class in both worlds
    assert classes.resolve("rappel:RappelTimeout") is RappelTimeout


async def test_sleep_is_virtual():
    host = LocalHost()
    await host.sleep(3600)
    await host.sleep(-1)
    assert host.clock.sleeps == [3600.0, 0.0]
