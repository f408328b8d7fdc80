"""Helpers shared by the SDK tests.

Workflows whose point is Python semantics under `run_native` are defined inside
`uncompiled()`, so a test module imports even while the compiler rejects (or does not
yet support) a construct; `run_local` compiles them on first use.
"""

from __future__ import annotations

import pytest

from rappel._workflow import deferred_compilation as uncompiled  # noqa: F401
from rappel.testing import run_local, run_native

# Run a test against both executions: the Python body and the compiled program.
RUNNERS = [
    pytest.param(run_native, id="native"),
    pytest.param(run_local, id="local"),
]
