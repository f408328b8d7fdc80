"""The welcome-email workflow: fetch a batch of users (retried up to 5 times,
2 s apart and then longer, 30 s per attempt), keep the active ones, and email
them in parallel.

Run it with `make demo` (or `python examples/welcome_email.py`): it starts the
runtime on this machine (rappel-bridge and start-workers with two Python workers,
on RAPPEL_DATABASE_URL or else an embedded PostgreSQL), runs the workflow durably,
prints what it returned and stops the runtime. The database and the email client
are in-memory fakes injected with `Depend`.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel

from rappel import BackoffPolicy, Depend, RetryPolicy, Workflow, action, workflow


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
        users = await self.run_action(
            fetch_users(user_ids),
            retry=RetryPolicy(attempts=5),
            backoff=BackoffPolicy(base_delay=2),
            timeout=timedelta(seconds=30),
        )
        active_users = [user for user in users if user.active]
        results = await asyncio.gather(
            *[send_email(to=user.email, subject="Welcome") for user in active_users]
        )
        return results


async def main() -> None:
    """Run the workflow on the current backend (the durable one by default) and
    print what it returned."""
    results = await WelcomeEmailWorkflow().run([user.id for user in USERS])
    for result in results:
        print(f"sent {result.subject!r} to {result.to} ({result.message_id})")


def demo() -> None:
    """`make demo`: the runtime for this module, one durable run, a clean stop."""
    from rappel.dev import LocalRuntime, use_backend

    here = Path(__file__).resolve().parent
    print("starting the runtime: rappel-bridge and start-workers (2 Python workers)...", flush=True)
    # The workers import this file as `welcome_email` from its directory, as the client does.
    with LocalRuntime(user_module="welcome_email", cwd=here, worker_count=2) as runtime:
        print(f"rappel-bridge is up at {runtime.http_url}; running WelcomeEmailWorkflow durably", flush=True)
        with use_backend(runtime.backend):
            asyncio.run(main())
        print("stopping the runtime", flush=True)
    print("done (the embedded PostgreSQL, if one was started, keeps running: `make devdb-stop` stops it)")


if __name__ == "__main__":
    # Run as a script, this file is `__main__`: use it under its own name,
    # `welcome_email`, which is how the workers name its actions and classes.
    import welcome_email

    welcome_email.demo()
