# Rejects: one action result of a builtin type the codec does not encode (bytearray), among signatures that all cross process boundaries: models, dataclasses, enums, TypedDicts, exceptions, dates, UUIDs, Decimals, literals, sets, tuples, Any/object, an unresolvable import, and a plain class in a Depend parameter, which never leaves the worker.
import datetime
import enum
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any, Literal, TypedDict

from pydantic import BaseModel

from app.vendor import VendorRecord
from rappel import Depend, Workflow, action, workflow


class Priority(enum.IntEnum):
    LOW = 1
    HIGH = 2


class Status(enum.Enum):
    OPEN = "open"
    CLOSED = "closed"


class Audit(TypedDict):
    actor: str
    at: datetime.datetime


class Ticket(BaseModel):
    id: uuid.UUID
    priority: Priority
    status: Status
    amount: Decimal


@dataclass(frozen=True)
class Window:
    start: datetime.date
    length: datetime.timedelta


class TicketRejected(ValueError):
    pass


class Database:
    def fetch(self, key: str) -> Any:
        return None


def database() -> Database:
    return Database()


@action
async def load_ticket(
    ticket_id: uuid.UUID,
    window: Window,
    db: Annotated[Database, Depend(database)],
    mode: Literal["fast", "full"] = "fast",
) -> Ticket:
    return db.fetch(str(ticket_id))


@action
async def summarize(tickets: list[Ticket], tags: frozenset[str], extra: object, vendor: VendorRecord) -> tuple[int, dict[Status, list[Audit]]]:
    return len(tickets), {}


@action
async def render_pdf(ticket: Ticket, reason: TicketRejected | None) -> bytearray:
    return bytearray()


@workflow
class TicketWorkflow(Workflow):
    async def run(self, ids: list[uuid.UUID], window: Window, tags: frozenset[str]) -> tuple[int, dict[Status, list[Audit]]]:
        tickets = []
        for ticket_id in ids:
            ticket = await load_ticket(ticket_id, window)
            tickets.append(ticket)
        await render_pdf(tickets[0], None)
        return await summarize(tickets, tags, None, None)
