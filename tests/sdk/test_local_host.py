import sys
from http import HTTPStatus
from dataclasses import dataclass
from typing import Annotated

import pytest
from pydantic import BaseModel

from rappel import Depend, RappelError, RappelTimeout, action
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


def test_construct_builtins_models_dataclasses_and_exceptions():
    host = LocalHost()
    assert host.construct("ValueError", ["bad"], {}).args == ("bad",)
    assert host.construct("dict", [], {"a": 1}) == {"a": 1}
    assert host.construct(f"{__name__}.Point", [], {"x": 1, "y": 2}) == Point(x=1, y=2)
    assert host.construct(f"{__name__}.Box", ["crate"], {}) == Box("crate")
    assert host.construct(f"{__name__}.Box.Lid", [], {"color": "red"}) == Box.Lid("red")
    assert isinstance(host.construct("rappel.RappelTimeout", ["late"], {}), RappelTimeout)


def test_construct_errors_are_clear():
    host = LocalHost()
    with pytest.raises(RappelError, match="'Nope' is not a builtin type"):
        host.construct("Nope", [], {})
    with pytest.raises(RappelError, match="module '.*' has no 'Missing'"):
        host.construct(f"{__name__}.Missing", [], {})
    with pytest.raises(RappelError, match="no module 'no_such_pkg_q'"):
        host.construct("no_such_pkg_q.Thing", [], {})
    with pytest.raises(RappelError, match="not a class"):
        host.construct(f"{__name__}.multiplier", [], {})


def test_exception_matching_follows_the_class_hierarchy():
    host = LocalHost()
    assert host.exception_matches(KeyError("k"), "LookupError")
    assert host.exception_matches(KeyError("k"), "Exception")
    assert not host.exception_matches(KeyError("k"), "ValueError")
    assert host.exception_matches(PaymentDeclined(), f"{__name__}.PaymentDeclined")
    assert host.exception_matches(RappelTimeout(), "rappel.RappelError")
    with pytest.raises(RappelError, match="not an exception class"):
        host.exception_matches(KeyError(), "dict")


def test_isinstance_on_any_class_and_enum_members():
    host = LocalHost()
    assert host.is_instance(Point(x=1, y=2), f"{__name__}.Point")
    assert host.is_instance(Box("crate"), f"{__name__}.Box")
    assert not host.is_instance(Box("crate"), f"{__name__}.Point")
    assert host.is_instance(KeyError("k"), "LookupError")
    assert host.enum_member("http.HTTPStatus", "NOT_FOUND") is HTTPStatus.NOT_FOUND
    with pytest.raises(AttributeError, match="type object 'HTTPStatus' has no attribute 'TEAPOT_2'"):
        host.enum_member("http.HTTPStatus", "TEAPOT_2")
    with pytest.raises(RappelError, match="is not an enum"):
        host.enum_member(f"{__name__}.Point", "x")


async def test_sleep_is_virtual():
    host = LocalHost()
    await host.sleep(3600)
    await host.sleep(-1)
    assert host.clock.sleeps == [3600.0, 0.0]


def test_module_that_fails_to_import_is_not_mistaken_for_a_missing_one(tmp_path, monkeypatch):
    (tmp_path / "broken_types_mod.py").write_text("import definitely_missing_dependency\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "broken_types_mod", raising=False)
    with pytest.raises(ModuleNotFoundError, match="definitely_missing_dependency"):
        LocalHost().construct("broken_types_mod.Thing", [], {})
