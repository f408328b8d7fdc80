# Pins: `d | e` and `d |= e` on dicts, bitwise `|` / `&` / `^` on ints, `next(iter(d))` (the first key, `list(d)[0]`) and `next(iter(xs), default)` (a loop that stops at the first item).
from rappel import Workflow, action, workflow


@action
async def load_defaults(account_id: str) -> dict[str, str]:
    return {"theme": "light", "lang": "en"}


@action
async def load_overrides(account_id: str) -> dict[str, str]:
    return {"theme": "dark"}


@action
async def load_queue(account_id: str) -> list[str]:
    return []


@action
async def save(settings: dict[str, str], first_key: str, head: str, flags: int) -> str:
    return "ok"


@workflow
class SettingsWorkflow(Workflow):
    async def run(self, account_id: str, extra: dict[str, str], flags: int) -> str:
        settings = await load_defaults(account_id) | await load_overrides(account_id)
        settings |= extra
        first_key = next(iter(settings))
        head = next(iter(await load_queue(account_id)), "nothing queued")
        flags = (flags | 4) & 7 ^ 1 if flags else flags | 1
        return await save(settings, first_key, head, flags)
