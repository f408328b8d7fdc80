"""The client's start path alone: how fast one Python process starts instances
through a real `rappel-bridge` (rappel.dev.LocalRuntime, its start-workers
stopped so that nothing runs them and the machine is the client's and the
bridge's). Figures only, never asserted:

    RAPPEL_DATABASE_URL=postgresql://... .venv/bin/python tests/bench/client_starts.py [--n 2000] [--reps 3]

Each run starts N instances of a two-step workflow (tests/bench/peers/peers_workflows.py)
four ways: a sequential `await Wf().start(i)` loop; N concurrent `start()` calls
(asyncio.gather, one channel); one `Wf.start_many([...])`; and then N concurrent
`handle.status()` calls on what was started. Prints the median of --reps runs,
per call and per second. The database is the URL's own: use a scratch one.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PEERS = HERE / "peers"
sys.path.insert(0, str(PEERS))

from peers_workflows import TwoSteps  # noqa: E402

from rappel.dev import LocalRuntime, use_backend  # noqa: E402


async def once(n: int) -> dict[str, float]:
    times: dict[str, float] = {}
    t0 = time.perf_counter()
    for i in range(n):
        await TwoSteps().start(i)
    times["start() loop"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    await asyncio.gather(*(TwoSteps().start(i) for i in range(n)))
    times["N concurrent start()"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    handles = await TwoSteps.start_many([{"x": i} for i in range(n)])
    times["start_many(N)"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    await asyncio.gather(*(h.status() for h in handles))
    times["N concurrent status()"] = time.perf_counter() - t0
    return times


async def measure(n: int, reps: int) -> None:
    await once(20)  # warm-up: registers the workflow, opens the channel
    runs = [await once(n) for _ in range(reps)]
    print(f"| {n} calls, median of {reps} | seconds | per call | per second |")
    print("| --- | ---: | ---: | ---: |")
    for name in runs[0]:
        seconds = statistics.median(run[name] for run in runs)
        print(f"| {name} | {seconds:.3f} | {1e6 * seconds / n:,.0f} µs | {n / seconds:,.0f} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--reps", type=int, default=3)
    args = ap.parse_args()
    url = os.environ.get("RAPPEL_DATABASE_URL")
    if not url:
        sys.exit("set RAPPEL_DATABASE_URL to a scratch database")
    existing = os.environ.get("PYTHONPATH")
    env = {"PYTHONPATH": os.pathsep.join(p for p in (str(PEERS), existing) if p)}
    with LocalRuntime("peers_workflows", database_url=url, env=env, cwd=PEERS) as runtime:
        runtime.kill_workers()
        with use_backend(runtime.backend):
            asyncio.run(measure(args.n, args.reps))


if __name__ == "__main__":
    main()
