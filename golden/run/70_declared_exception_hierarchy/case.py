# Runs: exception classes as the program declares them — a hierarchy with multiple inheritance (an app error that is also a LookupError or a ValueError), caught by a base class, retried on a base class while the action raises a subclass the workflow never names (matched by the chain it carries), `type(e).__name__`, `repr()`, args and `str()` of exceptions built in the workflow; the workflow fails with a declared exception raised from another one, both chains carried whole.
from rappel import RetryPolicy, Workflow, action, current_attempt, workflow

INPUT = {"keys": ["pen", "busy", "gone"]}
EXPECTS = "error"


class AppError(Exception):
    pass


class TransientError(AppError):
    pass


class RateLimited(TransientError):
    """Raised by the action only: the workflow retries on its base class."""


class MissingRecord(AppError, LookupError):
    pass


class Corrupt(AppError, ValueError):
    pass


@action
async def fetch(key: str) -> str:
    attempt = current_attempt()
    if key == "busy" and attempt < 3:  # two failures, then a success
        raise RateLimited(f"slow down on {key}", attempt)
    if key == "gone":
        raise MissingRecord(key)
    return key.upper()


@workflow
class SyncWorkflow(Workflow):
    async def run(self, keys: list[str]) -> list[str]:
        out = []
        for key in keys:
            try:
                value = await self.run_action(fetch(key), retry=RetryPolicy(attempts=3, exceptions=(TransientError,)))
                out.append(value)
            except LookupError as e:
                out.append(f"{type(e).__name__}: {e} {e.args} app={isinstance(e, AppError)} value={isinstance(e, ValueError)}")
        try:
            raise MissingRecord("local", len(out))
        except AppError as e:
            out.append(f"caught {e!r}, str {e}, lookup={isinstance(e, LookupError)}")
        raise Corrupt(f"{len(out)} results: {'; '.join(out)}") from MissingRecord("cause")
