"""Python's own warnings for a module's source, reported located (RPL0265)."""

from __future__ import annotations

import warnings

from .support import compile_text


def test_python_warnings_are_located_once():
    result = compile_text("""
        @workflow
        class W(Workflow):
            async def run(self, n: int) -> int:
                return 1if n else 2
    """)
    (warning,) = result.diagnostics
    assert (warning.code, warning.severity, warning.span.line) == ("RPL0265", "warning", 9)
    assert warning.message == "Python warns: invalid decimal literal"
    assert result.ok and result.programs


def test_the_compilers_own_parse_prints_nothing():
    with warnings.catch_warnings(record=True) as shown:
        warnings.simplefilter("always")
        result = compile_text('PATTERN = "\\d"\nCOUNT = 1if PATTERN else 2\n')
    assert not shown
    assert [(d.code, d.span.line) for d in result.diagnostics] == [("RPL0265", 6), ("RPL0265", 7)]
