# Pins: the full try/except/else/finally shape — else runs only when nothing was raised, finally runs on every path, including after a return in an except handler.
from rappel import Workflow, action, workflow


@action
async def open_session(user: str) -> str:
    return "session-1"


@action
async def run_query(session: str, sql: str) -> list[dict[str, int]]:
    return [{"n": 1}]


@action
async def close_session(session: str) -> None:
    return None


@action
async def log_event(message: str) -> None:
    return None


@workflow
class ReportingQueryWorkflow(Workflow):
    async def run(self, user: str, sql: str) -> int:
        session = await open_session(user)
        rows: list[dict[str, int]] = []
        try:
            rows = await run_query(session, sql)
        except TimeoutError:
            await log_event("query timed out")
            return -1
        else:
            await log_event(f"query returned {len(rows)} rows")
        finally:
            await close_session(session)
        return len(rows)
