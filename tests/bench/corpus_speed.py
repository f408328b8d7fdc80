"""How long the Python implementation of RRL takes to parse the whole golden
corpus and to lower every optimized program to its canonical DAG JSON: the
same work as `runtime-rs/rrl/benches/corpus_speed.rs`, for its figures to
stand side by side. Run with `make bench`.

Files are read before timing: the figure is the implementation's work.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import rrl
from rrl.dag import lower

ROOT = Path(__file__).resolve().parents[2]

ROUNDS = 5


def golden_programs() -> list[tuple[str, str]]:
    golden = ROOT / "golden"
    paths = sorted([*golden.glob("compile/*.rrl"), *golden.glob("run/*/*.rrl")])
    return [(str(path), path.read_text(encoding="utf-8")) for path in paths]


def timed(work) -> float:
    work()  # warm up: the grammar is loaded once per process
    samples = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        work()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    programs = golden_programs()
    optimized = [(path, text) for path, text in programs if path.endswith(".opt.rrl")]
    size = sum(len(text.encode()) for _, text in programs)

    def parse_all() -> None:
        for path, text in programs:
            rrl.parse(text, path)

    def lower_all() -> None:
        for path, text in optimized:
            lower(rrl.parse(text, path)).to_json()

    print(f"Python implementation, golden corpus (median of {ROUNDS} rounds):")
    print(f"  parse {len(programs)} .rrl files ({size // 1024} KiB): {timed(parse_all) * 1e3:.0f} ms")
    print(f"  parse + lower + DAG JSON of {len(optimized)} .opt.rrl files: {timed(lower_all) * 1e3:.0f} ms")


if __name__ == "__main__":
    main()
