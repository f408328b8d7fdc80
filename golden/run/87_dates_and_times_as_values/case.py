# Runs: datetimes, dates and timedeltas returned by actions are computed with in the workflow — construction (`datetime(...)`, `timedelta(days=...)`, `tzinfo=timezone.utc` and fixed offsets), attributes, isoformat()/fromisoformat(), date(), weekday(), replace(), comparisons, `+`/`-` with timedeltas, datetime - datetime, total_seconds() — and passed on to actions.
import datetime as dt
from datetime import date, datetime, timedelta, timezone

from rappel import Workflow, action, workflow

INPUT = {"account": "acme", "start": "2024-02-27T22:30:00+00:00"}
EXPECTS = "result"


@action
async def last_invoice(account: str) -> dict:
    return {
        "sent": datetime(2024, 1, 31, 9, 15, tzinfo=timezone.utc),
        "due": date(2024, 2, 29),
        "grace": timedelta(days=3, hours=12),
    }


@action
async def remind(account: str, at: datetime, day: date, wait: timedelta) -> str:
    assert at.tzinfo is not None
    return f"{account}: remind at {at.isoformat()} (due {day}, after {wait})"


@workflow
class InvoiceReminderWorkflow(Workflow):
    async def run(self, account: str, start: str) -> dict:
        invoice = await last_invoice(account)
        sent = invoice["sent"]
        due = invoice["due"]
        started = datetime.fromisoformat(start)
        remind_at = sent + invoice["grace"] + timedelta(days=30)
        cutoff = datetime(due.year, due.month, due.day, 23, 59, tzinfo=timezone.utc)
        overdue = remind_at > cutoff
        paris = remind_at.replace(tzinfo=timezone(timedelta(hours=1))) - timedelta(hours=1)
        weekly = [(due + timedelta(weeks=n)).isoformat() for n in range(3)]
        age = started - sent
        note = await remind(account, remind_at, due, invoice["grace"])
        return {
            "remind_at": remind_at.isoformat(),
            "remind_day": remind_at.date(),
            "weekday": remind_at.weekday(),
            "iso_weekday": due.isoweekday(),
            "overdue": overdue,
            "paris": paris.isoformat(),
            "same_instant": paris == remind_at - timedelta(hours=2),
            "weekly": weekly,
            "age_days": age.days,
            "age_hours": age.total_seconds() / 3600,
            "grace_seconds": invoice["grace"].seconds,
            "month_end": due.replace(day=1) + timedelta(days=31),
            "naive": dt.datetime(2024, 3, 1, 8, 30).isoformat(),
            "half_day": timedelta(hours=1.5) * 8,
            "offset": started.utcoffset(),
            "first_of_year": date.fromisoformat("2024-01-01").weekday(),
            "sent_hour": sent.hour,
            "note": note,
        }
