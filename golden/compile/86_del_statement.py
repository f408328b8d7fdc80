# Pins: `del` — a key removed from a dict before it is exported, a slice and an item of a list in one statement (left to right), a key chosen by an await (the `del` is split around it), a dataclass field, a helper that copies its argument before deleting from it, and a variable unbound and bound again.
from dataclasses import dataclass

from rappel import Workflow, action, workflow


@dataclass
class Draft:
    title: str
    notes: str | None = None


@action
async def load_settings(account_id: str) -> dict[str, str]:
    return {"secret": "x", "theme": "dark"}


@action
async def load_history(account_id: str) -> list[str]:
    return ["a", "b", "c"]


@action
async def pick_stale_key(account_id: str) -> str:
    return "theme"


@action
async def export(settings: dict[str, str], recent: list[str], draft: Draft) -> str:
    return "ok"


@workflow
class ExportSettingsWorkflow(Workflow):
    async def run(self, account_id: str, keep: int = 2) -> str:
        settings = await load_settings(account_id)
        if "secret" in settings:
            del settings["secret"]
        history = await load_history(account_id)
        del history[keep:], history[0]
        del history[-1], settings[await pick_stale_key(account_id)]
        draft = Draft(title=account_id, notes="internal")
        del draft.notes
        temp = dict(settings)
        del temp
        temp = self.without(settings, "theme")
        return await export(temp, history, draft)

    def without(self, values: dict[str, str], key: str) -> dict[str, str]:
        values = dict(values)
        if key in values:
            del values[key]
        return values
