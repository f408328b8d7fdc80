# Pins: a days-long onboarding drip campaign — durable sleeps measured in days (module constant arithmetic), engagement checks between steps, early exit when the user converts.
import asyncio

from rappel import Workflow, action, workflow

DAY = 24 * 60 * 60
DRIP_SCHEDULE = [
    (1, "getting_started"),
    (3, "invite_your_team"),
    (7, "power_features"),
    (14, "upgrade_offer"),
]


@action
async def send_template_email(user_id: str, template: str) -> bool:
    return True


@action
async def has_upgraded(user_id: str) -> bool:
    return False


@action
async def activity_score(user_id: str) -> int:
    return 0


@action
async def unsubscribed(user_id: str) -> bool:
    return False


@workflow
class OnboardingDripWorkflow(Workflow):
    async def run(self, user_id: str) -> list[str]:
        sent: list[str] = []
        await send_template_email(user_id, "welcome")
        sent.append("welcome")
        elapsed_days = 0
        for day, template in DRIP_SCHEDULE:
            await asyncio.sleep((day - elapsed_days) * DAY)
            elapsed_days = day
            opted_out = await unsubscribed(user_id)
            if opted_out:
                break
            upgraded = await has_upgraded(user_id)
            if upgraded:
                await send_template_email(user_id, "thanks_for_upgrading")
                sent.append("thanks_for_upgrading")
                break
            score = await activity_score(user_id)
            if template == "power_features" and score < 10:
                template = "need_help"
            await send_template_email(user_id, template)
            sent.append(template)
        return sent
