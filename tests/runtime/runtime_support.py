"""Helpers of the runtime suite (tests/runtime): the environment the runtime's
processes need to import this directory's modules, and the path to the shared
helpers (tests/postgres_databases.py, tests/golden's run_cases and outcomes)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
TESTS = HERE.parent
GOLDEN_TESTS = TESTS / "golden"

for directory in (TESTS, GOLDEN_TESTS):
    if str(directory) not in sys.path:
        sys.path.insert(0, str(directory))

from postgres_databases import fresh_database, psql  # noqa: E402

__all__ = ["GOLDEN_TESTS", "HERE", "fresh_database", "psql", "worker_env"]


def worker_env(**extra: str) -> dict[str, str]:
    """Extra environment for the runtime's processes: the workers import this
    directory's modules (and tests/golden's)."""
    path = os.pathsep.join(p for p in (str(HERE), str(GOLDEN_TESTS), os.environ.get("PYTHONPATH", "")) if p)
    return {"PYTHONPATH": path, **extra}
