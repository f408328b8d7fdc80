"""docs/errors.md documents every frontend code with an example module and the
exact diagnostics it produces."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import rrl
from rappel_compiler import CODES, compile_source
from rappel_compiler.diagnostics import IMPORT_CODES, RETIRED

ERRORS = (Path(__file__).resolve().parents[2] / "docs" / "errors.md").read_text(encoding="utf-8")


def _section(code: str, titles: dict[str, str] = CODES) -> str:
    match = re.search(rf"^### {code} — (.*?)$(.*?)(?=^##)", ERRORS + "\n## end", re.S | re.M)
    assert match, f"docs/errors.md has no section for {code}"
    assert match.group(1) == titles[code], "the heading is the code's title"
    return match.group(2)


def test_sections():
    assert "## RPL01xx — non-deterministic calls" in ERRORS
    assert "## RPL02xx — Python the compiler cannot translate" in ERRORS


@pytest.mark.parametrize("code", sorted(CODES))
def test_every_code_is_documented_with_an_example(code: str):
    section = _section(code)
    (source,) = re.findall(r"```python\n(.*?)```", section, re.S)
    (expected,) = re.findall(r"```text\n(.*?)\n```", section, re.S)
    if code == "RPL0262":  # the example is cut short: 600 signs would fill the page
        source = source.replace("------------ ... ------------", "-" * 600)
        result = compile_source(source, path="app/flows.py", module="app.flows")
        rendered = rrl.render_all(result.diagnostics, source).splitlines()
        shown = expected.splitlines()
        assert {d.code for d in result.diagnostics} == {code}
        assert rendered[:3] + rendered[-1:] == shown[:3] + shown[-1:]
        return
    result = compile_source(source, path="app/flows.py", module="app.flows")
    assert {d.code for d in result.diagnostics} == {code}
    assert rrl.render_all(result.diagnostics, source) == expected


@pytest.mark.parametrize("code", sorted(RETIRED))
def test_retired_codes_stay_documented_and_reserved(code: str):
    match = re.search(rf"^### {code} — (.*?)$(.*?)(?=^##)", ERRORS + "\n## end", re.S | re.M)
    assert match, f"docs/errors.md has no section for {code}"
    assert match.group(1) == RETIRED[code] and "(no longer reported)" in match.group(1)
    assert "```python" not in match.group(2), "a retired code has no example that produces it"
    assert code not in CODES


@pytest.mark.parametrize("code", sorted(IMPORT_CODES))
def test_import_codes_are_documented(code: str):
    # Their examples run through the CLI: tests/sdk/test_cli_failures.py.
    section = _section(code, IMPORT_CODES)
    assert re.search(rf"```text\nerror\[{code}\]", section)
