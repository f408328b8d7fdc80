"""Workflow semantics: retries, backoff, timeouts and durable sleep.

Parametrized tests run twice, on the Python body (`run_native`) and on the compiled
program in the reference interpreter (`run_local`, once the toolchain is available):
both must agree.
"""

import asyncio
import time
from asyncio import sleep as durable_sleep
from collections import Counter

import pytest

from rappel import BackoffPolicy, RappelTimeout, RetryPolicy, Workflow, action, workflow
from rappel._policies import ActionPolicy
from rappel.testing import run_native, virtual_clock

from .support import RUNNERS, uncompiled

attempts: Counter[str] = Counter()


@pytest.fixture(autouse=True)
def reset_attempts():
    attempts.clear()


class FlakyError(Exception):
    pass


@action
async def native_flaky(key: str, failures: int) -> str:
    """Fails `failures` times for `key`, then succeeds."""
    attempts[key] += 1
    if attempts[key] <= failures:
        raise FlakyError(f"{key} attempt {attempts[key]}")
    return f"{key} ok after {attempts[key]}"


@action
async def native_slow(key: str, slow_attempts: int, seconds: float) -> str:
    """Takes `seconds` (real time) on its first `slow_attempts` attempts."""
    attempts[key] += 1
    if attempts[key] <= slow_attempts:
        await asyncio.sleep(seconds)
    return f"{key} done on {attempts[key]}"


@action
async def native_double(n: int) -> int:
    return n * 2


with uncompiled():

    @workflow
    class RetryUntilSuccess(Workflow):
        async def run(self, key: str, failures: int) -> str:
            return await self.run_action(
                native_flaky(key=key, failures=failures),
                retry=RetryPolicy(attempts=4),
                backoff=BackoffPolicy(base_delay=5, multiplier=2, max_delay=12),
            )

    @workflow
    class NoPolicy(Workflow):
        async def run(self, key: str, failures: int) -> str:
            return await native_flaky(key=key, failures=failures)

    @workflow
    class RetryOnlyLookupErrors(Workflow):
        async def run(self, key: str) -> str:
            return await self.run_action(
                native_flaky(key=key, failures=1),
                retry=RetryPolicy(attempts=None, exceptions=(LookupError,)),
            )

    @workflow
    class CatchFailure(Workflow):
        async def run(self, key: str) -> str:
            try:
                return await self.run_action(
                    native_flaky(key=key, failures=10), retry=RetryPolicy(attempts=2)
                )
            except FlakyError as exc:
                return f"gave up: {exc}"

    @workflow
    class TimeoutRetriedByDefault(Workflow):
        async def run(self, key: str) -> str:
            return await self.run_action(
                native_slow(key=key, slow_attempts=2, seconds=5), timeout=0.05
            )

    @workflow
    class TimeoutWithPolicy(Workflow):
        async def run(self, key: str) -> str:
            return await self.run_action(
                native_slow(key=key, slow_attempts=5, seconds=5),
                retry=RetryPolicy(attempts=2),
                timeout=0.05,
            )

    @workflow
    class SleepyWorkflow(Workflow):
        async def run(self, n: int) -> int:
            await asyncio.sleep(24 * 60 * 60)
            doubled = await native_double(n)
            await durable_sleep(60)
            return doubled

    @workflow
    class ParallelDoubles(Workflow):
        async def run(self, values: list[int]) -> list[int]:
            return await asyncio.gather(*[native_double(n=v) for v in values])


@pytest.mark.parametrize("runner", RUNNERS)
async def test_retry_policy_retries_until_success_with_backoff(runner):
    with virtual_clock() as clock:
        assert await runner(RetryUntilSuccess, "r1", failures=3) == "r1 ok after 4"
    assert clock.sleeps == [5.0, 10.0, 12.0]


@pytest.mark.parametrize("runner", RUNNERS)
async def test_retry_policy_gives_up_after_its_attempts(runner):
    with pytest.raises(FlakyError, match="r2 attempt 4"):
        await runner(RetryUntilSuccess, "r2", failures=10)
    assert attempts["r2"] == 4


@pytest.mark.parametrize("runner", RUNNERS)
async def test_exceptions_fail_at_once_without_a_policy(runner):
    with pytest.raises(FlakyError, match="n1 attempt 1"):
        await runner(NoPolicy, "n1", failures=1)
    assert attempts["n1"] == 1


@pytest.mark.parametrize("runner", RUNNERS)
async def test_exceptions_outside_the_filter_are_not_retried(runner):
    with pytest.raises(FlakyError):
        await runner(RetryOnlyLookupErrors, "f1")
    assert attempts["f1"] == 1


@pytest.mark.parametrize("runner", RUNNERS)
async def test_the_workflow_can_catch_the_final_exception(runner):
    assert await runner(CatchFailure, "c1") == "gave up: c1 attempt 2"


@pytest.mark.parametrize("runner", RUNNERS)
async def test_timeouts_are_retried_without_limit_by_default(runner):
    started = time.monotonic()
    assert await runner(TimeoutRetriedByDefault, "t1") == "t1 done on 3"
    assert time.monotonic() - started < 2  # timed out attempts were cancelled


@pytest.mark.parametrize("runner", RUNNERS)
async def test_timeouts_follow_an_explicit_retry_policy(runner):
    with pytest.raises(RappelTimeout, match="native_slow timed out after 0.05s") as info:
        await runner(TimeoutWithPolicy, "t2")
    assert info.value.action == "native_slow"
    assert attempts["t2"] == 2


async def test_plainly_awaited_actions_get_the_default_timeout(monkeypatch):
    monkeypatch.setattr("rappel._policies.DEFAULT_ACTION_TIMEOUT", 0.05)
    assert ActionPolicy.build().timeout == 0.05

    with uncompiled():

        @workflow
        class PlainSlow(Workflow):
            async def run(self) -> str:
                return await native_slow(key="p1", slow_attempts=1, seconds=5)

    assert await run_native(PlainSlow) == "p1 done on 2"


@pytest.mark.parametrize("runner", RUNNERS)
async def test_durable_sleeps_take_no_real_time(runner):
    started = time.monotonic()
    with virtual_clock() as clock:
        assert await runner(SleepyWorkflow, 21) == 42
    assert time.monotonic() - started < 1
    assert clock.sleeps == [86400.0, 60.0]
    assert clock.now == 86460.0


async def test_sleep_patches_are_removed_after_the_run():
    real_sleep = asyncio.tasks.sleep
    await run_native(SleepyWorkflow, 1)
    assert asyncio.sleep is real_sleep
    assert durable_sleep is real_sleep


async def test_code_outside_the_workflow_keeps_real_time_during_a_run():
    async def outside() -> float:
        started = time.monotonic()
        await asyncio.sleep(0.05)
        return time.monotonic() - started

    with virtual_clock() as clock:
        _, elapsed = await asyncio.gather(run_native(SleepyWorkflow, 1), outside())
    assert elapsed >= 0.04
    assert clock.sleeps == [86400.0, 60.0]


@pytest.mark.parametrize("runner", RUNNERS)
async def test_gather_fans_out_actions(runner):
    assert await runner(ParallelDoubles, [1, 2, 3]) == [2, 4, 6]


async def test_run_native_accepts_instances_and_binds_arguments():
    assert await run_native(ParallelDoubles(), values=[5]) == [10]
    with pytest.raises(TypeError, match=r"ParallelDoubles.run\(\): missing a required argument: 'values'"):
        await run_native(ParallelDoubles)
    with pytest.raises(TypeError, match="Workflow subclass or instance"):
        await run_native(object)  # type: ignore[arg-type]


async def test_run_action_rejects_things_that_are_not_action_calls():
    workflow_instance = ParallelDoubles()
    with pytest.raises(TypeError, match=r"run_action\(native_double\(...\)\)"):
        await workflow_instance.run_action(native_double)  # type: ignore[arg-type]

    async def plain() -> None:
        return None

    with pytest.raises(TypeError, match="decorated with @action"):
        await workflow_instance.run_action(plain())  # type: ignore[arg-type]
