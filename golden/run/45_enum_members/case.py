# Runs: enum members as values — read from the class, built from a value, returned by an action, compared with ==, is and in, used as dict keys, and read with .name and .value.
import enum

from rappel import Workflow, action, workflow

INPUT = {"tickets": ["outage: checkout down", "question: invoices", "bug: typo", "outage: login"]}
EXPECTS = "result"


class Priority(str, enum.Enum):
    LOW = "low"
    HIGH = "high"
    URGENT = "urgent"


class Queue(enum.Enum):
    SUPPORT = 1
    ENGINEERING = 2
    ON_CALL = 3


DEFAULT_PRIORITY = Priority.LOW
PAGED = (Priority.URGENT,)


@action
async def classify(ticket: str) -> Priority:
    kind = ticket.split(":")[0]
    return {"outage": Priority.URGENT, "bug": Priority.HIGH}.get(kind, Priority.LOW)


@action
async def route(ticket: str, priority: Priority) -> Queue:
    if priority is Priority.URGENT:
        return Queue.ON_CALL
    return Queue.ENGINEERING if priority == Priority.HIGH else Queue.SUPPORT


@workflow
class TriageWorkflow(Workflow):
    async def run(self, tickets: list[str]) -> dict:
        counts = {Queue.SUPPORT: 0, Queue.ENGINEERING: 0, Queue.ON_CALL: 0}
        lines = []
        paged = 0
        for ticket in tickets:
            priority = await classify(ticket)
            queue = await route(ticket, priority)
            counts[queue] += 1
            if priority in PAGED:
                paged += 1
            urgent = priority is Priority.URGENT or priority == "high"
            lines.append(f"{priority.value}/{queue.name}/{queue.value}: {ticket} (urgent={urgent}, default={priority is DEFAULT_PRIORITY})")
        low = Priority("low")
        return {
            "lines": lines,
            "counts": {queue.name: n for queue, n in counts.items()},
            "paged": paged,
            "low_is_default": low is DEFAULT_PRIORITY and low == Priority.LOW,
            "text": f"{Queue.ON_CALL}",
            "members": [Queue.SUPPORT.name, Priority.URGENT.value],
        }
