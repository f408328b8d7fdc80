# Runs: RetryPolicy(attempts=3) on an action that fails twice with ConnectionError and succeeds on its third attempt (attempts are counted per input in a module dict, in cycles of three, so repeated executions stay deterministic).
from rappel import BackoffPolicy, RetryPolicy, Workflow, action, workflow

INPUT = {"symbol": "ACME"}
EXPECTS = "result"

# Per-input attempt counter. Each successful execution of this workflow consumes exactly
# three attempts, so the cycle restarts cleanly when the case is executed again in-process.
ATTEMPTS: dict[str, int] = {}


@action
async def fetch_quote(symbol: str) -> dict[str, str]:
    ATTEMPTS[symbol] = ATTEMPTS.get(symbol, 0) + 1
    attempt = (ATTEMPTS[symbol] - 1) % 3 + 1
    if attempt < 3:
        raise ConnectionError(f"quote service unavailable for {symbol}")
    return {"symbol": symbol, "price": "101.25", "attempt": str(attempt)}


@workflow
class QuoteWorkflow(Workflow):
    async def run(self, symbol: str) -> dict[str, str]:
        quote = await self.run_action(
            fetch_quote(symbol),
            retry=RetryPolicy(attempts=3),
            backoff=BackoffPolicy(base_delay=0.01, multiplier=1.0),
        )
        return quote
