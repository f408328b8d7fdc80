"""The policies an action call runs under, with every default filled in.

The AST keeps a policy as written (`retry(attempts=3)` and `retry()` are
different programs that run the same); lowering resolves it to a `Retry`,
a `Backoff` and a timeout in seconds, which is what the DAG holds and its
JSON encodes. The defaults live here and nowhere else.
"""

from __future__ import annotations

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
