# Pins: a gather fan-out inside a for loop over fixed-size chunks built with range() and slicing, results accumulated with extend.
import asyncio

from rappel import Workflow, action, workflow

BATCH_SIZE = 25


@action
async def geocode(address: str) -> dict[str, float]:
    return {"lat": 0.0, "lng": 0.0}


@workflow
class BulkGeocodeWorkflow(Workflow):
    async def run(self, addresses: list[str]) -> list[dict[str, float]]:
        coordinates: list[dict[str, float]] = []
        for start in range(0, len(addresses), BATCH_SIZE):
            batch = addresses[start:start + BATCH_SIZE]
            batch_result = await asyncio.gather(*[geocode(a) for a in batch])
            coordinates.extend(batch_result)
        return coordinates
