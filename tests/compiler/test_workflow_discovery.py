"""Which classes are workflows, read from source: a class whose decorator may be
`@workflow` is either recognised or reported (RPL0250), never taken for a plain class."""

from __future__ import annotations

import pytest

from .support import compile_text


def _codes(result) -> list[str]:
    return [d.code for d in result.diagnostics]


def test_star_import_of_the_sdk_binds_its_names():
    result = compile_text(
        """
        from rappel import *


        @action
        async def double(n: int) -> int:
            return n * 2


        @workflow
        class Doubler(Workflow):
            async def run(self, n: int) -> int:
                return await self.run_action(double(n), retry=RetryPolicy(attempts=2))
        """,
        header=False,
    )
    assert not result.diagnostics
    assert "retry(attempts=2)" in _printed(result, "Doubler")


def test_star_import_of_the_sdk_still_reports_what_run_does():
    # The case: `check` found no workflow, while importing failed with RPL0101.
    result = compile_text(
        """
        import time
        from rappel import *


        @workflow
        class Clock(Workflow):
            async def run(self) -> float:
                return time.time()
        """,
        header=False,
    )
    assert _codes(result) == ["RPL0101"]


@pytest.mark.parametrize(
    "imports, decorator",
    [
        ("from rappel import *\nfrom app.common import *", "workflow"),  # either star import may bind it
        ("from app.common import *", "registered"),
        ("import rappel\nwf = rappel.workflow\nwf = rappel.action", "wf"),  # not one constant value
        ("import rappel\nregistry = {}", "registry['flows']"),
    ],
)
def test_a_decorator_the_source_cannot_resolve_is_reported(imports, decorator):
    result = _decorated_flow(imports, decorator)
    (diagnostic,) = result.diagnostics
    assert diagnostic.code == "RPL0250"
    assert diagnostic.message == f"cannot tell whether `@{decorator}` makes `Flow` a workflow"
    assert not result.programs


@pytest.mark.parametrize(
    "imports, decorator",
    [
        ("import rappel\nwf = rappel.workflow", "wf"),
        ("from rappel import workflow as flow\nwf = flow\nregister = wf", "register"),
        ("import rappel as r", "r.workflow"),
        # Python reads a name in its normal form: `workﬂow` (with the ligature `ﬂ`) is `workflow`
        ("from rappel import workflow, Workflow", "workﬂow"),
        ("from rappel import *", "workﬂow"),
    ],
)
def test_aliases_of_workflow_are_recognised(imports, decorator):
    result = _decorated_flow(imports + "\nfrom rappel import Workflow", decorator)
    assert not result.diagnostics
    assert list(result.programs) == ["Flow"]


def test_decorators_known_not_to_be_workflow_are_left_alone():
    result = compile_text(
        """
        from dataclasses import dataclass
        from app.common import *


        def register(cls):
            return cls


        @register
        class Plain:
            pass


        @unknown_decorator
        @dataclass
        class Point:
            x: int


        @unknown_decorator
        class Bare:  # no base: not a Workflow subclass
            pass
        """,
    )
    assert not result.diagnostics and not result.programs


def _decorated_flow(imports: str, decorator: str):
    """A module of `imports` and one class `Flow(Workflow)` under `@decorator`."""
    source = f"{imports}\n\n\n@{decorator}\nclass Flow(Workflow):\n    async def run(self) -> int:\n        return 1\n"
    return compile_text(source, header=False)


def _printed(result, name: str) -> str:
    import rrl

    return rrl.print_program(result.programs[name])
