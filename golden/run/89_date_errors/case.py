# Runs: the errors of dates as Python raises them — comparing naive and aware datetimes (TypeError), a date past year 9999 (OverflowError) and a day out of range (ValueError) are caught; an invalid fromisoformat() text fails the workflow with Python's ValueError.
from datetime import date, datetime, timedelta, timezone

from rappel import Workflow, action, workflow

INPUT = {"day": "2024-02-30"}
EXPECTS = "error"


@action
async def opened_at(day: str) -> datetime:
    return datetime(2024, 2, 28, 12, 0)


@workflow
class DateErrorsWorkflow(Workflow):
    async def run(self, day: str) -> list:
        opened = await opened_at(day)
        seen = []
        try:
            seen.append(opened < datetime(2024, 1, 1, tzinfo=timezone.utc))
        except TypeError as e:
            seen.append(str(e))
        try:
            seen.append(date(9999, 12, 31) + timedelta(days=1))
        except OverflowError as e:
            seen.append(str(e))
        try:
            seen.append(opened.replace(day=31))
        except ValueError as e:
            seen.append(str(e))
        parsed = date.fromisoformat(day.replace("-", "/"))
        seen.append(parsed)
        return seen
