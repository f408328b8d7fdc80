# Runs: RetryPolicy(attempts=3) on an action that fails twice with ConnectionError and succeeds on its third attempt (the action reads its attempt number, so it behaves the same whichever worker process each attempt runs in).
from rappel import BackoffPolicy, RetryPolicy, Workflow, action, current_attempt, workflow

INPUT = {"symbol": "ACME"}
EXPECTS = "result"


@action
async def fetch_quote(symbol: str) -> dict[str, str]:
    attempt = current_attempt()
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
