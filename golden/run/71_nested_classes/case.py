# Runs: nested classes (`Order.Line`, `Order.Status`, `Invoice.Line`) built, compared and tested in the workflow; two share a name, so the program declares one under another name, each with its `module:qualname`; repr() is Python's (a dataclass shows its qualname); they cross into actions and back, and out to the caller, as the user's classes.
import enum
from dataclasses import dataclass

from pydantic import BaseModel

from rappel import Workflow, action, workflow

INPUT = {"order_id": "o-7", "skus": ["pen", "ink"]}
EXPECTS = "result"


class Order(BaseModel):
    class Status(str, enum.Enum):
        OPEN = "open"
        SHIPPED = "shipped"

    class Line(BaseModel):
        sku: str
        quantity: int = 1

    id: str
    lines: list["Order.Line"]
    status: "Order.Status"


@dataclass(frozen=True)
class Invoice:
    @dataclass(frozen=True)
    class Line:
        text: str
        cents: int

    order_id: str
    lines: tuple["Invoice.Line", ...]


@action
async def ship(order: Order) -> Order:
    return order.model_copy(update={"status": Order.Status.SHIPPED})


@action
async def price(line: Order.Line) -> int:
    return 250 * line.quantity


@workflow
class ShipWorkflow(Workflow):
    async def run(self, order_id: str, skus: list[str]) -> tuple:
        lines = [Order.Line(sku=sku, quantity=i + 1) for i, sku in enumerate(skus)]
        order = Order(id=order_id, lines=lines, status=Order.Status.OPEN)
        shipped = await ship(order)
        invoice_lines = []
        for line in shipped.lines:
            cents = await price(line)
            invoice_lines.append(Invoice.Line(text=f"{line.quantity} x {line.sku}", cents=cents))
        invoice = Invoice(order_id=shipped.id, lines=tuple(invoice_lines))
        notes = [
            repr(invoice_lines[0]),
            repr(lines[0]),
            str(shipped.status),
            shipped.status == "shipped",
            shipped.status is Order.Status.SHIPPED,
            isinstance(shipped.lines[0], Order.Line),
            isinstance(invoice_lines[0], Order.Line),
            invoice.lines[0] == Invoice.Line(text="1 x pen", cents=250),
            type(invoice_lines[0]).__name__,
            shipped == order,
            {invoice_lines[1]: "hashable, frozen"}[Invoice.Line(text="2 x ink", cents=500)],
        ]
        return shipped, invoice, notes
