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


def corpus() -> list[str]:
    """The golden programs, the docs' `rrl 1` examples and the texts the
    formatter's tests format: hand-written layout, comments and all."""
    import test_format
    from test_docs import LANGUAGE_EXAMPLES

    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "golden").rglob("*.rrl"))]
    texts += LANGUAGE_EXAMPLES
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
        if "python_crash" not in python and not same_outcome(python, theirs)
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
    texts = corpus()
    for text, theirs in zip(texts, rust_format(texts, tmp_path)):
        assert theirs == format_source(text)


# Edits that break programs the way typing does: a deletion, an inserted
# token or character, a line indented otherwise.
TOKENS = [
    "(", ")", "[", "]", "{", "}", ":", ",", "=", "==", ".", "if", "else", "for", "in", "await", "parallel", "sleep",
    "return", "lambda", "not", "x", "1", "1.5", ".5", "'s'", 'f"{x}"', "f'{'", "\n", "    ", "\t", "*", "**", "-", "->",
    "#c", "\\\n", "$", "é", "\ufb01", "retry", "max", "limit", "del", "pass", "from", "import", "5m", "None", "!", "?",
    '"', "\r", "\x0c", "\u00a0", "try:", "except", "finally", "elif",
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
    # Printed by Python's printer, the text is canonical but where the tree
    # does not read back as itself (`x, = ...` is `x = ...`): compare with
    # the tree it reads as.
    for (text, program), theirs in zip(programs, rust_format(texts, tmp_path)):
        assert theirs == rrl.print_program(program), text


def test_random_programs_lower_to_the_same_dag_json(tmp_path):
    for text, program in random_programs(max(CASES // 10, 20)):
        try:
            expected = lower(program).to_json()
        except LoweringError:
            expected = None
        assert rust_dag(text, tmp_path) == expected, text
