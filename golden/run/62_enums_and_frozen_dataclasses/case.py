# Runs: enum members (Enum, IntEnum, StrEnum) and frozen dataclasses returned by actions keep their classes: compared, used as dict keys and as sort keys in the workflow, passed back to actions and returned.
import enum
from dataclasses import dataclass

from rappel import Workflow, action, workflow


class Priority(enum.IntEnum):
    LOW = 1
    NORMAL = 2
    URGENT = 3


class Team(enum.StrEnum):
    BILLING = "billing"
    SUPPORT = "support"


class State(enum.Enum):
    NEW = "new"
    ROUTED = "routed"


@dataclass(frozen=True)
class Ticket:
    id: str
    priority: Priority
    team: Team
    state: State = State.NEW


INPUT = {"ticket_ids": ["t1", "t2", "t3", "t4"]}
EXPECTS = "result"

TRIAGE = {
    "t1": (Priority.NORMAL, Team.SUPPORT),
    "t2": (Priority.URGENT, Team.BILLING),
    "t3": (Priority.LOW, Team.SUPPORT),
    "t4": (Priority.URGENT, Team.SUPPORT),
}


@action
async def triage(ticket_id: str) -> Ticket:
    priority, team = TRIAGE[ticket_id]
    return Ticket(id=ticket_id, priority=priority, team=team)


@action
async def route(ticket: Ticket) -> Ticket:
    assert isinstance(ticket.priority, Priority) and isinstance(ticket.team, Team)
    return Ticket(id=ticket.id, priority=ticket.priority, team=ticket.team, state=State.ROUTED)


@workflow
class TriageWorkflow(Workflow):
    async def run(self, ticket_ids: list[str]) -> tuple[dict[Team, list[str]], list[Ticket], int]:
        tickets = []
        for ticket_id in ticket_ids:
            ticket = await triage(ticket_id)
            tickets.append(ticket)
        by_team: dict[Team, list[str]] = {}
        for ticket in sorted(tickets, key=lambda t: (-t.priority, t.id)):
            by_team.setdefault(ticket.team, [])
            by_team[ticket.team].append(ticket.id)
        urgent = [t for t in tickets if t.priority == max(t.priority for t in tickets)]
        routed = []
        for ticket in urgent:
            done = await route(ticket)
            routed.append(done)
        return by_team, routed, sum(t.priority for t in tickets)
