"""Running action calls in-process: one attempt with a timeout, and the retry loop.

Used by `Workflow.run_action` and plain `await action(...)` under `run_native`, and by
the reference interpreter's host (one attempt per call; it runs the retry loop itself).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from ._errors import RappelTimeout
from ._policies import ActionPolicy
from ._virtual_time import workflow_sleep


class Attemptable(Protocol):
    @property
    def action_name(self) -> str: ...

    def attempt(self, number: int = 1) -> Awaitable[Any]: ...


async def run_attempt(call: Attemptable, timeout: float | None, attempt: int | None = None) -> Any:
    """Run one attempt; past `timeout` seconds it is cancelled and becomes RappelTimeout.

    A TimeoutError the action raises itself is an ordinary exception, not a timeout
    of the attempt. Once the timeout passed the attempt timed out, whatever it does
    next: an action that swallows its cancellation and returns (or raises) late has
    its late outcome discarded.
    """
    number = 1 if attempt is None else attempt
    if timeout is None:
        return await call.attempt(number)
    scope = asyncio.timeout(timeout)
    try:
        async with scope:
            value = await call.attempt(number)
    except Exception:
        if not scope.expired():
            raise
    else:
        if not scope.expired():
            return value
    which = f" (attempt {attempt})" if attempt is not None else ""
    raise RappelTimeout(
        f"action {call.action_name} timed out after {timeout:g}s{which}",
        action=call.action_name,
        timeout=timeout,
        attempt=attempt,
    ) from None


async def run_with_policy(
    call: Attemptable,
    policy: ActionPolicy,
    sleep: Callable[[float], Awaitable[Any]] = workflow_sleep,
) -> Any:
    """Attempt `call` until it succeeds or `policy` gives up; raise the last failure."""
    attempt = 1
    while True:
        try:
            return await run_attempt(call, policy.timeout, attempt)
        except Exception as exc:
            if not policy.should_retry(exc, attempt):
                raise
        delay = policy.delay_after(attempt)
        if delay > 0:
            await sleep(delay)
        attempt += 1
