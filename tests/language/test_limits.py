"""Programs as deep as RRL allows go through every stage (print, parse,
check, optimize, lower, the DAG's JSON, the interpreter) without a
RecursionError; one level deeper is RPL0005, located as Rust locates it."""

from __future__ import annotations

import asyncio

import pytest

import rrl
from rrl import dag as D
from rrl.check import check, errors
from rrl.diagnostics import DiagnosticError
from rrl.interpreter import execute
from rrl.limits import MAX_DEPTH, deep_stack, depth
from rrl.optimize import optimize

from recording_host import RecordingHost

HEAD = "rrl 1\n\nworkflow W(a: int) -> Any:\n"

# Each just within the bound: program, workflow, statement, then the expression.
DEEPEST = {
    "sum": (HEAD + "    return " + " + ".join(["a"] * (MAX_DEPTH - 3)) + "\n", 2 * (MAX_DEPTH - 3)),
    "negations": (HEAD + "    return " + "-" * (MAX_DEPTH - 4) + "a\n", 2),
    "lists": (HEAD + "    return " + "[" * (MAX_DEPTH - 4) + "a" + "]" * (MAX_DEPTH - 4) + "\n", None),
    "calls": (HEAD + "    return " + "abs(" * (MAX_DEPTH - 4) + "a" + ")" * (MAX_DEPTH - 4) + "\n", 2),
    "elifs": (
        HEAD + "    if a == 0:\n        return 0\n"
        + "".join(f"    elif a == {n}:\n        return {n}\n" for n in range(1, MAX_DEPTH - 5))
        + "    return -1\n",
        2,
    ),
}


@pytest.mark.parametrize("name", sorted(DEEPEST))
def test_the_deepest_programs_go_through_every_stage(name):
    text, expected = DEEPEST[name]
    program = rrl.parse(text)
    assert MAX_DEPTH - 2 <= depth(program) <= MAX_DEPTH
    assert rrl.print_program(program) == text
    assert not errors(check(program))
    optimized = optimize(program)
    dag = D.lower(rrl.parse(rrl.print_program(optimized)))
    dag = D.Dag.from_json(dag.to_json())
    value = asyncio.run(execute(dag, {"a": 2}, RecordingHost()))
    if expected is not None:
        assert value == expected
    else:
        assert deep_stack(lambda: depth(rrl.parse(HEAD + "    return " + repr(value) + "\n")))() == depth(program)


@pytest.mark.parametrize(
    "text, at",
    [
        (HEAD + "    return " + " + ".join(["a"] * (MAX_DEPTH - 1)) + "\n", (4, 12)),
        (HEAD + "    return " + "-" * (MAX_DEPTH - 3) + "a\n", (4, MAX_DEPTH + 9)),
        (HEAD + "    return " + " + ".join(["a"] * 10_000) + "\n", (4, 12)),
    ],
)
def test_one_level_deeper_is_rpl0005(text, at):
    with pytest.raises(DiagnosticError) as raised:
        rrl.parse(text, "deep.rrl")
    (diagnostic,) = raised.value.diagnostics
    assert (diagnostic.code, diagnostic.message) == ("RPL0005", "this is nested too deeply: more than 500 levels")
    assert (diagnostic.span.line, diagnostic.span.column) == at
    assert diagnostic.help == "assign parts of the expression to variables first, or move inner blocks into a fn"


def test_a_dedent_to_no_block_is_rpl0004():
    text = HEAD + "    if a:\n        a = 1\n  return a\n"
    with pytest.raises(DiagnosticError) as raised:
        rrl.parse(text, "flow.rrl")
    (diagnostic,) = raised.value.diagnostics
    assert diagnostic.code == "RPL0004"
    assert (diagnostic.span.line, diagnostic.span.column, diagnostic.span.end_column) == (6, 1, 3)
    assert diagnostic.help == "indent it like the block it belongs to: the open blocks start at columns 1, 5, 9"


def test_a_stop_after_a_thousand_keywords_is_quick():
    """Found by tests/fuzz: each keyword before the stop was parsed again as a
    name, a minute for a generated line; now the nearest 16 are."""
    import time

    text = HEAD + "    x = " + " and ".join(["a"] * 1000) + " and )\n"
    started = time.monotonic()
    with pytest.raises(DiagnosticError) as raised:
        rrl.parse(text)
    assert time.monotonic() - started < 10
    assert raised.value.diagnostics[0].code == "RPL0001"


def test_a_retry_stopped_by_a_bad_dedent_goes_no_further():
    """`await` read as a name would parse on to the bad dedent: that counts as
    no further (as in runtime-rs), so the `+` is what is reported."""
    with pytest.raises(DiagnosticError) as raised:
        rrl.parse(HEAD + "    x = await + 1\n  y = 2\n")
    assert raised.value.diagnostics[0].code == "RPL0001"
    assert raised.value.diagnostics[0].message == "unexpected `+`"
