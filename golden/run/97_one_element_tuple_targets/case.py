# Runs: one-element tuple targets, unpacked as Python unpacks them: `a, = xs`, `(a,) = xs` and `[a] = xs` from values, from an action's result and from a one-call `asyncio.gather`; `for b, in rows` and `for (b,) in rows`; a nested `(user, (role,))`; one-element targets in list, set, dict and generator comprehensions; `*rest, = xs`; and a one-element target given two values or none raises ValueError ("too many values to unpack", "not enough values"), caught. RRL prints them `a, = xs` and both parsers read that back as a tuple, not as `a = xs`.
import asyncio

from rappel import Workflow, action, workflow

INPUT = {"batch": "b1"}
EXPECTS = "result"


@action
async def load_rows(batch: str) -> list[list[str]]:
    return [["ada"], ["grace"], ["linus"]]


@action
async def load_roles(batch: str) -> list[list]:
    return [["ada", ["admin"]], ["grace", ["editor"]]]


@action
async def load_owner(batch: str) -> list[str]:
    return ["ada"]


@workflow
class OneElementTargetsWorkflow(Workflow):
    async def run(self, batch: str) -> dict:
        rows = await load_rows(batch)
        owner, = await load_owner(batch)
        (gathered,) = await asyncio.gather(load_owner(batch))
        (first,) = rows[0]
        [second] = rows[1]
        names = []
        for name, in rows:
            names.append(name)
        shouted = []
        for (name,) in rows:
            shouted.append(name.upper())
        pairs = await load_roles(batch)
        roles = {}
        for user, (role,) in pairs:
            roles[user] = role
        listed = [name for (name,) in rows]
        initials = sorted({name[0] for name, in rows})
        lengths = {name: len(name) for (name,) in rows}
        joined = "+".join(name for (name,) in rows)
        *everyone, = listed
        try:
            (lone,) = rows[0] + rows[1]
            too_many = lone
        except ValueError as error:
            too_many = str(error)
        try:
            [nobody] = rows[3:]
            too_few = nobody
        except ValueError as error:
            too_few = str(error)
        return {
            "owner": owner,
            "gathered": gathered,
            "first": first,
            "second": second,
            "names": names,
            "shouted": shouted,
            "roles": roles,
            "listed": listed,
            "initials": initials,
            "lengths": lengths,
            "joined": joined,
            "everyone": everyone,
            "too_many": too_many,
            "too_few": too_few,
        }
