# Pins: pydantic models returned by actions, read by attribute (including nested models and optional fields), constructed in the workflow (nested, with defaults omitted) and passed to actions.
from pydantic import BaseModel, Field

from rappel import Workflow, action, workflow


class Money(BaseModel):
    amount: int
    currency: str = "EUR"


class LineItem(BaseModel):
    sku: str
    quantity: int
    unit_price: Money


class Quote(BaseModel):
    customer_id: str
    items: list[LineItem]
    total: Money
    discount_code: str | None = None
    notes: list[str] = Field(default_factory=list)


@action
async def price_sku(sku: str) -> Money:
    return Money(amount=999)


@action
async def save_quote(quote: Quote) -> str:
    return "quote-1"


@workflow
class QuoteWorkflow(Workflow):
    async def run(self, customer_id: str, skus: dict[str, int], code: str | None = None) -> Quote:
        items: list[LineItem] = []
        for sku, quantity in skus.items():
            price = await price_sku(sku)
            items.append(LineItem(sku=sku, quantity=quantity, unit_price=price))
        total_amount = sum(i.unit_price.amount * i.quantity for i in items)
        currency = items[0].unit_price.currency if items else "EUR"
        quote = Quote(
            customer_id=customer_id,
            items=items,
            total=Money(amount=total_amount, currency=currency),
            discount_code=code,
        )
        if quote.discount_code is not None:
            quote = Quote(
                customer_id=quote.customer_id,
                items=quote.items,
                total=Money(amount=quote.total.amount * 9 // 10, currency=quote.total.currency),
                discount_code=quote.discount_code,
                notes=[f"discount {quote.discount_code} applied"],
            )
        await save_quote(quote)
        return quote
