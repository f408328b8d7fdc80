# Rejects: action parameters and results whose values the value codec cannot carry — a plain class (bare, inside a list, in an Optional), a callable, an iterator and a file object — each reported at the part of the annotation that cannot cross a process boundary.
from collections.abc import Callable, Iterator
from typing import Optional, TextIO

from rappel import Workflow, action, workflow


class SmtpConnection:
    def send(self, to: str, body: str) -> None:
        pass


@action
async def open_smtp(host: str) -> SmtpConnection:
    return SmtpConnection()


@action
async def send_all(conn: SmtpConnection, recipients: list[str], render: Callable[[str], str]) -> int:
    for to in recipients:
        conn.send(to, render(to))
    return len(recipients)


@action
async def stream_bounces(since: str) -> Iterator[str]:
    yield since


@action
async def archive(log: TextIO, pool: Optional[list[SmtpConnection]] = None) -> None:
    log.close()


@workflow
class NewsletterWorkflow(Workflow):
    async def run(self, host: str, recipients: list[str]) -> int:
        conn = await open_smtp(host)
        sent = await send_all(conn, recipients, str.upper)
        bounces = await stream_bounces("yesterday")
        await archive(None)
        return sent
