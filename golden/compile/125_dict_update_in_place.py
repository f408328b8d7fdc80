# Pins: the RRL of `|=`: RRL's own `target |= value`, which updates a dict from a dict or any iterable of pairs as Python's dict `|=` does (where `d | pairs` raises TypeError), for a name, an item and a field; a generator expression on its right is consumed at once (a list comprehension); an await on its right runs first, into a temporary; on a set and an int `|=` gives what `|` does.
from pydantic import BaseModel

from rappel import Workflow, action, workflow


class Profile(BaseModel):
    labels: dict[str, str] = {}


@action
async def load_pairs(account_id: str) -> list[tuple[str, str]]:
    return [("lang", "en")]


@workflow
class SettingsUpdateWorkflow(Workflow):
    async def run(self, account_id: str, names: list[str], flags: int) -> dict:
        settings = {"theme": "light"}
        settings |= [("theme", "dark"), ("size", "m")]
        settings |= await load_pairs(account_id)
        settings |= ((name, name.upper()) for name in names)
        settings |= zip(names, names)
        nested = {"all": {"a": "1"}}
        nested["all"] |= settings
        profile = Profile()
        profile.labels |= [("owner", account_id)]
        seen = {1}
        seen |= {2, 3}
        flags |= 4
        return {"settings": settings, "nested": nested, "profile": profile, "seen": sorted(seen), "flags": flags}
