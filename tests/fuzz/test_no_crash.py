"""Fuzzing `rappel check`, `rappel compile` and `rappel fmt`: the golden
corpus (Python workflows and RRL programs) mutated as typing and code
generators break programs — lines deleted, duplicated, swapped or indented
otherwise, characters and tokens inserted or deleted, deep parentheses and
nesting, truncation, bytes that are not UTF-8 — must give diagnostics and
nothing else: no traceback, no internal error, no hang.

In process through the Python APIs the commands call (fast), and a few
through the real command line. Deterministic (derandomized); the number of
examples is RAPPEL_FUZZ_EXAMPLES (a default that keeps `make test` near a
minute; `make fuzz` runs many more)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rrl
from rappel import cli
from rappel_compiler import compile_source
from rrl.check import check, errors
from rrl.dag import lower
from rrl.limits import deep_stack
from rrl.optimize import optimize

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "golden"
# Python sources get this many examples, .rrl texts (faster) twice as many.
EXAMPLES = int(os.environ.get("RAPPEL_FUZZ_EXAMPLES", "200"))
# One input may take this long (the largest golden sources compile in a few
# seconds); past it, the input hangs the toolchain.
HANG_SECONDS = 30


def _sources(paths) -> list[str]:
    # The largest cases (golden/compile/92, 1,000-term sums) would make every example slow.
    return [p.read_text(encoding="utf-8") for p in sorted(paths) if p.stat().st_size < 12_000]


PYTHON_SEEDS = _sources([*GOLDEN.glob("compile/*.py"), *GOLDEN.glob("errors/*.py"), *GOLDEN.glob("run/*/case.py")])
RRL_SEEDS = _sources(GOLDEN.rglob("*.rrl"))

TOKENS = [
    "(", ")", "[", "]", "{", "}", ":", ",", ".", "=", "==", "+", "-", "*", "**", "/", "%", "->", "\\\n",
    "\n", "    ", "\t", "\r", "\x0c", "#", "'", '"', '"""', "f'{", "}", "!r", "await ", "async ", "lambda: ",
    "not ", " and ", " or ", " if ", " else ", "for x in xs", "if x:\n", "else:\n", "elif y:\n", "try:\n",
    "except Exception as e:\n", "finally:\n", "return ", "yield ", "del ", "pass", "None", "1e999", "0x",
    "self.", "self.run_action(", "asyncio.gather(", "@workflow\n", "@action\n", "class C(Workflow):\n",
    "def f(self):\n", "parallel:\n", "parallel for x in xs:\n", "sleep 5s", "retry(attempts=3)",
    "timeout(1m)", "rrl 1\n", "workflow W() -> int:\n", "fn f(x):\n", "action a() -> int from m\n",
    "model M from m:\n", "enum E(Enum) from m:\n", "exception X(Exception) from m\n", "const K = ",
    "é", "\u00a0", "\ufb01", "ｉｆ", "\u200b", "$t1", "\\N{", "\\x", "\\u12",
]

NASTY_CHARACTERS = st.characters(blacklist_categories=("Cs",))  # no lone surrogates: files are UTF-8


def _line_span(draw, lines: list[str]) -> int:
    return draw(st.integers(0, max(len(lines) - 1, 0)))


def delete_line(draw, text: str) -> str:
    lines = text.split("\n")
    del lines[_line_span(draw, lines)]
    return "\n".join(lines)


def duplicate_line(draw, text: str) -> str:
    lines = text.split("\n")
    at = _line_span(draw, lines)
    lines.insert(at, lines[at] if lines else "")
    return "\n".join(lines)


def swap_lines(draw, text: str) -> str:
    lines = text.split("\n")
    a, b = _line_span(draw, lines), _line_span(draw, lines)
    if lines:
        lines[a], lines[b] = lines[b], lines[a]
    return "\n".join(lines)


def reindent_line(draw, text: str) -> str:
    lines = text.split("\n")
    at = _line_span(draw, lines)
    if lines:
        indent = draw(st.sampled_from(["", " ", "  ", "   ", "    ", "      ", "        ", "\t", " \t", "            "]))
        lines[at] = indent + lines[at].lstrip()
    return "\n".join(lines)


def insert_character(draw, text: str) -> str:
    at = draw(st.integers(0, len(text)))
    return text[:at] + draw(NASTY_CHARACTERS) + text[at:]


def delete_characters(draw, text: str) -> str:
    at = draw(st.integers(0, len(text)))
    return text[:at] + text[at + draw(st.integers(1, 12)) :]


def insert_token(draw, text: str) -> str:
    at = draw(st.integers(0, len(text)))
    return text[:at] + draw(st.sampled_from(TOKENS)) + text[at:]


def replace_word(draw, text: str) -> str:
    words = [m.span() for m in re.finditer(r"\w+", text)]
    if not words:
        return text
    start, end = draw(st.sampled_from(words))
    return text[:start] + draw(st.sampled_from(TOKENS)).strip() + text[end:]


def wrap_deeply(draw, text: str) -> str:
    """An operand wrapped or prefixed many levels deep, or a long flat chain."""
    words = [m.span() for m in re.finditer(r"\b[a-z_]\w*\b", text)]
    if not words:
        return text
    start, end = draw(st.sampled_from(words))
    word = text[start:end]
    depth = draw(st.sampled_from([50, 199, 201, 300, 499, 501, 700, 1500]))
    opener, closer = draw(st.sampled_from([("(", ")"), ("[", "]"), ("-", ""), ("not ", ""), ("f(", ")"), ("{1: ", "}")]))
    shape = draw(st.sampled_from(["nested", "chain_plus", "chain_and", "attribute", "call"]))
    if shape == "nested":
        new = opener * depth + word + closer * depth
    elif shape == "chain_plus":
        new = " + ".join([word] * depth)
    elif shape == "chain_and":
        new = " and ".join([word] * depth)
    elif shape == "attribute":
        new = word + ".x" * depth
    else:
        new = word + "()" * depth
    return text[:start] + new + text[end:]


def nest_blocks(draw, text: str) -> str:
    """A line pushed under many nested blocks (`if x:` for each level)."""
    lines = text.split("\n")
    at = _line_span(draw, lines)
    if not lines:
        return text
    depth = draw(st.sampled_from([20, 99, 101, 300, 510]))
    indent = len(lines[at]) - len(lines[at].lstrip())
    nested = [" " * (indent + 4 * level) + "if x:" for level in range(depth)]
    nested.append(" " * (indent + 4 * depth) + lines[at].lstrip())
    lines[at : at + 1] = nested
    return "\n".join(lines)


def long_elif_chain(draw, text: str) -> str:
    lines = text.split("\n")
    at = _line_span(draw, lines)
    if not lines:
        return text
    indent = " " * (len(lines[at]) - len(lines[at].lstrip()))
    count = draw(st.sampled_from([10, 300, 520]))
    chain = [f"{indent}if x == 0:", f"{indent}    pass"]
    for n in range(1, count):
        chain += [f"{indent}elif x == {n}:", f"{indent}    pass"]
    lines[at:at] = chain
    return "\n".join(lines)


def truncate(draw, text: str) -> str:
    return text[: draw(st.integers(0, len(text)))]


MUTATIONS = [
    delete_line, duplicate_line, swap_lines, reindent_line, insert_character, delete_characters,
    insert_token, replace_word, wrap_deeply, nest_blocks, long_elif_chain, truncate,
]


@st.composite
def mutated(draw, seeds: list[str]) -> str:
    text = draw(st.sampled_from(seeds))
    for _ in range(draw(st.integers(1, 4))):
        text = draw(st.sampled_from(MUTATIONS))(draw, text)
    return text


FUZZ = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)


class Hang(Exception):
    pass


@contextmanager
def no_hang(text: str):
    """Fail an input that runs past HANG_SECONDS (a hang, or close to one)."""

    def interrupt(signum, frame):
        raise Hang(f"still running after {HANG_SECONDS} s on:\n{text[:2000]}")

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.alarm(HANG_SECONDS)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def assert_compiles_or_diagnoses(text: str) -> None:
    """`rappel compile` and `check` on a .py source, without importing it: its
    diagnostics, or programs that go through every later stage."""
    with no_hang(text):
        result = compile_source(text, path="app/flows.py", module="app.flows")
        for diagnostic in result.diagnostics:
            assert re.fullmatch(r"RPL\d{4}", diagnostic.code), diagnostic
            rrl.render_all([diagnostic], text)
        if result.diagnostics:
            return
        for program in result.programs.values():
            printed = rrl.print_program(program)
            assert not errors(check(rrl.parse(printed)))
            optimized = rrl.print_program(optimize(program))
            for workflow in rrl.parse(optimized).workflows:
                lower(rrl.parse(optimized), workflow.name).to_json()


def assert_checks_and_formats(text: str, tmp_path: Path) -> None:
    """`rappel check` and `rappel fmt --check` on an .rrl file, through the
    command's own functions: exit 0 or 1, and what they print is diagnostics."""
    path = tmp_path / "flow.rrl"
    path.write_text(text, encoding="utf-8", newline="")
    with no_hang(text):
        source = cli.load(str(path), allowed=(".rrl",))
        assert source.error is None, source.error
        for diagnostic in source.diagnostics:
            assert re.fullmatch(r"RPL\d{4}", diagnostic.code), diagnostic
            assert diagnostic.span is not None, diagnostic
            rrl.render_all([diagnostic], source.text)
        formatting = cli.SourceFile(path, str(path))
        formatted = cli._formatted(formatting)
        assert formatting.error is None, formatting.error  # a formatter bug
        if formatted is not None:  # the same program (comparing trees recurses as deep as they nest)
            assert deep_stack(lambda: rrl.parse(formatted) == rrl.parse(text))()


@FUZZ
@given(text=mutated(PYTHON_SEEDS))
def test_mutated_python_compiles_or_gets_diagnostics(text):
    assert_compiles_or_diagnoses(text)


@settings(FUZZ, max_examples=2 * EXAMPLES)
@given(text=mutated(RRL_SEEDS))
def test_mutated_rrl_checks_and_formats_or_gets_diagnostics(text, tmp_path_factory):
    assert_checks_and_formats(text, tmp_path_factory.mktemp("rrl"))


# Text with no program in it at all: any characters, mostly those RRL is made of.
RANDOM_TEXT = st.text(
    alphabet=st.one_of(st.sampled_from(list("rrl 1\n:()[]{}=,.ifx\"'#*-$\t")), NASTY_CHARACTERS), max_size=300
)


@settings(FUZZ, max_examples=EXAMPLES)
@given(text=RANDOM_TEXT)
def test_random_text_checks_and_formats_or_gets_diagnostics(text, tmp_path_factory):
    assert_checks_and_formats(text, tmp_path_factory.mktemp("rrl"))


# ------------------------------------------------------------------ the real command line


def _cli_cases() -> list[tuple[str, bytes]]:
    """A handful of files, fixed: a 1,200-term sum that compiles first, then
    broken ones (deep nesting, bytes that are not UTF-8, bad indentation)."""
    import random

    rng = random.Random(20261130)
    py = (GOLDEN / "run" / "01_sequential_actions" / "case.py").read_text(encoding="utf-8")
    rrl_text = sorted(GOLDEN.glob("compile/*.opt.rrl"))[0].read_text(encoding="utf-8")
    cases = [
        ("py", py.replace("return counts", "return " + " + ".join(["counts"] * 1200)).encode()),  # compiles
        ("py", py.replace("async def run", "async def run" + "(" * 300, 1).encode()),
        ("py", py.replace("return counts", "return " + "-" * 700 + "counts").encode()),
        ("py", py.encode()[: len(py) // 2] + b"\xff\xfe\x80"),
        ("py", py.replace("        words", "      words", 1).encode()),
        ("rrl", rrl_text.encode()[:-20] + b"\xc3\x28"),
        ("rrl", rrl_text.replace("\n    ", "\n  ", 1).encode()),
        ("rrl", rrl_text.replace("\n    return", "\n    return " + "(" * 600, 1).encode()),
        ("rrl", bytes(rng.randrange(256) for _ in range(300))),
    ]
    return cases


def test_the_command_line_gives_diagnostics_only(tmp_path):
    files = {"py": [], "rrl": []}
    for n, (suffix, data) in enumerate(_cli_cases()):
        path = tmp_path / f"fuzz_cli_{n}.{suffix}"
        path.write_bytes(data)
        files[suffix].append(str(path))
    commands = [
        ["check", *files["py"]],
        ["compile", *files["py"], "-o", str(tmp_path / "out")],
        ["check", *files["rrl"]],
        ["fmt", "--check", *files["rrl"]],
        ["fmt", *files["rrl"]],
    ]
    for command in commands:
        done = subprocess.run(
            [sys.executable, "-m", "rappel.cli", *command],
            capture_output=True,
            timeout=HANG_SECONDS * 2,
            cwd=tmp_path,
            env={**os.environ, "RAPPEL_BACKTRACE": "1"},
        )
        err = done.stderr.decode("utf-8", "replace")
        assert done.returncode == 1, f"{command[0]}: exit {done.returncode}\n{err}"  # every file is broken
        assert "Traceback" not in err and "internal error" not in err, err
        reported = set(re.findall(r"--> (\S+?):\d+:\d+", err)) | set(re.findall(r"error: (?:cannot \w+ )?(\S+?):? ", err))
        checked = files["py"][1:] if command[1].endswith(".py") else files["rrl"]  # the first compiles
        missing = [f for f in checked if f not in reported]
        assert not missing, f"{command[0]} reports nothing about {missing}:\n{err}"
