"""How fast the reference interpreter's machine is on the work that
`runtime-rs/rrl/benches/executor_speed.rs` measures in Rust (`make
bench-executor` runs both): an action dispatched and completed, and a
snapshot and restore (through JSON text) of an instance halfway through a
1,000-way fan-out. Figures go in the notes by hand, never into a timed test.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "language"))

import rrl  # noqa: E402
from rrl import dag as D  # noqa: E402
from rrl.interpreter import Dispatch, Machine, Returned  # noqa: E402

# The program benches/executor_speed.rs runs.
PROGRAM = (ROOT / "runtime-rs/rrl/benches/executor_speed.rrl").read_text(encoding="utf-8")


def dag(workflow: str) -> D.Dag:
    return D.lower(rrl.parse(PROGRAM), workflow)


def returned(command) -> Returned | None:
    if isinstance(command, Dispatch):
        return Returned(command.id, command.attempt, command.kwargs["x"])
    return None


def measure(budget: float, f) -> tuple[float, float]:
    """Seconds per call of `f`, called for about `budget` seconds: the median
    and the fastest (a shared machine's load inflates the median)."""
    f()
    samples = []
    started = time.perf_counter()
    while time.perf_counter() - started < budget or len(samples) < 5:
        t = time.perf_counter()
        f()
        samples.append(time.perf_counter() - t)
    return statistics.median(samples), min(samples)


def per(timing: tuple[float, float], n: int) -> tuple[float, float]:
    return timing[0] / n, timing[1] / n


def show(name: str, timing: tuple[float, float]) -> None:
    median, fastest = timing
    print(f"{name:<60} {median * 1e6:>10.1f}µs (fastest {fastest * 1e6:>10.1f}µs)")


def main() -> None:
    print(f"rrl.interpreter.Machine (Python {sys.version.split()[0]})")
    looping = dag("Loop")
    n = 2000

    def run_loop():
        machine = Machine(looping)
        commands = machine.start({"n": n})
        while commands and (completion := returned(commands[0])) is not None:
            commands = machine.complete(completion)

    show("action dispatched and completed (a loop of 2,000, per action)", per(measure(2, run_loop), n))

    one = dag("One")

    def run_one():
        for i in range(100):
            machine = Machine(one)
            [command] = machine.start({"n": i})
            machine.complete(returned(command))

    show("one-action instance: start, dispatch, complete, finish", per(measure(1, run_one), 100))

    cases = [
        ("parallel for i in range(1000)", dag("FanOutRange"), {"n": 1000}),
        ("parallel for i in items (1,000 ints)", dag("FanOutList"), {"items": list(range(1000))}),
    ]
    for name, fan_out, args in cases:
        machine = Machine(fan_out)
        for command in machine.start(args)[::2]:
            machine.complete(returned(command))
        size = len(json.dumps(machine.snapshot()))

        def round_trip():
            text = json.dumps(machine.snapshot())
            Machine.restore(fan_out, json.loads(text))

        show(f"snapshot+restore, {name}, halfway ({size // 1024} KiB)", measure(3, round_trip))
        show("  of which snapshot to JSON text", measure(1, lambda: json.dumps(machine.snapshot())))


if __name__ == "__main__":
    main()
