# Runs: a work queue — `while queue:` with `job = queue.pop(0)`, failed jobs re-queued with append() until their attempts run out, `done.append(queue.pop())`, insert(0, ...) and remove() on the failure list, and popitem() to drain a dict.
from rappel import Workflow, action, workflow

INPUT = {"jobs": ["build", "lint", "flaky", "docs", "broken"], "owners": {"docs": "ana", "lint": "bo"}}
EXPECTS = "result"

MAX_ATTEMPTS = 3


@action
async def run_job(name: str, attempt: int) -> bool:
    if name == "flaky":
        return attempt >= 2
    return name != "broken"


@workflow
class WorkQueueWorkflow(Workflow):
    async def run(self, jobs: list[str], owners: dict[str, str]) -> dict:
        queue = list(jobs)
        attempts: dict[str, int] = {}
        done: list[str] = []
        failed: list[str] = ["placeholder"]
        log: list[str] = []
        while queue:
            name = queue.pop(0)
            attempts[name] = attempts.get(name, 0) + 1
            if await run_job(name, attempts[name]):
                done.append(name)
            elif attempts[name] < MAX_ATTEMPTS:
                queue.append(name)
                log.append(f"retry {name} ({len(queue)} queued)")
            else:
                failed.insert(0, name)
        failed.remove("placeholder")
        handoffs = []
        pending = dict(owners)
        while pending:
            job, owner = pending.popitem()
            handoffs.append(f"{job}->{owner}")
        stack = ["a", "b", "c"]
        unstacked = []
        unstacked.append(stack.pop())
        unstacked.append(stack.pop(0))
        return {"done": done, "failed": failed, "log": log, "handoffs": handoffs, "unstacked": unstacked, "stack": stack}
