# Runs: a helper method that reads a local it did not bind in this call fails the workflow with Python's UnboundLocalError, on its second call in a loop, although its first call bound the local: every call starts with its locals unbound.
from rappel import Workflow, action, workflow

INPUT = {"steps": ["warm", "cold"]}
EXPECTS = "error"


@action
async def measure(step: str) -> int:
    return len(step) * 10


@workflow
class TemperatureWorkflow(Workflow):
    async def run(self, steps: list[str]) -> list[int]:
        readings: list[int] = []
        for step in steps:
            reading = await self.reading(step)
            readings.append(reading)
        return readings

    async def reading(self, step: str) -> int:
        if step == "warm":
            degrees = await measure(step)
        return degrees + 1
