"""Retry, backoff and timeout policies for action calls.

The same semantics are implemented by `run_native` (here, in `_execution.py`), by the
reference interpreter and by the runtime; the golden `run/` corpus checks they agree.
The ranges are those of `rrl.policies` (a timeout greater than 0, at least 1 attempt, a
multiplier of at least 1, finite numbers), which the compiler and the interpreter apply.
"""

from __future__ import annotations

import inspect
import math
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Iterable

from ._errors import ActionNotFound, RappelTimeout

DEFAULT_ACTION_TIMEOUT = 300.0
"""Seconds an action attempt may run before it becomes a RappelTimeout (~5 minutes)."""

Seconds = float | int | timedelta


def to_seconds(value: object, what: str, *, allow_zero: bool = True) -> float:
    """Normalise a duration given as seconds or a timedelta; reject anything else."""
    if isinstance(value, timedelta):
        seconds = value.total_seconds()
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = float(value)
    else:
        raise TypeError(
            f"{what} must be a number of seconds or a datetime.timedelta, "
            f"got {type(value).__name__} {value!r}"
        )
    if not math.isfinite(seconds) or seconds < 0 or (seconds == 0 and not allow_zero):
        bound = "greater than 0" if not allow_zero else "0 or more"
        raise ValueError(f"{what} must be {bound} seconds (a finite number), got {value!r}")
    return seconds


def _exception_classes(value: object) -> tuple[type[BaseException], ...]:
    items: Iterable[object]
    if inspect.isclass(value):
        items = (value,)
    elif isinstance(value, (tuple, list, set, frozenset)):
        items = value
    else:
        raise TypeError(
            "RetryPolicy(exceptions=...) must be a tuple of exception classes, "
            f"got {type(value).__name__} {value!r}"
        )
    classes = tuple(items)
    for cls in classes:
        if not (inspect.isclass(cls) and issubclass(cls, BaseException)):
            raise TypeError(
                f"RetryPolicy(exceptions=...) must hold exception classes, got {cls!r}"
            )
    return classes


@dataclass(frozen=True)
class RetryPolicy:
    """How many times an action is attempted, and on which exceptions.

    attempts: total attempts including the first; None retries without limit.
    exceptions: the exception classes that are retried; empty retries every exception,
        RappelTimeout included. Anything else fails the action at once.
    """

    attempts: int | None = 3
    exceptions: tuple[type[BaseException], ...] = field(default=())

    def __post_init__(self) -> None:
        attempts = self.attempts
        if attempts is not None:
            if isinstance(attempts, bool) or not isinstance(attempts, int):
                raise TypeError(
                    f"RetryPolicy(attempts=...) must be an int or None, got {attempts!r}"
                )
            if attempts < 1:
                raise ValueError(
                    "RetryPolicy(attempts=...) counts every attempt including the first, "
                    f"so it must be at least 1; got {attempts}"
                )
        object.__setattr__(self, "exceptions", _exception_classes(self.exceptions))

    def retries(self, exc: BaseException) -> bool:
        """Whether `exc` is one this policy retries (attempts aside)."""
        return not self.exceptions or isinstance(exc, self.exceptions)


@dataclass(frozen=True)
class BackoffPolicy:
    """The wait between attempts: before attempt n+1 it is
    min(base_delay * multiplier ** (n - 1), max_delay).

    Durations may be seconds or timedeltas and are stored as float seconds.
    """

    base_delay: float = 1.0
    multiplier: float = 2.0
    max_delay: float | None = None

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "base_delay", to_seconds(self.base_delay, "BackoffPolicy(base_delay=...)")
        )
        multiplier = self.multiplier
        if isinstance(multiplier, bool) or not isinstance(multiplier, (int, float)):
            raise TypeError(
                f"BackoffPolicy(multiplier=...) must be a number, got {multiplier!r}"
            )
        if not math.isfinite(multiplier) or multiplier < 1:
            raise ValueError(
                "BackoffPolicy(multiplier=...) must be at least 1 so delays never shrink, "
                f"got {multiplier!r}"
            )
        object.__setattr__(self, "multiplier", float(multiplier))
        if self.max_delay is not None:
            object.__setattr__(
                self, "max_delay", to_seconds(self.max_delay, "BackoffPolicy(max_delay=...)")
            )

    def delay_after(self, attempt: int) -> float:
        """Seconds to wait after failed attempt `attempt` (1-based) before the next one."""
        try:
            delay = self.base_delay * self.multiplier ** (attempt - 1)
        except OverflowError:
            delay = math.inf
        if self.max_delay is not None:
            delay = min(delay, self.max_delay)
        return delay


@dataclass(frozen=True)
class ActionPolicy:
    """The effective policy of one action call: what `run_action` was given, with defaults."""

    retry: RetryPolicy | None = None
    backoff: BackoffPolicy | None = None
    timeout: float = DEFAULT_ACTION_TIMEOUT

    @classmethod
    def build(
        cls,
        retry: RetryPolicy | None = None,
        backoff: BackoffPolicy | None = None,
        timeout: Seconds | None = None,
    ) -> "ActionPolicy":
        if retry is not None and not isinstance(retry, RetryPolicy):
            raise TypeError(f"retry= must be a RetryPolicy, got {retry!r}")
        if backoff is not None and not isinstance(backoff, BackoffPolicy):
            raise TypeError(f"backoff= must be a BackoffPolicy, got {backoff!r}")
        seconds = (
            DEFAULT_ACTION_TIMEOUT
            if timeout is None
            else to_seconds(timeout, "timeout=", allow_zero=False)
        )
        return cls(retry, backoff, seconds)

    def should_retry(self, exc: BaseException, attempt: int) -> bool:
        """Whether failed attempt number `attempt` (1-based) is followed by another."""
        if isinstance(exc, ActionNotFound):  # a deployment error: retrying cannot help
            return False
        if self.retry is None:
            # Native semantics: exceptions fail at once; timeouts usually mean a lost
            # worker, so they are retried without limit.
            return isinstance(exc, RappelTimeout)
        if not self.retry.retries(exc):
            return False
        return self.retry.attempts is None or attempt < self.retry.attempts

    def delay_after(self, attempt: int) -> float:
        return 0.0 if self.backoff is None else self.backoff.delay_after(attempt)
