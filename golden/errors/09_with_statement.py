# Rejects: a `with` statement (context managers run arbitrary code) — wrapping an action call inside a for loop.
from contextlib import suppress

from rappel import Workflow, action, workflow


@action
async def delete_bucket(name: str) -> None:
    return None


@workflow
class TeardownWorkflow(Workflow):
    async def run(self, buckets: list[str]) -> int:
        for name in buckets:
            with suppress(KeyError):
                await delete_bucket(name)
        return len(buckets)
