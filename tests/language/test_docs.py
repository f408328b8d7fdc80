"""The language reference and the error catalogue say what the code does:
every example parses (and checks), every table matches builtins.py, every
checker code is documented with an example that produces it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from rrl import builtins as B
from rrl import parse, print_program
from rrl.check import CODES, check, errors
from rrl.diagnostics import SYNTAX_CODES, DiagnosticError, render_all
from rrl.optimize import optimize

DOCS = Path(__file__).resolve().parents[2] / "docs"
LANGUAGE = (DOCS / "language.md").read_text(encoding="utf-8")
ERRORS = (DOCS / "errors.md").read_text(encoding="utf-8")

_BLOCK = re.compile(r"```rrl\n(.*?)```", re.S)


def rrl_blocks(text: str) -> list[str]:
    """The ```rrl blocks that are whole programs (they start with `rrl 1`)."""
    return [b for b in _BLOCK.findall(text) if b.startswith("rrl 1")]


def _section(text: str, heading: str) -> str:
    """The text under a `### heading` up to the next heading."""
    match = re.search(rf"^### {re.escape(heading)}\b.*?$(.*?)(?=^##)", text + "\n## end", re.S | re.M)
    assert match, f"no section `### {heading}`"
    return match.group(1)


LANGUAGE_EXAMPLES = rrl_blocks(LANGUAGE)


def test_the_reference_has_examples():
    assert len(LANGUAGE_EXAMPLES) >= 25


@pytest.mark.parametrize("source", LANGUAGE_EXAMPLES, ids=[f"example-{i}" for i in range(len(LANGUAGE_EXAMPLES))])
def test_language_examples_parse_and_check(source: str):
    program = parse(source, "docs/language.md")
    assert errors(check(program)) == []
    assert parse(print_program(program)) == program


@pytest.mark.parametrize("source", LANGUAGE_EXAMPLES, ids=[f"example-{i}" for i in range(len(LANGUAGE_EXAMPLES))])
def test_language_examples_optimize_cleanly(source: str):
    once = optimize(parse(source), verify=True)
    assert optimize(once) == once
    assert parse(print_program(once)) == once


def test_execution_semantics_section_is_present():
    assert "\n## Execution semantics\n" in LANGUAGE


def test_optimization_example_is_what_the_optimizer_does():
    blocks = LANGUAGE_EXAMPLES
    before = next(b for b in blocks if "workflow Before" in b and "$t1" in b)
    after = blocks[blocks.index(before) + 1]
    assert print_program(optimize(parse(before))) == after


def _table_rows(text: str, header: str) -> list[list[str]]:
    start = text.index(header)
    rows = []
    for line in text[start:].splitlines()[2:]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip("|").split("|")])
    return rows


def test_functions_table_matches_builtins():
    documented = {}
    for name, positional, keywords in _table_rows(LANGUAGE, "| function | positional arguments | keywords |"):
        documented[name.strip("`")] = (positional, keywords)
    expected = {}
    for name, (low, high, keywords) in B.FUNCTIONS.items():
        positional = str(low) if low == high else f"{low} or more" if high is None else f"{low}–{high}"
        expected[name] = (positional, ", ".join(f"`{k}`" for k in sorted(keywords)) or "—")
    assert documented == expected


def _methods_table(header: str) -> dict[str, set[str]]:
    return {receiver.replace("`", ""): set(re.findall(r"`(\w+)`", methods)) for receiver, methods in _table_rows(LANGUAGE, header)}


def test_methods_table_matches_builtins():
    assert _methods_table("| receiver | methods |") == {
        "str": set(B.STR_METHODS | B.ENCODE_METHODS), "list": set(B.LIST_METHODS), "dict": set(B.DICT_METHODS), "model": set(B.MODEL_METHODS),
        "datetime": set(B.DATETIME_METHODS), "date": set(B.DATE_METHODS), "time": set(B.TIME_METHODS),
        "timedelta": set(B.TIMEDELTA_METHODS), "bytes": set(B.BYTES_METHODS),
        "set, frozenset": set(B.SET_METHODS), "NamedTuple": set(B.NAMED_TUPLE_METHODS),
    }


def test_changing_methods_table_matches_builtins():
    assert _methods_table("| receiver | changing methods |") == {
        "list": set(B.MUTATING_LIST_METHODS), "dict": set(B.MUTATING_DICT_METHODS), "set": set(B.MUTATING_SET_METHODS),
    }


def test_class_methods_are_documented():
    for owner, method in B.STATIC_METHODS:
        assert f"`{owner}.{method}(" in LANGUAGE


def test_exceptions_list_matches_builtins():
    section = LANGUAGE[LANGUAGE.index("### Exceptions"):LANGUAGE.index("## Scoping")]
    assert set(re.findall(r"`([A-Z]\w+)`", section.split("\n\n")[2])) == set(B.EXCEPTIONS)


def test_static_rules_table_lists_every_checker_code():
    assert {row[0] for row in _table_rows(LANGUAGE, "| code | rule |")} == set(CODES)


@pytest.mark.parametrize("code", sorted(CODES))
def test_every_checker_code_is_documented_with_an_example(code: str):
    section = _section(ERRORS, code)
    examples = rrl_blocks(section)
    if code == "RPL0324":  # unreachable from text: the parser refuses `limit 0` first
        assert "limit 0" in section
        return
    assert examples, f"{code} has no ```rrl example in docs/errors.md"
    found = check(parse(examples[0]))
    assert found and {d.code for d in found} == {code}
    assert f"[{code}]" in section  # the rendered output is shown


@pytest.mark.parametrize("code", sorted(SYNTAX_CODES))
def test_every_syntax_code_is_documented_with_an_example(code: str):
    assert f"### {code} — {SYNTAX_CODES[code]}\n" in ERRORS
    if code == "RPL0005":  # an example 500 levels deep would fill the page
        example = "rrl 1\n\nworkflow W(x: int) -> int:\n    return " + " + ".join(["x"] * 600) + "\n"
        with pytest.raises(DiagnosticError) as raised:
            parse(example, "flow.rrl")
        (shown,) = re.findall(r"```text\n(.*?)\n```", _section(ERRORS, code), re.S)
        rendered = render_all(raised.value.diagnostics, example).splitlines()
        assert rendered[:3] == shown.splitlines()[:3]  # the rest of the line is cut short
        assert rendered[-1] == shown.splitlines()[-1]
        return
    (example,) = rrl_blocks(_section(ERRORS, code))[:1]
    with pytest.raises(DiagnosticError) as raised:
        parse(example)
    assert raised.value.diagnostics[0].code == code


def test_errors_md_keeps_its_sections():
    assert "## RPL00xx — syntax" in ERRORS
    assert "## RPL03xx — checker" in ERRORS
