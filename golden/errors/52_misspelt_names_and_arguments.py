# Rejects: misspellings, each with what to write instead — an undefined name suggests the name in scope spelled most like it (an action, a local, a constant: RPL0223), an unknown keyword the nearest parameter (RPL0206), and too many positional arguments give the counts and the keyword-only parameters.
from rappel import Workflow, action, workflow

MAX_LINES = 50


@action
async def fetch_invoice(invoice_id: str, *, currency: str = "EUR") -> list[str]:
    return [invoice_id, currency]


@workflow
class MisspeltActionWorkflow(Workflow):
    async def run(self, invoice_id: str) -> list[str]:
        return await fetch_invioce(invoice_id)


@workflow
class MisspeltLocalWorkflow(Workflow):
    async def run(self, invoice_id: str) -> int:
        lines = await fetch_invoice(invoice_id)
        return len(line)


@workflow
class MisspeltConstantWorkflow(Workflow):
    async def run(self, invoice_id: str) -> int:
        lines = await fetch_invoice(invoice_id)
        return min(len(lines), MAX_LINSE)


@workflow
class MisspeltKeywordWorkflow(Workflow):
    async def run(self, invoice_id: str) -> list[str]:
        return await fetch_invoice(invoice_id, curency="USD")


@workflow
class TooManyArgumentsWorkflow(Workflow):
    async def run(self, invoice_id: str) -> list[str]:
        return await fetch_invoice(invoice_id, "USD")
