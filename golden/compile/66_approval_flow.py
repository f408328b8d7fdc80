# Pins: a human approval flow — request approvals from a chain of approvers, poll each with durable sleeps and a deadline counter, escalate on timeout, reject short-circuits.
import asyncio

from rappel import Workflow, action, workflow

POLL_INTERVAL_SECONDS = 15 * 60
POLLS_PER_APPROVER = 4 * 24


@action
async def request_approval(request_id: str, approver: str) -> None:
    return None


@action
async def approval_status(request_id: str, approver: str) -> str:
    return "pending"


@action
async def notify_requester(request_id: str, outcome: str) -> None:
    return None


@action
async def provision_access(request_id: str) -> str:
    return "grant-1"


@workflow
class AccessApprovalWorkflow(Workflow):
    async def run(self, request_id: str, approvers: list[str], escalation: str) -> str:
        for approver in approvers:
            decision = await self.wait_for_decision(request_id, approver)
            if decision == "timeout":
                decision = await self.wait_for_decision(request_id, escalation)
            if decision != "approved":
                await notify_requester(request_id, f"rejected by {approver} ({decision})")
                return "rejected"
        grant = await provision_access(request_id)
        await notify_requester(request_id, f"approved, grant {grant}")
        return grant

    async def wait_for_decision(self, request_id: str, approver: str) -> str:
        await request_approval(request_id, approver)
        polls = 0
        while polls < POLLS_PER_APPROVER:
            status = await approval_status(request_id, approver)
            if status in ["approved", "rejected"]:
                return status
            polls += 1
            await asyncio.sleep(POLL_INTERVAL_SECONDS)
        return "timeout"
