"""An embedded PostgreSQL for machines without one (docs/operations.md, "The
embedded PostgreSQL").

    python -m rappel.devdb url     # RAPPEL_DATABASE_URL when set, else the embedded server's URL
    python -m rappel.devdb stop    # stop the embedded server of this project

The server is the one the `pgserver` package ships. Its data lives in
`.rappel/pgdata` under the project directory (the nearest directory above the
working directory holding a pyproject.toml or .git, else the working directory), so
each project has its own database, kept between runs; it listens on a Unix socket
only, and keeps running after `url` returns until `stop`.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys
import warnings
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from ._errors import ConfigError, RappelError

DATA_DIR = Path(".rappel") / "pgdata"
DATABASE = "rappel"
_PROJECT_MARKERS = ("pyproject.toml", ".git")


class DevDatabaseError(RappelError):
    """The embedded PostgreSQL cannot be started or stopped."""


def project_dir(start: Path | None = None) -> Path:
    """The nearest directory from `start` (the working directory) upwards that holds
    a pyproject.toml or .git; `start` itself when there is none."""
    start = (start or Path.cwd()).resolve()
    for directory in (start, *start.parents):
        if any((directory / marker).exists() for marker in _PROJECT_MARKERS):
            return directory
    return start


def data_dir(project: Path | None = None) -> Path:
    return (project or project_dir()) / DATA_DIR


def database_url(project: Path | None = None) -> str:
    """`RAPPEL_DATABASE_URL` (environment or .env) when it is set; else the URL of
    this project's embedded server, started if it is not running."""
    from .config import load_settings

    configured = load_settings().database_url
    if configured:
        return configured
    return embedded_url(project)


def embedded_url(project: Path | None = None) -> str:
    """Start (or find running) the embedded server of `project`; its `rappel`
    database's URL."""
    pgdata = data_dir(project)
    try:
        pgdata.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DevDatabaseError(f"cannot create {pgdata.parent}: {exc}") from None
    pgserver = _import_pgserver()
    try:
        with _quiet():
            server = pgserver.get_server(pgdata, cleanup_mode=None)  # keep running after we exit
            exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}';")
            if "(0 rows)" in exists:
                server.psql(f"CREATE DATABASE {DATABASE};")
            return _with_host_name(server.get_uri(DATABASE))
    except Exception as exc:  # pgserver raises what its subprocesses raise
        raise DevDatabaseError(
            f"cannot start the embedded PostgreSQL in {pgdata}: {type(exc).__name__}: {exc}{_log_hint(pgdata)}"
        ) from None


def _with_host_name(url: str) -> str:
    """pgserver's URL names no host (`postgresql://postgres:@/db?host=/socket/dir`):
    libpq reads that, the runtime's driver (sqlx) refuses an empty host. Name one;
    the `host=` socket directory still decides where to connect."""
    parts = urlsplit(url)
    if parts.hostname:
        return url
    return urlunsplit(parts._replace(netloc=f"{parts.username or 'postgres'}@localhost"))


def stop(project: Path | None = None) -> bool:
    """Stop the embedded server of `project`; False when it was not running."""
    pgdata = data_dir(project)
    if not (pgdata / "postmaster.pid").exists():
        return False
    pgserver = _import_pgserver()
    from pgserver.utils import PostmasterInfo

    with _quiet():
        info = PostmasterInfo.read_from_pgdata(pgdata)
        if info is None or not info.is_running():
            return False
        # The server runs as the user that owns its data (pgserver's own user under root).
        owner = _owner_name(pgdata)
        try:
            pgserver.pg_ctl(["-w", "stop"], pgdata=pgdata, user=owner)
        except Exception as exc:
            raise DevDatabaseError(
                f"cannot stop the embedded PostgreSQL in {pgdata}: {type(exc).__name__}: {exc}{_log_hint(pgdata)}"
            ) from None
    return True


def _owner_name(path: Path) -> str | None:
    import os
    import pwd

    owner = path.stat().st_uid
    if owner == os.geteuid():
        return None
    return pwd.getpwuid(owner).pw_name


def _import_pgserver() -> Any:
    try:
        with _quiet():
            import pgserver
    except ImportError as exc:
        raise DevDatabaseError(
            f"the embedded PostgreSQL needs the pgserver package ({exc}); install rappel's dependencies "
            "or set RAPPEL_DATABASE_URL to a PostgreSQL you run"
        ) from None
    return pgserver


def _log_hint(pgdata: Path) -> str:
    log = pgdata / "log"
    return f" (server log: {log})" if log.exists() else ""


@contextlib.contextmanager
def _quiet():
    """pgserver logs every command and platformdirs warns about runtime dirs; the
    error we raise says what matters."""
    pg_logger = logging.getLogger("pgserver")
    level, propagate = pg_logger.level, pg_logger.propagate
    pg_logger.setLevel(logging.CRITICAL)
    pg_logger.propagate = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        pg_logger.setLevel(level)
        pg_logger.propagate = propagate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m rappel.devdb",
        description="The embedded PostgreSQL of this project (.rappel/pgdata under the project directory).",
    )
    parser.add_argument(
        "command", choices=["url", "stop"],
        help="url: print RAPPEL_DATABASE_URL, or start the embedded server and print its URL; stop: stop it",
    )
    parser.add_argument("--project-dir", type=Path, default=None, help="default: found from the working directory")
    args = parser.parse_args(argv)
    try:
        if args.command == "url":
            print(database_url(args.project_dir))
        else:
            stopped = stop(args.project_dir)
            where = data_dir(args.project_dir)
            print(f"stopped the embedded PostgreSQL in {where}" if stopped else f"no embedded PostgreSQL is running in {where}")
    except (ConfigError, DevDatabaseError) as exc:
        print(f"rappel devdb: error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
