"""Transcripts: recorded in the canonical order, replayed against the machine,
the first difference reported (docs/testing.md, "Transcripts")."""

from __future__ import annotations

import asyncio
import copy
import json

import pytest

import rrl
from rrl import dag as D
from rrl.transcript import TranscriptError, decode_completion, outcome, record, replay

from recording_host import RecordingHost
from test_codec import resolve

ACTIONS = "action act(x: int) -> int from m\n"
WAITS = "fn wait_then_act(v: int) -> int:\n    sleep v\n    r = await act(x=v)\n    return r\n"


def program(body: str, fns: str = "") -> D.Dag:
    return D.lower(rrl.parse(f"rrl 1\n\n{ACTIONS}{fns}\nworkflow W(n: int = 3) -> Any:\n{body}"))


def recorded(dag: D.Dag, args: dict | None = None, actions: dict | None = None) -> dict:
    host = RecordingHost(actions or {"act": lambda x: x + 100})
    return json.loads(json.dumps(asyncio.run(record(dag, args or {}, host))))


def test_a_recording_replays_to_its_outcome():
    dag = program("    r = await act(x=n)\n    sleep 2\n    return [r]\n")
    transcript = recorded(dag, {"n": 5})
    assert transcript == {
        "transcript": 1,
        "workflow": "W",
        "arguments": {"n": 5},
        "events": [
            {"commands": [{"dispatch": {"id": "0", "attempt": 1, "action": "act", "module": "m", "kwargs": {"x": 5}, "timeout": {"float": "300.0"}}}]},
            {"completion": {"returned": {"id": "0", "attempt": 1, "value": 105}}},
            {"commands": [{"sleep": {"id": "1", "seconds": {"float": "2.0"}}}]},
            {"completion": {"slept": {"id": "1"}}},
            {"commands": [{"finish": {"result": [105]}}]},
        ],
    }
    assert outcome(transcript) == {"result": [105]}
    assert replay(dag, transcript).result == [105]


def test_recording_runs_attempts_first_then_the_timer_due_first():
    dag = program("    xs = parallel:\n        await wait_then_act(v=10)\n        await wait_then_act(v=5)\n        await act(x=0)\n    return xs\n", WAITS)
    completions = [event["completion"] for event in recorded(dag)["events"] if "completion" in event]
    assert completions == [
        {"returned": {"id": "0[2].0", "attempt": 1, "value": 100}},
        {"slept": {"id": "0[1].0"}},
        {"returned": {"id": "0[1].1", "attempt": 1, "value": 105}},
        {"slept": {"id": "0[0].0"}},
        {"returned": {"id": "0[0].1", "attempt": 1, "value": 110}},
    ]


def test_a_failing_workflow_records_its_exception_as_the_outcome():
    def fail(x):
        raise KeyError(f"missing {x}")

    dag = program("    r = await act(x=1) retry(attempts=2) backoff(base=1s)\n    return r\n")
    transcript = recorded(dag, actions={"act": fail})
    kinds = [next(iter(event.get("completion") or event["commands"][0])) for event in transcript["events"]]
    assert kinds == ["dispatch", "raised", "backoff", "backed_off", "dispatch", "raised", "finish"]
    assert outcome(transcript)["error"]["exception"]["class"] == ["builtins:KeyError"]
    assert isinstance(replay(dag, transcript).error, KeyError)


def test_values_of_declared_classes_record_and_replay_from_the_program():
    # The module `app` does not exist: the replay reads every value into the
    # program's own classes, as a runtime without the user's code does.
    decls = (
        "exception Declined(ValueError) from app\n"
        "enum Tier(Enum) from app:\n    FREE = \"free\"\n    PRO = \"pro\"\n"
        "model Quote from app:\n    price: int\n    tier: Tier = Tier.FREE\n"
        "action quote(x: int) -> Quote from app\n"
        "action charge(q: Quote) -> int from app\n"
    )
    body = (
        "    q = await quote(x=n)\n"
        "    try:\n        await charge(q=q)\n    except Declined as e:\n"
        "        return [q, q.tier is Tier.PRO, isinstance(q, Quote), e]\n"
        "    return None\n"
    )
    dag = D.lower(rrl.parse(f"rrl 1\n\n{decls}\nworkflow W(n: int = 3) -> Any:\n{body}"))
    classes = dag.classes
    pro = classes.member("Tier", "PRO")

    def charge(q):
        raise classes.named("Declined")(f"no {q.price}")

    transcript = recorded(dag, actions={"quote": lambda x: classes.construct("Quote", [], {"price": x, "tier": pro}, classes.constant), "charge": charge})
    value = {"model": {"class": "app:Quote", "fields": [["price", 3], ["tier", {"enum": {"class": "app:Tier", "value": "pro"}}]]}}
    assert transcript["events"][2]["commands"][0]["dispatch"]["kwargs"] == {"q": value}
    result = outcome(transcript)["result"]
    assert result[:3] == [value, True, True]
    assert result[3]["exception"]["class"] == ["app:Declined", "builtins:ValueError"]

    finish = replay(dag, transcript)
    quote, _, _, declined = finish.result
    assert type(quote) is classes.named("Quote") and quote.tier is pro
    assert type(declined) is classes.named("Declined") and str(declined) == "no 3"


def mismatch(dag: D.Dag, transcript: dict) -> TranscriptError:
    with pytest.raises(TranscriptError) as info:
        replay(dag, transcript)
    return info.value


def test_replay_names_the_first_difference():
    dag = program("    r = await act(x=n)\n    s = await act(x=r)\n    return s\n")
    transcript = recorded(dag)

    changed = copy.deepcopy(transcript)
    changed["events"][2]["commands"][0]["dispatch"]["kwargs"]["x"] = 104
    error = mismatch(dag, changed)
    assert error.path == "events[2].commands[0].dispatch.kwargs.x"
    assert str(error) == "events[2].commands[0].dispatch.kwargs.x: the transcript has 104, the machine issued 103"

    changed = copy.deepcopy(transcript)
    changed["events"][1]["completion"]["returned"]["value"] = 7
    assert mismatch(dag, changed).path == "events[2].commands[0].dispatch.kwargs.x"

    changed = copy.deepcopy(transcript)
    changed["events"][-1]["commands"][0]["finish"] = {"result": {"float": "203.0"}}
    assert str(mismatch(dag, changed)) == (
        'events[4].commands[0].finish.result: the transcript has {"float": "203.0"}, the machine issued 203'
    )

    changed = copy.deepcopy(transcript)
    changed["events"][0]["commands"].append({"sleep": {"id": "9", "seconds": {"float": "1.0"}}})
    assert str(mismatch(dag, changed)).startswith("events[0].commands[1]: the transcript has {\"sleep\"")


def test_replay_refuses_a_transcript_that_does_not_fit_the_machine():
    dag = program("    r = await act(x=n)\n    return r\n")
    transcript = recorded(dag)
    assert str(mismatch(dag, {**transcript, "events": transcript["events"][:2]})) == (
        "events[2]: the commands the last completion issued are missing"
    )
    two_calls = program("    r = await act(x=n)\n    s = await act(x=r)\n    return s\n")
    longer = recorded(two_calls)
    assert str(mismatch(two_calls, {**longer, "events": longer["events"][:3]})) == (
        "events[3]: the transcript ends before the workflow finishes"
    )
    stray = copy.deepcopy(transcript)
    stray["events"][1]["completion"]["returned"]["id"] = "1"
    error = mismatch(dag, stray)
    assert error.path == "events[1].completion" and "answers no outstanding command" in str(error)
    extra = {**transcript, "events": transcript["events"] + transcript["events"][1:3]}
    assert str(mismatch(dag, extra)) == "events[3]: a completion after the workflow finished"
    assert mismatch(dag, {**transcript, "transcript": 2}).path == "transcript"
    assert mismatch(dag, {**transcript, "workflow": "V"}).path == "workflow"
    swapped = {**transcript, "events": [transcript["events"][1], *transcript["events"]]}
    assert str(mismatch(dag, swapped)).startswith("events[0]: expected {'commands': ...}")


@pytest.mark.parametrize(
    "data, problem",
    [
        ({"returned": {"id": "0", "attempt": 1}}, "exactly the members id, attempt, value"),
        ({"finished": {}}, "not a completion"),
        ({"slept": {"id": 0}}, "id is a string"),
        ({"timed_out": {"id": "0", "attempt": 0}}, "attempt is an integer from 1"),
        ({"raised": {"id": "0", "attempt": 1, "exception": 3}}, "exception is an exception"),
        ({"returned": {"id": "0", "attempt": 1, "value": 1.5}}, "floats are written"),
    ],
)
def test_a_malformed_completion_is_a_clear_error(data, problem):
    with pytest.raises(ValueError, match=problem):
        decode_completion(data, resolve)
