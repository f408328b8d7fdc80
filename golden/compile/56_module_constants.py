# Pins: module-level constants of every literal shape (int, float, str, bool, None, list, dict, tuple, nested, computed from other constants) read in workflow code.
from rappel import Workflow, action, workflow

MAX_RETRIES = 3
SLA_HOURS = 24.5
DEFAULT_QUEUE = "standard"
STRICT_MODE = False
NO_OWNER = None
PRIORITY_QUEUES = ["urgent", "high"]
QUEUE_WEIGHTS = {"urgent": 10, "high": 5, "standard": 1}
BUSINESS_HOURS = (9, 17)
ESCALATION_CHAIN = {"tier1": ["alice", "bob"], "tier2": ["carol"]}
SLA_SECONDS = int(SLA_HOURS * 3600)


@action
async def classify_ticket(ticket_id: str) -> str:
    return "high"


@action
async def enqueue_ticket(ticket_id: str, queue: str, weight: int, owner: str | None, sla_seconds: int) -> None:
    return None


@workflow
class TicketTriageWorkflow(Workflow):
    async def run(self, ticket_id: str, hour: int) -> str:
        category = await classify_ticket(ticket_id)
        queue = category if category in PRIORITY_QUEUES else DEFAULT_QUEUE
        start, end = BUSINESS_HOURS
        owner = ESCALATION_CHAIN["tier1"][0] if start <= hour < end else NO_OWNER
        if STRICT_MODE and owner is None:
            raise ValueError("no owner outside business hours")
        attempts = 0
        while attempts < MAX_RETRIES:
            attempts += 1
            await enqueue_ticket(ticket_id, queue, QUEUE_WEIGHTS.get(queue, 1), owner, SLA_SECONDS)
            break
        return f"{queue}:{owner}:{len(ESCALATION_CHAIN['tier2'])}"
