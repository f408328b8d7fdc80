# Runs: try/finally where the body raises — the finally action runs, then the handler in the outer try sees the error; a second try/finally returns early and still runs finally.
from rappel import Workflow, action, workflow

INPUT = {"resource": "db-main"}
EXPECTS = "result"


@action
async def acquire(resource: str) -> str:
    return f"lease:{resource}"


@action
async def release(lease: str) -> str:
    return f"released {lease}"


@action
async def migrate(resource: str) -> int:
    raise RuntimeError(f"migration failed on {resource}")


@action
async def check(resource: str) -> int:
    return len(resource)


@workflow
class LeaseWorkflow(Workflow):
    async def run(self, resource: str) -> list[str]:
        log: list[str] = []
        try:
            lease = await acquire(resource)
            try:
                await migrate(resource)
                log.append("migrated")
            finally:
                released = await release(lease)
                log.append(released)
        except RuntimeError as e:
            log.append(f"error: {e}")
        checked = await self.checked(resource)
        log.append(checked)
        return log

    async def checked(self, resource: str) -> str:
        lease = await acquire(resource)
        try:
            size = await check(resource)
            return f"checked {size}"
        finally:
            await release(lease)
