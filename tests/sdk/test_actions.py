import inspect
import sys
import textwrap
from typing import Annotated, Optional

import pytest
from pydantic import BaseModel

from rappel import Depend, RappelError, action
from rappel._actions import ActionCall, get_action_definition, lookup_action


class Order(BaseModel):
    id: str
    total: float


def get_store() -> dict[str, Order]:
    return {"o1": Order(id="o1", total=12.5)}


@action
async def load_orders(
    order_ids: list[str],
    store: Annotated[dict[str, Order], Depend(get_store)],
    *,
    limit: int | None = None,
) -> list[Order]:
    found = [store[i] for i in order_ids if i in store]
    return found if limit is None else found[:limit]


@action(name="price_of_order")
async def order_price(order: Order, currency: Optional[str] = "EUR") -> dict[str, float]:
    return {currency or "EUR": order.total}


def test_calling_an_action_returns_a_call_not_a_coroutine():
    call = load_orders(["o1"])
    assert isinstance(call, ActionCall)
    assert not inspect.iscoroutine(call)
    assert call.args == (["o1"],)
    assert call.kwargs == {}
    assert call.arguments == {"order_ids": ["o1"]}
    assert call.definition is get_action_definition(load_orders)


async def test_awaiting_a_call_runs_the_action_each_time():
    call = load_orders(["o1", "missing"])
    assert await call == [Order(id="o1", total=12.5)]
    assert await call == [Order(id="o1", total=12.5)]  # a call can be re-run (retries)


def test_definition_describes_the_rrl_signature():
    definition = get_action_definition(load_orders)
    assert definition.name == "load_orders"
    assert definition.module == __name__
    assert definition.qualname == "load_orders"
    assert [(p.name, p.has_default, p.default, p.keyword_only) for p in definition.parameters] == [
        ("order_ids", False, None, False),
        ("limit", True, None, True),
    ]
    [store] = definition.injected
    assert store.name == "store"
    assert store.depend == Depend(get_store)


def test_custom_name():
    definition = get_action_definition(order_price)
    assert definition.name == "price_of_order"
    assert order_price.__name__ == "order_price"
    assert definition.parameters[1].default == "EUR"
    assert lookup_action("price_of_order") is definition


def test_unannotated_parameters(isolated_registry):
    @action
    async def untyped(x, y=2):
        return x

    definition = get_action_definition(untyped)
    assert [(p.name, p.has_default, p.default) for p in definition.parameters] == [("x", False, None), ("y", True, 2)]


def test_binding_errors_read_like_python(isolated_registry):
    with pytest.raises(TypeError, match=r"load_orders\(\): missing a required argument: 'order_ids'"):
        load_orders()
    with pytest.raises(TypeError, match="unexpected keyword argument 'nope'"):
        load_orders(["o1"], nope=1)
    with pytest.raises(TypeError, match="'store' is injected by Depend"):
        load_orders(["o1"], store={})


def test_sync_functions_are_rejected(isolated_registry):
    def not_async(x: int) -> int:
        return x

    with pytest.raises(TypeError, match="requires an `async def` function.*not_async"):
        action(not_async)


def test_async_generators_are_rejected(isolated_registry):
    async def stream():
        yield 1

    with pytest.raises(TypeError, match="async generator"):
        action(stream)


@pytest.mark.parametrize("signature", ["*args", "**kwargs", "x, /"])
def test_unnamed_parameters_are_rejected(isolated_registry, signature):
    namespace: dict = {}
    exec(f"async def varargs({signature}):\n    return None", namespace)
    with pytest.raises(TypeError, match="every parameter needs a name"):
        action(namespace["varargs"])


@pytest.mark.parametrize("name", ["not valid", "class", "", 3])
def test_custom_names_must_be_identifiers(isolated_registry, name):
    async def act():
        return None

    with pytest.raises(ValueError, match="must be a Python identifier"):
        action(name=name)(act)


def test_positional_arguments_are_rejected_clearly():
    with pytest.raises(TypeError, match=r"use @action or @action\(name=...\)"):
        action("custom")  # type: ignore[call-overload]


def test_duplicate_names_from_different_functions_are_an_error(isolated_registry):
    async def first():
        return 1

    async def second():
        return 2

    action(name="shared_name")(first)
    with pytest.raises(RappelError, match="'shared_name' is already registered in module .* by .*first"):
        action(name="shared_name")(second)


def test_modules_have_separate_namespaces(isolated_registry, tmp_path, monkeypatch):
    source = "from rappel import action\n\n@action\nasync def send_note(to: str) -> str:\n    return '{}:' + to\n"
    for module in ("notes_mod_a", "notes_mod_b"):
        (tmp_path / f"{module}.py").write_text(source.format(module))
        monkeypatch.delitem(sys.modules, module, raising=False)
    monkeypatch.syspath_prepend(str(tmp_path))
    a = lookup_action("send_note", "notes_mod_a")
    b = lookup_action("send_note", "notes_mod_b")
    assert (a.module, b.module) == ("notes_mod_a", "notes_mod_b")
    with pytest.raises(RappelError, match="registered in several modules \\(notes_mod_a, notes_mod_b\\)"):
        lookup_action("send_note")


def test_redefining_the_same_function_replaces_it(isolated_registry):
    def define():
        @action(name="redefined_action")
        async def redefined():
            return 1

        return redefined

    define()
    second = define()
    assert lookup_action("redefined_action", __name__) is get_action_definition(second)


def test_actions_cannot_be_decorated_twice(isolated_registry):
    with pytest.raises(TypeError, match="already an action"):
        action(name="twice")(load_orders)


def test_lookup_imports_the_module_of_an_unregistered_action(isolated_registry, tmp_path, monkeypatch):
    (tmp_path / "late_actions_mod.py").write_text(
        textwrap.dedent(
            """
            from rappel import action

            @action
            async def late_action(n: int) -> int:
                return n * 2
            """
        )
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "late_actions_mod", raising=False)
    definition = lookup_action("late_action", "late_actions_mod")
    assert definition.module == "late_actions_mod"


def test_lookup_errors_are_clear(isolated_registry):
    with pytest.raises(RappelError, match="no action is registered under the name 'ghost'"):
        lookup_action("ghost")
    with pytest.raises(RappelError, match="module 'no_such_module_xyz' cannot be imported"):
        lookup_action("ghost", "no_such_module_xyz")
    with pytest.raises(RappelError, match="module 'json' defines no action named 'ghost'"):
        lookup_action("ghost", "json")


def test_call_repr_shows_arguments():
    assert repr(load_orders(["o1"], limit=1)) == "<ActionCall load_orders(order_ids=['o1'], limit=1)>"
