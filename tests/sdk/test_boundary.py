"""Values crossing process boundaries under `rappel.testing`: action arguments and
results, workflow arguments and results, and exceptions go through the value
codec in both `run_native` and `run_local`, so both fail where production would."""

from __future__ import annotations

import dataclasses
import enum
import traceback

import pytest
from pydantic import BaseModel

from rappel import CodecError, RetryPolicy, Workflow, action, workflow
from rappel.testing import run_local, run_native

from .support import RUNNERS, uncompiled


class Conn:
    """A live resource: what an action must keep to itself."""


class Tier(enum.IntEnum):
    FREE = 0
    PRO = 1


@dataclasses.dataclass
class Order:
    id: str
    lines: list[str]


class Receipt(BaseModel):
    order_id: str
    tier: Tier
    amounts: tuple[int, int]


class CardDeclined(Exception):
    def __init__(self, card: str, retry_after: int):
        super().__init__(f"card {card} declined")
        self.card = card
        self.retry_after = retry_after


@action
async def bd_connect(dsn: str) -> str:
    return Conn()  # type: ignore[return-value]  (what the annotation does not say)


@action
async def bd_fill(order: Order) -> Order:
    order.lines.append("changed by the action")
    return Order(order.id, [*order.lines, "filled"])


@action
async def bd_receipt(order_id: str) -> Receipt:
    return Receipt(order_id=order_id, tier=Tier.PRO, amounts=(2**60, 5))


@action
async def bd_charge(card: str) -> str:
    raise CardDeclined(card, retry_after=30)


@action
async def bd_nested(count: int) -> dict:
    return {"items": [{"n": i} for i in range(count)] + [{"n": count, "conn": Conn()}]}


@workflow
class Connects(Workflow):
    async def run(self, dsn: str) -> str:
        return await bd_connect(dsn)


@workflow
class Nested(Workflow):
    async def run(self, count: int) -> dict:
        return await bd_nested(count)


@workflow
class Fills(Workflow):
    async def run(self, order: Order) -> list:
        filled = await bd_fill(order)
        return [order.lines, filled.lines]


@workflow
class Receipts(Workflow):
    async def run(self, order_id: str) -> Receipt:
        return await bd_receipt(order_id)


@workflow
class Charges(Workflow):
    async def run(self, card: str) -> str:
        try:
            await self.run_action(bd_charge(card), retry=RetryPolicy(attempts=2))
        except CardDeclined as e:
            return f"{e.card}: retry after {e.retry_after}s"
        return "charged"


@workflow
class ChargesUncaught(Workflow):
    async def run(self, card: str) -> str:
        return await bd_charge(card)


with uncompiled():

    @workflow
    class ReturnsAnObject(Workflow):
        async def run(self) -> object:
            return Conn()


@pytest.mark.parametrize("run", RUNNERS)
async def test_an_unencodable_action_result_names_the_action_and_the_path_as_a_worker_does(run):
    with pytest.raises(CodecError) as caught:
        await run(Connects, dsn="db")
    message = str(caught.value)
    assert message.startswith(
        f"the result of action {__name__}.bd_connect() cannot be encoded: "
        f"result is a {__name__}.Conn, which the codec cannot encode"
    )
    assert "help: values that cross a process boundary are" in message


@pytest.mark.parametrize("run", RUNNERS)
async def test_the_error_gives_the_path_inside_the_value(run):
    with pytest.raises(CodecError, match=r"result\['items'\]\[2\]\['conn'\] is a "):
        await run(Nested, count=2)


@pytest.mark.parametrize("run", RUNNERS)
async def test_actions_work_on_their_own_copy(run):
    order = Order("o1", ["pen"])
    assert await run(Fills, order=order) == [["pen"], ["pen", "changed by the action", "filled"]]
    assert order.lines == ["pen"]  # the workflow got a copy of its argument too


@pytest.mark.parametrize("run", RUNNERS)
async def test_models_enums_tuples_and_big_ints_cross_exactly(run):
    receipt = await run(Receipts, order_id="o1")
    assert receipt == Receipt(order_id="o1", tier=Tier.PRO, amounts=(2**60, 5))
    assert type(receipt.tier) is Tier and type(receipt.amounts) is tuple


@pytest.mark.parametrize("run", RUNNERS)
async def test_exceptions_keep_class_and_attributes(run):
    assert await run(Charges, card="4242") == "4242: retry after 30s"


@pytest.mark.parametrize("run", RUNNERS)
async def test_a_crossed_exception_keeps_the_traceback_of_the_action(run):
    with pytest.raises(CardDeclined) as caught:
        await run(ChargesUncaught, card="4242")
    assert caught.value.retry_after == 30
    frames = [frame.name for frame in traceback.extract_tb(caught.value.__traceback__)]
    assert "bd_charge" in frames


@pytest.mark.parametrize("run", RUNNERS)
async def test_workflow_arguments_cross_too(run):
    with pytest.raises(CodecError, match=r"^Connects: the argument `dsn` of run\(\) cannot be encoded: dsn is a "):
        await run(Connects, dsn=Conn())


async def test_the_workflow_result_crosses():
    with pytest.raises(CodecError, match=r"^ReturnsAnObject: the result of run\(\) cannot be encoded: result is a "):
        await run_native(ReturnsAnObject)


async def test_a_class_defined_in_a_function_cannot_cross():
    @dataclasses.dataclass
    class Local:
        x: int

    with pytest.raises(CodecError, match="defined inside a function"):
        await run_local(Fills, order=Local(1))


async def test_an_action_awaited_outside_a_workflow_is_a_plain_call():
    assert isinstance(await bd_connect("db"), Conn)


class Unbuildable(LookupError):
    """An exception class that loads but cannot be rebuilt without its __init__."""

    def __new__(cls, *args):
        raise RuntimeError("only raised by the library that owns it")


async def test_a_program_matches_a_stand_in_by_its_chain():
    """An exception of a class the program does not declare enters it as a stand-in
    that derives from the classes of its chain the program knows."""
    from rrl import codec
    from rrl.evaluate import Evaluator
    import rrl

    class Gone(Unbuildable):
        pass

    program = rrl.parse(f"rrl 1\n\nexception Unbuildable(LookupError) from {__name__}\n")
    evaluator = Evaluator({c.name: c for c in program.classes})
    error = LookupError.__new__(Gone, "gone")
    stand_in = codec.loads(codec.dumps(error), evaluator.classes.resolve)
    assert isinstance(stand_in, codec.UnresolvedException)
    assert evaluator.matches(stand_in, "Unbuildable")
    assert evaluator.matches(stand_in, "LookupError")
    assert not evaluator.matches(stand_in, "KeyError")
    assert codec.encode(stand_in) == codec.encode(error)