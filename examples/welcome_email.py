"""The welcome-email workflow: fetch a batch of users, keep the active ones, and
email them in parallel.

Run it with `make demo` (or `python examples/welcome_email.py`). It executes the
compiled workflow in-process with `rappel.testing.run_local`; the database and the
email client are in-memory fakes injected with `Depend`.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Annotated

from pydantic import BaseModel

from rappel import Depend, Workflow, action, workflow


class User(BaseModel):
    id: str
    name: str
    email: str
    active: bool


class EmailResult(BaseModel):
    to: str
    subject: str
    message_id: str


class Database:
    """A stand-in for a real database client."""

    def __init__(self, rows: list[User]) -> None:
        self._rows = {user.id: user for user in rows}

    async def get_many(self, model: type[User], ids: list[str]) -> list[User]:
        return [self._rows[i] for i in ids if i in self._rows]


class EmailClient:
    """A stand-in for an email provider's API client."""

    def __init__(self) -> None:
        self.closed = False

    async def send(self, to: str, subject: str) -> EmailResult:
        if self.closed:
            raise RuntimeError("the email client is closed")
        return EmailResult(to=to, subject=subject, message_id=f"msg-{to.split('@')[0]}")

    async def close(self) -> None:
        self.closed = True


USERS = [
    User(id="u1", name="Ada", email="ada@example.com", active=True),
    User(id="u2", name="Brian", email="brian@example.com", active=False),
    User(id="u3", name="Chiara", email="chiara@example.com", active=True),
    User(id="u4", name="Dmitri", email="dmitri@example.com", active=False),
    User(id="u5", name="Esi", email="esi@example.com", active=True),
]


def get_db() -> Database:
    return Database(USERS)


async def get_email_client() -> AsyncIterator[EmailClient]:
    # A generator provider: the code after `yield` runs once the action is done.
    client = EmailClient()
    try:
        yield client
    finally:
        await client.close()


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
        results = await asyncio.gather(
            *[send_email(to=user.email, subject="Welcome") for user in active_users]
        )
        return results


async def main() -> None:
    from rappel.testing import run_local

    results = await run_local(WelcomeEmailWorkflow, [user.id for user in USERS])
    for result in results:
        print(f"sent {result.subject!r} to {result.to} ({result.message_id})")


if __name__ == "__main__":
    asyncio.run(main())
