# Rejects: names written in another spelling than their NFKC normal form, which is what Python reads (`ﬁle` with a ligature is `file`, fullwidth `ｔｏｔａｌ` is `total`): an action's parameter, a workflow parameter, a local and a keyword argument. Names beyond ASCII in their normal form (`größe`) compile.
from pydantic import BaseModel

from rappel import Workflow, action, workflow


class Box(BaseModel):
    größe: int


@action
async def measure(ﬁle: str) -> int:
    return len(ﬁle)


@workflow
class MeasureWorkflow(Workflow):
    async def run(self, ﬁle: str) -> int:
        ｔｏｔａｌ = await measure(ﬁle=ﬁle)
        box = Box(größe=ｔｏｔａｌ)
        return box.größe
