"""Helpers from other modules of the project: imported functions and base workflow
classes are compiled from their module's source, from the source alone (`compile_source`)
and from the live module (`compile_module`) alike; what they do wrong is reported in
their own file; functions that are not the project's say why they are refused."""

from __future__ import annotations

import importlib
import sys
import textwrap
from pathlib import Path

import pytest

import rrl
from rappel_compiler import compile_source
from rappel_compiler.api import compile_module

TEXT = '''
SEPARATOR = "-"


def _words(s: str) -> list[str]:
    return s.split()


def normalize(s: str) -> str:
    return SEPARATOR.join([w.lower() for w in _words(s)])
'''

BASE = '''
from rappel import RetryPolicy, Workflow, action


@action
async def send_note(to: str, text: str) -> str:
    return to + text


class Base(Workflow):
    retry_policy = RetryPolicy(attempts=5)

    def greeting(self, name: str) -> str:
        return "hello " + name

    async def notify(self, to: str) -> str:
        return await self.run_action(send_note(to=to, text=self.greeting(to)), retry=self.retry_policy)
'''

FLOWS = '''
from rappel import workflow

from .base import Base
from .text import normalize


@workflow
class Signup(Base):
    async def run(self, name: str) -> str:
        return await self.notify(normalize(name))
'''


@pytest.fixture
def project(tmp_path: Path, monkeypatch, isolated_registry):
    """A package `xmod_app` with the given modules, importable from tmp_path; the
    actions they register leave with them."""
    made: list[str] = []

    def make(**modules: str) -> Path:
        package = tmp_path / "xmod_app"
        package.mkdir(exist_ok=True)
        (package / "__init__.py").write_text("", encoding="utf-8")
        for name, text in modules.items():
            (package / f"{name}.py").write_text(textwrap.dedent(text), encoding="utf-8")
            made.append(f"xmod_app.{name}")
        return package

    monkeypatch.syspath_prepend(str(tmp_path))
    yield make
    for name in ["xmod_app", *made]:
        sys.modules.pop(name, None)


def _compile_file(package: Path, name: str):
    source = (package / f"{name}.py").read_text(encoding="utf-8")
    return source, compile_source(source, path=str(package / f"{name}.py"), module=f"xmod_app.{name}")


def test_an_imported_function_and_a_base_class_of_another_module_compile_from_source_and_live_alike(project):
    package = project(text=TEXT, base=BASE, flows=FLOWS)
    source, result = _compile_file(package, "flows")
    assert not result.diagnostics, rrl.render_all(result.diagnostics, source)
    text = rrl.print_program(result.programs["Signup"])
    assert "action send_note(to: str, text: str) -> str from xmod_app.base" in text
    assert "fn normalize(s: str) -> str:" in text and "fn _words(s: str) -> list[str]:" in text
    assert 'const SEPARATOR = "-"' in text
    assert "retry(attempts=5)" in text

    live = compile_module(importlib.import_module("xmod_app.flows"))
    assert not live.diagnostics
    assert rrl.print_program(live.programs["Signup"]) == text


def test_mistakes_in_another_module_are_reported_in_its_file(project):
    package = project(
        text='''
        import random


        def normalize(s: str) -> str:
            return s + str(random.random())
        ''',
        base=BASE,
        flows=FLOWS,
    )
    source, result = _compile_file(package, "flows")
    [diagnostic] = result.diagnostics
    assert diagnostic.path == str(package / "text.py")
    assert (diagnostic.span.line, diagnostic.span.column) == (6, 20)
    rendered = rrl.render_all(result.diagnostics, source)
    assert "6 |     return s + str(random.random())" in rendered


def test_an_installed_package_function_is_refused_with_what_to_do(project):
    package = project(
        flows='''
        from pydantic.alias_generators import to_snake

        from rappel import Workflow, workflow


        @workflow
        class Keys(Workflow):
            async def run(self, name: str) -> str:
                return to_snake(name)
        ''',
    )
    source, result = _compile_file(package, "flows")
    text = rrl.render_all(result.diagnostics, source)
    assert "cannot call to_snake() in a workflow: `pydantic.alias_generators` is a module of the installed package `pydantic`" in text
    assert "call it inside an @action" in text


def test_an_async_function_of_another_module_is_not_a_helper(project):
    package = project(
        text='''
        async def shout(s: str) -> str:
            return s.upper()
        ''',
        flows='''
        from rappel import Workflow, workflow

        from .text import shout


        @workflow
        class Loud(Workflow):
            async def run(self, s: str) -> str:
                return await shout(s)
        ''',
    )
    source, result = _compile_file(package, "flows")
    assert [(d.code, d.message) for d in result.diagnostics] == [("RPL0201", "cannot await shout(): it is not an action")]
    assert not result.programs


def test_bases_of_two_modules_are_searched_in_python_order(project):
    package = project(
        base='''
        from rappel import Workflow


        class Polite(Workflow):
            GREETING = "Good day"

            def greet(self, name: str) -> str:
                return self.GREETING + ", " + name
        ''',
        flows='''
        from rappel import Workflow, workflow

        from xmod_app.base import Polite


        class Casual(Workflow):
            GREETING = "Hi"

            def greet(self, name: str) -> str:
                return "hey " + name


        @workflow
        class Greeter(Polite, Casual):
            async def run(self, name: str) -> str:
                return self.greet(name)
        ''',
    )
    source, result = _compile_file(package, "flows")
    assert not result.diagnostics, rrl.render_all(result.diagnostics, source)
    text = rrl.print_program(result.programs["Greeter"])
    assert 'return f"{GREETING}, {name}"' in text or 'GREETING + ", " + name' in text
    assert 'const GREETING = "Good day"' in text and "hey" not in text


def test_a_static_method_of_a_class_of_another_module_is_a_helper(project):
    package = project(
        text='''
        class Texts:
            @staticmethod
            def shout(s: str) -> str:
                return s.upper() + "!"
        ''',
        flows='''
        from rappel import Workflow, workflow

        from .text import Texts


        @workflow
        class Loud(Workflow):
            async def run(self, s: str) -> str:
                return Texts.shout(s)
        ''',
    )
    source, result = _compile_file(package, "flows")
    assert not result.diagnostics, rrl.render_all(result.diagnostics, source)
    assert 'fn shout(s: str) -> str:\n    return s.upper() + "!"' in rrl.print_program(result.programs["Loud"])


def test_a_helper_module_that_is_not_valid_python_says_where_its_syntax_error_is(project):
    package = project(
        text='''
        def normalize(s: str) -> str:
            return "-".join(s.lower().split(
        ''',
        base=BASE,
        flows=FLOWS,
    )
    source, result = _compile_file(package, "flows")
    [diagnostic] = result.diagnostics
    shown = str(package / "text.py")
    assert (diagnostic.code, diagnostic.message) == (
        "RPL0202",
        f"cannot call normalize() in a workflow: `xmod_app.text` is a module that is not valid Python: '(' was never closed ({shown}:3:36)",
    )
    assert diagnostic.help.startswith(f"fix the syntax error in {shown}")
