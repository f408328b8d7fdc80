from datetime import timedelta

import pytest

from rappel import ActionNotFound, BackoffPolicy, RappelError, RappelTimeout, RetryPolicy
from rappel._policies import DEFAULT_ACTION_TIMEOUT, ActionPolicy


def test_retry_policy_defaults():
    policy = RetryPolicy()
    assert policy.attempts == 3
    assert policy.exceptions == ()


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"attempts": 0}, ValueError, "at least 1"),
        ({"attempts": -2}, ValueError, "at least 1"),
        ({"attempts": 2.5}, TypeError, "int or None"),
        ({"attempts": True}, TypeError, "int or None"),
        ({"exceptions": "ValueError"}, TypeError, "tuple of exception classes"),
        ({"exceptions": (ValueError, int)}, TypeError, "exception classes"),
    ],
)
def test_retry_policy_rejects_bad_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        RetryPolicy(**kwargs)


def test_retry_policy_normalises_exceptions():
    assert RetryPolicy(exceptions=[KeyError]).exceptions == (KeyError,)
    assert RetryPolicy(exceptions=KeyError).exceptions == (KeyError,)
    assert RetryPolicy(attempts=None).attempts is None


def test_retry_policy_is_frozen():
    with pytest.raises(Exception):
        RetryPolicy().attempts = 5  # type: ignore[misc]


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"base_delay": -1}, ValueError, "base_delay"),
        ({"base_delay": "5s"}, TypeError, "seconds or a datetime.timedelta"),
        ({"multiplier": 0.5}, ValueError, "at least 1"),
        ({"multiplier": float("inf")}, ValueError, "at least 1"),
        ({"max_delay": float("inf")}, ValueError, "finite"),
        ({"multiplier": "2"}, TypeError, "multiplier"),
        ({"max_delay": timedelta(seconds=-1)}, ValueError, "max_delay"),
    ],
)
def test_backoff_policy_rejects_bad_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        BackoffPolicy(**kwargs)


def test_backoff_delays_grow_and_cap():
    policy = BackoffPolicy(base_delay=timedelta(seconds=2), multiplier=3, max_delay=30)
    assert policy.base_delay == 2.0
    assert [policy.delay_after(n) for n in range(1, 6)] == [2.0, 6.0, 18.0, 30.0, 30.0]


def test_backoff_survives_huge_attempt_numbers():
    assert BackoffPolicy(max_delay=60).delay_after(100_000) == 60.0


def test_default_policy_fails_on_exception_and_retries_timeouts_forever():
    policy = ActionPolicy.build()
    assert policy.timeout == DEFAULT_ACTION_TIMEOUT == 300.0
    assert not policy.should_retry(ValueError(), attempt=1)
    assert policy.should_retry(RappelTimeout(), attempt=10_000)
    assert policy.delay_after(1) == 0.0


def test_retry_policy_governs_exceptions_and_timeouts():
    policy = ActionPolicy.build(retry=RetryPolicy(attempts=2))
    assert policy.should_retry(ValueError(), attempt=1)
    assert not policy.should_retry(ValueError(), attempt=2)
    assert policy.should_retry(RappelTimeout(), attempt=1)
    assert not policy.should_retry(RappelTimeout(), attempt=2)


def test_an_action_not_found_is_never_retried():
    for policy in (ActionPolicy.build(), ActionPolicy.build(retry=RetryPolicy(attempts=None))):
        assert not policy.should_retry(ActionNotFound("no such action"), attempt=1)
    filtered = ActionPolicy.build(retry=RetryPolicy(attempts=5, exceptions=(RappelError,)))
    assert not filtered.should_retry(ActionNotFound("no such action"), attempt=1)
    assert filtered.should_retry(RappelError("other"), attempt=1)


def test_retry_policy_exception_filter_matches_subclasses_only():
    policy = ActionPolicy.build(retry=RetryPolicy(attempts=None, exceptions=(LookupError,)))
    assert policy.should_retry(KeyError(), attempt=99)
    assert not policy.should_retry(ValueError(), attempt=1)
    # An explicit filter without RappelTimeout means timeouts are not retried.
    assert not policy.should_retry(RappelTimeout(), attempt=1)


@pytest.mark.parametrize("timeout", [0, -5, "10", float("inf"), float("nan"), timedelta(0)])
def test_timeout_must_be_positive_seconds(timeout):
    with pytest.raises((ValueError, TypeError), match="timeout="):
        ActionPolicy.build(timeout=timeout)


def test_policy_arguments_are_type_checked():
    with pytest.raises(TypeError, match="RetryPolicy"):
        ActionPolicy.build(retry=3)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="BackoffPolicy"):
        ActionPolicy.build(backoff=1.0)  # type: ignore[arg-type]
    assert ActionPolicy.build(timeout=timedelta(minutes=10)).timeout == 600.0
