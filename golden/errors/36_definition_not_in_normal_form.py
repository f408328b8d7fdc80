# Rejects: definitions spelled otherwise than their NFKC normal form (`ﬁnd` with a ligature is `find`, fullwidth `Ｂox` is `Box`), which Python binds under the normal form, used by the workflow under that normal spelling: an action, a model and its field, a module constant and a helper method. Each is reported where it is defined (RPL0235), not as a name the workflow lacks; `ﬁxed`, which the workflow does not use, is not.
from pydantic import BaseModel

from rappel import Workflow, action, workflow

ﬁles = 3
ﬁxed = 4


class Ｂox(BaseModel):
    ﬁeld: int


@action
async def ﬁnd(x: int) -> int:
    return x + 1


@workflow
class FinderWorkflow(Workflow):
    async def run(self, n: int) -> int:
        found = await find(n)
        box = Box(field=found + files)
        return box.field + await self.double(box.field)

    async def double(self, n: int) -> int:
        return await self.scaled(n)

    async def ｓcaled(self, n: int) -> int:
        return n * 2
