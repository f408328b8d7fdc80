# Pins: grouping with setdefault — `d.setdefault(k, []).append(v)` becomes setdefault on its own line then `d[k].append(v)` (an expression key evaluated once into a temporary), a nested `setdefault(k, {})[k2] += 1` counter, and list.sort(key=lambda) on each group where it is stored.
from pydantic import BaseModel

from rappel import Workflow, action, workflow


class Ticket(BaseModel):
    id: str
    team: str
    priority: int
    labels: list[str]


@action
async def open_tickets(project: str) -> list[Ticket]:
    return []


@action
async def post_digest(team: str, ticket_ids: list[str], label_counts: dict[str, int]) -> None:
    return None


@workflow
class TicketDigestWorkflow(Workflow):
    async def run(self, project: str) -> dict[str, list[str]]:
        tickets = await open_tickets(project)
        by_team: dict[str, list[Ticket]] = {}
        label_counts: dict[str, dict[str, int]] = {}
        for ticket in tickets:
            by_team.setdefault(ticket.team, []).append(ticket)
            for label in ticket.labels:
                label_counts.setdefault(ticket.team, {}).setdefault(label, 0)
                label_counts.setdefault(ticket.team, {})[label] += 1
        digest: dict[str, list[str]] = {}
        for team in sorted(by_team):
            by_team[team].sort(key=lambda t: (-t.priority, t.id))
            digest[team] = [t.id for t in by_team[team]]
            await post_digest(team, digest[team], label_counts.get(team, {}))
        return digest
