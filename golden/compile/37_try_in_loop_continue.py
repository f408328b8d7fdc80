# Pins: try/except inside a for loop where the handler uses continue or break; counters updated on both paths.
from rappel import Workflow, action, workflow


@action
async def import_row(row: dict[str, str]) -> str:
    return row["id"]


@action
async def quarantine_row(row: dict[str, str], reason: str) -> None:
    return None


@workflow
class CsvImportWorkflow(Workflow):
    async def run(self, rows: list[dict[str, str]], max_errors: int = 10) -> dict[str, int]:
        imported = 0
        errors = 0
        for row in rows:
            try:
                await import_row(row)
            except ValueError as e:
                errors += 1
                await quarantine_row(row, reason=str(e))
                if errors >= max_errors:
                    break
                continue
            imported += 1
        return {"imported": imported, "errors": errors}
