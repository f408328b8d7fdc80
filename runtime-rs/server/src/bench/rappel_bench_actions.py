# The actions and workflows of the runtime benchmarks (`bench`,
# `bench_instances`): no-op actions, so what is measured is the runtime's cost.
# The binaries embed this file and the .rrl compiled from it; after changing
# it, compile it again (docs/benchmarks.md, "Runtime throughput").
import asyncio

from rappel import Workflow, action, workflow


@action
async def noop(payload: str) -> None:
    return None


@action
async def step(payload: str) -> None:
    return None


@workflow
class NoopWorkflow(Workflow):
    async def run(self, payload: str) -> None:
        await noop(payload)


@workflow
class ThreeStepWorkflow(Workflow):
    async def run(self, payload: str) -> None:
        await step(payload)
        await step(payload)
        await step(payload)


@workflow
class SequentialWorkflow(Workflow):
    async def run(self, payload: str, steps: int) -> None:
        for _ in range(steps):
            await step(payload)


@workflow
class FanoutWorkflow(Workflow):
    async def run(self, payload: str, width: int) -> None:
        await asyncio.gather(*[step(payload) for _ in range(width)])
