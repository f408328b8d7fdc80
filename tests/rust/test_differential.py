"""The Rust implementation of RRL (runtime-rs/, the `rrl` binary) against the
Python one, on the same texts: the golden corpus, the docs' examples, the
formatter's test inputs, golden programs mutated at random, and random
programs printed by Python's canonical printer. Parsing gives the same tree
with the same spans, or the same first diagnostic (code, position, message);
`rrl fmt` writes what `rappel fmt` writes; `rrl dag` prints the JSON
`rrl.dag` makes.

The number of random cases is bounded for `make test`; `make fuzz` runs more
(RRL_DIFFERENTIAL_CASES, RRL_DIFFERENTIAL_SEED)."""

from __future__ import annotations

import os
import random
import shutil
import sys
from pathlib import Path

import pytest

import rrl
from rrl.dag import LoweringError, lower
from rrl.layout import format_source

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[1] / "language"))

from random_programs import ProgramGenerator  # noqa: E402
from support import ROOT, dump, first_difference, python_outcome, rust_dag, rust_format, rust_outcomes, same_outcome  # noqa: E402

pytestmark = pytest.mark.skipif(shutil.which("cargo") is None, reason="the Rust toolchain (cargo) is not installed")

CASES = int(os.environ.get("RRL_DIFFERENTIAL_CASES", "1000"))
SEED = int(os.environ.get("RRL_DIFFERENTIAL_SEED", "20260601"))


# Class declarations laid out by hand: comments in and around their bodies,
# brackets broken over lines, continuation lines, CRLF and tabs.
CLASS_LAYOUTS = [
    """# head
rrl 1
# before classes
exception A(Exception) from app.errors  # trailing A
exception B(A) from app.errors
# between
exception C(
    A,  # first base
    B,
) from app.errors
model M from app.models:  # header comment
    # leading field comment
    x: int = 1  # x

    y: list[
        int  # inner
    ] = [1,
         2]
    # end of body

    # after blank
enum E(str, Enum) from app:
    pass  # nothing
enum F(Enum) from app:
    # only a comment
    pass
frozen dataclass D from app import Outer.D:
    a: int
model N from app
model O from app
const X = E.RED
workflow W() -> int:
    return 1
""",
    "rrl 1\nmodel  M( A ,B ,)   from  app . m   import  Q . M :\n        x :int=1\n        y:   str\nenum   E(  Enum ) from x:\n  A  =  1\n  B=[1,2,]\n",
    "rrl 1\nmodel M from app:\n    x: int\n# at column 1 after the body\nmodel N from app:\n    y: int\n    # indented after the last field\nconst C = 1\n",
    "rrl 1\nmodel M from app:  # c\n    x: int  # d\n\n    # e\n\n    y: str = \\\n        'a'\n# f\nconst X = 1\n",
    "rrl 1\r\nenum E(Enum) from app:\r\n\tA = 1\r\n\tB = (\r\n  2)\r\n",
    "rrl 1\nexception E(\n    Exception,\n) from app \\\n  import \\\n  Q.E\n",
    "rrl 1\nmodel model from model import model\nenum enum(Enum) from enum:\n    model = 1\n",
]


def corpus() -> list[str]:
    """The golden programs, the docs' `rrl 1` examples and the texts the
    formatter's tests format: hand-written layout, comments and all."""
    import test_format
    from test_docs import LANGUAGE_EXAMPLES

    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "golden").rglob("*.rrl"))]
    texts += LANGUAGE_EXAMPLES
    texts += CLASS_LAYOUTS
    texts.append(test_format.FORMATTED)
    for test in vars(test_format).values():
        for mark in getattr(test, "pytestmark", []):
            if mark.name == "parametrize":
                texts += [case[0] for case in mark.args[1] if isinstance(case, tuple) and str(case[0]).startswith(("rrl", "\n", "#"))]
    return texts


def assert_same_outcomes(texts: list[str], tmp_path: Path) -> None:
    rust = rust_outcomes(texts, tmp_path)
    differ = [
        (text, python, theirs)
        for text, python, theirs in zip(texts, map(python_outcome, texts), rust)
        if not same_outcome(python, theirs)
    ]
    if differ:
        text, python, theirs = differ[0]
        where = first_difference(python, theirs)
        pytest.fail(f"{len(differ)} of {len(texts)} differ; the first:\n{text}\nat {where[0]}: python {where[1]!r}, rust {where[2]!r}")


def test_the_corpus_parses_to_the_same_trees(tmp_path):
    texts = corpus()
    assert len(texts) > 350
    assert_same_outcomes(texts, tmp_path)


def test_rrl_fmt_formats_as_rappel_fmt(tmp_path):
    texts = [text for text in corpus() if "ast" in python_outcome(text)]  # golden/errors holds rejected programs
    for text, theirs in zip(texts, rust_format(texts, tmp_path)):
        assert theirs == format_source(text)


# Edits that break programs the way typing does: a deletion, an inserted
# token or character, a line indented otherwise.
TOKENS = [
    "(", ")", "[", "]", "{", "}", ":", ",", "=", "==", ".", "if", "else", "for", "in", "await", "parallel", "sleep",
    "return", "lambda", "not", "x", "1", "1.5", ".5", "'s'", 'f"{x}"', "f'{'", "\n", "    ", "\t", "*", "**", "-", "->",
    "#c", "\\\n", "$", "é", "\ufb01", "retry", "max", "limit", "del", "pass", "from", "import", "5m", "None", "!", "?",
    '"', "\r", "\x0c", "\u00a0", "try:", "except", "finally", "elif", "model", "enum", "frozen", "exception",
    "dataclass", "namedtuple", "(Exception)",
]


def mutate(text: str, rng: random.Random) -> str:
    for _ in range(rng.randint(1, 3)):
        at = rng.randrange(len(text) + 1)
        roll = rng.random()
        if roll < 0.35:
            text = text[:at] + text[at + rng.randint(1, 6) :]
        elif roll < 0.8:
            text = text[:at] + rng.choice(TOKENS) + text[at:]
        else:
            lines = text.split("\n")
            k = rng.randrange(len(lines))
            lines[k] = " " * rng.randint(0, 10) + lines[k].lstrip()
            text = "\n".join(lines)
    return text


HEAD = "rrl 1\n\naction fetch(id: str) -> dict from app.actions\n\nworkflow W(a: int, xs: list) -> int:\n"

# Hand-written broken programs, one per kind of syntax error.
BROKEN = [
    "",
    "# only a comment\n",
    "rrl 2\n",
    "rrl 1\nconst X = \n",
    "rrl 1\n    const X = 1\n",
    "rrl 1\nworkflow W() -> int:\nreturn 1\n",
    "rrl 1\nworkflow W() -> int:\n        x = 1\n    return x\n",
    "rrl 1\nworkflow W() -> int:\n    x = (1,\n",
    "rrl 1\nworkflow W() -> int:\n    return 1 +\n",
    "rrl 1\nworkflow W( -> int:\n    return 1\n",
    HEAD + "    x = a ? 1\n",
    HEAD + "    x = 'unterminated\n",
    HEAD + "    x = \"\\q\"\n",
    HEAD + "    x = f\"{}\"\n",
    HEAD + "    x = f\"{a!x}\"\n",
    HEAD + "    x = f\"{a +}\"\n",
    HEAD + "    x = f\"{if}\"\n",
    HEAD + "    f(a) = 1\n",
    HEAD + "    a, *b, *c = xs\n",
    HEAD + "    del f(a)\n",
    HEAD + "    del *xs\n",
    HEAD + "    x = *xs\n",
    HEAD + "    if = 3\n",
    HEAD + "    x = await + 1\n",
    HEAD + "    sleep = 1\n",
    HEAD + "    for lambda in xs:\n        pass\n",
    HEAD + "    x = [in for y in xs]\n",
    HEAD + "    ｉｆ = 1\n",
    HEAD + "    x² = 1\n",
    HEAD + "    a€b = 1\n",
    HEAD + "    x = 1e999\n",
    HEAD + "    x = await fetch(id=a) retry(attempts=-1)\n",
    HEAD + "    x = await fetch(id=a) retry(on=[1])\n",
    HEAD + "    x = await fetch(id=a) backoff(base=x)\n",
    HEAD + "    x = await fetch(id=a) timeout(5m) timeout(1s)\n",
    HEAD + "    x = await fetch(id=a) retry(tries=3)\n",
    HEAD + "    x = await fetch(id=a) retry(attempts=1, attempts=2)\n",
    HEAD + "    x: int = await fetch(id=a)\n",
    HEAD + "    try:\n        pass\n    return a\n",
    HEAD + "    r = parallel for x in xs limit 0:\n        await fetch(id=x)\n",
    HEAD + "    r = parallel:\n        x = 1\n",
    HEAD + "    f(a=1, 2)\n",
    HEAD + "    x = a ifb else 1\n",
    HEAD + "    while a max 1.5:\n        pass\n",
    HEAD + "    x = {a}\n",
    HEAD + "    x = (y for y in xs)\n",
    HEAD + "    return a\n  return a\n",
    HEAD + "    x = 1\r    return x\n",
    HEAD + "    x = $\n",
    HEAD + "    x = a.5\n",
    HEAD + "    x = a->b\n",
    HEAD + "    x = f\"{a#comment}\"\n",
    HEAD + "    x = a, **xs\n",
    # Brackets left open or closed by the wrong bracket (named at the bracket),
    # and brackets in strings, f-strings and comments, which are none.
    HEAD + "    x = fetch(a,\n    return x\n",
    HEAD + "    x = [a, {1: (2,\n",
    HEAD + "    x = f(a b, [1,\n",
    HEAD + "    x = [a, (1]\n",
    HEAD + "    x = {a: [1, 2}\n",
    HEAD + "    x = a)\n",
    HEAD + "    x = a b (\n",
    HEAD + "    x = (a b]\n",
    HEAD + "    x = \"(\" + f'{a}[' + ')'  # {\n    y = a)\n",
    HEAD + "    x = \"it's\" + (a  # )\n",
    HEAD + "    é = (1,\n",
    HEAD + "    x = '😀' + (a\n",
    HEAD + "    x = 'no end (\n    y = [a\n",
    HEAD + "    x = f'{a]}'\n",
    HEAD + "    x = \"\\\"(\" + (a\n",
    # Class declarations.
    "rrl 1\nfrom app.models import User\n",
    "rrl 1\nexception Busy(Exception) from app.errors:\n    pass\n",
    "rrl 1\nmodel M from app:\n    X = 1\n",
    "rrl 1\nenum E(Enum) from app:\n    RED = 1\n    x: int = 1\n",
    "rrl 1\nfrozen enum E(Enum) from app\n",
    "rrl 1\nfrozen M from app\n",
    "rrl 1\nmodel M() from app\n",
    "rrl 1\nmodel M(A,,) from app\n",
    "rrl 1\nmodel M from app.\n",
    "rrl 1\nmodel M from app import\n",
    "rrl 1\nmodel M\n",
    "rrl 1\nmodel if(fn) from app.fn import x.if\n",
    "rrl 1\nmodel sleep from app\n",
    "rrl 1\nmodel M from app:\n    pass: int\n",
    "rrl 1\nmodel M from app:\n    if: int\n",
    "rrl 1\nmodel M from app:\n    x: app.User\n",
    "rrl 1\nmodel M from app:\n    x: int == 1\n",
    "rrl 1\nmodel M from app:\nx: int\n",
    "rrl 1\nmodel M from app:\n    x: int\n  y: int\n",
    "rrl 1\nenum E(Enum) from app:\n    A == 1\n",
    "rrl 1\nenum E(Enum) from app:\n    A = await f()\n",
    "rrl 1\nenum E(Enum) from app:\n    A = lambda: if\n",
    "rrl 1\nenum E(Enum) from app:\n    A = 1\nx = 1\n",
    "rrl 1\nenum E(Enum) from app:\n    A = 1\n    B = 2\nif = 1\n",
    HEAD + "    if a:\n        pass\n    model = 1\n",
    HEAD + "    if a:\n        pass\n    from = 1\n",
    HEAD + "    x: app.User = 1\n",
    HEAD + "    try:\n        pass\n    except app.errors.Busy:\n        pass\n",
    HEAD + "    x = await fetch(id=a) retry(on=[app.Busy])\n",
    # Dedents to a column where no block starts (RPL0004).
    HEAD + "    if a:\n        pass\n  return 1\n",
    HEAD + "    if a:\n\tpass\n   pass\n",
    "rrl 1\nmodel M from app:\n        x: int\n    y: int\n",
    HEAD + "    x = await + 1\n  y = 2\n",
    HEAD + "    if = 3\n      y = 2\n  z = 1\n",
    # A stop after a thousand keywords: only the nearest 16 are tried as names.
    HEAD + "    x = " + " and ".join(["a"] * 1000) + " and )\n",
    HEAD + "    x = lambda: " + " and ".join(["a"] * 40) + " = 1\n",
    # Trees deeper than rrl.limits.MAX_DEPTH (RPL0005, where the tree check finds it).
    HEAD + "    return " + " + ".join(["a"] * 1000) + "\n",
    HEAD + "    return " + " + ".join(["a"] * 499) + "\n",
    HEAD + "    return [" + "[" * 496 + "a" + "]" * 496 + "]\n",
    HEAD + "    return a" + ".b" * 600 + "\n",
    HEAD + "    return a" + "()" * 600 + "\n",
    HEAD + "    if a == 0:\n        pass\n" + "".join(f"    elif a == {i}:\n        pass\n" for i in range(600)),
]

# Just within the bound: these parse, in both.
DEEP_BUT_ALLOWED = [
    HEAD + "    return " + " + ".join(["a"] * 497) + "\n",
    HEAD + "    return " + "-" * 496 + "a\n",
    HEAD + "    if a == 0:\n        pass\n" + "".join(f"    elif a == {i}:\n        pass\n" for i in range(240)),
]

# Nested past the Rust parser's own bound (MAX_NESTING, one level per bracket,
# unary operand, `**` exponent or block): Rust stops where its recursion would
# go deeper, Python finds the first node too deep in the tree it built. Both
# say RPL0005; the places differ by the levels the two count otherwise.
DEEP_NESTING = [
    HEAD + "    return " + "not " * 600 + "a\n",
    HEAD + "    return " + " ** ".join(["a"] * 600) + "\n",
    HEAD + "    return " + "[" * 600 + "a" + "]" * 600 + "\n",
    HEAD + "".join("    " * (i + 1) + "if a:\n" for i in range(600)) + "    " * 601 + "pass\n",
]


def test_broken_programs_fail_the_same(tmp_path):
    outcomes = [python_outcome(text) for text in BROKEN]
    assert all("ast" not in outcome for outcome in outcomes)
    assert_same_outcomes(BROKEN, tmp_path)


def test_deep_programs_within_the_bound_parse_the_same(tmp_path):
    assert all("ast" in python_outcome(text) for text in DEEP_BUT_ALLOWED)
    assert_same_outcomes(DEEP_BUT_ALLOWED, tmp_path)


def test_programs_nested_past_the_bound_are_too_deep_in_both(tmp_path):
    for text, theirs in zip(DEEP_NESTING, rust_outcomes(DEEP_NESTING, tmp_path)):
        python = python_outcome(text)
        assert python["error"]["code"] == theirs["error"]["code"] == "RPL0005"
        assert python["error"]["message"] == theirs["error"]["message"]


def test_mutated_programs_parse_or_fail_the_same(tmp_path):
    rng = random.Random(SEED)
    golden = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "golden").rglob("*.rrl"))]
    texts = [mutate(rng.choice(golden), rng) for _ in range(CASES)]
    assert_same_outcomes(texts, tmp_path)


def random_programs(count: int) -> list[tuple[str, rrl.Program]]:
    """Random programs as Python prints them, each with Python's tree of its text."""
    out = []
    for n in range(count):
        text = rrl.print_program(ProgramGenerator(SEED + n).program())
        try:
            out.append((text, rrl.parse(text)))
        except rrl.DiagnosticError:
            continue  # what Python's printer cannot read back is not Rust's to read
    assert len(out) > 0.95 * count
    return out


def test_random_programs_parse_and_print_the_same(tmp_path):
    programs = random_programs(CASES // 2)
    texts = [text for text, _ in programs]
    for (text, program), theirs in zip(programs, rust_outcomes(texts, tmp_path)):
        if theirs != {"ast": dump(program)}:
            where = first_difference({"ast": dump(program)}, theirs)
            pytest.fail(f"the trees differ:\n{text}\nat {where[0]}: python {where[1]!r}, rust {where[2]!r}")
    # Printed by Python's printer, the text is canonical.
    for (text, program), theirs in zip(programs, rust_format(texts, tmp_path)):
        assert theirs == text


def test_random_programs_lower_to_the_same_dag_json(tmp_path):
    for text, program in random_programs(max(CASES // 10, 20)):
        try:
            expected = lower(program).to_json()
        except LoweringError:
            expected = None
        assert rust_dag(text, tmp_path) == expected, text
