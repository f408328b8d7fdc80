# Pins: f-strings — plain fields, attribute/index/call expressions inside fields, format specs ({x:.2f}, {n:>6}, {n:,}, {p:.1%}, {i:03d}), !r and !s conversions, nested quotes, literal braces and multi-part concatenation.
from pydantic import BaseModel

from rappel import Workflow, action, workflow


class Invoice(BaseModel):
    number: int
    customer: str
    amount: float
    tags: list[str]


@action
async def load_invoice(invoice_id: str) -> Invoice:
    return Invoice(number=7, customer="Acme", amount=1234.5, tags=["q3"])


@action
async def send_text(to: str, body: str) -> bool:
    return True


@workflow
class InvoiceReminderWorkflow(Workflow):
    async def run(self, invoice_id: str, phone: str, paid_ratio: float) -> list[str]:
        invoice = await load_invoice(invoice_id)
        lines = [
            f"Invoice #{invoice.number:05d} for {invoice.customer}",
            f"Amount due: {invoice.amount:.2f} EUR ({invoice.amount:,.0f} rounded)",
            f"Customer id: {invoice.customer!r} / {invoice.customer!s}",
            f"Paid so far: {paid_ratio:.1%}",
            f"First tag: {invoice.tags[0] if invoice.tags else 'none'}",
            f"Tags: {', '.join(invoice.tags)} ({len(invoice.tags)} total)",
            f"Right aligned: [{invoice.number:>6}] and {{literal braces}}",
            f"Upper: {invoice.customer.upper()}" + " / " + f"{invoice_id}",
        ]
        await send_text(phone, "\n".join(lines))
        return lines
