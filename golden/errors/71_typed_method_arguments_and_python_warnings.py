# Rejects: a method of a value whose type is certain (a parameter declared `str` or `list`, a variable bound only to an action's declared `dict` result) called with arguments it never takes (RPL0206), with Python's counts, as for a literal; a variable bound to other values too is left to the run. Reports, once each and located, the warnings Python's parser gives for the source (RPL0265): a number run into a keyword (`1if`) and an invalid escape sequence.
from rappel import Workflow, action, workflow

PATTERN = "\d+"


@action
async def load_settings(account_id: str) -> dict[str, str]:
    return {"theme": "dark"}


@workflow
class TypedReceiverWorkflow(Workflow):
    async def run(self, name: str, tags: list[str], account_id: str) -> list:
        settings = await load_settings(account_id)
        theme = settings.get()
        label = name.strip(" ", "x")
        first = tags.index()
        parts = name.split(sep=",", maxsplit=1, limit=2)
        other = name if tags else tags
        kept = other.count("a", "b", "c", "d")
        return [theme, label, first, parts, kept, 1if name else 2]
