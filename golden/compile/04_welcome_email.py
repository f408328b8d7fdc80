# Pins: the README/DESIGN example — fetch users, filter active ones with a comprehension, fan out emails with gather over a comprehension; Depend parameters are not part of the action signature.
import asyncio
from typing import Annotated

from pydantic import BaseModel

from rappel import Depend, Workflow, action, workflow


class User(BaseModel):
    id: str
    email: str
    active: bool


class EmailResult(BaseModel):
    to: str
    delivered: bool


class Database:
    async def get_many(self, model: type, ids: list[str]) -> list[User]:
        return [User(id=i, email=f"{i}@example.com", active=True) for i in ids]


class EmailClient:
    async def send(self, to: str, subject: str) -> EmailResult:
        return EmailResult(to=to, delivered=True)


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
