# Runs: RetryPolicy(attempts=2) with a 0.05 s timeout on an action that always overruns — both attempts time out and the workflow catches the synthetic RappelTimeout, then falls back to another action.
import asyncio

from rappel import BackoffPolicy, RappelTimeout, RetryPolicy, Workflow, action, workflow

INPUT = {"query": "sum(sales)"}
EXPECTS = "result"


@action
async def run_warehouse_query(query: str) -> str:
    await asyncio.sleep(0.3)
    return f"exact result of {query}"


@action
async def run_estimate(query: str) -> str:
    return f"estimate of {query}"


@workflow
class QueryWorkflow(Workflow):
    async def run(self, query: str) -> dict[str, str]:
        try:
            answer = await self.run_action(
                run_warehouse_query(query),
                retry=RetryPolicy(attempts=2),
                backoff=BackoffPolicy(base_delay=0.01),
                timeout=0.05,
            )
            source = "warehouse"
        except RappelTimeout:
            answer = await run_estimate(query)
            source = "estimate"
        return {"answer": answer, "source": source}
