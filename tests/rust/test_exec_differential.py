"""The Rust executor runs as the reference interpreter does: transcripts
recorded with the Python machine (`rrl.interpreter.Machine`) for every golden
run workflow and the workflows of `exec_programs/` (nested parallel blocks,
limits, retries with backoff, loops, try/finally around awaits), with
completions delivered in shuffled orders, some attempts failing or timing
out, replay under `rrl replay` (runtime-rs) to the same outcome, with the same
machine state (`snapshot()`, compared as data) after every completion; and a
transcript changed in one place fails with the same first difference in both.

The completions are drawn with a seeded random generator: any dispatch or
timer outstanding may be answered next. An attempt's answer is the golden
run's for its call (its value or exception), unless the generator makes it
raise or time out; a call the golden run never made returns None. The
actions of `exec_programs/` return `3 * x`, or raise `Busy` or
ConnectionError, or time out. RRL_DIFFERENTIAL_CASES scales the number of
runs per workflow (`make fuzz` runs more), RRL_DIFFERENTIAL_SEED picks them.
"""

from __future__ import annotations

import copy
import json
import os
import random
import subprocess
from pathlib import Path

import pytest

import rrl
from rrl import codec
from rrl import dag as D
from rrl.dag import Dag
from rrl.interpreter import (
    Backoff,
    BackedOff,
    Dispatch,
    Finish,
    Machine,
    Raised,
    Returned,
    Sleep,
    Slept,
    TimedOut,
)
from rrl.transcript import TranscriptError, encode_command, encode_completion, replay

from support import rrl_binary

ROOT = Path(__file__).resolve().parents[2]
RUN_CASES = sorted(p for p in (ROOT / "golden" / "run").iterdir() if (p / "transcript.json").is_file())
RUNS = max(1, int(os.environ.get("RRL_DIFFERENTIAL_CASES", "1000")) // 250)
SEED = int(os.environ.get("RRL_DIFFERENTIAL_SEED", "20260601"))
MAX_STEPS = 3000
PROGRAMS = sorted((Path(__file__).parent / "exec_programs").glob("*.rrl"))


def golden(case: Path) -> tuple[Dag, dict, Path]:
    transcript = json.loads((case / "transcript.json").read_text(encoding="utf-8"))
    [dag_path] = case.glob("*.dag.json")
    program = case / f"{transcript['workflow']}.opt.rrl"
    return Dag.from_json(dag_path.read_text(encoding="utf-8")), transcript, program


def golden_answers(transcript: dict) -> dict[str, list[dict]]:
    """Each call's completions in the golden run, by id, in attempt order."""
    answers: dict[str, list[dict]] = {}
    for event in transcript["events"]:
        completion = event.get("completion")
        if completion is not None:
            [(kind, payload)] = completion.items()
            if kind in ("returned", "raised", "timed_out"):
                answers.setdefault(payload["id"], []).append(completion)
    return answers


def timer_answer(command):
    return Slept(command.id) if isinstance(command, Sleep) else BackedOff(command.id, command.attempt)


def golden_answer(answers: dict[str, list[dict]], dag: Dag):
    """Answers from the golden run, with faults injected."""

    def answer(command, rng: random.Random):
        if not isinstance(command, Dispatch):
            return timer_answer(command)
        if command.attempt <= 2 and rng.random() < 0.2:
            if rng.random() < 0.5:
                return TimedOut(command.id, command.attempt)
            return Raised(command.id, command.attempt, ConnectionError(f"injected fault in {command.action}"))
        recorded = answers.get(command.id)
        if not recorded:
            return Returned(command.id, command.attempt, None)
        [(kind, payload)] = recorded[min(command.attempt, len(recorded)) - 1].items()
        if kind == "returned":
            return Returned(command.id, command.attempt, codec.decode(payload["value"], dag.classes.resolve))
        if kind == "raised":
            return Raised(command.id, command.attempt, codec.decode(payload["exception"], dag.classes.resolve))
        return TimedOut(command.id, command.attempt)

    return answer


def synthetic_answer(dag: Dag):
    """`3 * x`, or a `Busy` (when the program declares it), a ConnectionError or a timeout."""

    def answer(command, rng: random.Random):
        if not isinstance(command, Dispatch):
            return timer_answer(command)
        roll = rng.random()
        if roll < 0.12:
            return TimedOut(command.id, command.attempt)
        if roll < 0.24:
            return Raised(command.id, command.attempt, ConnectionError(f"no route to {command.action}"))
        if roll < 0.36 and "Busy" in dag.types:
            return Raised(command.id, command.attempt, dag.classes.named("Busy")("busy", command.attempt))
        return Returned(command.id, command.attempt, 3 * command.kwargs.get("x", 0))

    return answer


def shuffled_run(dag: Dag, arguments: dict, answer, rng: random.Random) -> tuple[dict, list[dict]]:
    """A transcript of the Python machine with completions in a random order,
    and its snapshot after each completion."""
    args = {name: codec.decode(value, dag.classes.resolve) for name, value in arguments.items()}
    machine = Machine(dag)
    commands = machine.start(args)
    events: list[dict] = []
    snapshots: list[dict] = []
    pending: list = []
    for _ in range(MAX_STEPS):
        events.append({"commands": [encode_command(command) for command in commands]})
        if machine.outcome is not None:
            break
        pending += [command for command in commands if not isinstance(command, Finish)]
        command = pending.pop(rng.randrange(len(pending)))
        completion = answer(command, rng)
        events.append({"completion": encode_completion(completion)})
        commands = machine.complete(completion)
        snapshots.append(json.loads(json.dumps(machine.snapshot())))
    else:
        pytest.fail(f"{dag.workflow}: no outcome after {MAX_STEPS} completions")
    recorded = {"transcript": 1, "workflow": dag.workflow, "arguments": arguments, "events": events}
    return json.loads(json.dumps(recorded)), snapshots


def check_rust_replays(program: Path, recorded: dict, snapshots: list[dict], tmp_path: Path, run: int) -> None:
    result = rust_replay(program, recorded, tmp_path, "--snapshots")
    assert result.returncode == 0, f"run {run}: {result.stderr}\n{json.dumps(recorded)}"
    *states, outcome = [json.loads(line) for line in result.stdout.splitlines()]
    assert outcome == recorded["events"][-1]["commands"][-1]["finish"]
    assert len(states) == len(snapshots)
    for step, (rust, python) in enumerate(zip(states, snapshots)):
        assert rust == python, f"run {run}: the state after completion {step} differs\n{json.dumps(recorded)}"


def rust_replay(program: Path, transcript: dict, tmp_path: Path, *extra: str) -> subprocess.CompletedProcess:
    binary = rrl_binary()
    if binary is None:
        pytest.skip("cargo is not installed: the Rust core cannot be built")
    path = tmp_path / "transcript.json"
    path.write_text(json.dumps(transcript, ensure_ascii=False), encoding="utf-8")
    return subprocess.run(
        [str(binary), "replay", str(program), "--transcript", str(path), *extra],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )


@pytest.mark.parametrize("case", RUN_CASES, ids=lambda p: p.name)
def test_shuffled_completions_replay_the_same_in_rust(case: Path, tmp_path: Path):
    dag, transcript, program = golden(case)
    rng = random.Random(f"{SEED}:{case.name}")
    answer = golden_answer(golden_answers(transcript), dag)
    for run in range(RUNS):
        recorded, snapshots = shuffled_run(dag, transcript["arguments"], answer, rng)
        check_rust_replays(program, recorded, snapshots, tmp_path, run)


def program_workflows() -> list[tuple[Path, str]]:
    return [(path, w.name) for path in PROGRAMS for w in rrl.parse(path.read_text(encoding="utf-8")).workflows]


@pytest.mark.parametrize(("path", "workflow"), program_workflows(), ids=lambda v: v.name if isinstance(v, Path) else v)
def test_programs_of_every_shape_replay_the_same_in_rust(path: Path, workflow: str, tmp_path: Path):
    dag = D.lower(rrl.parse(path.read_text(encoding="utf-8")), workflow)
    rng = random.Random(f"{SEED}:{path.name}:{workflow}")
    for run in range(RUNS * 5):
        arguments = {"n": rng.randrange(7)}
        recorded, snapshots = shuffled_run(dag, arguments, synthetic_answer(dag), rng)
        check_rust_replays(path, recorded, snapshots, tmp_path, run)


def changed_transcripts(transcript: dict, rng: random.Random) -> list[dict]:
    """The transcript changed in one place each: a kwarg, a returned value, a
    completion's id or attempt, a command dropped or added, the end cut."""
    changed = []
    events = transcript["events"]
    for index, event in enumerate(events):
        if "completion" in event:
            [(kind, payload)] = event["completion"].items()
            bad = copy.deepcopy(transcript)
            bad["events"][index]["completion"][kind]["id"] = payload["id"] + ".9"
            changed.append(bad)
            if "attempt" in payload:
                bad = copy.deepcopy(transcript)
                bad["events"][index]["completion"][kind]["attempt"] = payload["attempt"] + 1
                changed.append(bad)
            if kind == "returned":
                bad = copy.deepcopy(transcript)
                bad["events"][index]["completion"][kind]["value"] = {"tuple": ["changed", 7]}
                changed.append(bad)
        else:
            for position, command in enumerate(event["commands"]):
                [(kind, payload)] = command.items()
                if kind == "dispatch" and payload["kwargs"]:
                    name = sorted(payload["kwargs"])[0]
                    bad = copy.deepcopy(transcript)
                    bad["events"][index]["commands"][position][kind]["kwargs"][name] = 104
                    changed.append(bad)
            bad = copy.deepcopy(transcript)
            bad["events"][index]["commands"].append({"sleep": {"id": "9", "seconds": {"float": "1.0"}}})
            changed.append(bad)
    changed.append({**transcript, "events": events[:-2]})
    changed.append({**transcript, "events": events[:-1]})
    sample = rng.sample(changed, min(6, len(changed)))
    # The header: a version, a workflow, an argument.
    sample.append({**transcript, "transcript": rng.choice([2, "1", None])})
    sample.append({**transcript, "workflow": "Other"})
    if transcript["arguments"]:
        name = sorted(transcript["arguments"])[0]
        sample.append({**transcript, "arguments": {**transcript["arguments"], name: {"tuple": 5}}})
    return sample


@pytest.mark.parametrize("case", RUN_CASES, ids=lambda p: p.name)
def test_a_changed_transcript_fails_at_the_same_place(case: Path, tmp_path: Path):
    dag, transcript, program = golden(case)
    rng = random.Random(f"{SEED}:changed:{case.name}")
    for bad in changed_transcripts(transcript, rng):
        try:
            replay(dag, bad)
        except TranscriptError as exc:
            expected = str(exc)
        else:
            continue  # a change the run does not see (a value nothing reads)
        result = rust_replay(program, bad, tmp_path)
        assert result.returncode == 1, result.stdout
        if expected.endswith(" answers no outstanding command"):
            # The completion's repr: the same but for a set's order, which is Python's hash order.
            expected = expected.split(", value=")[0]
        assert f"\n  {expected}" in result.stderr, f"expected {expected!r}, got {result.stderr}"
