# Runs: the seed example: a three-way gather into a tuple, a day-long durable sleep, then a model built from the results.
import asyncio

from pydantic import BaseModel

from rappel import Workflow, action, workflow

INPUT = {"user_id": "u-1"}
EXPECTS = "result"


class Profile(BaseModel):
    user_id: str
    name: str


class Settings(BaseModel):
    marketing_opt_in: bool


class PurchaseHistory(BaseModel):
    items: list[str]


class Summary(BaseModel):
    profile: Profile
    settings: Settings
    recommendations: list[str]


@action
async def fetch_profile(user_id: str) -> Profile:
    return Profile(user_id=user_id, name="Ada")


@action
async def fetch_settings(user_id: str) -> Settings:
    return Settings(marketing_opt_in=True)


@action
async def fetch_purchase_history(user_id: str) -> PurchaseHistory:
    return PurchaseHistory(items=["book"])


@action
async def email_ping(history: PurchaseHistory) -> list[str]:
    return [f"more like {item}" for item in history.items]


@workflow
class RecommendationWorkflow(Workflow):
    async def run(self, user_id: str) -> Summary:
        # parallelize independent actions with gather
        profile, settings, history = await asyncio.gather(
            fetch_profile(user_id=user_id),
            fetch_settings(user_id=user_id),
            fetch_purchase_history(user_id=user_id),
        )
        # wait before sending email
        await asyncio.sleep(24 * 60 * 60)
        recommendations = await email_ping(history)
        return Summary(profile=profile, settings=settings, recommendations=recommendations)
