"""Databases of their own for tests that run the runtime's processes: each test
module creates one (rappel_t_<random>) on the server of the base URL and drops it
after (docs/testing.md, "The end-to-end suite").

The base URL is RAPPEL_DATABASE_URL when set, else the local server
(127.0.0.1:5432) when it answers, else this project's embedded one
(`python -m rappel.devdb`), as `make test` chooses.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

LOCAL_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/test"


def psql(url: str, sql: str) -> str:
    """Run `sql` with the psql pgserver ships; its output, or RuntimeError saying why not."""
    with warnings.catch_warnings():  # platformdirs warns when XDG_RUNTIME_DIR is unset
        warnings.simplefilter("ignore")
        from pgserver._commands import POSTGRES_BIN_PATH
    command = [str(POSTGRES_BIN_PATH / "psql"), url, "-v", "ON_ERROR_STOP=1", "-Atc", sql]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
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
    """The URL of a new database on the base URL's server, dropped after the block."""
    base = base_database_url()
    name = f"rappel_t_{uuid.uuid4().hex[:12]}"
    psql(base, f"CREATE DATABASE {name}")
    try:
        yield urlunsplit(urlsplit(base)._replace(path=f"/{name}"))
    finally:
        psql(base, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
