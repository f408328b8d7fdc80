# Runs: pydantic models whose fields are datetimes (aware, with an IANA zone), dates, UUIDs, Decimals, enums, tuples and nested models cross as workflow arguments, action arguments and results, and are validated again when decoded (a validator that normalizes runs on every crossing).
import datetime
import enum
import uuid
from decimal import Decimal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, field_validator

from rappel import Workflow, action, workflow


class Currency(enum.Enum):
    EUR = "EUR"
    USD = "USD"


class Money(BaseModel):
    amount: Decimal
    currency: Currency


class Customer(BaseModel):
    id: uuid.UUID
    email: str
    since: datetime.date

    @field_validator("email")
    @classmethod
    def lower(cls, value: str) -> str:
        return value.strip().lower()


class Invoice(BaseModel):
    number: str
    customer: Customer
    issued_at: datetime.datetime
    lines: list[tuple[str, Money]]
    total: Money | None = None


INPUT = {
    "customer": Customer(id=uuid.UUID("6f1c2a0e-3b44-4c1d-9a55-0e0f3d1b2c3a"), email="  Ada@Example.COM ", since=datetime.date(2019, 5, 1)),
    "issued_at": datetime.datetime(2024, 3, 31, 1, 30, tzinfo=ZoneInfo("Europe/Paris")),
}
EXPECTS = "result"

PRICES = {"pen": Decimal("1.10"), "ink": Decimal("8.99"), "pad": Decimal("3.25")}


@action
async def price_lines(skus: list[str]) -> list[tuple[str, Money]]:
    return [(sku, Money(amount=PRICES[sku], currency=Currency.EUR)) for sku in skus]


@action
async def add_up(lines: list[tuple[str, Money]]) -> Money:
    return Money(amount=sum((money.amount for _, money in lines), Decimal("0.00")), currency=lines[0][1].currency)


@action
async def number_for(customer: Customer, issued_at: datetime.datetime) -> str:
    return f"{issued_at.astimezone(datetime.timezone.utc):%Y%m%d%H%M}-{str(customer.id)[:8]}-{customer.email}"


@workflow
class InvoiceWorkflow(Workflow):
    async def run(self, customer: Customer, issued_at: datetime.datetime) -> Invoice:
        lines = await price_lines(["pen", "ink", "pad"])
        total = await add_up(lines)
        number = await number_for(customer, issued_at)
        return Invoice(number=number, customer=customer, issued_at=issued_at, lines=lines, total=total)
