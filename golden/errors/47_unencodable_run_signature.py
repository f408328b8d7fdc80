# Rejects: run() parameters and result the value codec cannot carry — a plain class named in a string forward reference, a class object (type[...]) and a generator result — since a client sends run()'s arguments and reads its result through the codec.
from collections.abc import Generator

from rappel import Workflow, action, workflow


class ReportRenderer:
    def render(self, rows: list[dict]) -> str:
        return ""


class CsvRenderer(ReportRenderer):
    pass


@action
async def load_rows(day: str) -> list[dict]:
    return []


@workflow
class ReportWorkflow(Workflow):
    async def run(self, day: str, renderer: "ReportRenderer", fallback: type[ReportRenderer] = CsvRenderer) -> Generator[str, None, None]:
        rows = await load_rows(day)
        return rows
