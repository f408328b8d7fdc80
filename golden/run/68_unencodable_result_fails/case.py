# Runs: an action annotated `-> dict` returns a dict holding a live object (a lock); its result cannot be encoded, so the action fails with rappel.CodecError naming the action (by module and name, as the worker that ran it does) and the path inside the result, and the workflow fails with it.
import threading

from rappel import Workflow, action, workflow

INPUT = {"key": "jobs"}
EXPECTS = "error"


class Lease:
    def __init__(self, key: str):
        self.key = key
        self.lock = threading.Lock()


@action
async def acquire(key: str) -> dict:
    return {"key": key, "holders": [{"name": "worker-1", "lease": Lease(key)}]}


@workflow
class LeaseWorkflow(Workflow):
    async def run(self, key: str) -> str:
        lease = await acquire(key)
        return lease["key"]
