# Runs: gather(return_exceptions=True) where some actions raise; failures are values, split with isinstance and reported by message.
import asyncio

from rappel import Workflow, action, workflow

INPUT = {"amounts": [10, -5, 30, 0, 7]}
EXPECTS = "result"


@action
async def validate_amount(amount: int) -> int:
    if amount < 0:
        raise ValueError(f"negative amount {amount}")
    if amount == 0:
        raise ArithmeticError("zero amount")
    return amount * 100


@workflow
class ValidateAmountsWorkflow(Workflow):
    async def run(self, amounts: list[int]) -> dict[str, list[str]]:
        results = await asyncio.gather(*[validate_amount(a) for a in amounts], return_exceptions=True)
        ok = [str(r) for r in results if not isinstance(r, Exception)]
        errors = [str(r) for r in results if isinstance(r, Exception)]
        value_errors = [str(a) for a, r in zip(amounts, results) if isinstance(r, ValueError)]
        return {"ok": ok, "errors": errors, "value_errors": value_errors}
