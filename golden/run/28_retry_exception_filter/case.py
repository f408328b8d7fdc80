# Runs: RetryPolicy(exceptions=(ConnectionError,)) does not retry a ValueError — the first call fails once and is caught; the follow-up call (the second in the per-input cycle) succeeds.
from rappel import BackoffPolicy, RetryPolicy, Workflow, action, workflow

INPUT = {"payload": "id=17;qty=3"}
EXPECTS = "result"

# Calls per input alternate fail/succeed. A correct run makes exactly two calls (the
# ValueError is not retried, the second call succeeds), so re-executing stays deterministic.
# A runtime that wrongly retried the ValueError would succeed on the first run_action and
# produce a different result.
CALLS: dict[str, int] = {}


@action
async def parse_payload(payload: str) -> dict[str, str]:
    CALLS[payload] = CALLS.get(payload, 0) + 1
    if CALLS[payload] % 2 == 1:
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
