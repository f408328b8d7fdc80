# Rejects: a `global` statement — mutating module state from inside a while loop of run().
from rappel import Workflow, action, workflow

PROCESSED = 0


@action
async def next_job(queue: str) -> str:
    return ""


@workflow
class DrainQueueWorkflow(Workflow):
    async def run(self, queue: str) -> int:
        global PROCESSED
        job = await next_job(queue)
        while job:
            PROCESSED += 1
            job = await next_job(queue)
        return PROCESSED
