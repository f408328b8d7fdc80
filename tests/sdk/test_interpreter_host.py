"""`run_local` (LocalHost + the reference interpreter) on hand-written RRL.

Each case is a Python workflow and the RRL the compiler should produce for it; both
must behave the same. This pins the host protocol independently of the compiler
(`test_run_native.py` compares the compiler's own output the same way).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Annotated

import pytest
import rrl
from pydantic import BaseModel

from rappel import BackoffPolicy, Depend, RappelTimeout, RetryPolicy, Workflow, action, workflow
from rappel.testing import local_backend, run_local, run_native, virtual_clock

from .support import uncompiled


calls: Counter[str] = Counter()


@pytest.fixture(autouse=True)
def reset_calls():
    calls.clear()


class QuotaExceeded(Exception):
    pass


class Summary(BaseModel):
    total: int
    note: str


def tax_rate() -> int:
    return 2


@action
async def ih_flaky(key: str, failures: int) -> str:
    calls[key] += 1
    if calls[key] <= failures:
        raise QuotaExceeded(f"{key} attempt {calls[key]}")
    return f"{key} ok after {calls[key]}"


@action
async def ih_slow(key: str, slow_attempts: int) -> str:
    calls[key] += 1
    if calls[key] <= slow_attempts:
        await asyncio.sleep(5)
    return f"{key} done on {calls[key]}"


@action
async def ih_taxed(n: int, rate: Annotated[int, Depend(tax_rate)]) -> int:
    return n * rate


HEADER = f"""rrl 1

exception QuotaExceeded(Exception) from {__name__}

model Summary from {__name__}:
    total: int
    note: str

action ih_flaky(key: str, failures: int) -> str from {__name__}
action ih_slow(key: str, slow_attempts: int) -> str from {__name__}
action ih_taxed(n: int) -> int from {__name__}

"""

with uncompiled():

    @workflow
    class Retries(Workflow):
        async def run(self, key: str, failures: int) -> str:
            try:
                r = await self.run_action(
                    ih_flaky(key=key, failures=failures),
                    retry=RetryPolicy(attempts=4),
                    backoff=BackoffPolicy(base_delay=5, multiplier=2, max_delay=12),
                )
            except QuotaExceeded as e:
                return f"gave up: {e}"
            return r

    @workflow
    class Timeouts(Workflow):
        async def run(self, key: str, slow_attempts: int, limited: bool) -> str:
            if limited:
                return await self.run_action(
                    ih_slow(key=key, slow_attempts=slow_attempts), retry=RetryPolicy(attempts=2), timeout=0.05
                )
            return await self.run_action(ih_slow(key=key, slow_attempts=slow_attempts), timeout=0.05)

    @workflow
    class SleepAndFanOut(Workflow):
        async def run(self, values: list[int]) -> Summary:
            await asyncio.sleep(24 * 60 * 60)
            taxed = await asyncio.gather(*[ih_taxed(n=v) for v in values])
            return Summary(total=sum(taxed), note=f"{len(taxed)} values")


RRL = {
    Retries: """workflow Retries(key: str, failures: int) -> str:
    try:
        r = await ih_flaky(key=key, failures=failures) retry(attempts=4) backoff(base=5s, multiplier=2, max=12s)
    except QuotaExceeded as e:
        return f"gave up: {e}"
    return r
""",
    Timeouts: """workflow Timeouts(key: str, slow_attempts: int, limited: bool) -> str:
    if limited:
        r = await ih_slow(key=key, slow_attempts=slow_attempts) retry(attempts=2) timeout(0.05)
        return r
    r = await ih_slow(key=key, slow_attempts=slow_attempts) timeout(0.05)
    return r
""",
    SleepAndFanOut: """workflow SleepAndFanOut(values: list[int]) -> Summary:
    sleep 24 * 60 * 60
    taxed = parallel for v in values:
        await ih_taxed(n=v)
    return Summary(total=sum(taxed), note=f"{len(taxed)} values")
""",
}


# Stand in for the compiler: give each class the program it should compile to.
for workflow_class, body in RRL.items():
    workflow_class.__rappel_program__ = rrl.parse(HEADER + body, f"<{workflow_class.__name__}>")


async def run_rrl(cls, overrides=None, **arguments):
    return await run_local(cls, overrides=overrides, **arguments)


async def run_python(cls, overrides=None, **arguments):
    return await run_native(cls, overrides=overrides, **arguments)


RUN = [pytest.param(run_python, id="python"), pytest.param(run_rrl, id="rrl")]


@pytest.mark.parametrize("run", RUN)
async def test_retries_with_backoff(run):
    with virtual_clock() as clock:
        assert await run(Retries, key="a", failures=3) == "a ok after 4"
    assert clock.sleeps == [5.0, 10.0, 12.0]


@pytest.mark.parametrize("run", RUN)
async def test_final_exception_is_catchable(run):
    assert await run(Retries, key="b", failures=9) == "gave up: b attempt 4"


@pytest.mark.parametrize("run", RUN)
async def test_timeouts_retry_forever_by_default(run):
    assert await run(Timeouts, key="c", slow_attempts=2, limited=False) == "c done on 3"


@pytest.mark.parametrize("run", RUN)
async def test_timeouts_follow_the_retry_policy(run):
    with pytest.raises(RappelTimeout, match="ih_slow timed out after 0.05s"):
        await run(Timeouts, key="d", slow_attempts=5, limited=True)
    assert calls["d"] == 2


@pytest.mark.parametrize("run", RUN)
async def test_sleep_fan_out_models_and_overrides(run):
    with virtual_clock() as clock:
        assert await run(SleepAndFanOut, values=[1, 2, 3]) == Summary(total=12, note="3 values")
        assert await run(SleepAndFanOut, overrides={tax_rate: lambda: 10}, values=[1]) == Summary(
            total=10, note="1 values"
        )
    assert clock.sleeps == [86400.0, 86400.0]


async def test_local_backend_runs_the_compiled_program():
    with local_backend():
        handle = await Retries().start("e", failures=1)
        assert await handle.result() == "e ok after 2"
        assert await SleepAndFanOut().run([4]) == Summary(total=8, note="1 values")
