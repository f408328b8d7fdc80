# Runs: an action that changes its arguments in place (a list, a dict, a model) changes only its own copy; the workflow keeps its values, and a result the action keeps a reference to is a separate value too.
from pydantic import BaseModel

from rappel import Workflow, action, workflow

INPUT = {"items": ["a", "b"], "settings": {"mode": "safe"}}
EXPECTS = "result"


class Cart(BaseModel):
    items: list[str]
    note: str = ""


KEPT: dict[str, Cart] = {}


@action
async def scribble(items: list[str], settings: dict, cart: Cart) -> Cart:
    items.append("added by the action")
    settings["mode"] = "changed by the action"
    cart.items.clear()
    cart.note = "changed by the action"
    result = Cart(items=["fresh"], note="returned")
    KEPT["last"] = result
    return result


@action
async def spoil_kept() -> int:
    KEPT["last"].items.append("spoiled later")
    return len(KEPT["last"].items)


@workflow
class CopiesWorkflow(Workflow):
    async def run(self, items: list[str], settings: dict) -> dict:
        cart = Cart(items=list(items), note="original")
        returned = await scribble(items, settings, cart)
        kept_len = await spoil_kept()
        return {"items": items, "settings": settings, "cart": cart, "returned": returned, "kept_len": kept_len}
