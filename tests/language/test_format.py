"""`rappel fmt` (rrl.layout.format_source) changes layout only: the program,
its comments where they stand, blank lines and literals as written stay.
The rules are in docs/language.md, "Formatting"."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import rrl
from rrl.layout import FormatError, format_source

from test_docs import LANGUAGE_EXAMPLES

ROOT = Path(__file__).resolve().parents[2]

_TOKEN = re.compile(r"""f?"(?:\\.|[^"\\])*"|f?'(?:\\.|[^'\\])*'|#.*|[\w$.]+|\*\*|//|->|[<>=!]=|\S""")
# Punctuation the formatter may add or drop without changing the program.
_LAYOUT_TOKENS = {"(", ")", ",", "\\", "pass"}


def comment_places(text: str) -> list[tuple[int, bool, str]]:
    """Each comment with its place: how many tokens of code come before it
    (not counting parentheses, commas, backslashes and `pass`), and whether
    it has its line to itself."""
    places, tokens = [], 0
    for line in text.splitlines():
        code = 0
        for token in _TOKEN.findall(line):
            if token.startswith("#"):
                places.append((tokens, code == 0, token.rstrip()))
                break
            code += 1
            tokens += token not in _LAYOUT_TOKENS
    return places


def assert_formats(source: str) -> str:
    """`source` formatted: the same program, every comment in its place, and
    formatting again changes nothing."""
    formatted = format_source(source)
    assert rrl.parse(formatted) == rrl.parse(source)
    assert comment_places(formatted) == comment_places(source)
    assert format_source(formatted) == formatted
    return formatted


@pytest.mark.parametrize("source", LANGUAGE_EXAMPLES, ids=[f"example-{i}" for i in range(len(LANGUAGE_EXAMPLES))])
def test_language_examples_keep_their_comments_in_place(source: str):
    assert_formats(source)


def test_the_language_examples_have_comments_to_keep():
    commented = [source for source in LANGUAGE_EXAMPLES if comment_places(source)]
    assert len(commented) >= 8
    assert sum(len(comment_places(source)) for source in commented) >= 12


FORMATTED = '''#!/usr/bin/env rappel
# what this file is

# who wrote it
rrl 1  # the version

# classes come first
exception Busy(Exception) from app.errors  # busy

model User from app.models  # users

enum Color(str, Enum) from app.models:  # colors
    # the first
    RED = 'red'  # red
    GREEN = "green"
    # the last

frozen dataclass Point from app.geo import Shapes.Point:
    x: float = 0.
    y: float = 1e3  # big

const A = 1
# about B
const B = [
    1,  # one
    # before two
    2,
    3,  # three
]  # after B
const BIG = 1e3
const HALF = .5
const TEXT = 'single'

action fetch(
    # the id
    id: str,  # id
    page: int = 1,
) -> dict from app.crawl  # fetch
action ping() -> None from app.health

fn helper(x: int) -> int:
    return x  # identity
    # end of helper

    # still helper

# top level
workflow W(
    a: int,  # a
    b: list[int],
) -> int:  # header
    # first statement
    x = await fetch(
        id="x",  # the x
    ) retry(attempts=3) backoff(base=1000ms, multiplier=2.0) timeout(600)
    y = sorted(  # open
        b,
        key=lambda v: -v,  # key
    )
    z = [
        v * 2  # doubled
        for v in b  # each
        if v > 0  # positive
    ]
    w = y[
        0  # first
    ]
    if a:  # if header
        pass  # nothing
    # before elif
    elif b:
        x = 1
    else:  # else header
        x = 2

        # end of else
    for i in b:
        if i:
            continue  # skip
            # end of the inner if
        # end of the for body
    # before try
    try:
        r = await ping()
    # before except
    except Busy as e:  # handler
        raise
    finally:
        await ping()
        # end of finally
    results = parallel:  # parallel
        # first call
        await fetch(id="1")  # one
        await fetch(id="2")
        # end of parallel
    more = parallel for v in b limit 2:
        await fetch(id=f"{v}")  # each
    return x  # done
    # end of workflow
# end of file
'''


def test_comments_and_what_is_written_stay_where_they_are():
    assert assert_formats(FORMATTED) == FORMATTED


def test_crlf_and_a_missing_final_newline_are_normalised():
    assert format_source(FORMATTED.replace("\n", "\r\n")) == FORMATTED
    assert format_source(FORMATTED.rstrip("\n")) == FORMATTED


@pytest.mark.parametrize(
    ("source", "formatted"),
    [
        # Blank lines: none at the start, one where the source has several, the
        # canonical one between groups of declarations.
        ("\n\n# file\nrrl 1\n\n\n\nconst A = 1\nconst B = 2\n\n\nconst C = 3\n",
         "# file\nrrl 1\n\nconst A = 1\nconst B = 2\n\nconst C = 3\n"),
        ("rrl 1  # version\n# about A\nconst A = 1\naction f() -> int from m\n",
         "rrl 1  # version\n\n# about A\nconst A = 1\n\naction f() -> int from m\n"),
        ("rrl 1\nworkflow W() -> int:\n\n    x = 1\n\n\n    # end\n\n    return x\n",
         "rrl 1\n\nworkflow W() -> int:\n    x = 1\n\n    # end\n\n    return x\n"),
        # A bracket that holds a comment: one item per line, a comma after each.
        ("rrl 1\n\nconst C = {\"a\": 1,\n           \"b\": 2  # b\n           }\n",
         "rrl 1\n\nconst C = {\n    \"a\": 1,\n    \"b\": 2,  # b\n}\n"),
        # A trailing comma keeps a bracket broken; without one it is joined.
        ("rrl 1\n\nconst F = [1, 2,]\nconst G = [\n    1,\n    2\n]\n",
         "rrl 1\n\nconst F = [\n    1,\n    2,\n]\nconst G = [1, 2]\n"),
        ("rrl 1\n\nconst E = (\n    1,\n)\n", "rrl 1\n\nconst E = (1,)\n"),
        # Backslash continuations are joined; the comment ends the joined line.
        ("rrl 1\n\nconst T = 1 + \\\n    2  # three\n", "rrl 1\n\nconst T = 1 + 2  # three\n"),
        # Whitespace and redundant parentheses.
        ("rrl 1\n\nconst T = ( 1+2 )*3  # nine\nconst U = ((1))\n", "rrl 1\n\nconst T = (1 + 2) * 3  # nine\nconst U = 1\n"),
        # A name is written in its NFKC normal form, the name it stands for.
        ("rrl 1\n\nconst \ufb01le = 1  # ligature\nconst größe = [\ufb01le,  # one\n    2]\n",
         "rrl 1\n\nconst file = 1  # ligature\nconst größe = [\n    file,  # one\n    2,\n]\n"),
    ],
)
def test_layout_is_normalised(source: str, formatted: str):
    assert assert_formats(source) == formatted


@pytest.mark.parametrize(
    ("body", "formatted"),
    [
        # Between the operands of `+`: no bracket keeps the line, so the comment
        # goes before the statement.
        ("    x = (a +  # plus\n         1)\n", "    # plus\n    x = a + 1\n"),
        ("    x = [(a +  # plus\n          1), 2]\n", "    x = [\n        # plus\n        a + 1,\n        2,\n    ]\n"),
        ("    del (a,  # first\n         b)\n", "    # first\n    del a, b\n"),
        ("    x = await f() retry(\n        attempts=2,  # twice\n    )\n", "    # twice\n    x = await f() retry(attempts=2)\n"),
        ("    try:\n        x = 1\n    except (KeyError,  # missing\n            ValueError):\n        x = 2\n",
         "    try:\n        x = 1\n    # missing\n    except (KeyError, ValueError):\n        x = 2\n"),
    ],
)
def test_comments_no_bracket_can_hold_move_before_their_statement(body: str, formatted: str):
    head = "rrl 1\n\naction f() -> int from m\n\nworkflow W(a: int, b: int) -> int:\n"
    source = head + body + "    return a\n"
    assert format_source(source) == head + formatted + "    return a\n"
    assert format_source(head + formatted + "    return a\n") == head + formatted + "    return a\n"


@pytest.mark.parametrize(
    "source",
    [
        "rrl 1\n",
        "rrl 1\n# only a comment\n",
        "# before the header\nrrl 1\n",
        "rrl 1\n\nworkflow W() -> None:\n    pass  # nothing\n",
        "rrl 1\n\nworkflow W(a: int) -> None:\n    if a:\n        # nothing yet\n        pass\n",
        "rrl 1\n\nfn f() -> None:\n    # only a comment\n    pass\n\n# after\n",
        "rrl 1\n\nconst T = (  # lonely\n    1,\n)\n",
    ],
)
def test_small_programs_are_already_formatted(source: str):
    assert assert_formats(source) == source


def test_pass_is_dropped_but_its_comment_stays():
    source = "rrl 1\n\nworkflow W(a: int) -> int:\n    pass  # placeholder\n    return a\n"
    assert format_source(source) == "rrl 1\n\nworkflow W(a: int) -> int:\n    # placeholder\n    return a\n"


def test_a_comment_ends_the_block_it_is_indented_into():
    source = (
        "rrl 1\n\nworkflow W(a: int) -> int:\n    if a:\n        a = 1\n"
        "        # in the if\n  # between: not in the if\n            # after one that is not: not in the if either\n"
        "    return a\n"
    )
    assert assert_formats(source) == (
        "rrl 1\n\nworkflow W(a: int) -> int:\n    if a:\n        a = 1\n"
        "        # in the if\n    # between: not in the if\n    # after one that is not: not in the if either\n"
        "    return a\n"
    )


GOLDEN_RRL = [p for p in sorted((ROOT / "golden").rglob("*.rrl")) if "errors" not in p.parts][::6]  # golden/errors: rejected programs


def _commented_everywhere(text: str) -> str:
    """A comment before and after every line of code."""
    lines = []
    for n, line in enumerate(text.splitlines()):
        if line.strip():
            indent = line[: len(line) - len(line.lstrip())]
            lines += [f"{indent}# before {n}", f"{line}  # after {n}"]
        else:
            lines.append(line)
    return "\n".join(lines) + "\n"


def _broken_in_every_bracket(text: str) -> str:
    """A line break and a comment after every opening bracket and every comma
    inside brackets (strings left alone)."""
    out, depth, i = [], 0, 0
    while i < len(text):
        char = text[i]
        if char in "\"'":
            end = i + 1
            while text[end] != char:
                end += 2 if text[end] == "\\" else 1
            out.append(text[i : end + 1])
            i = end + 1
            continue
        out.append(char)
        depth += (char in "([{") - (char in ")]}")
        if depth > 0 and char in "([{,":
            out.append(f"  # c{i}\n")
        i += 1
    return "".join(out)


@pytest.mark.parametrize("path", GOLDEN_RRL, ids=lambda p: p.name)
def test_compiled_programs_are_formatted_and_keep_comments_on_every_line(path: Path):
    """The compiler's output is already formatted; a comment before and after
    each of its lines stays exactly there."""
    text = path.read_text(encoding="utf-8")
    assert format_source(text) == text
    commented = _commented_everywhere(text)
    assert format_source(commented) == commented


@pytest.mark.parametrize("path", GOLDEN_RRL, ids=lambda p: p.name)
def test_comments_in_every_bracket_are_kept(path: Path):
    source = _broken_in_every_bracket(path.read_text(encoding="utf-8"))
    formatted = format_source(source)  # checks the program and the comments
    assert format_source(formatted) == formatted


def test_a_syntax_error_is_a_diagnostic():
    with pytest.raises(rrl.DiagnosticError) as raised:
        format_source("rrl 1\n\nworkflow W( -> int:\n", "bad.rrl")
    assert raised.value.diagnostics[0].code == "RPL0001"


def test_a_keyword_as_a_name_is_a_diagnostic_not_formatted():
    with pytest.raises(rrl.DiagnosticError) as raised:
        format_source("rrl 1\n\nworkflow W(xs: list) -> int:\n    for sleep in xs:  # each\n        pass\n    return 0\n", "bad.rrl")
    assert [(d.code, d.span.line, d.span.column) for d in raised.value.diagnostics] == [("RPL0010", 4, 9)]


def test_a_formatting_bug_that_would_lose_a_comment_is_an_error(monkeypatch):
    from rrl import layout

    monkeypatch.setattr(layout.Layout, "take_before", lambda self, line: [])
    with pytest.raises(FormatError):
        format_source("rrl 1\n# gone\n")
