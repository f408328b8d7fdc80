# Pins: a finance reconciliation — two sources fetched in parallel, indexed into dicts by id, matched with membership tests, discrepancies classified with if/elif and tolerance arithmetic.
import asyncio

from pydantic import BaseModel

from rappel import Workflow, action, workflow

TOLERANCE_CENTS = 1


class LedgerEntry(BaseModel):
    invoice_id: str
    cents: int


class Discrepancy(BaseModel):
    invoice_id: str
    kind: str
    ledger_cents: int
    bank_cents: int


@action
async def fetch_ledger(period: str) -> list[LedgerEntry]:
    return [LedgerEntry(invoice_id="i1", cents=100), LedgerEntry(invoice_id="i2", cents=250), LedgerEntry(invoice_id="i3", cents=75)]


@action
async def fetch_bank_settlements(period: str) -> list[LedgerEntry]:
    return [LedgerEntry(invoice_id="i1", cents=100), LedgerEntry(invoice_id="i2", cents=200), LedgerEntry(invoice_id="i9", cents=10)]


@action
async def file_discrepancies(period: str, items: list[Discrepancy]) -> str:
    return "RECON-1"


@workflow
class ReconciliationWorkflow(Workflow):
    async def run(self, period: str) -> dict[str, int]:
        ledger, bank = await asyncio.gather(fetch_ledger(period), fetch_bank_settlements(period))
        ledger_by_id = {e.invoice_id: e.cents for e in ledger}
        bank_by_id = {e.invoice_id: e.cents for e in bank}
        issues: list[Discrepancy] = []
        for invoice_id, cents in ledger_by_id.items():
            if invoice_id not in bank_by_id:
                issues.append(Discrepancy(invoice_id=invoice_id, kind="missing_in_bank", ledger_cents=cents, bank_cents=0))
            elif abs(bank_by_id[invoice_id] - cents) > TOLERANCE_CENTS:
                issues.append(Discrepancy(
                    invoice_id=invoice_id,
                    kind="amount_mismatch",
                    ledger_cents=cents,
                    bank_cents=bank_by_id[invoice_id],
                ))
        for invoice_id, cents in bank_by_id.items():
            if invoice_id not in ledger_by_id:
                issues.append(Discrepancy(invoice_id=invoice_id, kind="missing_in_ledger", ledger_cents=0, bank_cents=cents))
        matched = len(ledger_by_id) - len([i for i in issues if i.kind != "missing_in_ledger"])
        if issues:
            await file_discrepancies(period, issues)
        return {"matched": matched, "issues": len(issues)}
