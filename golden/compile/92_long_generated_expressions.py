# Pins: long flat chains as generated code writes them compile within RRL's depth bound — a sum of 1,000 terms (split into temporaries every 100 operators, which the optimizer keeps apart), an `and` of 300 comparisons and an `or` of 120 (one flat operation each), and an if/elif chain of 300 branches (each `elif` one level deeper, within 500).
from pydantic import BaseModel

from rappel import Workflow, action, workflow


class Row(BaseModel):
    f0: int
    f1: int
    f2: int
    f3: int
    f4: int
    f5: int
    f6: int
    f7: int
    f8: int
    f9: int
    f10: int
    f11: int


@action
async def load_row(key: str) -> Row:
    return Row(**{f"f{n}": n for n in range(12)})


@workflow
class GeneratedReportWorkflow(Workflow):
    async def run(self, key: str, code: str) -> dict:
        row = await load_row(key)
        total = row.f0 + row.f1 + row.f2 + row.f3 + row.f4 + row.f5 + row.f6 + row.f7 + row.f8 + row.f9 + row.f10 + row.f11 + row.f0 + row.f1 + row.f2 + row.f3 + row.f4 + row.f5 + row.f6 + row.f7 + row.f8 + row.f9 + row.f10 + row.f11 + row.f0 + row.f1 + row.f2 + row.f3 + row.f4 + row.f5 + row.f6 + row.f7 + row.f8 + row.f9 + row.f10 + row.f11 + row.f0 + row.f1 + row.f2 + row.f3 + row.f4 + row.f5 + row.f6 + row.f7 + row.f8 + row.f9 + row.f10 + row.f11 + row.f0 + row.f1 + row.f2 + row.f3 + row.f4 + row.f5 + row.f6 + row.f7 + row.f8 + row.f9 + row.f10 + row.f11 + row.f0 + row.f1 + row.f2 + row.f3 + row.f4 + row.f5 + row.f6 + row.f7 + row.f8 + row.f9 + row.f10 + row.f11 + row.f0 + row.f1 + row.f2 + row.f3 + row.f4 + row.f5 + row.f6 + row.f7 + row.f8 + row.f9 + row.f10 + row.f11 + row.f0 + row.f1 + row.f2 + row.f3 + row.f4 + row.f5 + row.f6 + row.f7 + row.f8 + row.f9 + row.f10 + row.f11 + row.f0 + row.f1 + row.f2 + row.f3 + row.f4 + row.f5 + row.f6 + row.f7 + row.f8 + row.f9 + row.f10 + row.f11 + row.f0 + row.f1 + row.f2 + row.f3 + row.f4 + row.f5 + row.f6 + row.f7 + row.f8 + row.f9 + row.f10 + row.f11 + row.f0 + row.f1 + row.f2 + row.f3 + row.f4 + row.f5 + row.f6 + row.f7 + row.f8 + row.f9 + row.f10 + row.f11 + row.f0 + row.f1 + row.f2 + row.f3 + row.f4 + row.f5 + row.f6 + row.f7 + row.f8 + row.f9 + row.f10 + row.f11 + row.f0 + row.f1 + row.f2 + row.f3 + row.f4 + row.f5 + row.f6 + row.f7 + row.f8 + row.f9 + row.f10 + row.f11 + row.f0 + row.f1 + row.f2 + row.f3 + row.f4 + row.f5 + row.f6 + row.f7 + row.f8 + row.f9 + row.f10 + row.f11 + row.f0 + row.f1 + row.f2 + row.f3 + row.f4 + row.f5 + row.f6 + row.f7 + row.f8 + row.f9 + row.f10 + row.f11 + row.f0 + row.f1 + row.f2 + row.f3 + row.f4 + row.f5 + row.f6 + row.f7 + row.f8 + row.f9 + row.f10 + row.f11 + row.f0 + row.f1 + row.f2 + row.f3 + row.f4 + row.f5 + row.f6 + row.f7 + row.f8 + row.f9 + row.f10 + row.f11 + row.f0 + row.f1 + row.f2 + row.f3 + row.f4 + row.f5 + row.f6 + row.f7 + row.f8 + row.f9 + row.f10 + row.f11 + row.f0 + row.f1 + row.f2 + row.f3 + row.f4 + row.f5 + row.f6 + row.f7 + row.f8 + row.f9 + row.f10 + row.f11 + row.f0 + row.f1 + row.f2 + row.f3 + row.f4 + row.f5 + row.f6 + row.f7 + row.f8 + row.f9 + row.f10 + row.f11 + row.f0 + row.f1 + row.f2 + row.f3 + row.f4 + row.f5 + row.f6 + row.f7 + row.f8 + row.f9 + row.f10 + row.f11 + row.f0 + row.f1 + row.f2 + row.f3 + row.f4 + row.f5 + row.f6 + row.f7 + row.f8 + row.f9 + row.f10 + row.f11 + row.f0 + row.f1 + row.f2 + row.f3 + row.f4 + row.f5 + row.f6 + row.f7 + row.f8 + row.f9 + row.f10 + row.f11 + row.f0 + row.f1 + row.f2 + row.f3 + row.f4 + row.f5 + row.f6 + row.f7 + row.f8 + row.f9 + row.f10 + row.f11 + row.f0 + row.f1 + row.f2 + row.f3 + row.f4 + row.f5 + row.f6 + row.f7 + row.f8 + row.f9 + row.f10 + row.f11 + row.f0 + row.f1 + row.f2 + row.f3 + row.f4 + row.f5 + row.f6 + row.f7 + row.f8 + row.f9 + row.f10 + row.f11 + row.f0 + row.f1 + row.f2 + row.f3 + row.f4 + row.f5 + row.f6 + row.f7 + row.f8 + row.f9 + row.f10 + row.f11 + row.f0 + row.f1 + row.f2 + row.f3 + row.f4 + row.f5 + row.f6 + row.f7 + row.f8 + row.f9 + row.f10 + row.f11 + row.f0 + row.f1 + row.f2 + row.f3 + row.f4 + row.f5 + row.f6 + row.f7 + row.f8 + row.f9 + row.f10 + row.f11 + row.f0 + row.f1 + row.f2 + row.f3 + row.f4 + row.f5 + row.f6 + row.f7 + row.f8 + row.f9 + row.f10 + row.f11 + row.f0 + row.f1 + row.f2 + row.f3 + row.f4 + row.f5 + row.f6 + row.f7 + row.f8 + row.f9 + row.f10 + row.f11 + row.f0 + row.f1 + row.f2 + row.f3 + row.f4 + row.f5 + row.f6 + row.f7 + row.f8 + row.f9 + row.f10 + row.f11 + row.f0 + row.f1 + row.f2 + row.f3 + row.f4 + row.f5 + row.f6 + row.f7 + row.f8 + row.f9 + row.f10 + row.f11 + row.f0 + row.f1 + row.f2 + row.f3 + row.f4 + row.f5 + row.f6 + row.f7 + row.f8 + row.f9 + row.f10 + row.f11 + row.f0 + row.f1 + row.f2 + row.f3 + row.f4 + row.f5 + row.f6 + row.f7 + row.f8 + row.f9 + row.f10 + row.f11 + row.f0 + row.f1 + row.f2 + row.f3 + row.f4 + row.f5 + row.f6 + row.f7 + row.f8 + row.f9 + row.f10 + row.f11 + row.f0 + row.f1 + row.f2 + row.f3 + row.f4 + row.f5 + row.f6 + row.f7 + row.f8 + row.f9 + row.f10 + row.f11 + row.f0 + row.f1 + row.f2 + row.f3 + row.f4 + row.f5 + row.f6 + row.f7 + row.f8 + row.f9 + row.f10 + row.f11 + row.f0 + row.f1 + row.f2 + row.f3 + row.f4 + row.f5 + row.f6 + row.f7 + row.f8 + row.f9 + row.f10 + row.f11 + row.f0 + row.f1 + row.f2 + row.f3 + row.f4 + row.f5 + row.f6 + row.f7 + row.f8 + row.f9 + row.f10 + row.f11 + row.f0 + row.f1 + row.f2 + row.f3 + row.f4 + row.f5 + row.f6 + row.f7 + row.f8 + row.f9 + row.f10 + row.f11 + row.f0 + row.f1 + row.f2 + row.f3 + row.f4 + row.f5 + row.f6 + row.f7 + row.f8 + row.f9 + row.f10 + row.f11 + row.f0 + row.f1 + row.f2 + row.f3 + row.f4 + row.f5 + row.f6 + row.f7 + row.f8 + row.f9 + row.f10 + row.f11 + row.f0 + row.f1 + row.f2 + row.f3 + row.f4 + row.f5 + row.f6 + row.f7 + row.f8 + row.f9 + row.f10 + row.f11 + row.f0 + row.f1 + row.f2 + row.f3 + row.f4 + row.f5 + row.f6 + row.f7 + row.f8 + row.f9 + row.f10 + row.f11 + row.f0 + row.f1 + row.f2 + row.f3 + row.f4 + row.f5 + row.f6 + row.f7 + row.f8 + row.f9 + row.f10 + row.f11 + row.f0 + row.f1 + row.f2 + row.f3 + row.f4 + row.f5 + row.f6 + row.f7 + row.f8 + row.f9 + row.f10 + row.f11 + row.f0 + row.f1 + row.f2 + row.f3 + row.f4 + row.f5 + row.f6 + row.f7 + row.f8 + row.f9 + row.f10 + row.f11 + row.f0 + row.f1 + row.f2 + row.f3 + row.f4 + row.f5 + row.f6 + row.f7 + row.f8 + row.f9 + row.f10 + row.f11 + row.f0 + row.f1 + row.f2 + row.f3 + row.f4 + row.f5 + row.f6 + row.f7 + row.f8 + row.f9 + row.f10 + row.f11 + row.f0 + row.f1 + row.f2 + row.f3 + row.f4 + row.f5 + row.f6 + row.f7 + row.f8 + row.f9 + row.f10 + row.f11 + row.f0 + row.f1 + row.f2 + row.f3 + row.f4 + row.f5 + row.f6 + row.f7 + row.f8 + row.f9 + row.f10 + row.f11 + row.f0 + row.f1 + row.f2 + row.f3 + row.f4 + row.f5 + row.f6 + row.f7 + row.f8 + row.f9 + row.f10 + row.f11 + row.f0 + row.f1 + row.f2 + row.f3 + row.f4 + row.f5 + row.f6 + row.f7 + row.f8 + row.f9 + row.f10 + row.f11 + row.f0 + row.f1 + row.f2 + row.f3 + row.f4 + row.f5 + row.f6 + row.f7 + row.f8 + row.f9 + row.f10 + row.f11 + row.f0 + row.f1 + row.f2 + row.f3 + row.f4 + row.f5 + row.f6 + row.f7 + row.f8 + row.f9 + row.f10 + row.f11 + row.f0 + row.f1 + row.f2 + row.f3 + row.f4 + row.f5 + row.f6 + row.f7 + row.f8 + row.f9 + row.f10 + row.f11 + row.f0 + row.f1 + row.f2 + row.f3 + row.f4 + row.f5 + row.f6 + row.f7 + row.f8 + row.f9 + row.f10 + row.f11 + row.f0 + row.f1 + row.f2 + row.f3 + row.f4 + row.f5 + row.f6 + row.f7 + row.f8 + row.f9 + row.f10 + row.f11 + row.f0 + row.f1 + row.f2 + row.f3 + row.f4 + row.f5 + row.f6 + row.f7 + row.f8 + row.f9 + row.f10 + row.f11 + row.f0 + row.f1 + row.f2 + row.f3 + row.f4 + row.f5 + row.f6 + row.f7 + row.f8 + row.f9 + row.f10 + row.f11 + row.f0 + row.f1 + row.f2 + row.f3 + row.f4 + row.f5 + row.f6 + row.f7 + row.f8 + row.f9 + row.f10 + row.f11 + row.f0 + row.f1 + row.f2 + row.f3 + row.f4 + row.f5 + row.f6 + row.f7 + row.f8 + row.f9 + row.f10 + row.f11 + row.f0 + row.f1 + row.f2 + row.f3 + row.f4 + row.f5 + row.f6 + row.f7 + row.f8 + row.f9 + row.f10 + row.f11 + row.f0 + row.f1 + row.f2 + row.f3 + row.f4 + row.f5 + row.f6 + row.f7 + row.f8 + row.f9 + row.f10 + row.f11 + row.f0 + row.f1 + row.f2 + row.f3 + row.f4 + row.f5 + row.f6 + row.f7 + row.f8 + row.f9 + row.f10 + row.f11 + row.f0 + row.f1 + row.f2 + row.f3 + row.f4 + row.f5 + row.f6 + row.f7 + row.f8 + row.f9 + row.f10 + row.f11 + row.f0 + row.f1 + row.f2 + row.f3 + row.f4 + row.f5 + row.f6 + row.f7 + row.f8 + row.f9 + row.f10 + row.f11 + row.f0 + row.f1 + row.f2 + row.f3 + row.f4 + row.f5 + row.f6 + row.f7 + row.f8 + row.f9 + row.f10 + row.f11 + row.f0 + row.f1 + row.f2 + row.f3 + row.f4 + row.f5 + row.f6 + row.f7 + row.f8 + row.f9 + row.f10 + row.f11 + row.f0 + row.f1 + row.f2 + row.f3 + row.f4 + row.f5 + row.f6 + row.f7 + row.f8 + row.f9 + row.f10 + row.f11 + row.f0 + row.f1 + row.f2 + row.f3 + row.f4 + row.f5 + row.f6 + row.f7 + row.f8 + row.f9 + row.f10 + row.f11 + row.f0 + row.f1 + row.f2 + row.f3 + row.f4 + row.f5 + row.f6 + row.f7 + row.f8 + row.f9 + row.f10 + row.f11 + row.f0 + row.f1 + row.f2 + row.f3 + row.f4 + row.f5 + row.f6 + row.f7 + row.f8 + row.f9 + row.f10 + row.f11 + row.f0 + row.f1 + row.f2 + row.f3 + row.f4 + row.f5 + row.f6 + row.f7 + row.f8 + row.f9 + row.f10 + row.f11 + row.f0 + row.f1 + row.f2 + row.f3 + row.f4 + row.f5 + row.f6 + row.f7 + row.f8 + row.f9 + row.f10 + row.f11 + row.f0 + row.f1 + row.f2 + row.f3 + row.f4 + row.f5 + row.f6 + row.f7 + row.f8 + row.f9 + row.f10 + row.f11 + row.f0 + row.f1 + row.f2 + row.f3 + row.f4 + row.f5 + row.f6 + row.f7 + row.f8 + row.f9 + row.f10 + row.f11 + row.f0 + row.f1 + row.f2 + row.f3 + row.f4 + row.f5 + row.f6 + row.f7 + row.f8 + row.f9 + row.f10 + row.f11 + row.f0 + row.f1 + row.f2 + row.f3 + row.f4 + row.f5 + row.f6 + row.f7 + row.f8 + row.f9 + row.f10 + row.f11 + row.f0 + row.f1 + row.f2 + row.f3 + row.f4 + row.f5 + row.f6 + row.f7 + row.f8 + row.f9 + row.f10 + row.f11 + row.f0 + row.f1 + row.f2 + row.f3 + row.f4 + row.f5 + row.f6 + row.f7 + row.f8 + row.f9 + row.f10 + row.f11 + row.f0 + row.f1 + row.f2 + row.f3 + row.f4 + row.f5 + row.f6 + row.f7 + row.f8 + row.f9 + row.f10 + row.f11 + row.f0 + row.f1 + row.f2 + row.f3
        complete = row.f0 >= 0 and row.f1 >= 1 and row.f2 >= 2 and row.f3 >= 3 and row.f4 >= 4 and row.f5 >= 0 and row.f6 >= 1 and row.f7 >= 2 and row.f8 >= 3 and row.f9 >= 4 and row.f10 >= 0 and row.f11 >= 1 and row.f0 >= 2 and row.f1 >= 3 and row.f2 >= 4 and row.f3 >= 0 and row.f4 >= 1 and row.f5 >= 2 and row.f6 >= 3 and row.f7 >= 4 and row.f8 >= 0 and row.f9 >= 1 and row.f10 >= 2 and row.f11 >= 3 and row.f0 >= 4 and row.f1 >= 0 and row.f2 >= 1 and row.f3 >= 2 and row.f4 >= 3 and row.f5 >= 4 and row.f6 >= 0 and row.f7 >= 1 and row.f8 >= 2 and row.f9 >= 3 and row.f10 >= 4 and row.f11 >= 0 and row.f0 >= 1 and row.f1 >= 2 and row.f2 >= 3 and row.f3 >= 4 and row.f4 >= 0 and row.f5 >= 1 and row.f6 >= 2 and row.f7 >= 3 and row.f8 >= 4 and row.f9 >= 0 and row.f10 >= 1 and row.f11 >= 2 and row.f0 >= 3 and row.f1 >= 4 and row.f2 >= 0 and row.f3 >= 1 and row.f4 >= 2 and row.f5 >= 3 and row.f6 >= 4 and row.f7 >= 0 and row.f8 >= 1 and row.f9 >= 2 and row.f10 >= 3 and row.f11 >= 4 and row.f0 >= 0 and row.f1 >= 1 and row.f2 >= 2 and row.f3 >= 3 and row.f4 >= 4 and row.f5 >= 0 and row.f6 >= 1 and row.f7 >= 2 and row.f8 >= 3 and row.f9 >= 4 and row.f10 >= 0 and row.f11 >= 1 and row.f0 >= 2 and row.f1 >= 3 and row.f2 >= 4 and row.f3 >= 0 and row.f4 >= 1 and row.f5 >= 2 and row.f6 >= 3 and row.f7 >= 4 and row.f8 >= 0 and row.f9 >= 1 and row.f10 >= 2 and row.f11 >= 3 and row.f0 >= 4 and row.f1 >= 0 and row.f2 >= 1 and row.f3 >= 2 and row.f4 >= 3 and row.f5 >= 4 and row.f6 >= 0 and row.f7 >= 1 and row.f8 >= 2 and row.f9 >= 3 and row.f10 >= 4 and row.f11 >= 0 and row.f0 >= 1 and row.f1 >= 2 and row.f2 >= 3 and row.f3 >= 4 and row.f4 >= 0 and row.f5 >= 1 and row.f6 >= 2 and row.f7 >= 3 and row.f8 >= 4 and row.f9 >= 0 and row.f10 >= 1 and row.f11 >= 2 and row.f0 >= 3 and row.f1 >= 4 and row.f2 >= 0 and row.f3 >= 1 and row.f4 >= 2 and row.f5 >= 3 and row.f6 >= 4 and row.f7 >= 0 and row.f8 >= 1 and row.f9 >= 2 and row.f10 >= 3 and row.f11 >= 4 and row.f0 >= 0 and row.f1 >= 1 and row.f2 >= 2 and row.f3 >= 3 and row.f4 >= 4 and row.f5 >= 0 and row.f6 >= 1 and row.f7 >= 2 and row.f8 >= 3 and row.f9 >= 4 and row.f10 >= 0 and row.f11 >= 1 and row.f0 >= 2 and row.f1 >= 3 and row.f2 >= 4 and row.f3 >= 0 and row.f4 >= 1 and row.f5 >= 2 and row.f6 >= 3 and row.f7 >= 4 and row.f8 >= 0 and row.f9 >= 1 and row.f10 >= 2 and row.f11 >= 3 and row.f0 >= 4 and row.f1 >= 0 and row.f2 >= 1 and row.f3 >= 2 and row.f4 >= 3 and row.f5 >= 4 and row.f6 >= 0 and row.f7 >= 1 and row.f8 >= 2 and row.f9 >= 3 and row.f10 >= 4 and row.f11 >= 0 and row.f0 >= 1 and row.f1 >= 2 and row.f2 >= 3 and row.f3 >= 4 and row.f4 >= 0 and row.f5 >= 1 and row.f6 >= 2 and row.f7 >= 3 and row.f8 >= 4 and row.f9 >= 0 and row.f10 >= 1 and row.f11 >= 2 and row.f0 >= 3 and row.f1 >= 4 and row.f2 >= 0 and row.f3 >= 1 and row.f4 >= 2 and row.f5 >= 3 and row.f6 >= 4 and row.f7 >= 0 and row.f8 >= 1 and row.f9 >= 2 and row.f10 >= 3 and row.f11 >= 4 and row.f0 >= 0 and row.f1 >= 1 and row.f2 >= 2 and row.f3 >= 3 and row.f4 >= 4 and row.f5 >= 0 and row.f6 >= 1 and row.f7 >= 2 and row.f8 >= 3 and row.f9 >= 4 and row.f10 >= 0 and row.f11 >= 1 and row.f0 >= 2 and row.f1 >= 3 and row.f2 >= 4 and row.f3 >= 0 and row.f4 >= 1 and row.f5 >= 2 and row.f6 >= 3 and row.f7 >= 4 and row.f8 >= 0 and row.f9 >= 1 and row.f10 >= 2 and row.f11 >= 3 and row.f0 >= 4 and row.f1 >= 0 and row.f2 >= 1 and row.f3 >= 2 and row.f4 >= 3 and row.f5 >= 4 and row.f6 >= 0 and row.f7 >= 1 and row.f8 >= 2 and row.f9 >= 3 and row.f10 >= 4 and row.f11 >= 0 and row.f0 >= 1 and row.f1 >= 2 and row.f2 >= 3 and row.f3 >= 4 and row.f4 >= 0 and row.f5 >= 1 and row.f6 >= 2 and row.f7 >= 3 and row.f8 >= 4 and row.f9 >= 0 and row.f10 >= 1 and row.f11 >= 2 and row.f0 >= 3 and row.f1 >= 4 and row.f2 >= 0 and row.f3 >= 1 and row.f4 >= 2 and row.f5 >= 3 and row.f6 >= 4 and row.f7 >= 0 and row.f8 >= 1 and row.f9 >= 2 and row.f10 >= 3 and row.f11 >= 4 and row.f0 >= 0 and row.f1 >= 1 and row.f2 >= 2 and row.f3 >= 3 and row.f4 >= 4 and row.f5 >= 0 and row.f6 >= 1 and row.f7 >= 2 and row.f8 >= 3 and row.f9 >= 4 and row.f10 >= 0 and row.f11 >= 1 and row.f0 >= 2 and row.f1 >= 3 and row.f2 >= 4 and row.f3 >= 0 and row.f4 >= 1 and row.f5 >= 2 and row.f6 >= 3 and row.f7 >= 4 and row.f8 >= 0 and row.f9 >= 1 and row.f10 >= 2 and row.f11 >= 3 and row.f0 >= 4 and row.f1 >= 0 and row.f2 >= 1 and row.f3 >= 2 and row.f4 >= 3 and row.f5 >= 4 and row.f6 >= 0 and row.f7 >= 1 and row.f8 >= 2 and row.f9 >= 3 and row.f10 >= 4 and row.f11 >= 0 and row.f0 >= 1 and row.f1 >= 2 and row.f2 >= 3 and row.f3 >= 4 and row.f4 >= 0 and row.f5 >= 1 and row.f6 >= 2 and row.f7 >= 3 and row.f8 >= 4 and row.f9 >= 0 and row.f10 >= 1 and row.f11 >= 2 and row.f0 >= 3 and row.f1 >= 4 and row.f2 >= 0 and row.f3 >= 1 and row.f4 >= 2 and row.f5 >= 3 and row.f6 >= 4 and row.f7 >= 0 and row.f8 >= 1 and row.f9 >= 2 and row.f10 >= 3 and row.f11 >= 4
        known = code == "E000" or code == "E001" or code == "E002" or code == "E003" or code == "E004" or code == "E005" or code == "E006" or code == "E007" or code == "E008" or code == "E009" or code == "E010" or code == "E011" or code == "E012" or code == "E013" or code == "E014" or code == "E015" or code == "E016" or code == "E017" or code == "E018" or code == "E019" or code == "E020" or code == "E021" or code == "E022" or code == "E023" or code == "E024" or code == "E025" or code == "E026" or code == "E027" or code == "E028" or code == "E029" or code == "E030" or code == "E031" or code == "E032" or code == "E033" or code == "E034" or code == "E035" or code == "E036" or code == "E037" or code == "E038" or code == "E039" or code == "E040" or code == "E041" or code == "E042" or code == "E043" or code == "E044" or code == "E045" or code == "E046" or code == "E047" or code == "E048" or code == "E049" or code == "E050" or code == "E051" or code == "E052" or code == "E053" or code == "E054" or code == "E055" or code == "E056" or code == "E057" or code == "E058" or code == "E059" or code == "E060" or code == "E061" or code == "E062" or code == "E063" or code == "E064" or code == "E065" or code == "E066" or code == "E067" or code == "E068" or code == "E069" or code == "E070" or code == "E071" or code == "E072" or code == "E073" or code == "E074" or code == "E075" or code == "E076" or code == "E077" or code == "E078" or code == "E079" or code == "E080" or code == "E081" or code == "E082" or code == "E083" or code == "E084" or code == "E085" or code == "E086" or code == "E087" or code == "E088" or code == "E089" or code == "E090" or code == "E091" or code == "E092" or code == "E093" or code == "E094" or code == "E095" or code == "E096" or code == "E097" or code == "E098" or code == "E099" or code == "E100" or code == "E101" or code == "E102" or code == "E103" or code == "E104" or code == "E105" or code == "E106" or code == "E107" or code == "E108" or code == "E109" or code == "E110" or code == "E111" or code == "E112" or code == "E113" or code == "E114" or code == "E115" or code == "E116" or code == "E117" or code == "E118" or code == "E119"
        if code == "E000":
            bucket = 0
        elif code == "E001":
            bucket = 1
        elif code == "E002":
            bucket = 2
        elif code == "E003":
            bucket = 3
        elif code == "E004":
            bucket = 4
        elif code == "E005":
            bucket = 5
        elif code == "E006":
            bucket = 6
        elif code == "E007":
            bucket = 7
        elif code == "E008":
            bucket = 8
        elif code == "E009":
            bucket = 9
        elif code == "E010":
            bucket = 10
        elif code == "E011":
            bucket = 11
        elif code == "E012":
            bucket = 12
        elif code == "E013":
            bucket = 13
        elif code == "E014":
            bucket = 14
        elif code == "E015":
            bucket = 15
        elif code == "E016":
            bucket = 16
        elif code == "E017":
            bucket = 0
        elif code == "E018":
            bucket = 1
        elif code == "E019":
            bucket = 2
        elif code == "E020":
            bucket = 3
        elif code == "E021":
            bucket = 4
        elif code == "E022":
            bucket = 5
        elif code == "E023":
            bucket = 6
        elif code == "E024":
            bucket = 7
        elif code == "E025":
            bucket = 8
        elif code == "E026":
            bucket = 9
        elif code == "E027":
            bucket = 10
        elif code == "E028":
            bucket = 11
        elif code == "E029":
            bucket = 12
        elif code == "E030":
            bucket = 13
        elif code == "E031":
            bucket = 14
        elif code == "E032":
            bucket = 15
        elif code == "E033":
            bucket = 16
        elif code == "E034":
            bucket = 0
        elif code == "E035":
            bucket = 1
        elif code == "E036":
            bucket = 2
        elif code == "E037":
            bucket = 3
        elif code == "E038":
            bucket = 4
        elif code == "E039":
            bucket = 5
        elif code == "E040":
            bucket = 6
        elif code == "E041":
            bucket = 7
        elif code == "E042":
            bucket = 8
        elif code == "E043":
            bucket = 9
        elif code == "E044":
            bucket = 10
        elif code == "E045":
            bucket = 11
        elif code == "E046":
            bucket = 12
        elif code == "E047":
            bucket = 13
        elif code == "E048":
            bucket = 14
        elif code == "E049":
            bucket = 15
        elif code == "E050":
            bucket = 16
        elif code == "E051":
            bucket = 0
        elif code == "E052":
            bucket = 1
        elif code == "E053":
            bucket = 2
        elif code == "E054":
            bucket = 3
        elif code == "E055":
            bucket = 4
        elif code == "E056":
            bucket = 5
        elif code == "E057":
            bucket = 6
        elif code == "E058":
            bucket = 7
        elif code == "E059":
            bucket = 8
        elif code == "E060":
            bucket = 9
        elif code == "E061":
            bucket = 10
        elif code == "E062":
            bucket = 11
        elif code == "E063":
            bucket = 12
        elif code == "E064":
            bucket = 13
        elif code == "E065":
            bucket = 14
        elif code == "E066":
            bucket = 15
        elif code == "E067":
            bucket = 16
        elif code == "E068":
            bucket = 0
        elif code == "E069":
            bucket = 1
        elif code == "E070":
            bucket = 2
        elif code == "E071":
            bucket = 3
        elif code == "E072":
            bucket = 4
        elif code == "E073":
            bucket = 5
        elif code == "E074":
            bucket = 6
        elif code == "E075":
            bucket = 7
        elif code == "E076":
            bucket = 8
        elif code == "E077":
            bucket = 9
        elif code == "E078":
            bucket = 10
        elif code == "E079":
            bucket = 11
        elif code == "E080":
            bucket = 12
        elif code == "E081":
            bucket = 13
        elif code == "E082":
            bucket = 14
        elif code == "E083":
            bucket = 15
        elif code == "E084":
            bucket = 16
        elif code == "E085":
            bucket = 0
        elif code == "E086":
            bucket = 1
        elif code == "E087":
            bucket = 2
        elif code == "E088":
            bucket = 3
        elif code == "E089":
            bucket = 4
        elif code == "E090":
            bucket = 5
        elif code == "E091":
            bucket = 6
        elif code == "E092":
            bucket = 7
        elif code == "E093":
            bucket = 8
        elif code == "E094":
            bucket = 9
        elif code == "E095":
            bucket = 10
        elif code == "E096":
            bucket = 11
        elif code == "E097":
            bucket = 12
        elif code == "E098":
            bucket = 13
        elif code == "E099":
            bucket = 14
        elif code == "E100":
            bucket = 15
        elif code == "E101":
            bucket = 16
        elif code == "E102":
            bucket = 0
        elif code == "E103":
            bucket = 1
        elif code == "E104":
            bucket = 2
        elif code == "E105":
            bucket = 3
        elif code == "E106":
            bucket = 4
        elif code == "E107":
            bucket = 5
        elif code == "E108":
            bucket = 6
        elif code == "E109":
            bucket = 7
        elif code == "E110":
            bucket = 8
        elif code == "E111":
            bucket = 9
        elif code == "E112":
            bucket = 10
        elif code == "E113":
            bucket = 11
        elif code == "E114":
            bucket = 12
        elif code == "E115":
            bucket = 13
        elif code == "E116":
            bucket = 14
        elif code == "E117":
            bucket = 15
        elif code == "E118":
            bucket = 16
        elif code == "E119":
            bucket = 0
        elif code == "E120":
            bucket = 1
        elif code == "E121":
            bucket = 2
        elif code == "E122":
            bucket = 3
        elif code == "E123":
            bucket = 4
        elif code == "E124":
            bucket = 5
        elif code == "E125":
            bucket = 6
        elif code == "E126":
            bucket = 7
        elif code == "E127":
            bucket = 8
        elif code == "E128":
            bucket = 9
        elif code == "E129":
            bucket = 10
        elif code == "E130":
            bucket = 11
        elif code == "E131":
            bucket = 12
        elif code == "E132":
            bucket = 13
        elif code == "E133":
            bucket = 14
        elif code == "E134":
            bucket = 15
        elif code == "E135":
            bucket = 16
        elif code == "E136":
            bucket = 0
        elif code == "E137":
            bucket = 1
        elif code == "E138":
            bucket = 2
        elif code == "E139":
            bucket = 3
        elif code == "E140":
            bucket = 4
        elif code == "E141":
            bucket = 5
        elif code == "E142":
            bucket = 6
        elif code == "E143":
            bucket = 7
        elif code == "E144":
            bucket = 8
        elif code == "E145":
            bucket = 9
        elif code == "E146":
            bucket = 10
        elif code == "E147":
            bucket = 11
        elif code == "E148":
            bucket = 12
        elif code == "E149":
            bucket = 13
        elif code == "E150":
            bucket = 14
        elif code == "E151":
            bucket = 15
        elif code == "E152":
            bucket = 16
        elif code == "E153":
            bucket = 0
        elif code == "E154":
            bucket = 1
        elif code == "E155":
            bucket = 2
        elif code == "E156":
            bucket = 3
        elif code == "E157":
            bucket = 4
        elif code == "E158":
            bucket = 5
        elif code == "E159":
            bucket = 6
        elif code == "E160":
            bucket = 7
        elif code == "E161":
            bucket = 8
        elif code == "E162":
            bucket = 9
        elif code == "E163":
            bucket = 10
        elif code == "E164":
            bucket = 11
        elif code == "E165":
            bucket = 12
        elif code == "E166":
            bucket = 13
        elif code == "E167":
            bucket = 14
        elif code == "E168":
            bucket = 15
        elif code == "E169":
            bucket = 16
        elif code == "E170":
            bucket = 0
        elif code == "E171":
            bucket = 1
        elif code == "E172":
            bucket = 2
        elif code == "E173":
            bucket = 3
        elif code == "E174":
            bucket = 4
        elif code == "E175":
            bucket = 5
        elif code == "E176":
            bucket = 6
        elif code == "E177":
            bucket = 7
        elif code == "E178":
            bucket = 8
        elif code == "E179":
            bucket = 9
        elif code == "E180":
            bucket = 10
        elif code == "E181":
            bucket = 11
        elif code == "E182":
            bucket = 12
        elif code == "E183":
            bucket = 13
        elif code == "E184":
            bucket = 14
        elif code == "E185":
            bucket = 15
        elif code == "E186":
            bucket = 16
        elif code == "E187":
            bucket = 0
        elif code == "E188":
            bucket = 1
        elif code == "E189":
            bucket = 2
        elif code == "E190":
            bucket = 3
        elif code == "E191":
            bucket = 4
        elif code == "E192":
            bucket = 5
        elif code == "E193":
            bucket = 6
        elif code == "E194":
            bucket = 7
        elif code == "E195":
            bucket = 8
        elif code == "E196":
            bucket = 9
        elif code == "E197":
            bucket = 10
        elif code == "E198":
            bucket = 11
        elif code == "E199":
            bucket = 12
        elif code == "E200":
            bucket = 13
        elif code == "E201":
            bucket = 14
        elif code == "E202":
            bucket = 15
        elif code == "E203":
            bucket = 16
        elif code == "E204":
            bucket = 0
        elif code == "E205":
            bucket = 1
        elif code == "E206":
            bucket = 2
        elif code == "E207":
            bucket = 3
        elif code == "E208":
            bucket = 4
        elif code == "E209":
            bucket = 5
        elif code == "E210":
            bucket = 6
        elif code == "E211":
            bucket = 7
        elif code == "E212":
            bucket = 8
        elif code == "E213":
            bucket = 9
        elif code == "E214":
            bucket = 10
        elif code == "E215":
            bucket = 11
        elif code == "E216":
            bucket = 12
        elif code == "E217":
            bucket = 13
        elif code == "E218":
            bucket = 14
        elif code == "E219":
            bucket = 15
        elif code == "E220":
            bucket = 16
        elif code == "E221":
            bucket = 0
        elif code == "E222":
            bucket = 1
        elif code == "E223":
            bucket = 2
        elif code == "E224":
            bucket = 3
        elif code == "E225":
            bucket = 4
        elif code == "E226":
            bucket = 5
        elif code == "E227":
            bucket = 6
        elif code == "E228":
            bucket = 7
        elif code == "E229":
            bucket = 8
        elif code == "E230":
            bucket = 9
        elif code == "E231":
            bucket = 10
        elif code == "E232":
            bucket = 11
        elif code == "E233":
            bucket = 12
        elif code == "E234":
            bucket = 13
        elif code == "E235":
            bucket = 14
        elif code == "E236":
            bucket = 15
        elif code == "E237":
            bucket = 16
        elif code == "E238":
            bucket = 0
        elif code == "E239":
            bucket = 1
        elif code == "E240":
            bucket = 2
        elif code == "E241":
            bucket = 3
        elif code == "E242":
            bucket = 4
        elif code == "E243":
            bucket = 5
        elif code == "E244":
            bucket = 6
        elif code == "E245":
            bucket = 7
        elif code == "E246":
            bucket = 8
        elif code == "E247":
            bucket = 9
        elif code == "E248":
            bucket = 10
        elif code == "E249":
            bucket = 11
        elif code == "E250":
            bucket = 12
        elif code == "E251":
            bucket = 13
        elif code == "E252":
            bucket = 14
        elif code == "E253":
            bucket = 15
        elif code == "E254":
            bucket = 16
        elif code == "E255":
            bucket = 0
        elif code == "E256":
            bucket = 1
        elif code == "E257":
            bucket = 2
        elif code == "E258":
            bucket = 3
        elif code == "E259":
            bucket = 4
        elif code == "E260":
            bucket = 5
        elif code == "E261":
            bucket = 6
        elif code == "E262":
            bucket = 7
        elif code == "E263":
            bucket = 8
        elif code == "E264":
            bucket = 9
        elif code == "E265":
            bucket = 10
        elif code == "E266":
            bucket = 11
        elif code == "E267":
            bucket = 12
        elif code == "E268":
            bucket = 13
        elif code == "E269":
            bucket = 14
        elif code == "E270":
            bucket = 15
        elif code == "E271":
            bucket = 16
        elif code == "E272":
            bucket = 0
        elif code == "E273":
            bucket = 1
        elif code == "E274":
            bucket = 2
        elif code == "E275":
            bucket = 3
        elif code == "E276":
            bucket = 4
        elif code == "E277":
            bucket = 5
        elif code == "E278":
            bucket = 6
        elif code == "E279":
            bucket = 7
        elif code == "E280":
            bucket = 8
        elif code == "E281":
            bucket = 9
        elif code == "E282":
            bucket = 10
        elif code == "E283":
            bucket = 11
        elif code == "E284":
            bucket = 12
        elif code == "E285":
            bucket = 13
        elif code == "E286":
            bucket = 14
        elif code == "E287":
            bucket = 15
        elif code == "E288":
            bucket = 16
        elif code == "E289":
            bucket = 0
        elif code == "E290":
            bucket = 1
        elif code == "E291":
            bucket = 2
        elif code == "E292":
            bucket = 3
        elif code == "E293":
            bucket = 4
        elif code == "E294":
            bucket = 5
        elif code == "E295":
            bucket = 6
        elif code == "E296":
            bucket = 7
        elif code == "E297":
            bucket = 8
        elif code == "E298":
            bucket = 9
        elif code == "E299":
            bucket = 10
        else:
            bucket = -1
        return {"total": total, "complete": complete, "known": known, "bucket": bucket}
