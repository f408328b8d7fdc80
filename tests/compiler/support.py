"""Helpers for the frontend tests: compile a small module given as text, and
look at the RRL it produces (printed) or the diagnostics (rendered)."""

from __future__ import annotations

import textwrap


import rrl
from rappel_compiler import compile_source
from rrl.check import check, errors
from rrl.limits import deep_stack

HEADER = """\
import asyncio
from datetime import timedelta

from rappel import BackoffPolicy, RetryPolicy, Workflow, action, workflow
"""

PATH = "app/flows.py"
MODULE = "app.flows"


def source_of(body: str, header: bool = True) -> str:
    text = textwrap.dedent(body).strip("\n") + "\n"
    return (HEADER + "\n" + text) if header else text


def compile_text(body: str, *, header: bool = True, **kwargs):
    return compile_source(source_of(body, header), path=PATH, module=MODULE, **kwargs)


@deep_stack  # comparing trees recurses as deep as they nest
def assert_valid(program: rrl.ast.Program) -> None:
    """Every program the frontend emits prints, parses back to itself and checks."""
    text = rrl.print_program(program)
    assert rrl.parse(text) == program, text
    problems = errors(check(program))
    assert not problems, rrl.render_all(problems) + "\n\n" + text


def rrl_text(body: str, workflow: str | None = None, **kwargs) -> str:
    """The printed program of the (only, or named) workflow; fails on diagnostics."""
    result = compile_text(body, **kwargs)
    source = source_of(body, kwargs.get("header", True))
    assert not result.diagnostics, rrl.render_all(result.diagnostics, source)
    for program in result.programs.values():
        assert_valid(program)
    name = workflow or next(iter(result.programs))
    return rrl.print_program(result.programs[name])


def body_of(body: str, **kwargs) -> str:
    """Only the statements of the workflow, dedented (the declarations dropped)."""
    text = rrl_text(body, **kwargs)
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("workflow "))
    return "\n".join(line[4:] for line in lines[start + 1 :]) + "\n"


def diagnostics_text(body: str, **kwargs) -> str:
    result = compile_text(body, **kwargs)
    assert result.diagnostics, "expected diagnostics"
    return rrl.render_all(result.diagnostics, source_of(body, kwargs.get("header", True)))


def codes(body: str, **kwargs) -> list[str]:
    return [d.code for d in compile_text(body, **kwargs).diagnostics]


def expect(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


