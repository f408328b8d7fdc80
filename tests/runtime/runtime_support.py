"""Helpers of the runtime suite (tests/runtime): databases of its own, and the
environment the runtime's processes need to import this directory's modules.

The base URL is RAPPEL_DATABASE_URL when set, else the local server
(127.0.0.1:5432) when it answers, else this project's embedded one
(`python -m rappel.devdb`).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

HERE = Path(__file__).resolve().parent
GOLDEN_TESTS = HERE.parent / "golden"
LOCAL_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/test"

# The golden suite's helpers (run_cases, outcomes) import from tests/golden.
if str(GOLDEN_TESTS) not in sys.path:
    sys.path.insert(0, str(GOLDEN_TESTS))


def _psql() -> str:
    with warnings.catch_warnings():  # platformdirs warns when XDG_RUNTIME_DIR is unset
        warnings.simplefilter("ignore")
        from pgserver._commands import POSTGRES_BIN_PATH
    return str(POSTGRES_BIN_PATH / "psql")


def psql(url: str, sql: str) -> str:
    done = subprocess.run([_psql(), url, "-v", "ON_ERROR_STOP=1", "-Atc", sql], capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        raise RuntimeError(f"psql {sql!r} on {url} failed: {done.stderr.strip()}")
    return done.stdout.strip()


def base_database_url() -> str:
    configured = os.environ.get("RAPPEL_DATABASE_URL")
    if configured:
        return configured
    if shutil.which("pg_isready"):
        local = subprocess.run(["pg_isready", "-q", "-d", LOCAL_DATABASE_URL], capture_output=True, timeout=30)
        if local.returncode == 0:
            return LOCAL_DATABASE_URL
    from rappel import devdb

    return devdb.embedded_url()


@contextmanager
def fresh_database() -> Iterator[str]:
    """A database of its own (rappel_t_<random>) on the base URL's server, dropped after."""
    base = base_database_url()
    name = f"rappel_t_{uuid.uuid4().hex[:12]}"
    psql(base, f"CREATE DATABASE {name}")
    try:
        yield urlunsplit(urlsplit(base)._replace(path=f"/{name}"))
    finally:
        psql(base, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def worker_env(**extra: str) -> dict[str, str]:
    """Extra environment for the runtime's processes: the workers import this
    directory's modules (and tests/golden's)."""
    path = os.pathsep.join(p for p in (str(HERE), str(GOLDEN_TESTS), os.environ.get("PYTHONPATH", "")) if p)
    return {"PYTHONPATH": path, **extra}
