# Runs: pydantic models returned by actions (nested, with optional fields), read by attribute, constructed in the workflow and returned.
from pydantic import BaseModel

from rappel import Workflow, action, workflow

INPUT = {"customer_id": "c-9", "skus": ["pen", "ink", "pad"]}
EXPECTS = "result"

CATALOG = {"pen": 150, "ink": 899, "pad": 325}


class Price(BaseModel):
    sku: str
    cents: int
    currency: str = "EUR"


class Customer(BaseModel):
    id: str
    name: str
    discount_percent: int | None = None


class Quote(BaseModel):
    customer: Customer
    lines: list[Price]
    total_cents: int
    note: str | None = None


@action
async def load_customer(customer_id: str) -> Customer:
    return Customer(id=customer_id, name="Grace", discount_percent=10)


@action
async def price(sku: str) -> Price:
    return Price(sku=sku, cents=CATALOG[sku])


@workflow
class QuoteWorkflow(Workflow):
    async def run(self, customer_id: str, skus: list[str]) -> Quote:
        customer = await load_customer(customer_id)
        lines: list[Price] = []
        for sku in skus:
            line = await price(sku)
            lines.append(line)
        subtotal = sum(line.cents for line in lines)
        discount = customer.discount_percent or 0
        total = subtotal - subtotal * discount // 100
        return Quote(customer=customer, lines=lines, total_cents=total, note=f"{discount}% off for {customer.name}")
