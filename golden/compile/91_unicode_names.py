# Pins: names beyond ASCII, by Python's rule (XID_Start / XID_Continue) — German and Japanese parameters, locals, loop and comprehension variables, a helper with its own locals (inlined as `$n_größe`), an action and its parameter, a model field and a module constant — printed in RRL as written and kept in the DAG.
from pydantic import BaseModel

from rappel import Workflow, action, workflow

MAßSTAB = 100


class Lieferung(BaseModel):
    größe: int
    ziel: str


@action
async def versende(lieferung: Lieferung, straße: str) -> str:
    return f"{lieferung.ziel}: {straße}"


@workflow
class VersandWorkflow(Workflow):
    async def run(self, größen: list[int], 宛先: str) -> list[str]:
        belege: list[str] = []
        for größe in größen:
            maß = await self.skaliert(größe)
            lieferung = Lieferung(größe=maß, ziel=宛先)
            belege.append(await versende(lieferung, straße="Hauptstraße"))
        übersicht = [f"{n}×" for n in größen if n > 0]
        return belege + übersicht

    async def skaliert(self, größe: int) -> int:
        ergebnis = größe * MAßSTAB
        return ergebnis
