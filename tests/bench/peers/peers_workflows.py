"""The peers' workloads written for Rappel (tests/bench/peers/rappel_bench.py runs
them; start-workers' workers import this module). Every action is a no-op, as the
peers' steps are: `async def noop(x): return x`."""

from __future__ import annotations

import asyncio

from rappel import Workflow, action, workflow


@action
async def noop(x: int) -> int:
    return x


@workflow
class TwoSteps(Workflow):
    """W1: two sequential steps."""

    async def run(self, x: int) -> int:
        a = await noop(x)
        return await noop(a)


@workflow
class FanOut(Workflow):
    """W2: one workflow fanning out `m` steps with asyncio.gather."""

    async def run(self, m: int) -> int:
        results = await asyncio.gather(*[noop(i) for i in range(m)])
        return len(results)


@workflow
class Sequential(Workflow):
    """W3: `s` steps, one after the other."""

    async def run(self, s: int) -> int:
        acc = 0
        for i in range(s):
            acc = await noop(i)
        return acc
