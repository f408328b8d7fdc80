# Pins: classes where Python names them — isinstance() with models, dataclasses, tuples, unions and a constant naming classes; `raise Class` and `raise ... from Class` as instances; except with constants naming exception classes.
from dataclasses import dataclass

from pydantic import BaseModel

from rappel import RetryPolicy, Workflow, action, workflow


class Invoice(BaseModel):
    number: str
    cents: int


@dataclass
class CreditNote:
    number: str
    cents: int


class LedgerClosed(Exception):
    pass


DOCUMENTS = (Invoice, CreditNote)
TRANSIENT = (ConnectionError, TimeoutError)


@action
async def fetch_document(number: str) -> Invoice | CreditNote | None:
    return None


@action
async def post_entry(number: str, cents: int) -> None:
    return None


@workflow
class LedgerWorkflow(Workflow):
    async def run(self, numbers: list[str], closed: bool) -> int:
        if closed:
            raise LedgerClosed
        total = 0
        for number in numbers:
            document = await self.run_action(fetch_document(number), retry=RetryPolicy(attempts=3, exceptions=TRANSIENT))
            if not isinstance(document, DOCUMENTS):
                raise LookupError(number) from KeyError
            sign = 1 if isinstance(document, Invoice) else -1
            if isinstance(document, CreditNote | None) and document.cents > 10_000:
                raise ValueError
            try:
                await post_entry(number, sign * document.cents)
            except TRANSIENT:
                raise LedgerClosed from TimeoutError
            total += sign * document.cents
        return total
