# Runs: `+=` on a list extends it with any iterable, as Python's list.__iadd__ does: a tuple, a str (its characters), a range, a dict (its keys), `map(...)`, a generator expression (consumed at once), and `xs += a, b`; on an item of a dict and on an action's result; `xs *= 2` repeats a list. On a tuple or a str `+=` still concatenates, and the errors are Python's, caught: `t += [1]`, `xs += 5` ("'int' object is not iterable"), `n += "a"` ("unsupported operand type(s) for +=").
from rappel import Workflow, action, workflow

INPUT = {"batch": "b1"}
EXPECTS = "result"


@action
async def load_names(batch: str) -> list[str]:
    return ["ada", "grace"]


@action
async def load_counts(batch: str) -> dict[str, int]:
    return {"ada": 2, "grace": 3}


@workflow
class ListAugmentedWorkflow(Workflow):
    async def run(self, batch: str) -> dict:
        names = await load_names(batch)
        names += ("linus",)
        counts = await load_counts(batch)
        values = [0]
        values += (1, 2)
        values += "ab"
        values += range(2)
        values += counts
        values += map(str.upper, names)
        values += (counts[name] * 10 for name in names if name in counts)
        values += 7, 8
        groups = {"seen": ["start"]}
        groups["seen"] += (name[0] for name in names)
        repeated = ["x", "y"]
        repeated *= 2
        pair = (1,)
        pair += (2,)
        label = "n"
        label += "ab"
        try:
            pair += [3]
            tuple_error = "none"
        except TypeError as error:
            tuple_error = str(error)
        try:
            values += 5
            int_error = "none"
        except TypeError as error:
            int_error = str(error)
        try:
            total = 1
            total += "a"
            add_error = "none"
        except TypeError as error:
            add_error = str(error)
        return {
            "names": names,
            "values": values,
            "groups": groups,
            "repeated": repeated,
            "pair": pair,
            "label": label,
            "tuple_error": tuple_error,
            "int_error": int_error,
            "add_error": add_error,
        }
