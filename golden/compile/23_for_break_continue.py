# Pins: break and continue inside a for loop, both guarded by conditions that depend on action results.
from rappel import Workflow, action, workflow


@action
async def is_blocked(user_id: str) -> bool:
    return False


@action
async def send_invite(user_id: str, event_id: str) -> bool:
    return True


@workflow
class EventInviteWorkflow(Workflow):
    async def run(self, event_id: str, user_ids: list[str], capacity: int) -> list[str]:
        invited: list[str] = []
        for user_id in user_ids:
            if user_id == "":
                continue
            blocked = await is_blocked(user_id)
            if blocked:
                continue
            if len(invited) >= capacity:
                break
            accepted = await send_invite(user_id, event_id)
            if accepted:
                invited.append(user_id)
        return invited
