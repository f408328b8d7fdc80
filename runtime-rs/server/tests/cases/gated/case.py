# Runs: two steps per instance; the first waits until the file CASE_STATE_DIR/gate
# exists, so a test can act (cancel) while it is in flight. Each step writes
# "<event> <step> <key>" to CASE_STATE_DIR/runs.log when it starts and ends.
import asyncio
import os
from pathlib import Path

from rappel import Workflow, action, workflow

INPUT = {"key": "a"}
EXPECTS = "result"


def _log(event: str, step: str, key: str) -> None:
    with open(Path(os.environ["CASE_STATE_DIR"]) / "runs.log", "a") as log:
        log.write(f"{event} {step} {key}\n")


@action
async def at_gate(key: str) -> str:
    _log("start", "gate", key)
    gate = Path(os.environ["CASE_STATE_DIR"]) / "gate"
    while not gate.exists():
        await asyncio.sleep(0.02)
    _log("end", "gate", key)
    return f"{key} passed"


@action
async def after_gate(key: str, passed: str) -> str:
    _log("start", "after", key)
    return f"{passed}, then on"


@workflow
class GatedWorkflow(Workflow):
    async def run(self, key: str) -> str:
        passed = await at_gate(key)
        return await after_gate(key, passed)
