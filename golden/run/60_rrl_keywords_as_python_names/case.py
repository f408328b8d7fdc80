# Runs: Python names that are keywords of RRL (`rrl`, `const`, `action`, `fn`, `workflow`, `parallel`, `sleep`) — model fields, an action and its parameters, keyword arguments and attributes keep their names; locals, loop, lambda, comprehension and `except ... as` names, helper methods and their parameters, module constants and a model class are renamed `name_`, which RRL never takes as a name.
from pydantic import BaseModel

from rappel import Workflow, action, workflow

INPUT = {"items": [1, 0, 2]}
EXPECTS = "result"

fn = 3
const = ["c"]


class Event(BaseModel):
    action: str
    sleep: int


class parallel(BaseModel):
    workflow: int


@action
async def record(action: str, workflow: str) -> str:
    return action + workflow


@action
async def sleep(rrl: int) -> int:
    return rrl + 1


@workflow
class KeywordNamesWorkflow(Workflow):
    async def run(self, items: list[int]) -> list:
        event = Event(action="go", sleep=2)
        rrl = event.action
        action = await record(action=rrl, workflow="w")
        slept = await sleep(rrl=fn)
        workflow = await self.fn(workflow=action, const=const[0])
        guarded = await self.guarded(items)
        ordered = sorted(items, key=lambda fn: -fn)
        doubled = [rrl * 2 for rrl in items]
        box = parallel(workflow=slept)
        return [rrl, action, slept, workflow, event.sleep, guarded, ordered, doubled, box.workflow, box]

    async def guarded(self, items: list[int]) -> list:
        out = []
        for workflow in items:
            try:
                out.append({"x": workflow} if workflow else [][0])
            except IndexError as const:
                out.append(str(const))
        return out

    async def fn(self, workflow: str, const: str) -> str:
        action = workflow + const
        return action
