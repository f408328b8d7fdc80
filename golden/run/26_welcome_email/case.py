# Runs: the README welcome-email workflow end to end — fetch users through a Depend-injected fake database, keep active ones, fan out emails through a Depend-injected fake emailer.
import asyncio
from typing import Annotated

from pydantic import BaseModel

from rappel import Depend, Workflow, action, workflow

INPUT = {"user_ids": ["u1", "u2", "u3", "u4"]}
EXPECTS = "result"


class User(BaseModel):
    id: str
    email: str
    active: bool


class EmailResult(BaseModel):
    to: str
    subject: str
    delivered: bool


class Database:
    USERS = {
        "u1": User(id="u1", email="ana@example.com", active=True),
        "u2": User(id="u2", email="bo@example.com", active=False),
        "u3": User(id="u3", email="cy@example.com", active=True),
        "u4": User(id="u4", email="di@example.org", active=True),
    }

    async def get_many(self, model: type, ids: list[str]) -> list[User]:
        return [self.USERS[i] for i in ids]


class EmailClient:
    async def send(self, to: str, subject: str) -> EmailResult:
        return EmailResult(to=to, subject=subject, delivered=to.endswith(".com"))


def get_db() -> Database:
    return Database()


def get_email_client() -> EmailClient:
    return EmailClient()


@action
async def fetch_users(
    user_ids: list[str],
    db: Annotated[Database, Depend(get_db)],
) -> list[User]:
    return await db.get_many(User, user_ids)


@action
async def send_email(
    to: str,
    subject: str,
    emailer: Annotated[EmailClient, Depend(get_email_client)],
) -> EmailResult:
    return await emailer.send(to=to, subject=subject)


@workflow
class WelcomeEmailWorkflow(Workflow):
    async def run(self, user_ids: list[str]) -> list[EmailResult]:
        users = await fetch_users(user_ids)
        active_users = [user for user in users if user.active]
        results = await asyncio.gather(*[
            send_email(to=user.email, subject="Welcome")
            for user in active_users
        ])
        return results
