"""The interpreter as a state machine: commands, completions, ids, and state
that is data (docs/language.md, "Execution semantics")."""

from __future__ import annotations

import itertools
import json

import pytest

import rrl
from rrl import dag as D
from rrl.interpreter import (
    BackedOff,
    Backoff,
    CompletionError,
    Dispatch,
    Finish,
    Machine,
    Raised,
    Returned,
    Sleep,
    Slept,
    TimedOut,
)

from recording_host import Timeout

ACTIONS = "action act(x: int) -> int from m\n"


def machine(body: str, fns: str = "") -> Machine:
    text = f"rrl 1\n\n{ACTIONS}{fns}\nworkflow W(n: int = 3) -> Any:\n{body}"
    return Machine(D.lower(rrl.parse(text)))


def dispatch(id: str, x: int, attempt: int = 1, timeout: float = 300.0) -> Dispatch:
    return Dispatch(id, attempt, "act", "m", {"x": x}, timeout)


def test_start_issues_the_first_attempt_with_its_kwargs_and_timeout():
    m = machine("    r = await act(x=n * 2)\n    return r + 1\n")
    assert m.start({}) == [dispatch("0", 6)]
    assert m.complete(Returned("0", 1, 10)) == [Finish(result=11)]


def test_ids_follow_the_path_through_regions_never_timing():
    fns = "fn both(v: int) -> int:\n    a = await act(x=v)\n    sleep 1\n    b = await act(x=a)\n    return b\n"
    body = (
        "    first = await act(x=0)\n"
        "    pair = parallel:\n        await both(v=1)\n        await act(x=2)\n"
        "    sleep 5\n"
        "    for i in range(2):\n        last = await act(x=i)\n"
        "    return [first, pair, last]\n"
    )
    m = machine(body, fns)
    assert m.start({}) == [dispatch("0", 0)]
    assert m.complete(Returned("0", 1, 100)) == [dispatch("1[0].0", 1), dispatch("1[1].0", 2)]
    assert m.complete(Returned("1[1].0", 1, 102)) == []
    assert m.complete(Returned("1[0].0", 1, 101)) == [Sleep("1[0].1", 1.0)]
    assert m.complete(Slept("1[0].1")) == [dispatch("1[0].2", 101)]
    assert m.complete(Returned("1[0].2", 1, 201)) == [Sleep("2", 5.0)]
    assert m.complete(Slept("2")) == [dispatch("3", 0)]
    assert m.complete(Returned("3", 1, 7)) == [dispatch("4", 1)]
    assert m.complete(Returned("4", 1, 8)) == [Finish(result=[100, [201, 102], 8])]


def test_completions_in_any_order_reach_the_same_state():
    body = "    xs = parallel for i in range(3):\n        await act(x=i)\n    return xs\n"
    outcomes = set()
    for order in itertools.permutations(range(3)):
        m = machine(body)
        m.start({})
        for i in order:
            issued = m.complete(Returned(f"0[{i}].0", 1, i * 10))
        outcomes.add(json.dumps(m.snapshot()))
        assert issued == [Finish(result=[0, 10, 20])]
    assert len(outcomes) == 1


def test_a_completion_that_answers_nothing_outstanding_is_refused_and_changes_nothing():
    m = machine("    r = await act(x=1) retry(attempts=2)\n    return r\n")
    m.start({})
    before = m.snapshot()
    for stray in (
        Returned("1", 1, 0),  # no such call
        Returned("0", 2, 0),  # an attempt not dispatched
        Slept("0"),  # a call is no sleep
        BackedOff("0", 1),  # no backoff is running
        Returned("0[0].0", 1, 0),  # no such region
    ):
        with pytest.raises(CompletionError):
            m.complete(stray)
        assert m.snapshot() == before
    assert m.complete(Raised("0", 1, ValueError("no"))) == [dispatch("0", 1, attempt=2)]
    with pytest.raises(CompletionError):  # already applied
        m.complete(Raised("0", 1, ValueError("no")))
    assert m.complete(Returned("0", 2, 5)) == [Finish(result=5)]
    with pytest.raises(CompletionError):  # the workflow has finished
        m.complete(Returned("0", 2, 5))


def test_retries_wait_for_backoff_timers_and_give_up_after_the_last_attempt():
    m = machine("    r = await act(x=1) retry(attempts=3) backoff(base=2s, multiplier=3, max=5s)\n    return r\n")
    assert m.start({}) == [dispatch("0", 1)]
    assert m.complete(Raised("0", 1, ValueError("a"))) == [Backoff("0", 2, 2.0)]
    assert m.complete(BackedOff("0", 2)) == [dispatch("0", 1, attempt=2)]
    assert m.complete(Raised("0", 2, ValueError("b"))) == [Backoff("0", 3, 5.0)]
    assert m.complete(BackedOff("0", 3)) == [dispatch("0", 1, attempt=3)]
    [finish] = m.complete(Raised("0", 3, ValueError("c")))
    assert str(finish.error) == "c"


def test_a_zero_backoff_dispatches_the_next_attempt_at_once():
    m = machine("    r = await act(x=1) retry(attempts=2) backoff(base=0s)\n    return r\n")
    m.start({})
    assert m.complete(Raised("0", 1, ValueError("a"))) == [dispatch("0", 1, attempt=2)]


def test_a_timed_out_attempt_becomes_rappel_timeout_with_the_timeout_in_float_seconds():
    # `timeout(1s)` lowers to the int 1; `run_action(timeout=1)` gives Python's
    # RappelTimeout the float 1.0, and so must the machine.
    m = machine("    try:\n        r = await act(x=1) retry(attempts=1) timeout(1s)\n    except RappelTimeout as e:\n"
                "        return [str(e), e.action, e.timeout, e.attempt]\n    return r\n")
    assert m.start({}) == [dispatch("0", 1, timeout=1.0)]
    [finish] = m.complete(TimedOut("0", 1))
    assert finish.result == ["action act timed out after 1s (attempt 1)", "act", 1.0, 1]
    assert type(finish.result[2]) is float


def test_without_a_retry_policy_timeouts_retry_without_limit_and_exceptions_fail():
    m = machine("    r = await act(x=1)\n    return r\n")
    m.start({})
    for attempt in range(1, 5):
        assert m.complete(TimedOut("0", attempt)) == [dispatch("0", 1, attempt=attempt + 1)]
    assert m.complete(Raised("0", 5, Timeout("the action's own"))) == [dispatch("0", 1, attempt=6)]
    [finish] = m.complete(Raised("0", 6, KeyError("k")))
    assert isinstance(finish.error, KeyError)


def test_an_action_no_worker_has_is_never_retried_whatever_the_policy():
    from rrl.classes import ActionNotFound, RappelError

    for policy in ["", " retry(attempts=50)", " retry(attempts=None) backoff(base=1s)"]:
        m = machine(f"    try:\n        r = await act(x=1){policy}\n        return r\n"
                    "    except Exception as e:\n        return str(e)\n")
        m.start({})
        missing = ActionNotFound("this worker cannot run action m.act()")
        assert m.complete(Raised("0", 1, missing)) == [Finish(result="this worker cannot run action m.act()")]
    m = machine("    r = await act(x=1) retry(attempts=2)\n    return r\n")
    m.start({})
    assert m.complete(Raised("0", 1, RappelError("other"))) == [dispatch("0", 1, attempt=2)]


def test_a_limit_starts_the_next_branch_when_one_ends():
    m = machine("    xs = parallel for i in range(4) limit 2:\n        await act(x=i)\n    return xs\n")
    assert m.start({}) == [dispatch("0[0].0", 0), dispatch("0[1].0", 1)]
    assert m.complete(Returned("0[1].0", 1, 11)) == [dispatch("0[2].0", 2)]
    assert m.complete(Returned("0[2].0", 1, 12)) == [dispatch("0[3].0", 3)]
    assert m.complete(Returned("0[3].0", 1, 13)) == []
    assert m.complete(Returned("0[0].0", 1, 10)) == [Finish(result=[10, 11, 12, 13])]


def test_branches_that_wait_for_nothing_settle_at_once():
    m = machine("    xs = parallel return_exceptions for i in [1, 0, 2]:\n        await act(x=10 // i)\n    return [str(x) for x in xs]\n")
    assert m.start({}) == [dispatch("0[0].0", 10), dispatch("0[2].0", 5)]
    m.complete(Returned("0[0].0", 1, 1))
    assert m.complete(Returned("0[2].0", 1, 2)) == [Finish(result=["1", "integer division or modulo by zero", "2"])]


def test_parallel_for_binds_every_target_before_any_branch_starts():
    # as `gather(*[act(a) for a, b in pairs])` unpacks every pair before it awaits
    m = machine("    xs = parallel for a, b in [(1, 2), 3]:\n        await act(x=a)\n    return xs\n")
    [finish] = m.start({})  # nothing dispatched
    assert isinstance(finish.error, TypeError)


def test_a_failed_start_finishes_with_its_error():
    m = machine("    return n\n")
    [finish] = m.start({"m": 1})
    assert str(finish.error) == "W.run() got an unexpected keyword argument 'm'"
    with pytest.raises(RuntimeError, match="already started"):
        m.start({})


def test_the_state_round_trips_through_json_at_any_step():
    fns = "fn slow(v: int) -> int:\n    sleep v\n    r = await act(x=v) retry(attempts=3) backoff(base=1s)\n    return r\n"
    body = "    xs = parallel for i in range(3) limit 2:\n        await slow(v=i)\n    return xs\n"
    completions = [
        Slept("0[0].0"),
        Slept("0[1].0"),
        Raised("0[1].1", 1, KeyError("k")),
        Returned("0[0].1", 1, 100),
        Slept("0[2].0"),
        BackedOff("0[1].1", 2),
        Returned("0[2].1", 1, 102),
        Returned("0[1].1", 2, 101),
    ]
    straight = machine(body, fns)
    restored = machine(body, fns)
    assert straight.start({}) == restored.start({})
    for completion in completions:
        state = json.loads(json.dumps(restored.snapshot()))
        restored = Machine.restore(restored.dag, state)
        assert restored.snapshot() == state
        assert restored.outstanding == straight.outstanding
        assert restored.complete(completion) == straight.complete(completion)
    assert straight.outcome == Finish(result=[100, 101, 102])
    assert Machine.restore(straight.dag, straight.snapshot()).outcome == straight.outcome


def test_outstanding_lists_what_the_instance_waits_for():
    m = machine("    pair = parallel:\n        await act(x=1) retry(attempts=2) backoff(base=3s)\n        await act(x=2)\n    sleep 4\n    return pair\n")
    m.start({})
    m.complete(Raised("0[0].0", 1, ValueError("v")))
    assert m.outstanding == [Backoff("0[0].0", 2, 3.0), dispatch("0[1].0", 2)]


def test_a_restored_machine_holds_the_programs_own_classes():
    # Records, declared exceptions and enum members in the environment, in a
    # pending call's kwargs and in a branch's outcome come back as the
    # program's classes (the module `app` does not exist: nothing is imported),
    # so `except`, `isinstance` and `is` still hold after the restore.
    decls = (
        "exception Declined(ValueError) from app\n"
        "enum Tier(Enum) from app:\n    FREE = \"free\"\n    PRO = \"pro\"\n"
        "model Quote from app:\n    price: int\n    tier: Tier = Tier.FREE\n"
        "dataclass Slot from app:\n    hour: int\n"
        "action charge(q: Quote) -> int from app\n"
    )
    body = (
        "    q = Quote(price=n)\n"
        "    try:\n        raise Declined(\"early\")\n    except Declined as e:\n        early = e\n"
        "    xs = parallel return_exceptions:\n        await charge(q=q)\n        await act(x=1)\n"
        "    try:\n        raise xs[0]\n    except Declined:\n        caught = True\n"
        "    return [q.tier is Tier.FREE, isinstance(q, Quote), Slot(hour=xs[1]) == Slot(hour=7),\n"
        "            isinstance(early, Declined), caught, str(early)]\n"
    )
    m = machine(body, decls)
    declined = m.dag.classes.named("Declined")
    m.start({})
    state = json.loads(json.dumps(m.snapshot()))
    pending = state["regions"][1]["wait"]["call"]["kwargs"]
    assert pending["dict"][0][1] == {"model": {"class": "app:Quote", "fields": [["price", 3], ["tier", {"enum": {"class": "app:Tier", "value": "free"}}]]}}
    m = Machine.restore(m.dag, state)
    assert m.complete(Raised("0[0].0", 1, declined("no"))) == []
    state = json.loads(json.dumps(m.snapshot()))
    assert state["regions"][0]["wait"]["parallel"]["outcomes"][0]["error"]["exception"]["class"] == ["app:Declined", "builtins:ValueError"]
    m = Machine.restore(m.dag, state)
    assert type(m.regions[""].env["early"]) is declined
    assert m.complete(Returned("0[1].0", 1, 7)) == [Finish(result=[True, True, True, True, True, "early"])]
