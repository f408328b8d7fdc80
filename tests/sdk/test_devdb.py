"""`python -m rappel.devdb`: RAPPEL_DATABASE_URL when set, else an embedded
PostgreSQL (pgserver) in .rappel/pgdata under the project directory."""

from __future__ import annotations

import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from rappel.devdb import project_dir

try:
    with warnings.catch_warnings():  # platformdirs warns when XDG_RUNTIME_DIR is unset
        warnings.simplefilter("ignore")
        from pgserver._commands import POSTGRES_BIN_PATH
except ImportError as exc:  # pragma: no cover - pgserver is a dependency
    pytest.skip(f"pgserver cannot be imported here: {exc}", allow_module_level=True)


def devdb(project: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("RAPPEL_")}
    environ.update(env)
    return subprocess.run(
        [sys.executable, "-m", "rappel.devdb", *args], cwd=project, env=environ,
        capture_output=True, text=True, timeout=120,
    )


def query(url: str, sql: str) -> str:
    out = subprocess.run([str(POSTGRES_BIN_PATH / "psql"), url, "-Atc", sql], capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def test_configured_url_wins_and_starts_nothing(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("")
    done = devdb(tmp_path, "url", RAPPEL_DATABASE_URL="postgresql://app:secret@db.internal:5432/rappel")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "postgresql://app:secret@db.internal:5432/rappel\n"
    assert not (tmp_path / ".rappel").exists()

    (tmp_path / ".env").write_text("RAPPEL_DATABASE_URL=postgresql://from-dotenv/db\n")
    assert devdb(tmp_path, "url").stdout == "postgresql://from-dotenv/db\n"


def test_bad_configured_url_is_a_clear_error(tmp_path: Path) -> None:
    done = devdb(tmp_path, "url", RAPPEL_DATABASE_URL="mysql://nope")
    assert done.returncode == 1
    assert done.stderr.startswith("rappel devdb: error: RAPPEL_DATABASE_URL='mysql://nope' (from the environment) is not valid")


def test_embedded_server_starts_is_found_again_and_stops(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "app").mkdir(parents=True)
    (project / "pyproject.toml").write_text("")
    try:
        # From a subdirectory: the data goes under the project, not the working directory.
        first = devdb(project / "app", "url")
        assert first.returncode == 0, first.stderr
        url = first.stdout.strip()
        assert url.startswith("postgresql://") and "/rappel?" in url
        assert (project / ".rappel" / "pgdata" / "PG_VERSION").exists()
        assert query(url, "SELECT current_database()") == "rappel"
        query(url, "CREATE TABLE kept (n int); INSERT INTO kept VALUES (42)")

        again = devdb(project, "url")
        assert again.returncode == 0 and again.stdout.strip() == url

        stopped = devdb(project, "stop")
        assert stopped.returncode == 0 and stopped.stdout.startswith("stopped the embedded PostgreSQL")
        assert devdb(project, "stop").stdout.startswith("no embedded PostgreSQL is running")

        # Data survives a restart.
        restarted = devdb(project, "url")
        assert restarted.returncode == 0, restarted.stderr
        assert query(restarted.stdout.strip(), "SELECT n FROM kept") == "42"
    finally:
        devdb(project, "stop")


def test_project_dir_is_the_nearest_with_a_marker(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "a" / "b").mkdir(parents=True)
    assert project_dir(tmp_path / "a" / "b") == tmp_path.resolve()
