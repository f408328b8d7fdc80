# Pins: accumulators — += on int, float, str and list, list.append, list.extend, d[k] = v (new and existing keys), nested d[k][j] = v — plus tuple unpacking, swaps and a conditional expression producing a tuple.
from rappel import Workflow, action, workflow


@action
async def fetch_sales(store: str) -> list[tuple[str, float]]:
    return [("apple", 1.5), ("pear", 2.0)]


@workflow
class SalesRollupWorkflow(Workflow):
    async def run(self, stores: list[str]) -> dict[str, str]:
        units = 0
        revenue = 0.0
        report = ""
        seen: list[str] = []
        per_product: dict[str, float] = {}
        per_store: dict[str, dict[str, float]] = {}
        for store in stores:
            sales = await fetch_sales(store)
            per_store[store] = {}
            for product, amount in sales:
                units += 1
                revenue += amount
                seen += [product]
                per_product[product] = per_product.get(product, 0.0) + amount
                per_store[store][product] = amount
            report += f"{store}={len(sales)};"
            seen.extend([f"{store}:done"])
            seen.append("|")
        best, worst = "", ""
        if per_product:
            ordered = sorted(per_product.items(), key=lambda kv: kv[1])
            (worst, _low), (best, _high) = ordered[0], ordered[-1]
        lo, hi = 1, 2
        lo, hi = hi, lo
        head, tail = (stores[0], stores[1:]) if stores else ("none", [])
        return {
            "units": str(units),
            "revenue": f"{revenue:.2f}",
            "report": report,
            "seen": str(len(seen)),
            "best": best,
            "worst": worst,
            "swap": f"{lo}{hi}",
            "first": head,
            "rest": str(len(tail)),
            "stores": str(len(per_store)),
        }
