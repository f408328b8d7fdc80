"""The runtime suite: workflows through the real path (client → rappel-bridge →
Postgres → start-workers → Python workers), with processes killed on purpose.
Each test module gets a database of its own (tests/postgres_databases.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from runtime_support import fresh_database


@pytest.fixture(scope="module")
def database_url() -> Iterator[str]:
    """A fresh database for the test module, dropped after it."""
    with fresh_database() as url:
        yield url
