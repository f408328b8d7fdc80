# Pins: `d.strftime(pattern)` of a date, datetime or time — in a workflow, in a module helper and with `format=` — is a method call in RRL, as a date's format spec in an f-string stays a field with its spec (`f"{day:%d %b}"`).
from datetime import date, datetime, time

from rappel import Workflow, action, workflow


@action
async def due_date(invoice_id: str) -> date:
    return date(2024, 3, 5)


@action
async def email(subject: str, body: str) -> None:
    return None


def long_date(day: date) -> str:
    return day.strftime("%A, %B %-d, %Y")


@workflow
class DueDateReminderWorkflow(Workflow):
    async def run(self, invoice_id: str, sent: datetime, cutoff: time) -> str:
        due = await due_date(invoice_id)
        subject = f"Invoice {invoice_id} is due on {due:%d %b}"
        body = f"Pay by {long_date(due)} at {cutoff.strftime('%H:%M')}; sent {sent.strftime(format='%Y-%m-%d %H:%M %Z')}."
        await email(subject, body)
        return subject
