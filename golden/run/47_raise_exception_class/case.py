# Runs: `raise Class` raises an instance without arguments, as Python does, also as the cause in `raise ... from Class`; the workflow ends with that chained exception.
from rappel import Workflow, action, workflow

INPUT = {"amounts": [120, 0, -5]}
EXPECTS = "error"


class PaymentRejected(Exception):
    pass


@action
async def charge(amount: int) -> str:
    return f"charged {amount}"


@workflow
class ChargeAllWorkflow(Workflow):
    async def run(self, amounts: list[int]) -> list[str]:
        notes = []
        for amount in amounts:
            try:
                if amount == 0:
                    raise ValueError
                if amount < 0:
                    raise PaymentRejected
                notes.append(await charge(amount))
            except ValueError as e:
                notes.append(f"skipped: {e!r} args={e.args}")
            except PaymentRejected as e:
                notes.append(f"rejected: {type(e).__name__} {e.args}")
        raise RuntimeError("; ".join(notes)) from LookupError
