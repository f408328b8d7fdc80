# Pins: action calls mixing positional and keyword arguments, omitting parameters that have defaults, and literal arguments of every scalar kind.
from rappel import Workflow, action, workflow


@action
async def create_ticket(
    title: str,
    body: str,
    priority: int = 3,
    urgent: bool = False,
    labels: list[str] | None = None,
    estimate_hours: float = 1.0,
) -> str:
    return f"TICKET-{len(title)}"


@action
async def assign_ticket(ticket_id: str, assignee: str, notify: bool = True) -> bool:
    return True


@workflow
class TicketWorkflow(Workflow):
    async def run(self, title: str, body: str, assignee: str) -> dict[str, str]:
        ticket_id = await create_ticket(title, body, priority=1, urgent=True, labels=["bug", "customer"], estimate_hours=2.5)
        followup_id = await create_ticket(title=f"Follow up: {title}", body=body, labels=None)
        await assign_ticket(ticket_id, assignee=assignee)
        await assign_ticket(followup_id, assignee, notify=False)
        return {"ticket": ticket_id, "followup": followup_id}
