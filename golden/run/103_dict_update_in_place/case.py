# Runs: `|=` on a dict updates it as Python's dict.__ior__ does, from a dict, a list of pairs, a generator of pairs (consumed at once), zip() and an action's result, on a name and on an item of a dict, and a copy taken before keeps its value; `d | pairs` (binary) still raises TypeError, and the errors of `|=` are Python's, caught: an item that is no pair, a pair of three, a value that is not iterable, a set with a list, an int with a str. On a set and an int `|=` gives what `|` does.
from rappel import Workflow, action, workflow

INPUT = {"account_id": "acct-7"}
EXPECTS = "result"


@action
async def load_pairs(account_id: str) -> list[list[str]]:
    return [["lang", "en"], ["owner", account_id]]


@workflow
class DictUpdateWorkflow(Workflow):
    async def run(self, account_id: str) -> dict:
        settings = {"theme": "light", "size": "s"}
        before = dict(settings)
        settings |= [("theme", "dark"), ("font", "serif")]
        settings |= await load_pairs(account_id)
        settings |= ((key, key.upper()) for key in ["a", "b"])
        settings |= zip(["z"], ["last"])
        settings |= {"size": "l"}
        groups = {"all": {"x": 1}}
        groups["all"] |= [("y", 2)]
        seen = {1}
        seen |= {2} | frozenset([3])
        bits = 1
        bits |= 6
        errors = []
        try:
            merged = settings | [("k", "v")]
            errors.append(str(len(merged)))
        except TypeError as error:
            errors.append(str(error))
        try:
            settings |= [5, ("k", "v")]
        except TypeError as error:
            errors.append(str(error))
        try:
            settings |= [("a", "b", "c")]
        except ValueError as error:
            errors.append(str(error))
        try:
            settings |= 5
        except TypeError as error:
            errors.append(str(error))
        try:
            seen |= [4]
        except TypeError as error:
            errors.append(str(error))
        try:
            bits |= "a"
        except TypeError as error:
            errors.append(str(error))
        return {
            "settings": settings,
            "before": before,
            "groups": groups,
            "seen": sorted(seen),
            "bits": bits,
            "errors": errors,
        }
