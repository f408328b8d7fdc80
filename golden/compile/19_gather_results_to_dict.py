# Pins: fan-out over dict keys then reassembling a dict from keys and results with a dict comprehension over zip().
import asyncio

from rappel import Workflow, action, workflow


@action
async def fetch_exchange_rate(base: str, quote: str) -> float:
    return 1.1


@workflow
class ExchangeRateSnapshotWorkflow(Workflow):
    async def run(self, base: str, quotes: list[str]) -> dict[str, float]:
        rates = await asyncio.gather(*[fetch_exchange_rate(base, q) for q in quotes])
        snapshot = {quote: rate for quote, rate in zip(quotes, rates)}
        inverse = {f"{q}{base}": round(1 / r, 6) for q, r in snapshot.items() if r > 0}
        merged = dict(snapshot)
        for pair, value in inverse.items():
            merged[pair] = value
        return merged
