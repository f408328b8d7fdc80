# Runs: RetryPolicy(exceptions=(ConnectionError,)) does not retry a ValueError — the first call fails once and is caught; the follow-up call (the second in the per-input cycle) succeeds.
import os
import tempfile
from pathlib import Path

from rappel import BackoffPolicy, RetryPolicy, Workflow, action, workflow

INPUT = {"payload": "id=17;qty=3"}
EXPECTS = "result"

# Calls per input alternate fail/succeed. A correct run makes exactly two calls (the
# ValueError is not retried, the second call succeeds), so re-executing stays deterministic.
# A runtime that wrongly retried the ValueError would succeed on the first run_action and
# produce a different result. Both calls are attempt 1 of their own call, so the action
# counts its calls (see count_call).


def count_call(key: str) -> int:
    """This call's number among the calls counted under `key`, from 1. Calls are
    counted in files, not in memory, so the count holds when the runtime runs them
    in different worker processes: each call creates the next numbered file, and
    exclusive creation gives concurrent calls distinct numbers."""
    state = Path(os.environ.get("RAPPEL_GOLDEN_STATE_DIR") or Path(tempfile.gettempdir()) / "rappel-golden-state")
    state.mkdir(parents=True, exist_ok=True)
    number = 1
    while True:
        try:
            os.close(os.open(state / f"{__name__}.{key}.{number}", os.O_CREAT | os.O_EXCL | os.O_WRONLY))
            return number
        except FileExistsError:
            number += 1


@action
async def parse_payload(payload: str) -> dict[str, str]:
    if count_call(payload) % 2 == 1:
        raise ValueError(f"unparseable payload {payload!r}")
    return {k: v for k, v in [part.split("=") for part in payload.split(";")]}


@workflow
class ParseWorkflow(Workflow):
    async def run(self, payload: str) -> dict[str, str]:
        outcome: dict[str, str] = {}
        try:
            parsed = await self.run_action(
                parse_payload(payload),
                retry=RetryPolicy(attempts=5, exceptions=(ConnectionError,)),
                backoff=BackoffPolicy(base_delay=0.01),
            )
            outcome["first"] = f"parsed {len(parsed)} fields"
        except ValueError as e:
            outcome["first"] = f"ValueError: {e}"
        parsed = await parse_payload(payload)
        outcome["second"] = ",".join([f"{k}={v}" for k, v in sorted(parsed.items())])
        return outcome
