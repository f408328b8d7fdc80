# Pins: an on-call escalation — page each level in turn, wait for acknowledgement with durable sleep, for-else to declare a major incident when nobody acknowledges.
import asyncio

from rappel import Workflow, action, workflow

ESCALATION_LEVELS = [
    {"name": "primary", "wait_minutes": 5},
    {"name": "secondary", "wait_minutes": 10},
    {"name": "manager", "wait_minutes": 15},
]


@action
async def page_oncall(incident_id: str, level: str) -> str:
    return "page-1"


@action
async def is_acknowledged(incident_id: str, page_id: str) -> bool:
    return False


@action
async def declare_major_incident(incident_id: str) -> None:
    return None


@workflow
class EscalationWorkflow(Workflow):
    async def run(self, incident_id: str) -> str:
        for level in ESCALATION_LEVELS:
            page_id = await page_oncall(incident_id, level["name"])
            await asyncio.sleep(level["wait_minutes"] * 60)
            acknowledged = await is_acknowledged(incident_id, page_id)
            if acknowledged:
                return f"acknowledged by {level['name']}"
        else:
            await declare_major_incident(incident_id)
        return "major incident"
