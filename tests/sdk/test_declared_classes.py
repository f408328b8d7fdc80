"""A program declares the classes it names, so the reference interpreter runs it
without the user's classes: classes from other modules (a nested class, one
renamed on import, an enum, an exception hierarchy, a library's exception), and
values of classes the program never names, behave under run_local as under
run_native."""

from __future__ import annotations

import importlib
import sys

import pytest

import rrl
from rappel._workflow import program_of
from rappel.testing import run_local, run_native

MODELS = '''
import enum

from pydantic import BaseModel


class Priority(enum.IntEnum):
    LOW = 1
    HIGH = 2


class Order(BaseModel):
    class Line(BaseModel):
        sku: str
        quantity: int = 1

    id: str
    lines: list["Order.Line"] = []
    priority: Priority = Priority.LOW


class Secret(enum.Enum):
    HIDDEN = "h"


class Receipt(BaseModel):
    order_id: str
    note: str
'''

ERRORS = '''
class ShopError(Exception):
    pass


class OutOfStock(ShopError, LookupError):
    pass


class Backordered(OutOfStock):
    """Raised by an action only: the workflow catches its base."""
'''

FLOWS = '''
import json

from rappel import Workflow, action, workflow

from {package}.errors import Backordered, OutOfStock, ShopError
from {package}.models import Order as PurchaseOrder, Priority, Receipt, Secret


@action
async def reserve(order: PurchaseOrder) -> dict:
    if order.lines[0].sku == "gone":
        raise Backordered(order.id, len(order.lines))
    # values of classes the program does not name, behind `dict`
    return {{"receipt": Receipt(order_id=order.id, note="held"), "secret": Secret.HIDDEN}}


@action
async def parse(text: str) -> dict:
    return json.loads(text)


@workflow
class ShopWorkflow(Workflow):
    async def run(self, order_id: str, skus: list[str], raw: str) -> list:
        order = PurchaseOrder(id=order_id, lines=[PurchaseOrder.Line(sku=s) for s in skus], priority=Priority.HIGH)
        out = [order.lines[0], order.priority > Priority.LOW]
        try:
            held = await reserve(order)
            out += [held["receipt"].note, held["receipt"], held["secret"], held["secret"] == held["secret"]]
        except OutOfStock as e:
            out += [type(e).__name__, e.args, isinstance(e, ShopError), isinstance(e, LookupError)]
        try:
            out.append(await parse(raw))
        except json.JSONDecodeError as e:
            out += [type(e).__name__, e.msg, e.pos, isinstance(e, ValueError)]
        return out
'''


@pytest.fixture
def shop(tmp_path, monkeypatch):
    name = f"shop_pkg_{abs(hash(str(tmp_path))) % 10**8}"
    root = tmp_path / name
    root.mkdir()
    (root / "__init__.py").write_text("")
    (root / "models.py").write_text(MODELS)
    (root / "errors.py").write_text(ERRORS)
    (root / "flows.py").write_text(FLOWS.format(package=name))
    monkeypatch.syspath_prepend(str(tmp_path))
    yield name, importlib.import_module(f"{name}.flows")
    for key in [k for k in sys.modules if k.startswith(name)]:
        del sys.modules[key]


def test_classes_of_other_modules_are_declared_with_their_identity(shop):
    name, flows = shop
    text = rrl.print_program(program_of(flows.ShopWorkflow))
    assert f"exception OutOfStock(ShopError, LookupError) from {name}.errors\n" in text
    assert f"exception ShopError(Exception) from {name}.errors\n" in text
    assert "exception JSONDecodeError(ValueError) from json.decoder\n" in text
    assert f"enum Priority(IntEnum) from {name}.models:\n    LOW = 1\n    HIGH = 2\n" in text
    assert f"model Line from {name}.models import Order.Line:\n    sku: str\n    quantity: int = 1\n" in text
    assert f"model PurchaseOrder from {name}.models import Order:\n    id: str\n    lines: list[Line] = []\n    priority: Priority = Priority.LOW\n" in text
    # what the workflow never names is not declared: the action's subclass, the values behind `dict`
    assert "Backordered" not in text and "Receipt" not in text and "Secret" not in text


@pytest.mark.parametrize(("skus", "raw"), [(["pen"], '{"a": 1}'), (["gone", "pen"], "[1,")])
async def test_they_run_under_run_local_as_under_run_native(shop, skus, raw):
    _, flows = shop
    native = await run_native(flows.ShopWorkflow, "o-1", skus, raw)
    local = await run_local(flows.ShopWorkflow, "o-1", skus, raw)
    assert rrl.codec.dumps(local) == rrl.codec.dumps(native)


async def test_the_interpreter_imports_none_of_the_users_classes(shop):
    """The program runs with the classes it declares: a class whose module cannot
    be imported at all is no obstacle."""

    from rrl.dag import lower
    from rrl.interpreter import execute

    text = (
        "rrl 1\n\nexception Late(TimeoutError) from nowhere_q.errors\n\n"
        "model Parcel from nowhere_q.models import Depot.Parcel:\n    id: str\n    kg: float = 1.0\n\n"
        "workflow W(id: str) -> list:\n    p = Parcel(id=id)\n    try:\n        raise Late(p.id)\n    except TimeoutError as e:\n        return [p, e]\n"
    )

    class NoActions:
        async def sleep(self, seconds):
            pass

    parcel, late = await execute(lower(rrl.parse(text)), {"id": "p-1"}, NoActions())
    assert "nowhere_q" not in sys.modules
    assert rrl.codec.encode(parcel) == {"model": {"class": "nowhere_q.models:Depot.Parcel", "fields": [["id", "p-1"], ["kg", {"float": "1.0"}]]}}
    assert rrl.codec.encode(late)["exception"]["class"] == ["nowhere_q.errors:Late", "builtins:TimeoutError"]
