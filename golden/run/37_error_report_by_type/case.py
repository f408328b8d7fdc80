# Runs: failure reporting — try inside a loop that continues, `type(e).__name__` in handlers and f-strings, failures grouped per exception type with setdefault, and next((... for ... if ...), default) to find the first fatal one.
from rappel import Workflow, action, workflow

INPUT = {"accounts": ["a1", "a2", "a3", "a4", "a5"]}
EXPECTS = "result"

FATAL = ("PermissionError", "LookupError")


class QuotaExceeded(Exception):
    pass


@action
async def sync_account(account_id: str) -> int:
    if account_id == "a2":
        raise QuotaExceeded("quota exceeded for a2")
    if account_id == "a3":
        raise PermissionError("no access to a3")
    if account_id == "a5":
        raise QuotaExceeded("quota exceeded for a5")
    return 10


@workflow
class AccountSyncWorkflow(Workflow):
    async def run(self, accounts: list[str]) -> dict:
        synced = 0
        by_type: dict[str, list[str]] = {}
        log: list[str] = []
        for account_id in accounts:
            try:
                synced += await sync_account(account_id)
            except Exception as e:
                by_type.setdefault(type(e).__name__, []).append(account_id)
                log.append(f"{account_id}: {type(e).__name__}: {e}")
                continue
            log.append(f"{account_id}: ok")
        fatal = next((kind for kind in by_type if kind in FATAL), None)
        never = next((kind for kind in by_type if kind.startswith("Zzz")), "none")
        return {"synced": synced, "by_type": by_type, "log": log, "fatal": fatal, "never": never}
