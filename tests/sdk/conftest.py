from __future__ import annotations

import pytest

from rappel import _actions


@pytest.fixture
def isolated_registry():
    """Let a test register actions without leaking them into the process registry."""
    saved = dict(_actions._registry)
    yield _actions._registry
    _actions._registry.clear()
    _actions._registry.update(saved)
