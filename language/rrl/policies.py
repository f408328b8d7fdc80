"""The policies an action call runs under: their defaults, and the one rule
for their ranges.

The AST keeps a policy as written (`retry(attempts=3)` and `retry()` are
different programs that run the same); lowering resolves it to a `Retry`,
a `Backoff` and a timeout in seconds, which is what the DAG holds and its
JSON encodes. The defaults live here and nowhere else.

The ranges, one rule for every implementation, judge the resolved values:

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
from dataclasses import dataclass

from . import ast as A

DEFAULT_ATTEMPTS = 3
DEFAULT_BASE = 1.0
DEFAULT_MULTIPLIER = 2.0


@dataclass(frozen=True)
class Retry:
    """Up to `attempts` attempts in all (None: no limit), retrying the
    exceptions `on` names (empty: every exception, a timeout included)."""

    attempts: int | None = DEFAULT_ATTEMPTS
    on: tuple[str, ...] = ()


@dataclass(frozen=True)
class Backoff:
    """The delay before retry n is min(base * multiplier ** (n - 1), max)."""

    base: int | float = DEFAULT_BASE
    multiplier: int | float = DEFAULT_MULTIPLIER
    max: int | float | None = None


def seconds(value: A.Seconds) -> int | float | None:
    """The number of seconds a policy argument stands for."""
    return value.seconds if isinstance(value, A.Duration) else value.value


def resolve_retry(policy: A.RetryPolicy) -> Retry:
    return Retry(
        DEFAULT_ATTEMPTS if policy.attempts is None else policy.attempts.value,
        policy.on or (),
    )


def resolve_backoff(policy: A.BackoffPolicy) -> Backoff:
    return Backoff(
        DEFAULT_BASE if policy.base is None else seconds(policy.base),
        DEFAULT_MULTIPLIER if policy.multiplier is None else policy.multiplier.value,
        None if policy.max is None else seconds(policy.max),
    )


def resolve_timeout(value: A.Seconds | None) -> int | float | None:
    return None if value is None else seconds(value)


# ------------------------------------------------------------------ ranges


def _number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def range_problems(retry: Retry | None, backoff: Backoff | None, timeout: object) -> list[tuple[str, str]]:
    """Each resolved policy value out of range, as (the policy it is in:
    "retry", "backoff" or "timeout"; what is wrong), in the order the
    policies are written."""
    problems: list[tuple[str, str]] = []
    if retry is not None and retry.attempts is not None and not (type(retry.attempts) is int and retry.attempts >= 1):
        problems.append(("retry", f"`retry(attempts=...)` must be at least 1, or None for no limit; got {retry.attempts!r}"))
    if backoff is not None:
        for name, value in (("base", backoff.base), ("max", backoff.max)):
            if not (value is None and name == "max") and not (_number(value) and value >= 0):
                problems.append(("backoff", f"`backoff({name}=...)` must be 0 seconds or more; got {value!r}"))
        if not (_number(backoff.multiplier) and backoff.multiplier >= 1):
            problems.append(("backoff", f"`backoff(multiplier=...)` must be at least 1, so delays never shrink; got {backoff.multiplier!r}"))
    if timeout is not None and not (_number(timeout) and timeout > 0):
        problems.append(("timeout", f"`timeout(...)` must be greater than 0 seconds; got {timeout!r}"))
    return problems


def policy_problems(call: A.AwaitCall) -> list[tuple[A.Node, str]]:
    """The range problems of a call's policies as written, each with the node
    to point at: the `retry(...)` or `backoff(...)` it is in, the call for its
    timeout."""
    resolved = range_problems(
        resolve_retry(call.retry) if call.retry is not None else None,
        resolve_backoff(call.backoff) if call.backoff is not None else None,
        resolve_timeout(call.timeout),
    )
    where: dict[str, A.Node] = {"retry": call.retry, "backoff": call.backoff, "timeout": call}
    return [(where[policy], problem) for policy, problem in resolved]


# ------------------------------------------------------------------ back to syntax


def duration(value: int | float) -> A.Duration:
    """`600` → `10m`, `0.25` → `250ms`, `90` → `90s`: the largest exact unit."""
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        count = value / size
        if value >= size and float(count).is_integer():
            return A.Duration(f"{int(count)}{unit}")
    millis = value * 1000
    if float(millis).is_integer():
        return A.Duration(f"{int(millis)}ms")
    return A.Duration(f"{value:.9f}".rstrip("0") + "s")


def retry_syntax(retry: Retry) -> A.RetryPolicy:
    """The shortest `retry(...)` that resolves to `retry`: defaults left out."""
    return A.RetryPolicy(
        None if retry.attempts == DEFAULT_ATTEMPTS else A.Constant(retry.attempts),
        retry.on or None,
    )


def backoff_syntax(backoff: Backoff) -> A.BackoffPolicy:
    """The shortest `backoff(...)` that resolves to `backoff`: defaults left out."""
    return A.BackoffPolicy(
        None if backoff.base == DEFAULT_BASE else duration(backoff.base),
        None if backoff.multiplier == DEFAULT_MULTIPLIER else A.Constant(backoff.multiplier),
        None if backoff.max is None else duration(backoff.max),
    )


def timeout_syntax(value: int | float | None) -> A.Duration | None:
    return None if value is None else duration(value)
