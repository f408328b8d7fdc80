# Runs: reductions over a set whose result cannot depend on its order — any() and all() of a generator (short-circuiting, with a condition and a second clause), and set(), frozenset() and sorted() (with reverse=) of a generator over a set; the set's items come in the codec's order (RRL `unordered(s)`), the same in every runtime.
from rappel import Workflow, action, workflow

INPUT = {"order_ids": ["o1", "o2", "o3"]}
EXPECTS = "result"


@action
async def order_skus(order_id: str) -> list[str]:
    return {"o1": ["ab-1", "cd-2"], "o2": ["ab-1", "ef-30"], "o3": ["zz-9"]}[order_id]


@workflow
class SkuAuditWorkflow(Workflow):
    async def run(self, order_ids: list[str]) -> dict:
        skus = set()
        for order_id in order_ids:
            found = await order_skus(order_id)
            for sku in found:
                skus.add(sku)
        numbers = {int(sku.split("-")[1]) for sku in sorted(skus)}
        prefixes = frozenset(["ab", "zz"])
        return {
            "any_large": any(n > 20 for n in numbers),
            "any_huge": any(n > 100 for n in numbers),
            "all_positive": all(n > 0 for n in numbers if n != 9),
            "all_short": all(len(sku) < 5 for sku in skus),
            "known_prefix": any(sku.startswith(p) for sku in skus for p in prefixes),
            "families": set(sku.split("-")[0] for sku in skus),
            "doubled": frozenset(n * 2 for n in numbers if n < 10),
            "lengths": sorted(len(sku) for sku in skus),
            "newest_first": sorted((sku.upper() for sku in skus), reverse=True),
        }
