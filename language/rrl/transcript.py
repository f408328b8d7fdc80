"""Transcripts: one run of a workflow as JSON, recorded and replayed.

A transcript is what the machine of `rrl.interpreter` was given and what it
issued: the workflow's arguments, then, in order, each batch of commands and
each completion fed back. Replaying the completions on the same program must
issue the same commands and end the same way; that is how the Rust executor
is held to the reference interpreter (`rrl replay`), and all a durable
runtime keeps of an instance. docs/testing.md ("Transcripts") specifies the
format; this module is its reference implementation.

`record` runs actions for real through a host but feeds their completions
to the machine in a canonical order, one at a time, so that the same run
always records the same transcript:

- while an attempt is outstanding, the first one dispatched runs and
  completes (actions take no time);
- otherwise the timer due first fires (ties: the first one issued), and
  time moves on to its due time.
"""

from __future__ import annotations

import json
from typing import Any, Callable

from . import codec
from . import dag as D
from .interpreter import (
    Backoff,
    BackedOff,
    Command,
    Completion,
    CompletionError,
    Dispatch,
    Finish,
    Host,
    Machine,
    Raised,
    Returned,
    Sleep,
    Slept,
    TimedOut,
    encode_outcome,
    run_attempt,
)

VERSION = 1


class TranscriptError(Exception):
    """A transcript the machine does not reproduce: `path` locates the first
    difference inside it (`events[3].commands[0].dispatch.kwargs.n`)."""

    def __init__(self, path: str, problem: str):
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


# ------------------------------------------------------------------ encoding


def encode_command(command: Command) -> dict:
    match command:
        case Dispatch():
            kwargs = {name: codec.encode(value) for name, value in command.kwargs.items()}
            return {
                "dispatch": {
                    "id": command.id,
                    "attempt": command.attempt,
                    "action": command.action,
                    "module": command.module,
                    "kwargs": kwargs,
                    "timeout": codec.encode(command.timeout),
                }
            }
        case Sleep():
            return {"sleep": {"id": command.id, "seconds": codec.encode(command.seconds)}}
        case Backoff():
            return {"backoff": {"id": command.id, "attempt": command.attempt, "seconds": codec.encode(command.seconds)}}
        case Finish():
            return {"finish": encode_outcome(command)}
    raise TypeError(f"not a command: {command!r}")


def encode_completion(completion: Completion) -> dict:
    match completion:
        case Returned():
            return {"returned": {"id": completion.id, "attempt": completion.attempt, "value": codec.encode(completion.value)}}
        case Raised():
            exception = codec.encode(completion.exception)
            return {"raised": {"id": completion.id, "attempt": completion.attempt, "exception": exception}}
        case TimedOut():
            return {"timed_out": {"id": completion.id, "attempt": completion.attempt}}
        case Slept():
            return {"slept": {"id": completion.id}}
        case BackedOff():
            return {"backed_off": {"id": completion.id, "attempt": completion.attempt}}
    raise TypeError(f"not a completion: {completion!r}")


# Each completion's tag, and the members of its payload.
_COMPLETIONS: dict[str, tuple[str, ...]] = {
    "returned": ("id", "attempt", "value"),
    "raised": ("id", "attempt", "exception"),
    "timed_out": ("id", "attempt"),
    "slept": ("id",),
    "backed_off": ("id", "attempt"),
}


def decode_completion(data: Any, resolve: codec.Resolver) -> Completion:
    """The completion `data` encodes; ValueError (a DecodeError for a value)
    when it is not one."""
    if not (isinstance(data, dict) and len(data) == 1 and next(iter(data)) in _COMPLETIONS):
        raise ValueError(f"not a completion: expected one of {', '.join(_COMPLETIONS)} as its only member")
    tag, payload = next(iter(data.items()))
    members = _COMPLETIONS[tag]
    if not (isinstance(payload, dict) and sorted(payload) == sorted(members)):
        raise ValueError(f"a `{tag}` completion has exactly the members {', '.join(members)}")
    if not isinstance(payload["id"], str):
        raise ValueError("a completion's id is a string")
    if "attempt" in payload and not (type(payload["attempt"]) is int and payload["attempt"] >= 1):
        raise ValueError("a completion's attempt is an integer from 1")
    match tag:
        case "returned":
            return Returned(payload["id"], payload["attempt"], codec.decode(payload["value"], resolve))
        case "raised":
            exception = codec.decode(payload["exception"], resolve)
            if not isinstance(exception, BaseException):
                raise ValueError("a `raised` completion's exception is an exception")
            return Raised(payload["id"], payload["attempt"], exception)
        case "timed_out":
            return TimedOut(payload["id"], payload["attempt"])
        case "slept":
            return Slept(payload["id"])
    return BackedOff(payload["id"], payload["attempt"])


def outcome(transcript: dict) -> dict:
    """The transcript's outcome, `{"result": ...}` or `{"error": ...}`: the
    payload of the `finish` command that ends it."""
    return transcript["events"][-1]["commands"][-1]["finish"]


# ------------------------------------------------------------------ recording


async def record(dag: D.Dag, args: dict[str, Any], host: Host) -> dict:
    """Run the workflow of `dag` with keyword `args`, actions for real on
    `host`, completions in the canonical order: its transcript."""
    machine = Machine(dag)
    events: list[dict] = []
    waiting: list[Dispatch | Sleep | Backoff] = []  # in the order issued
    due: dict[int, float] = {}  # id() of a waiting timer → when it fires
    now = 0.0
    commands = machine.start(args)
    while True:
        events.append({"commands": [encode_command(command) for command in commands]})
        if machine.outcome is not None:
            break
        for command in commands:
            waiting.append(command)
            if not isinstance(command, Dispatch):
                due[id(command)] = now + command.seconds
        attempts = [command for command in waiting if isinstance(command, Dispatch)]
        if attempts:
            chosen = attempts[0]
            completion = await run_attempt(host, chosen)
        else:
            chosen = min(waiting, key=lambda timer: due[id(timer)])  # min keeps the first of equals
            now = due.pop(id(chosen))
            completion = Slept(chosen.id) if isinstance(chosen, Sleep) else BackedOff(chosen.id, chosen.attempt)
        waiting.remove(chosen)
        events.append({"completion": encode_completion(completion)})
        commands = machine.complete(completion)
    arguments = {name: codec.encode(value) for name, value in args.items()}
    return {"transcript": VERSION, "workflow": dag.workflow, "arguments": arguments, "events": events}


# ------------------------------------------------------------------ replaying


def replay(dag: D.Dag, transcript: Any, *, between: Callable[[Machine], Machine] | None = None) -> Finish:
    """Run the machine on the transcript's arguments and completions; return
    its outcome when every batch of commands it issues is the transcript's,
    else raise TranscriptError at the first difference. Values are read into
    the program's own classes (`dag.classes`), as a runtime without the user's
    code reads them. `between` may swap the machine after each step (tests
    snapshot and restore it there)."""
    _check_header(dag, transcript)
    events = transcript["events"]
    if not isinstance(events, list) or not events:
        raise TranscriptError("events", "a transcript has at least the commands of the start")
    resolve = dag.classes.resolve
    try:
        args = {name: codec.decode(value, resolve) for name, value in transcript["arguments"].items()}
    except codec.DecodeError as exc:
        raise TranscriptError("arguments", str(exc)) from None
    machine = Machine(dag)
    commands = machine.start(args)
    for index, event in enumerate(events):
        path = f"events[{index}]"
        want = "commands" if index % 2 == 0 else "completion"
        if not (isinstance(event, dict) and list(event) == [want]):
            raise TranscriptError(path, f"expected {{{want!r}: ...}} (events alternate commands and completions)")
        if want == "commands":
            _compare(event["commands"], [encode_command(command) for command in commands], f"{path}.commands")
            continue
        if machine.outcome is not None:
            raise TranscriptError(path, "a completion after the workflow finished")
        try:
            completion = decode_completion(event["completion"], resolve)
            commands = machine.complete(completion)
        except (ValueError, CompletionError) as exc:
            raise TranscriptError(f"{path}.completion", str(exc)) from None
        if between is not None:
            machine = between(machine)
    if len(events) % 2 == 0:
        raise TranscriptError(f"events[{len(events)}]", "the commands the last completion issued are missing")
    if machine.outcome is None:
        raise TranscriptError(f"events[{len(events)}]", "the transcript ends before the workflow finishes")
    return machine.outcome


def _check_header(dag: D.Dag, transcript: Any) -> None:
    if not isinstance(transcript, dict):
        raise TranscriptError("transcript", "a transcript is a JSON object")
    members = ("arguments", "events", "transcript", "workflow")
    if sorted(transcript) != list(members):
        raise TranscriptError("transcript", f"a transcript has exactly the members {', '.join(members)}")
    if transcript["transcript"] != VERSION:
        raise TranscriptError("transcript", f"version {transcript['transcript']!r}; this reader reads version {VERSION}")
    if transcript["workflow"] != dag.workflow:
        raise TranscriptError("workflow", f"the transcript is of {transcript['workflow']!r}, the program runs {dag.workflow!r}")
    if not isinstance(transcript["arguments"], dict):
        raise TranscriptError("arguments", "the arguments are an object: name → value")


def _compare(expected: Any, actual: Any, path: str) -> None:
    """Raise TranscriptError at the first place where the JSON data differ
    (a bool is not a number, and `1` is not `1.0`)."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key in sorted(set(expected) | set(actual)):
            where = f"{path}.{key}"
            if key not in actual:
                raise TranscriptError(where, "in the transcript, not issued by the machine")
            if key not in expected:
                raise TranscriptError(where, f"issued by the machine ({_shown(actual[key])}), not in the transcript")
            _compare(expected[key], actual[key], where)
        return
    if isinstance(expected, list) and isinstance(actual, list):
        for index, (left, right) in enumerate(zip(expected, actual)):
            _compare(left, right, f"{path}[{index}]")
        if len(expected) != len(actual):
            index = min(len(expected), len(actual))
            if len(expected) > len(actual):
                raise TranscriptError(f"{path}[{index}]", f"the transcript has {_shown(expected[index])}; the machine issued no more")
            raise TranscriptError(f"{path}[{index}]", f"the machine issued {_shown(actual[index])}; the transcript has no more")
        return
    if type(expected) is not type(actual) or expected != actual:
        raise TranscriptError(path, f"the transcript has {_shown(expected)}, the machine issued {_shown(actual)}")


def _shown(data: Any) -> str:
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= 200 else text[:197] + "..."
