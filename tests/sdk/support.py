"""Helpers shared by the SDK tests.

Workflows whose point is Python semantics under `run_native` are defined inside
`uncompiled()`, so a test module imports even while the compiler rejects (or does not
yet support) a construct; `run_local` compiles them on first use.
"""

from __future__ import annotations

import pytest

from rappel._toolchain import has_entry_point
from rappel._workflow import deferred_compilation as uncompiled  # noqa: F401
from rappel.testing import run_local, run_native

TOOLCHAIN = (
    ("rappel_compiler", "compile_workflow_class"),
    ("rrl", "optimize"),
    ("rrl.dag", "lower"),
    ("rrl.interpreter", "execute"),
)


def requires(*entry_points: tuple[str, str]) -> pytest.MarkDecorator:
    """Skip while any of these (module, attribute) entry points does not exist yet."""
    missing = [f"{m}.{a}" for m, a in entry_points if not has_entry_point(m, a)]
    return pytest.mark.skipif(bool(missing), reason=f"not available yet: {', '.join(missing)}")


requires_toolchain = requires(*TOOLCHAIN)

# Run a test against both executions: the Python body and the compiled program.
RUNNERS = [
    pytest.param(run_native, id="native"),
    pytest.param(run_local, id="local", marks=requires_toolchain),
]
