# Pins: awaits inside expressions, in Python's order — `(await f()).field` and `(await f()).method()`, an await as an argument after operands that may raise (read into temporaries first) and beside `queue.pop(0)`, in f-string fields, as a subscript `d[await k()] = v`, `d[await k()] += 1`, `del d[await k()]`, as the first iterator of a comprehension, over `asyncio.gather(...)`, `self.run_action(...)` and an async helper as loop iterables, and at the end of a chained comparison.
import asyncio

from pydantic import BaseModel

from rappel import RetryPolicy, Workflow, action, workflow


class Profile(BaseModel):
    name: str
    tags: list[str]


@action
async def load_profile(user_id: str) -> Profile:
    return Profile(name=user_id, tags=[])


@action
async def slot_for(user_id: str) -> str:
    return user_id


@action
async def score(tag: str) -> int:
    return len(tag)


@workflow
class ProfileWorkflow(Workflow):
    async def tags_of(self, user_id: str) -> list[str]:
        return [t.lower() for t in (await load_profile(user_id)).tags]

    async def run(self, user_id: str, limits: dict[str, int], queue: list[str]) -> dict:
        name = (await load_profile(user_id)).name
        title = (await slot_for(user_id)).title()
        total = limits[user_id] + await score(name)
        line = f"{queue.pop(0)}: {await score(queue.pop(0))!r:>6} {name}"
        slots = {}
        slots[await slot_for(user_id)] = len(name)
        slots[await slot_for(name)] += 1
        del slots[await slot_for(title)]
        lengths = [len(t) for t in await self.tags_of(user_id)]
        for s in await asyncio.gather(score(name), score(title)):
            total += s
        for t in (await self.run_action(load_profile(user_id), retry=RetryPolicy(attempts=3))).tags:
            total += len(t)
        fits = 0 < total <= await score(line)
        return {"name": name, "line": line, "slots": slots, "lengths": lengths, "fits": fits}
