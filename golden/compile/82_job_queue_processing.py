# Pins: a work queue — `while queue:` with `job = queue.pop(0)`, retried jobs re-queued with append(), results collected with `done.append(...)`, `d.pop(k, None)` to take an optional entry, and popitem() to drain a dict.
from rappel import Workflow, action, workflow

MAX_ATTEMPTS = 3


@action
async def run_job(name: str, attempt: int) -> bool:
    return True


@action
async def report(done: list[str], failed: list[str], leftovers: list[str]) -> None:
    return None


@workflow
class JobQueueWorkflow(Workflow):
    async def run(self, jobs: list[str], pinned: dict[str, str]) -> list[str]:
        queue = list(jobs)
        attempts: dict[str, int] = {}
        done: list[str] = []
        failed: list[str] = []
        while queue:
            name = queue.pop(0)
            attempts[name] = attempts.get(name, 0) + 1
            ok = await run_job(name, attempts[name])
            if ok:
                done.append(name)
                owner = pinned.pop(name, None)
                if owner is not None:
                    done.append(f"{name}@{owner}")
            elif attempts[name] < MAX_ATTEMPTS:
                queue.append(name)
            else:
                failed.insert(0, name)
        leftovers: list[str] = []
        while pinned:
            name, owner = pinned.popitem()
            leftovers.append(f"{name}@{owner}")
        await report(done, failed, leftovers)
        return done
