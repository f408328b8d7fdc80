"""The golden corpus is the acceptance set of the frontend: every compile (and
run) case compiles without a diagnostic to valid RRL, every error case is rejected.
(tests/golden pins the exact outputs; this checks the properties.)"""

from __future__ import annotations

from pathlib import Path

import pytest

import rrl
from rappel_compiler import compile_source

from .support import assert_valid

GOLDEN = Path(__file__).resolve().parents[2] / "golden"
COMPILE_CASES = sorted((GOLDEN / "compile").glob("*.py")) + sorted((GOLDEN / "run").glob("*/case.py"))
ERROR_CASES = sorted((GOLDEN / "errors").glob("*.py"))


def _compile(case: Path):
    source = case.read_text(encoding="utf-8")
    # named as tests/golden/run_cases.py names them: a case's own modules are its submodules
    parts = (case.parent.parent.name, case.parent.name) if case.name == "case.py" else (case.parent.name, case.stem)
    module = "golden_{}_{}".format(*parts).replace("-", "_")
    return source, compile_source(source, path=case.relative_to(GOLDEN.parent).as_posix(), module=module)


@pytest.mark.parametrize("case", COMPILE_CASES, ids=lambda p: p.parent.name if p.name == "case.py" else p.stem)
def test_compile_case(case: Path):
    source, result = _compile(case)
    assert not result.diagnostics, rrl.render_all(result.diagnostics, source)
    assert result.programs
    for program in result.programs.values():
        assert_valid(program)


@pytest.mark.parametrize("case", ERROR_CASES, ids=lambda p: p.stem)
def test_error_case(case: Path):
    source, result = _compile(case)
    assert result.diagnostics
    assert all(d.path and d.span for d in result.diagnostics), rrl.render_all(result.diagnostics, source)
