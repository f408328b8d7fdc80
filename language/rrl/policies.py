"""The ranges of an action call's policies: one rule for every implementation.

- `timeout(D)`: the time one attempt may run, greater than 0 seconds (an
  attempt that may not run at all means nothing);
- `retry(attempts=N)`: at least 1 (every attempt counts, the first included),
  or None for no limit;
- `backoff(base=D, multiplier=M, max=D)`: `base` and `max` 0 seconds or more
  (`max` may be None), `multiplier` at least 1, so delays never shrink.

Every number is finite. The checker reports a value out of range (RPL0335),
the interpreter refuses to run a DAG's action call that carries one
(`ValueError`, the exception `Workflow.run_action` raises for it), and the
Python frontend applies the same rule to `run_action`'s arguments (RPL0219).
"""

from __future__ import annotations

import math

from . import ast as A


def _number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def policy_problems(retry: A.RetryPolicy | None, backoff: A.BackoffPolicy | None, timeout: float | None) -> list[tuple[A.Node | None, str]]:
    """Each policy value out of range, as (the policy it is in, or None for the
    timeout; what is wrong), in the order the policies are written."""
    problems: list[tuple[A.Node | None, str]] = []
    if retry is not None and retry.attempts is not None and not (type(retry.attempts) is int and retry.attempts >= 1):
        problems.append((retry, f"`retry(attempts=...)` must be at least 1, or None for no limit; got {retry.attempts!r}"))
    if backoff is not None:
        for name, value in (("base", backoff.base), ("max", backoff.max)):
            if not (value is None and name == "max") and not (_number(value) and value >= 0):
                problems.append((backoff, f"`backoff({name}=...)` must be 0 seconds or more; got {value!r}"))
        if not (_number(backoff.multiplier) and backoff.multiplier >= 1):
            problems.append((backoff, f"`backoff(multiplier=...)` must be at least 1, so delays never shrink; got {backoff.multiplier!r}"))
    if timeout is not None and not (_number(timeout) and timeout > 0):
        problems.append((None, f"`timeout(...)` must be greater than 0 seconds; got {timeout!r}"))
    return problems
