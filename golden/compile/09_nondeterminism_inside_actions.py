# Pins: non-determinism (time, datetime.now, random, uuid4, env vars, I/O) is legal inside @action bodies and module-level functions they use; only workflow code is restricted.
import os
import random
import time
import uuid
from datetime import datetime, timezone

from rappel import Workflow, action, workflow


def _jitter() -> float:
    return random.random()


@action
async def new_request_id() -> str:
    return str(uuid.uuid4())


@action
async def current_timestamp() -> str:
    return datetime.now(timezone.utc).isoformat()


@action
async def sample_latency(endpoint: str) -> float:
    started = time.time()
    _ = os.getenv("RAPPEL_PROBE_TARGET", endpoint)
    return time.time() - started + _jitter()


@workflow
class ProbeWorkflow(Workflow):
    async def run(self, endpoint: str) -> dict[str, str]:
        request_id = await new_request_id()
        stamp = await current_timestamp()
        latency = await sample_latency(endpoint)
        status = "slow" if latency > 0.5 else "ok"
        return {"request_id": request_id, "at": stamp, "status": status}
