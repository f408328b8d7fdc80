# Rejects (several): date.today() in an assignment, datetime.utcnow() in a keyword argument, input() in a helper — every rejected construct in the module is reported.
from datetime import date, datetime

from rappel import Workflow, action, workflow


@action
async def schedule_report(day: str, created_at: str, note: str) -> str:
    return "r-1"


@workflow
class ScheduleReportWorkflow(Workflow):
    async def run(self) -> str:
        day = date.today().isoformat()
        return await schedule_report(day, created_at=str(datetime.utcnow()), note=self.ask())

    def ask(self) -> str:
        return input("note? ")
