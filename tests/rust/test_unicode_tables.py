"""The Rust core's Unicode tables are what CPython's str methods say today.

runtime-rs/rrl/src/value/unicode_tables.rs is generated from the Python that
is RRL's reference (runtime-rs/tools/unicode_tables.py); a Python whose Unicode
database differs would make RRL's str methods differ between the two
implementations, so the file must be regenerated with it.
"""

from __future__ import annotations

import runpy
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "runtime-rs" / "tools" / "unicode_tables.py"
TABLES = ROOT / "runtime-rs" / "rrl" / "src" / "value" / "unicode_tables.rs"


def test_unicode_tables_are_generated_from_this_python():
    generated = subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True, check=True).stdout
    assert generated == TABLES.read_text(encoding="utf-8"), (
        f"regenerate: {sys.executable} {SCRIPT.relative_to(ROOT)} > {TABLES.relative_to(ROOT)}"
    )


def test_case_mapping_runs_never_interleave():
    tables = runpy.run_path(str(SCRIPT))
    for method in (str.upper, str.lower, str.title, str.casefold):
        runs, _ = tables["mapping"](method)
        for run, following in zip(runs, runs[1:]):
            assert run[0] + (run[1] - 1) * run[2] < following[0]
