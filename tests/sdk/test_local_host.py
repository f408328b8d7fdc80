from dataclasses import dataclass
from typing import Annotated

import pytest
from pydantic import BaseModel

from rappel import Depend, RappelTimeout, action
from rappel._local_host import LocalHost
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


async def test_call_action_runs_one_attempt_with_dependencies():
    host = LocalHost()
    assert await host.call_action("host_multiply", __name__, {"n": 2}, 5.0, 1) == 6
    with override_dependency(multiplier, lambda: 10):
        assert await host.call_action("host_multiply", __name__, {"n": 2}, None, 1) == 20


async def test_call_action_propagates_the_real_exception():
    with pytest.raises(PaymentDeclined, match="declined 9.5"):
        await LocalHost().call_action("host_decline", __name__, {"amount": 9.5}, 1.0, 1)


async def test_call_action_times_out_with_rappel_timeout():
    with pytest.raises(RappelTimeout, match="host_hang timed out after 0.02s") as info:
        await LocalHost().call_action("host_hang", __name__, {}, 0.02, 3)
    assert (info.value.timeout, info.value.attempt) == (0.02, 3)
    assert str(info.value) == "action host_hang timed out after 0.02s (attempt 3)"


async def test_call_action_checks_arguments():
    with pytest.raises(TypeError, match=r"host_multiply\(\): missing a required argument: 'n'"):
        await LocalHost().call_action("host_multiply", __name__, {}, None, 1)


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
    point = await host.call_action("host_point", __name__, {"x": 1}, None, 1)
    assert type(point) is classes.named("Point") and not isinstance(point, Point)
    assert (point.x, point.y, repr(point)) == (1, 2, "Point(x=1, y=2)")
    lid = await host.call_action("host_lid", __name__, {"color": "red"}, None, 1)
    assert type(lid) is classes.named("Lid") and repr(lid) == "Box.Lid(color='red')"
    # an argument of the program's classes reaches the action as the user's class
    assert await host.call_action("host_point", __name__, {"x": point.x}, None, 1) == point


async def test_exceptions_come_back_as_the_programs_classes():
    classes = _program_classes(f"exception PaymentDeclined(Exception) from {__name__}\n")
    with pytest.raises(classes.named("PaymentDeclined"), match="declined 9.5") as raised:
        await LocalHost(classes=classes).call_action("host_decline", __name__, {"amount": 9.5}, 1.0, 1)
    assert not isinstance(raised.value, PaymentDeclined)
    with pytest.raises(RappelTimeout):  # the engine's own: one class in both worlds
        await LocalHost(classes=classes).call_action("host_hang", __name__, {}, 0.02, 1)


async def test_sleep_is_virtual():
    host = LocalHost()
    await host.sleep(3600)
    await host.sleep(-1)
    assert host.clock.sleeps == [3600.0, 0.0]
