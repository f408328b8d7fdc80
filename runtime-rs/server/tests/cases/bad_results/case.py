# Runs: actions that answer what cannot be stored, and one no worker has. Each instance
# takes `which` and fails with a clear error naming the action (the test checks the
# messages); the last completes, so the workers stay healthy through all of it.
#
# BadResultsWorkflow.rrl is this file compiled (`rappel compile`), plus by hand one
# action, `retired_action`, that this module no longer defines (as when the workers run
# older or newer code than the program registered), called when `which` is "retired":
# the workers report it as ActionNotFound, never retried although the call allows 50
# attempts with a backoff.
import threading

from rappel import Workflow, action, workflow

INPUT = {"which": "healthy"}
EXPECTS = "result"


class Connection:
    """A plain object: the value codec has no encoding for it."""

    def __init__(self) -> None:
        self.lock = threading.Lock()


class HeldLock(Exception):
    """An exception with an argument that has no encoding: it crosses with that
    argument as its repr()."""


@action
async def returns_connection() -> str:
    return Connection()  # type: ignore[return-value]


@action
async def raises_unencodable() -> str:
    raise HeldLock("the lock is held", threading.Lock())


@action
async def returns_huge() -> str:
    return "x" * (5 << 20)


@action
async def raises_huge() -> str:
    raise ValueError("y" * (5 << 20))


@action
async def healthy(which: str) -> str:
    return f"{which} ok"


@workflow
class BadResultsWorkflow(Workflow):
    async def run(self, which: str) -> str:
        if which == "connection":
            return await returns_connection()
        if which == "unencodable_error":
            return await raises_unencodable()
        if which == "huge":
            return await returns_huge()
        if which == "huge_error":
            return await raises_huge()
        return await healthy(which)
