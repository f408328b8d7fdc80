# Runs: `del` — keys removed from a copy of the input (a missing one caught as Python's KeyError('o9')), a slice and an item of a list in one statement (left to right), an index out of range caught as IndexError, an item of an input list, a key chosen by an action, and a variable unbound and bound again.
from rappel import Workflow, action, workflow

INPUT = {"orders": {"o1": 30, "o2": 0, "o3": 12, "o4": 7}, "cancelled": ["o2", "o9"], "history": [5, 4, 3, 2, 1]}
EXPECTS = "result"


@action
async def oldest_order(order_ids: list[str]) -> str:
    return min(order_ids)


@action
async def archive(order_ids: list[str]) -> int:
    return len(order_ids)


@workflow
class PruneOrdersWorkflow(Workflow):
    async def run(self, orders: dict[str, int], cancelled: list[str], history: list[int]) -> dict:
        kept = dict(orders)
        missing: list[str] = []
        for order_id in cancelled:
            try:
                del kept[order_id]
            except KeyError as e:
                missing.append(repr(e))
        del kept[await oldest_order(list(kept))]
        recent = list(history)
        del recent[3:], recent[0]
        try:
            del recent[10]
        except IndexError as e:
            missing.append(str(e))
        del history[-1]
        batch = list(kept)
        archived = await archive(batch)
        del batch
        batch = [order_id for order_id in kept if kept[order_id] > 0]
        return {
            "kept": kept,
            "missing": missing,
            "recent": recent,
            "history": history,
            "archived": archived,
            "batch": batch,
            "orders": orders,
        }
