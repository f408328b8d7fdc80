"""The runtime benchmarks (`bench`, `bench_instances`) embed .rrl files beside
the Python module they are compiled from: they must be what `rappel compile`
makes of it today."""

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "runtime-rs/server/src/bench"


def test_the_embedded_rrl_is_the_compiled_module(tmp_path):
    rappel = Path(sys.executable).parent / "rappel"
    subprocess.run(
        [str(rappel), "compile", "-o", str(tmp_path), str(BENCH / "rappel_bench_actions.py")],
        check=True,
        capture_output=True,
    )
    for name in ("NoopWorkflow.rrl", "ThreeStepWorkflow.rrl"):
        assert (BENCH / name).read_text() == (tmp_path / name).read_text(), (
            f"{name} is stale: run `rappel compile -o runtime-rs/server/src/bench "
            f"runtime-rs/server/src/bench/rappel_bench_actions.py` and drop manifest.json"
        )
