# Pins: gather of two different actions unpacked into a tuple of names.
import asyncio

from rappel import Workflow, action, workflow


@action
async def fetch_weather(city: str) -> dict[str, float]:
    return {"temp_c": 21.5}


@action
async def fetch_air_quality(city: str) -> int:
    return 42


@workflow
class CityConditionsWorkflow(Workflow):
    async def run(self, city: str) -> dict[str, float]:
        weather, aqi = await asyncio.gather(fetch_weather(city), fetch_air_quality(city=city))
        return {"temp_c": weather["temp_c"], "aqi": float(aqi)}
