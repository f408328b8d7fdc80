"""Names from other modules: the resolver protocol, live objects, and the
entry points that compile live modules and classes."""

from __future__ import annotations

import importlib
import sys
import textwrap
import types
from dataclasses import dataclass
from typing import Annotated

import pytest

import rrl
from rappel_compiler import (
    ActionInfo,
    ClassShape,
    CompileError,
    ConstInfo,
    FieldShape,
    ParamInfo,
    TypeInfo,
    compile_module,
    compile_source,
    compile_workflow_class,
    live_resolver,
)

from .support import assert_valid, expect


def _recording_resolver(known: dict) -> tuple:
    """A resolver answering from `known`, and the list of the names it was asked."""
    asked: list[str] = []

    def resolve(name: str):
        asked.append(name)
        return known.get(name)

    return resolve, asked


def test_a_resolver_supplies_imported_actions_types_and_constants():
    known = {
        "shop.actions.charge": ActionInfo(
            "charge_card",
            "shop.actions",
            (ParamInfo("order", "shop.models.Order"), ParamInfo("cents", "int", True, 0), ParamInfo("note", "str | None", True, object())),
            "shop.models.Receipt",
        ),
        "shop.models.Order": TypeInfo("shop.models", "Order", "model"),
        "shop.models.Receipt": TypeInfo("shop.models", "Receipt", "dataclass", shape=lambda: ClassShape(fields=(FieldShape("id", "str"),), frozen=True)),
        "shop.errors.Declined": TypeInfo("shop.errors", "Declined", "exception", shape=lambda: ClassShape(bases=("ValueError",))),
        "shop.settings.LIMITS": ConstInfo({"max": 5, "floor": -1.5}),
    }
    source = textwrap.dedent(
        """
        from rappel import Workflow, workflow
        from shop import actions
        from shop.models import Order as O
        from shop.errors import Declined
        from shop.settings import LIMITS


        @workflow
        class Checkout(Workflow):
            async def run(self, order: O) -> str:
                try:
                    receipt = await actions.charge(order, cents=LIMITS["max"], note="x")
                except Declined:
                    return "declined"
                return str(receipt)
        """
    )
    resolve, asked = _recording_resolver(known)
    result = compile_source(source, path="shop/flows.py", module="shop.flows", resolve=resolve)
    assert not result.diagnostics, rrl.render_all(result.diagnostics, source)
    program = result.programs["Checkout"]
    assert_valid(program)
    assert rrl.print_program(program) == expect(
        """
        rrl 1

        exception Declined(ValueError) from shop.errors

        model O from shop.models import Order

        frozen dataclass Receipt from shop.models:
            id: str

        const LIMITS = {"max": 5, "floor": -1.5}

        action charge_card(order: O, cents: int = 0, note: str | None) -> Receipt from shop.actions

        workflow Checkout(order: O) -> str:
            try:
                receipt = await charge_card(order=order, cents=LIMITS["max"], note="x")
            except Declined:
                return "declined"
            return str(receipt)
        """
    )
    assert "shop.actions.charge" in asked


def test_without_a_resolver_imported_names_are_reported():
    source = textwrap.dedent(
        """
        from rappel import Workflow, workflow
        from shop.actions import charge


        @workflow
        class Checkout(Workflow):
            async def run(self) -> None:
                await charge()
        """
    )
    result = compile_source(source, path="shop/flows.py", module="shop.flows")
    assert [d.code for d in result.diagnostics] == ["RPL0201"]


def test_relative_imports_are_resolved_against_the_package():
    seen = []
    source = "from .actions import send\nfrom ..base import helper\nfrom rappel import Workflow, workflow\n\n@workflow\nclass F(Workflow):\n    async def run(self):\n        await send()\n        await helper()\n"
    compile_source(source, path="app/sub/flows.py", module="app.sub.flows", resolve=lambda n: seen.append(n))
    assert seen == ["app.sub.actions.send", "app.base.helper"]


# ------------------------------------------------------------------ live objects


class FakeDepend:
    __rappel_depend__ = True

    def __init__(self, provider):
        self.provider = provider


@dataclass
class FakeDefinition:
    name: str
    module: str
    fn: object


def make_action(fn, name=None):
    def call(*args, **kwargs):
        raise AssertionError("not called by the compiler")

    call.__rappel_action__ = FakeDefinition(name or fn.__name__, fn.__module__, fn)
    return call


class Parcel:
    pass


class ParcelError(LookupError):
    pass


async def _ship(parcel: Parcel, db: Annotated[object, FakeDepend(print)], express: bool = False, *, tags: list[str] | None = None) -> Parcel:
    return parcel


def test_live_resolver_reads_actions_classes_and_constants(monkeypatch):
    module = types.ModuleType("fakeshop")
    module.ship = make_action(_ship, "ship_parcel")
    module.Parcel = Parcel
    module.ParcelError = ParcelError
    module.LIMIT = [1, 2, {"a": None}]
    module.LOCK = object()
    monkeypatch.setitem(sys.modules, "fakeshop", module)
    resolve = live_resolver(module)
    info = resolve("fakeshop.ship")
    assert info == ActionInfo(
        "ship_parcel",
        __name__,
        (
            ParamInfo("parcel", f"{__name__}.Parcel", False, None),
            ParamInfo("express", "bool", True, False),
            ParamInfo("tags", "list[str] | None", True, None),
        ),
        f"{__name__}.Parcel",
    )
    assert resolve("fakeshop.Parcel") == TypeInfo(__name__, "Parcel", "class")
    assert resolve("fakeshop.ParcelError") == TypeInfo(__name__, "ParcelError", "exception")
    assert resolve("fakeshop.LIMIT") == ConstInfo([1, 2, {"a": None}])
    assert resolve("fakeshop.LOCK") is None
    assert resolve("fakeshop.missing") is None
    assert resolve("no_such_module_anywhere.x") is None


def test_live_resolver_classifies_models_and_dataclasses():
    pydantic = pytest.importorskip("pydantic")

    class Model(pydantic.BaseModel):
        x: int

    @dataclass
    class Data:
        x: int

    module = types.ModuleType("fakemodels")
    module.Model, module.Data = Model, Data
    resolve = live_resolver({"__name__": "fakemodels", "Model": Model, "Data": Data})
    assert resolve("fakemodels.Model").kind == "model"
    assert resolve("fakemodels.Data").kind == "dataclass"


# ------------------------------------------------------------------ live modules and classes

MODULE_SOURCE = '''
import asyncio
from rappel import Workflow, action, workflow
from {package}.models import Item


@workflow
class Restock(Workflow):
    async def run(self, skus: list[str]) -> list[Item]:
        items = await asyncio.gather(*[fetch(s) for s in skus])
        return [i for i in items if i.count < LOW]


@action
async def fetch(sku: str) -> Item:
    return Item(sku=sku, count=0)


LOW = 3
'''

MODELS_SOURCE = '''
from pydantic import BaseModel


class Item(BaseModel):
    sku: str
    count: int
'''


@pytest.fixture
def package(tmp_path, monkeypatch):
    pytest.importorskip("rappel")
    name = f"restock_pkg_{abs(hash(str(tmp_path))) % 10**8}"
    root = tmp_path / name
    root.mkdir()
    (root / "__init__.py").write_text("")
    (root / "models.py").write_text(MODELS_SOURCE)
    (root / "flows.py").write_text(MODULE_SOURCE.format(package=name))
    monkeypatch.syspath_prepend(str(tmp_path))
    yield name
    for key in [k for k in sys.modules if k.startswith(name)]:
        del sys.modules[key]


def test_compile_module_and_workflow_class(package):
    module = importlib.import_module(f"{package}.flows")
    result = compile_module(module)
    assert not result.diagnostics
    program = result.programs["Restock"]
    assert_valid(program)
    assert rrl.print_program(program) == expect(
        f"""
        rrl 1

        model Item from {package}.models:
            sku: str
            count: int

        const LOW = 3

        action fetch(sku: str) -> Item from {package}.flows

        workflow Restock(skus: list[str]) -> list[Item]:
            items = parallel for s in skus:
                await fetch(sku=s)
            return [i for i in items if i.count < LOW]
        """
    )
    assert compile_workflow_class(module.Restock) == program


def test_workflow_defined_inside_a_function():
    pytest.importorskip("rappel")
    from rappel import Workflow, action

    @action(name="local_double_probe")
    async def double(x: int) -> int:
        return 2 * x

    FACTOR = 3

    class Local(Workflow):
        async def run(self, x: int) -> int:
            y = await double(x)
            return y * FACTOR

    program = compile_workflow_class(Local)
    assert_valid(program)
    text = rrl.print_program(program)
    assert f"action local_double_probe(x: int) -> int from {__name__}" in text
    assert "const FACTOR = 3" in text
    assert "y = await local_double_probe(x=x)" in text


def test_compile_error_carries_diagnostics_and_rendered_text():
    pytest.importorskip("rappel")
    from rappel import Workflow

    class Broken(Workflow):
        async def run(self) -> None:
            print("side effect")

    with pytest.raises(CompileError) as caught:
        compile_workflow_class(Broken)
    error = caught.value
    assert [d.code for d in error.diagnostics] == ["RPL0105"]
    assert error.rendered.startswith("error[RPL0105]: print() performs I/O and cannot run inside a workflow\n")
    assert 'print("side effect")' in error.rendered
    assert isinstance(error, rrl.DiagnosticError)


def test_exception_classes_of_io_libraries_can_be_caught():
    source = textwrap.dedent(
        """
        import httpx
        from rappel import Workflow, workflow


        @workflow
        class Fetch(Workflow):
            async def run(self, x: int) -> bool:
                try:
                    return x > 0
                except httpx.HTTPError as e:
                    return isinstance(e, httpx.TimeoutException)
        """
    )
    http_error = TypeInfo("httpx", "HTTPError", "exception")
    types = {
        "httpx.HTTPError": http_error,
        "httpx.TimeoutException": TypeInfo("httpx", "TimeoutException", "exception", shape=lambda: ClassShape(bases=(http_error,))),
    }
    result = compile_source(source, path="a.py", module="a", resolve=types.get)
    assert not result.diagnostics, rrl.render_all(result.diagnostics, source)
    text = rrl.print_program(result.programs["Fetch"])
    assert "exception HTTPError(Exception) from httpx\nexception TimeoutException(HTTPError) from httpx\n" in text
    assert "return isinstance(e, TimeoutException)" in text
    # without knowing it is an exception class, httpx.* is I/O
    assert [d.code for d in compile_source(source, path="a.py", module="a").diagnostics] == ["RPL0223", "RPL0105"]


def test_imported_names_resolve_by_their_normal_form_like_python():
    # `from shop.actions import ﬁnd as finder` binds `shop.actions.find`, as Python reads it
    known = {"shop.actions.find": ActionInfo("find", "shop.actions", (ParamInfo("x", "int"),), "int")}
    source = textwrap.dedent(
        """
        from rappel import Workflow, workflow
        from shop.actions import ﬁnd as finder


        @workflow
        class Finder(Workflow):
            async def run(self, n: int) -> int:
                return await finder(n)
        """
    )
    resolve, asked = _recording_resolver(known)
    result = compile_source(source, path="shop/flows.py", module="shop.flows", resolve=resolve)
    assert not result.diagnostics, rrl.render_all(result.diagnostics, source)
    assert "shop.actions.find" in asked
    assert "    $t1 = await find(x=n)\n" in rrl.print_program(result.programs["Finder"])
