# Runs: the arguments of a helper method are evaluated in the order they are written, not in the order of its parameters: for an unknown product `stock[name]` raises KeyError before `100 // stock.get(name, 0)` divides by zero; for a product out of stock the division raises.
from rappel import Workflow, workflow

INPUT = {"stock": {"apples": 4, "pears": 0}, "names": ["apples", "plums", "pears"]}
EXPECTS = "result"


@workflow
class StockWorkflow(Workflow):
    async def run(self, stock: dict[str, int], names: list[str]) -> list[str]:
        report: list[str] = []
        for name in names:
            try:
                report.append(await self.describe(in_stock=stock[name], batches=100 // stock.get(name, 0)))
            except KeyError as exc:
                report.append(f"unknown {exc}")
            except ZeroDivisionError:
                report.append(f"{name}: out of stock")
        return report

    async def describe(self, batches: int, in_stock: int) -> str:
        return f"{in_stock} in stock, {batches} per batch"
