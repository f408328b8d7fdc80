# Pins: failure reporting — `type(e).__name__` inside except handlers and f-strings, errors grouped per exception type with setdefault, a try inside a loop that `continue`s, and next(generator, default) to find the first fatal error.
from rappel import Workflow, action, workflow

FATAL = ("PermissionError", "KeyError")


@action
async def sync_account(account_id: str) -> int:
    return 1


@action
async def alert(summary: str, details: dict[str, list[str]]) -> None:
    return None


@workflow
class AccountSyncWorkflow(Workflow):
    async def run(self, account_ids: list[str]) -> dict[str, object]:
        synced = 0
        errors: dict[str, list[str]] = {}
        log: list[str] = []
        for account_id in account_ids:
            try:
                synced += await sync_account(account_id)
            except Exception as e:
                kind = type(e).__name__
                errors.setdefault(kind, []).append(account_id)
                log.append(f"{account_id}: {type(e).__name__}: {e}")
                continue
        fatal = next((kind for kind in errors if kind in FATAL), None)
        if errors:
            await alert(f"{len(log)} failures, first fatal: {fatal}", errors)
        return {"synced": synced, "fatal": fatal, "log": log}
