# Pins: notification fan-out honouring per-user channel preferences — a nested comprehension with a boolean filter builds (user, channel) pairs, one gather per channel, per-channel tallies via dict accumulators.
import asyncio

from pydantic import BaseModel

from rappel import Workflow, action, workflow


class Preferences(BaseModel):
    user_id: str
    channels: list[str]
    quiet: bool


@action
async def load_preferences(user_ids: list[str]) -> list[Preferences]:
    return [Preferences(user_id=u, channels=["push", "email"], quiet=i % 2 == 1) for i, u in enumerate(user_ids)]


@action
async def send_push(user_id: str, text: str) -> bool:
    return True


@action
async def send_sms_message(user_id: str, text: str) -> bool:
    return True


@action
async def send_inbox_email(user_id: str, text: str) -> bool:
    return True


@workflow
class BroadcastWorkflow(Workflow):
    async def run(self, user_ids: list[str], text: str, urgent: bool) -> dict[str, int]:
        prefs = await load_preferences(user_ids)
        targets = [
            (p.user_id, channel)
            for p in prefs
            if urgent or not p.quiet
            for channel in p.channels
        ]
        push_users = [user_id for user_id, channel in targets if channel == "push"]
        sms_users = [user_id for user_id, channel in targets if channel == "sms"]
        email_users = [user_id for user_id, channel in targets if channel not in ["push", "sms"]]
        pushed = await asyncio.gather(*[send_push(u, text) for u in push_users])
        texted = await asyncio.gather(*[send_sms_message(u, text[:160]) for u in sms_users])
        emailed = await asyncio.gather(*[send_inbox_email(u, text) for u in email_users])
        per_channel: dict[str, int] = {}
        for channel, outcomes in [("push", pushed), ("sms", texted), ("email", emailed)]:
            delivered = len([ok for ok in outcomes if ok])
            if delivered:
                per_channel[channel] = delivered
        return per_channel
