# Pins: a workflow returning None — action results discarded as expression statements, an explicit bare `return`, and a run() without a return annotation.
from rappel import Workflow, action, workflow


@action
async def record_audit_event(actor: str, event: str) -> None:
    return None


@action
async def invalidate_cache(key: str) -> bool:
    return True


@workflow
class CacheInvalidationWorkflow(Workflow):
    async def run(self, actor: str, keys: list[str]):
        await record_audit_event(actor, "invalidate.start")
        if not keys:
            return
        for key in keys:
            await invalidate_cache(key)
        await record_audit_event(actor, "invalidate.done")


@workflow
class AuditOnlyWorkflow(Workflow):
    async def run(self, actor: str) -> None:
        await record_audit_event(actor=actor, event="ping")
        return None
