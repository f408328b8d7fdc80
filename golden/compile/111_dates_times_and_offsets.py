# Pins: dates and times in workflow code — `datetime(...)`, `date(...)` and `timedelta(...)` through every import form (`import datetime`, `import datetime as dt`, `from datetime import ...`) lower to the RRL builtins `datetime`, `date` and `timedelta`; `tzinfo=timezone.utc` becomes the offset `timedelta()` and `timezone(offset)` the offset; `fromisoformat` is a class method; date and time methods are methods; `timedelta` in a policy stays a number of seconds.
import datetime
import datetime as dt
from datetime import date, timedelta, timezone

from rappel import Workflow, action, workflow


@action
async def load_window(name: str) -> dict:
    return {}


@action
async def book(name: str, start: datetime.datetime, end: datetime.datetime) -> str:
    return name


@workflow
class BookingWorkflow(Workflow):
    async def run(self, name: str, day: str) -> dict:
        window = await load_window(name)
        first = date.fromisoformat(day)
        start = datetime.datetime(first.year, first.month, first.day, 9, tzinfo=timezone.utc)
        local = start.replace(tzinfo=timezone(timedelta(hours=-5)))
        end = start + timedelta(hours=window["hours"], minutes=30)
        deadline = dt.datetime.fromisoformat(window["deadline"])
        if end > deadline:
            end = deadline
        booked = await self.run_action(book(name, start=start, end=end), timeout=timedelta(minutes=2))
        return {
            "booked": booked,
            "start": start.isoformat(),
            "local": local.isoformat(),
            "length": (end - start).total_seconds(),
            "weekday": first.weekday(),
            "day": end.date(),
            "hour": end.hour,
            "next_week": dt.date(first.year, first.month, first.day) + timedelta(weeks=1),
        }
