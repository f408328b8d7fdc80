# Pins: a while loop whose condition depends on an action result (cursor pagination), with a bound on the number of pages.
from pydantic import BaseModel

from rappel import Workflow, action, workflow

MAX_PAGES = 100


class Page(BaseModel):
    items: list[str]
    next_cursor: str | None


@action
async def list_invoices(customer_id: str, cursor: str | None) -> Page:
    if cursor is None:
        return Page(items=["inv-1", "inv-2"], next_cursor="page-2")
    return Page(items=["inv-3"], next_cursor=None)


@workflow
class InvoiceExportWorkflow(Workflow):
    async def run(self, customer_id: str) -> list[str]:
        invoices: list[str] = []
        page = await list_invoices(customer_id, None)
        invoices.extend(page.items)
        pages = 1
        while page.next_cursor is not None and pages < MAX_PAGES:
            page = await list_invoices(customer_id, cursor=page.next_cursor)
            invoices.extend(page.items)
            pages += 1
        return invoices
