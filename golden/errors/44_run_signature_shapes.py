# Rejects: run() signatures a workflow cannot have, reported by the compiler (RPL0229) at import time and by `rappel check` alike — positional-only parameters (inputs are stored by name) and a decorator on run() (the compiled program would not apply it).
import functools

from rappel import Workflow, workflow


def traced(fn):
    @functools.wraps(fn)
    async def wrapper(*args, **kwargs):
        return await fn(*args, **kwargs)

    return wrapper


@workflow
class Positional(Workflow):
    async def run(self, account: str, /) -> str:
        return account


@workflow
class Traced(Workflow):
    @traced
    async def run(self, account: str) -> str:
        return account
