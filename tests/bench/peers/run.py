"""`make bench-peers`: Rappel, DBOS and Procrastinate on the same workloads (README.md),
against the same Postgres server, one after the other, then one table.

    .venv/bin/python tests/bench/peers/run.py --peers-python .bench/peers-venv/bin/python

Sizes and repetitions: --n (W1, 2000), --fanout (W2, 1000), --seq (W3, 300), --reps (1);
`make bench-peers` passes N, FANOUT, SEQ and REPS from the environment. The server is
RAPPEL_DATABASE_URL's, else the local one (127.0.0.1:5432), else the embedded one; each
library gets a database of its own there, created before its run and dropped after.
Raw results (JSON lines) and each harness's log go to --out (.bench/peers-results).
Figures only, never asserted.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
sys.path.insert(0, str(REPO / "tests"))

from postgres_databases import base_database_url, psql  # noqa: E402

# Targets of issue 8, §3: Rappel's figure over DBOS's.
TARGETS = {"W1": 50.0, "W2": 15.0, "W3": 3.0}


def database(base: str, name: str) -> str:
    psql(base, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    psql(base, f"CREATE DATABASE {name}")
    return urlunsplit(urlsplit(base)._replace(path=f"/{name}"))


def run(label: str, command: list[str], env: dict[str, str], log: Path) -> None:
    print(f"== {datetime.datetime.now().isoformat(timespec='seconds')} {label}", flush=True)
    started = time.monotonic()
    with open(log, "w", encoding="utf-8") as errors:
        done = subprocess.run(command, env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=errors,
                              text=True, cwd=REPO)
    for line in done.stdout.splitlines():
        if line.startswith("RESULT"):
            print("   " + line, flush=True)
    if done.returncode != 0:
        tail = "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-30:])
        raise SystemExit(f"{label} failed (exit status {done.returncode}); the end of {log}:\n{tail}")
    print(f"   ({time.monotonic() - started:.0f} s)", flush=True)


def load(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def pick(records: list[dict], lib: str, workload: str, metric: str, variant: str | None = None) -> dict | None:
    for rec in records:
        if rec["lib"] == lib and rec["workload"] == workload and rec["metric"] == metric:
            if variant is None or rec["variant"] == variant:
                return rec
    return None


def table(records: list[dict]) -> str:
    """One row per workload (and per Rappel W1 variant): the medians, and Rappel's
    figure over each peer's (for W3, a time per step, the peer's over Rappel's)."""
    rows = [
        ("W1 2000 x 2 steps (wf/s)", "W1", "wf_per_s", "start_many", "direct", None),
        ("W1 same, N concurrent run() (wf/s)", "W1", "wf_per_s", "gather-run", "direct", None),
        ("W2 fan-out 1000 (steps/s)", "W2", "steps_per_s", "gather", "gather", "batch-defer"),
        ("W3 300 sequential (ms/step)", "W3", "ms_per_step", "sequential", "sequential", None),
    ]
    header = ["workload", "Rappel", "DBOS", "Procrastinate", "Rappel/DBOS", "Rappel/Procr.", "target"]
    lines = [header]
    for label, workload, metric, rv, dv, pv in rows:
        rappel = pick(records, "rappel", workload, metric, rv)
        dbos = pick(records, "dbos", workload, metric, dv)
        procr = None
        for rec in records:
            if rec["lib"] == "procrastinate" and rec["workload"] == workload and rec["metric"] == metric:
                if pv is None or rec["variant"].startswith(pv):
                    procr = rec
                    break
        if rappel is None and (rv != "start_many" and rv != "gather" and rv != "sequential" or
                               dbos is None and procr is None):
            continue
        params = next(rec["params"] for rec in (rappel, dbos, procr) if rec is not None)
        lines.append([
            label.replace("2000", str(params["n"])).replace("1000", str(params["fanout"]))
            .replace("300", str(params["seq"])),
            fmt(rappel),
            fmt(dbos),
            fmt(procr),
            ratio(rappel, dbos, metric),
            ratio(rappel, procr, metric),
            f">= {TARGETS[workload]:g}x" if rv in ("start_many", "gather", "sequential") else "",
        ])
    widths = [max(len(row[i]) for row in lines) for i in range(len(header))]
    out = []
    for index, row in enumerate(lines):
        out.append("| " + " | ".join(cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i])
                                     for i, cell in enumerate(row)) + " |")
        if index == 0:
            out.append("| " + " | ".join("-" * widths[0] if i == 0 else "-" * (widths[i] - 1) + ":"
                                         for i in range(len(header))) + " |")
    return "\n".join(out)


def fmt(rec: dict | None) -> str:
    if rec is None:
        return "-"
    value = rec["summary"]["median"]
    return f"{value:,.1f}" if value < 100 else f"{value:,.0f}"


def ratio(rappel: dict | None, peer: dict | None, metric: str) -> str:
    if rappel is None or peer is None:
        return "-"
    r, p = rappel["summary"]["median"], peer["summary"]["median"]
    value = p / r if metric == "ms_per_step" else r / p
    return f"{value:,.1f}x"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--peers-python", required=True, help="python of a venv with dbos, procrastinate, psycopg")
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--fanout", type=int, default=1000)
    ap.add_argument("--seq", type=int, default=300)
    ap.add_argument("--reps", type=int, default=1)
    ap.add_argument("--libs", default="rappel,dbos,procrastinate")
    ap.add_argument("--out", type=Path, default=REPO / ".bench" / "peers-results")
    args = ap.parse_args()

    base = base_database_url()
    args.out.mkdir(parents=True, exist_ok=True)
    results = args.out / "results.jsonl"
    results.write_text("")
    sizes = ["--n", str(args.n), "--fanout", str(args.fanout), "--seq", str(args.seq), "--reps", str(args.reps)]
    env = {"PEERBENCH_RESULTS": str(results)}
    suffix = uuid.uuid4().hex[:8]
    libs = args.libs.split(",")
    server = urlsplit(base)
    print(f"bench-peers on {server.hostname}:{server.port or 5432} ({psql(base, 'show server_version')}), "
          f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}; sizes {' '.join(sizes)}", flush=True)
    started = time.monotonic()
    for lib in libs:
        name = f"peers_{lib}_{suffix}"
        url = database(base, name)
        try:
            if lib == "rappel":
                run("Rappel (rappel.dev.LocalRuntime: rappel-bridge + start-workers)",
                    [sys.executable, str(HERE / "rappel_bench.py"), *sizes],
                    {**env, "RAPPEL_DATABASE_URL": url}, args.out / "rappel.log")
            elif lib == "dbos":
                run("DBOS (direct start, gather fan-out)",
                    [args.peers_python, str(HERE / "dbos_bench.py"), *sizes,
                     "--w1-variants", "direct", "--w2-variants", "gather"],
                    {**env, "DBOS_DATABASE_URL": url}, args.out / "dbos.log")
            elif lib == "procrastinate":
                run("Procrastinate (fetch_job_polling_interval=0.1)",
                    [args.peers_python, str(HERE / "procrastinate_bench.py"), *sizes,
                     "--w2-variants", "batch", "--fetch-poll", "0.1"],
                    {**env, "PROCRASTINATE_DATABASE_URL": url}, args.out / "procrastinate.log")
            else:
                raise SystemExit(f"unknown library {lib!r} in --libs: rappel, dbos or procrastinate")
        finally:
            psql(base, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    print(f"\nmedians of {args.reps} run(s) each, {time.monotonic() - started:.0f} s in all; "
          f"{platform.node()}, {datetime.date.today()}; raw results in {results}\n")
    print(table(load(results)))


if __name__ == "__main__":
    main()
