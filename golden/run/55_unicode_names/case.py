# Runs: names beyond ASCII compile and run — parameters, locals, a helper's locals and parameters (inlined), an action parameter, a model field, a dict built with a comprehension whose variables are Japanese, and an f-string reading them.
from pydantic import BaseModel

from rappel import Workflow, action, workflow

INPUT = {"größen": [3, 0, 5], "名前": "Köln"}
EXPECTS = "result"

GRENZWERT = 4


class Maß(BaseModel):
    größe: int
    über_grenze: bool


@action
async def wiege(größe: int) -> int:
    return größe * 10


@workflow
class WiegeWorkflow(Workflow):
    async def run(self, größen: list[int], 名前: str) -> dict:
        maße: list[Maß] = []
        for größe in größen:
            gewicht = await wiege(größe)
            maße.append(await self.bewerte(gewicht))
        数 = {f"{名前}-{索引}": m.größe for 索引, m in enumerate(maße) if m.größe}
        return {"maße": maße, "数": 数, "text": f"{名前}: {len(数)} von {len(größen)}"}

    async def bewerte(self, größe: int) -> Maß:
        grenze = GRENZWERT * 10
        return Maß(größe=größe, über_grenze=größe > grenze)
