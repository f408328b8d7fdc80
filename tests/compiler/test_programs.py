"""Whole programs: declarations, their order, and what gets included."""

from __future__ import annotations

from rappel_compiler import compile_source

from .support import MODULE, PATH, compile_text, expect, rrl_text, source_of


def test_single_action_positional_argument_becomes_keyword():
    assert rrl_text(
        """
        @action
        async def greet(name: str) -> str:
            return f"Hello, {name}!"


        @workflow
        class Greeting(Workflow):
            async def run(self, name: str) -> str:
                message = await greet(name)
                return message
        """
    ) == expect(
        """
        rrl 1

        action greet(name: str) -> str from app.flows

        workflow Greeting(name: str) -> str:
            message = await greet(name=name)
            return message
        """
    )


def test_declaration_order_and_only_what_is_used():
    text = rrl_text(
        """
        from pydantic import BaseModel

        LIMIT = 5
        UNUSED = 1


        class Report(BaseModel):
            lines: list[str]


        @action
        async def zeta(n: int) -> Report:
            return Report(lines=[])


        @action
        async def alpha(report: Report) -> None:
            return None


        @action
        async def never_called() -> None:
            return None


        @workflow
        class Flow(Workflow):
            async def run(self) -> None:
                report = await zeta(self.size())
                await alpha(report)

            def size(self) -> int:
                return LIMIT

            def unused_helper(self) -> int:
                return UNUSED
        """
    )
    assert text == expect(
        """
        rrl 1

        model Report from app.flows:
            lines: list[str]

        const LIMIT = 5

        action alpha(report: Report) -> None from app.flows
        action zeta(n: int) -> Report from app.flows

        fn size() -> int:
            return LIMIT

        workflow Flow() -> None:
            $t1 = await size()
            report = await zeta(n=$t1)
            await alpha(report=report)
        """
    )


def test_keyword_arguments_defaults_and_custom_names():
    text = rrl_text(
        """
        @action(name="billing_lookup")
        async def lookup(customer_id: str, *, verbose: bool = False, tags: list[str] | None = None) -> dict[str, str]:
            return {}


        @workflow
        class Flow(Workflow):
            async def run(self, customer: str) -> dict[str, str]:
                first = await lookup(customer, tags=["a"])
                return await lookup(customer_id=customer, verbose=True)
        """
    )
    assert "action billing_lookup(customer_id: str, verbose: bool = False, tags: list[str] | None = None) -> dict[str, str] from app.flows" in text
    assert "first = await billing_lookup(customer_id=customer, tags=[\"a\"])" in text
    assert "$t1 = await billing_lookup(customer_id=customer, verbose=True)\n    return $t1" in text


def test_depend_parameters_are_not_part_of_the_signature():
    text = rrl_text(
        """
        from typing import Annotated
        from rappel import Depend


        class Db:
            pass


        def get_db() -> Db:
            return Db()


        @action
        async def load(db: Annotated[Db, Depend(get_db)], key: str, limit: int = 10) -> list[str]:
            return []


        @workflow
        class Flow(Workflow):
            async def run(self, key: str) -> list[str]:
                return await load(key)
        """
    )
    assert "action load(key: str, limit: int = 10) -> list[str] from app.flows" in text
    assert "await load(key=key)" in text
    assert "Db" not in text


def test_every_workflow_of_a_module_and_only():
    body = """
        @action
        async def ping() -> bool:
            return True


        @workflow
        class First(Workflow):
            async def run(self) -> bool:
                return await ping()


        @workflow
        class Second(Workflow):
            async def run(self) -> bool:
                ok = await ping()
                return not ok


        class NotDecorated(Workflow):
            async def run(self) -> None:
                print("never compiled")
        """
    result = compile_text(body)
    assert list(result.programs) == ["First", "Second"]
    assert not result.diagnostics
    only = compile_text(body, only="Second")
    assert list(only.programs) == ["Second"]
    missing = compile_text(body, only="Nope")
    assert [d.message for d in missing.diagnostics] == ["there is no @workflow class named `Nope`"]


def test_run_without_annotations_and_returning_nothing():
    text = rrl_text(
        """
        @action
        async def record(event):
            return None


        @workflow
        class Flow(Workflow):
            async def run(self, actor, keys: list[str]):
                await record(actor)
                if not keys:
                    return
        """
    )
    assert "action record(event: Any) -> Any from app.flows" in text
    assert "workflow Flow(actor: Any, keys: list[str]) -> Any:" in text
    assert "        return\n" in text


def test_diagnostics_carry_the_path_and_are_sorted():
    result = compile_source(
        source_of(
            """
            import time
            import random


            @workflow
            class Flow(Workflow):
                async def run(self) -> float:
                    b = random.random()
                    a = time.time()
                    return a + b
            """
        ),
        path="app/flows.py",
        module=MODULE,
    )
    assert [(d.code, d.span.line, d.path) for d in result.diagnostics] == [
        ("RPL0102", 13, PATH),
        ("RPL0101", 14, PATH),
    ]
    assert result.programs == {}
    assert not result.ok


def test_syntax_errors_are_diagnostics():
    result = compile_source("def broken(:\n", path="x.py", module="x")
    assert [d.code for d in result.diagnostics] == ["RPL0253"]
    assert result.diagnostics[0].message.startswith("invalid Python syntax")
