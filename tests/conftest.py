"""Shared by every test: `rappel check` keeps no cache between the checks the
tests run (each test that checks the cache gives it a directory of its own), and
a test can register actions without leaking them into the process registry."""

import os

import pytest

os.environ["RAPPEL_CACHE_DIR"] = "off"


@pytest.fixture
def isolated_registry():
    """Let a test register actions without leaking them into the process registry."""
    from rappel import _actions

    saved = dict(_actions._registry)
    yield _actions._registry
    _actions._registry.clear()
    _actions._registry.update(saved)
