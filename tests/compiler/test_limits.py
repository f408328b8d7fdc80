"""Deep and long input: parenthesised boolean operators, long flat chains
(which compile, run and behave as Python), and nesting deeper than RRL
allows (a located RPL0262, never a RecursionError)."""

from __future__ import annotations

import importlib.util
import sys
import threading
from pathlib import Path

import pytest

import rrl
from rappel.testing import run_local, run_native
from rappel_compiler.limits import CHAIN_CHUNK, SOURCE_MAX_DEPTH
from rrl.limits import MAX_DEPTH, deep_stack, depth

from .support import body_of, codes, compile_text, diagnostics_text

GOLDEN = Path(__file__).resolve().parents[2] / "golden"


def test_boolean_operators_in_parentheses():
    body = body_of(
        """
        @workflow
        class Flow(Workflow):
            async def run(self, a: bool, b: bool, name: str) -> bool:
                x = (name or "anon")
                if (
                    a
                    and b
                ):
                    return (a and b)
                return ((a or b) and (x == "q" or (b)))
        """
    )
    assert body == (
        'x = name or "anon"\n'
        "if a and b:\n"
        "    return a and b\n"
        'return (a or b) and (x == "q" or b)\n'
    )


def test_a_long_sum_is_split_into_temporaries():
    terms = 1000
    body = body_of(
        f"""
        @workflow
        class Flow(Workflow):
            async def run(self, a: int) -> int:
                return {" + ".join(["a"] * terms)}
        """
    )
    lines = body.splitlines()
    assert len(lines) == terms // CHAIN_CHUNK
    assert lines[0] == "$t1 = " + " + ".join(["a"] * (CHAIN_CHUNK + 1))
    assert lines[1] == "$t2 = $t1 + " + " + ".join(["a"] * CHAIN_CHUNK)
    assert lines[-1] == f"return $t{terms // CHAIN_CHUNK - 1} + " + " + ".join(["a"] * (CHAIN_CHUNK - 1))


def test_a_long_chain_where_statements_cannot_go():
    """Under a short-circuit its pieces run only when Python would run them;
    in a `while` test, on every test; in a constant, it cannot be split."""
    chain = " + ".join(["n"] * 300)
    body = body_of(
        f"""
        @workflow
        class Flow(Workflow):
            async def run(self, n: int | None) -> bool:
                while n is not None and {chain} < 0:
                    n = n + 1
                return n is None or {chain} > 5
        """
    )
    assert body.startswith("while True:\n    $t1 = n is not None\n    if $t1:\n")
    assert "\n$t4 = n is None\nif not $t4:\n    $t5 = n + n + " in body and body.endswith("return $t4\n")
    constant = f"LIMIT = {' + '.join(['1'] * 600)}\n"
    assert codes(constant + "\n@workflow\nclass Flow(Workflow):\n    async def run(self) -> int:\n        return LIMIT\n") == ["RPL0262"]


def test_nesting_rrl_cannot_hold_is_located():
    text = diagnostics_text(
        """
        @workflow
        class Flow(Workflow):
            async def run(self, score: int) -> str:
                if score == 0:
                    return "zero"
        """.rstrip(" ")
        + "".join(f"                elif score == {n}:\n                    return 'n{n}'\n" for n in range(1, 520))
    )
    assert text.startswith(
        "error[RPL0262]: expression too deep to compile: the RRL it becomes would nest more than 500 levels\n"
        "    --> app/flows.py:1001:14\n"
    )


def test_python_source_deeper_than_the_compiler_takes():
    expression = "-" * (SOURCE_MAX_DEPTH + 10) + "a"
    result = compile_text(
        f"""
        @workflow
        class Flow(Workflow):
            async def run(self, a: int) -> int:
                return {expression}
        """
    )
    (diagnostic,) = result.diagnostics
    assert diagnostic.code == "RPL0262"
    assert diagnostic.message == f"expression too deep to compile: the module nests more than {SOURCE_MAX_DEPTH} levels here"
    assert (diagnostic.span.line, diagnostic.span.column) == (9, 16 + SOURCE_MAX_DEPTH - 5)


def _import_golden(case: Path, name: str):
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, case)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("key, code", [("k", "E000"), ("key", "E123"), ("abc", "E299"), ("", "E300")])
async def test_long_chains_run_as_python(key, code):
    """golden/compile/92: a 1,000-term sum, a 300-term `and`, a 120-term `or`
    and a 300-branch `elif`, in the reference interpreter and as Python."""
    module = _import_golden(GOLDEN / "compile" / "92_long_generated_expressions.py", "golden_compile_92_long_generated_expressions")
    workflow = module.GeneratedReportWorkflow
    native = await run_native(workflow, key=key, code=code)
    assert await run_local(workflow, key=key, code=code) == native
    assert native["total"] == sum(n % 12 for n in range(1000))


def test_the_golden_program_stays_within_the_bound():
    text = (GOLDEN / "compile" / "92_long_generated_expressions.GeneratedReportWorkflow.opt.rrl").read_text(encoding="utf-8")
    assert MAX_DEPTH - 200 < depth(rrl.parse(text)) <= MAX_DEPTH


def test_deep_stack_runs_off_the_main_thread_too():
    """A tree 500 levels deep through the parser and printer from another
    thread (whose own stack may be small): on a thread of its own."""
    text = "rrl 1\nworkflow W(a: int) -> int:\n    return " + " + ".join(["a"] * 496) + "\n"
    results: list = []
    worker = threading.Thread(target=lambda: results.append(rrl.print_program(rrl.parse(text))))
    worker.start()
    worker.join()
    assert results == [rrl.print_program(rrl.parse(text))] and "\n    return a + a + " in results[0]
    assert deep_stack(lambda: threading.current_thread().name)() == threading.current_thread().name


def test_deep_stack_keeps_the_callers_context_variables():
    import contextvars

    flag = contextvars.ContextVar("flag", default="unset")
    flag.set("set")
    read = deep_stack(flag.get)
    results: list = []

    def in_another_thread():
        flag.set("other thread")
        results.append(read())

    worker = threading.Thread(target=in_another_thread)
    worker.start()
    worker.join()
    assert results == ["other thread"]
    assert read() == "set"
