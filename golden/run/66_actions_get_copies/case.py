# Runs: an action that changes its arguments in place (a list, a dict, a model) changes only its own copy; the workflow keeps its values, and a result the action keeps a reference to is a separate value too.
import asyncio

from pydantic import BaseModel

from rappel import Workflow, action, workflow

INPUT = {"items": ["a", "b"], "settings": {"mode": "safe"}}
EXPECTS = "result"


class Cart(BaseModel):
    items: list[str]
    note: str = ""


def returned_cart() -> Cart:
    return Cart(items=["fresh"], note="returned")


def spoil(cart: Cart) -> None:
    cart.items.append("spoiled later")


@action
async def scribble(items: list[str], settings: dict, cart: Cart) -> Cart:
    items.append("added by the action")
    settings["mode"] = "changed by the action"
    cart.items.clear()
    cart.note = "changed by the action"
    result = returned_cart()
    # The action keeps a reference to its result and changes it after returning
    # (in its own process): the workflow's value must not change with it.
    asyncio.get_running_loop().call_soon(spoil, result)
    return result


@action
async def spoil_kept() -> int:
    # What the kept result holds once spoiled, the same whichever worker runs this.
    kept = returned_cart()
    spoil(kept)
    await asyncio.sleep(0)  # in one process, scribble's spoiling has happened once this returns
    return len(kept.items)


@workflow
class CopiesWorkflow(Workflow):
    async def run(self, items: list[str], settings: dict) -> dict:
        cart = Cart(items=list(items), note="original")
        returned = await scribble(items, settings, cart)
        kept_len = await spoil_kept()
        return {"items": items, "settings": settings, "cart": cart, "returned": returned, "kept_len": kept_len}
