"""Rappel on the peers' workloads (README.md), through the public Python API only.

Database: env RAPPEL_DATABASE_URL (a database of its own: the runtime applies its
migrations there). The runtime is `rappel.dev.LocalRuntime`: a `rappel-bridge` and
a `start-workers` (with its Python workers, importing peers_workflows.py) as child
processes, their defaults unless --workers / --concurrent say otherwise. This
process is only the client, as an application would be.

Workloads (every action is `@action async def noop(x): return x`; peers_workflows.py):
  W1  N instances of TwoSteps (two sequential actions); wall time from just before
      the first start until the last result is back in this process.
      variant "start_many": `handles = await TwoSteps.start_many([{"x": i} ...])`
                    (StartWorkflows requests), then `asyncio.gather(h.result() ...)`.
      variant "gather-run": `asyncio.gather(*(TwoSteps().run(i) for i in range(N)))`,
                    N concurrent start + wait calls on the client's one channel.
      variant "start-loop": `await TwoSteps().start(i)` in a sequential loop (as the
                    DBOS harness starts its W1), then gather the results.
  W2  `await FanOut().run(M)`: one instance, `asyncio.gather` of M actions.
  W3  `await Sequential().run(S)`: S actions awaited in a loop; ms/step = wall / S.

A warm-up (20 TwoSteps and a 20-step Sequential) runs first. Results are printed as
the peers' harnesses print them (_common.emit: a `RESULT` line, and a JSON line in
$PEERBENCH_RESULTS when set). Each run also records the CPU time (user + system, from
/proc) each part of Rappel spent on it, in ms: this process (the client), rappel-bridge,
start-workers, its Python workers, and the Postgres backends of the run's database
(those connected at the end of the run); `cpu_ms_per_wf` / `cpu_ms_per_step` divide
their sum by the workload's workflows or steps.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent.parent))  # tests/: postgres_databases

from _common import emit, log, now  # noqa: E402
from peers_workflows import FanOut, Sequential, TwoSteps  # noqa: E402

from rappel.dev import LocalRuntime, use_backend  # noqa: E402

LIB = "rappel"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid: int) -> float:
    """utime + stime of a live process (0 once it is gone)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def _children(pid: int) -> list[int]:
    """The live children of `pid` (whichever of its threads started them)."""
    children = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            children += [int(child) for child in task.read_text(encoding="ascii").split()]
        except OSError:
            pass
    return children


class CpuMeter:
    """CPU seconds of each part of the runtime, read before and after a run."""

    def __init__(self, runtime: LocalRuntime, database_url: str) -> None:
        self.runtime = runtime
        self.database_url = database_url
        self.database = urlsplit(database_url).path.lstrip("/")

    def _postgres_pids(self) -> list[int]:
        from postgres_databases import psql

        rows = psql(self.database_url, "SELECT pid FROM pg_stat_activity "
                    f"WHERE datname = '{self.database}' AND pid <> pg_backend_pid()")
        return [int(pid) for pid in rows.split()]

    def read(self) -> dict[str, float]:
        processes = self.runtime.processes
        bridge = processes["rappel-bridge"].pid
        dispatcher = processes["start-workers"].pid
        return {
            "client": _cpu_seconds(os.getpid()),
            "bridge": _cpu_seconds(bridge),
            "start_workers": _cpu_seconds(dispatcher),
            "python_workers": sum(_cpu_seconds(child) for child in _children(dispatcher)),
            "postgres": sum(_cpu_seconds(pid) for pid in self._postgres_pids()),
        }

    async def measure(self, measure, units: str) -> dict:
        before = await asyncio.to_thread(self.read)
        result = await measure()
        after = await asyncio.to_thread(self.read)
        cpu = {part: round(1000 * (after[part] - before.get(part, 0.0)), 1) for part in after}
        result["cpu_ms"] = cpu
        count = result.pop("count")
        result[f"cpu_ms_per_{units}"] = sum(cpu.values()) / count
        return result


async def w1(n: int, variant: str) -> dict:
    t0 = now()
    if variant == "start_many":
        handles = await TwoSteps.start_many([{"x": i} for i in range(n)])
        t_enq = now()
        results = await asyncio.gather(*(h.result() for h in handles))
    elif variant == "gather-run":
        results = await asyncio.gather(*(TwoSteps().run(i) for i in range(n)))
        t_enq = t0
    elif variant == "start-loop":
        handles = [await TwoSteps().start(i) for i in range(n)]
        t_enq = now()
        results = await asyncio.gather(*(h.result() for h in handles))
    else:
        raise SystemExit(f"unknown W1 variant {variant!r}: start_many, gather-run or start-loop")
    t1 = now()
    assert sorted(results) == list(range(n)), "bad results"
    wall = t1 - t0
    return {"wall_s": wall, "enqueue_s": t_enq - t0, "wf_per_s": n / wall, "steps_per_s": 2 * n / wall,
            "count": n}


async def w2(m: int) -> dict:
    t0 = now()
    result = await FanOut().run(m)
    wall = now() - t0
    assert result == m, "bad result"
    return {"wall_s": wall, "steps_per_s": m / wall, "count": m}


async def w3(s: int) -> dict:
    t0 = now()
    result = await Sequential().run(s)
    wall = now() - t0
    assert result == s - 1, "bad result"
    return {"wall_s": wall, "ms_per_step": 1000 * wall / s, "steps_per_s": s / wall, "count": s}


async def repeat(reps: int, label: str, measure, meter: CpuMeter, units: str) -> list[dict]:
    runs = []
    for rep in range(reps):
        result = await meter.measure(measure, units)
        log(f"rappel {label} rep{rep}: {result}")
        runs.append(result)
    return runs


async def workloads(args: argparse.Namespace, params: dict, meter: CpuMeter) -> None:
    await w1(20, "start_many")  # warm-up: registers the workflows, fills the pools
    await w1(20, "gather-run")
    await w3(20)
    chosen = args.workloads.split(",")
    if "w1" in chosen:
        for variant in args.w1_variants.split(","):
            runs = await repeat(args.reps, f"w1 {variant}", lambda v=variant: w1(args.n, v), meter, "wf")
            emit(LIB, "W1", variant, "wf_per_s", runs, params)
            emit(LIB, "W1", variant, "steps_per_s", runs, params)
    if "w2" in chosen:
        runs = await repeat(args.reps, "w2 gather", lambda: w2(args.fanout), meter, "step")
        emit(LIB, "W2", "gather", "steps_per_s", runs, params)
    if "w3" in chosen:
        runs = await repeat(args.reps, "w3", lambda: w3(args.seq), meter, "step")
        emit(LIB, "W3", "sequential", "ms_per_step", runs, params)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=2000, help="W1: number of two-step workflows")
    ap.add_argument("--fanout", type=int, default=1000, help="W2: number of parallel actions")
    ap.add_argument("--seq", type=int, default=300, help="W3: number of sequential actions")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--workloads", default="w1,w2,w3")
    ap.add_argument("--w1-variants", default="start_many,gather-run")
    ap.add_argument("--workers", type=int, default=None, help="Python workers (default: RAPPEL_WORKER_COUNT's)")
    ap.add_argument("--concurrent", type=int, default=None,
                    help="actions at once per worker (default: RAPPEL_CONCURRENT_PER_WORKER's)")
    args = ap.parse_args()

    url = os.environ.get("RAPPEL_DATABASE_URL")
    if not url:
        sys.exit("set RAPPEL_DATABASE_URL to a database of its own for this benchmark")
    from rappel.config import load_settings

    settings = load_settings()
    workers = args.workers or settings.worker_count
    concurrent = args.concurrent or settings.concurrent_per_worker
    params = {"n": args.n, "fanout": args.fanout, "seq": args.seq, "reps": args.reps,
              "workers": workers, "concurrent_per_worker": concurrent}
    existing = os.environ.get("PYTHONPATH")
    env = {"PYTHONPATH": os.pathsep.join([str(HERE), existing] if existing else [str(HERE)])}
    runtime = LocalRuntime("peers_workflows", database_url=url, worker_count=workers,
                           concurrent_per_worker=concurrent, env=env, cwd=HERE)
    with runtime, use_backend(runtime.backend):
        asyncio.run(workloads(args, params, CpuMeter(runtime, url)))


if __name__ == "__main__":
    main()
