"""Helper methods become fns; constants become consts; annotations become types."""

from __future__ import annotations

import pytest

from .support import codes, compile_text, expect, rrl_text


def test_helpers_from_the_class_and_its_bases_most_derived_first():
    body = """
        @action
        async def post(channel: str, text: str) -> bool:
            return True


        class Notifying(Workflow):
            LABEL = "[rappel]"

            async def notify(self, text: str) -> bool:
                return await post(self.channel(), self.decorate(text))

            def channel(self) -> str:
                return "#ops"

            def decorate(self, text: str, prefix: str = "") -> str:
                return f"{prefix}{self.LABEL} {text}"


        @workflow
        class Alert(Notifying):
            async def run(self, service: str) -> bool:
                return await self.notify(service)

            def channel(self) -> str:
                return "#incidents"
        """
    assert rrl_text(body) == expect(
        """
        rrl 1

        const LABEL = "[rappel]"

        action post(channel: str, text: str) -> bool from app.flows

        fn channel() -> str:
            return "#incidents"

        fn decorate(text: str, prefix: str = "") -> str:
            return f"{prefix}{LABEL} {text}"

        fn notify(text: str) -> bool:
            $t1 = await channel()
            $t2 = await decorate(text=text)
            $t3 = await post(channel=$t1, text=$t2)
            return $t3

        workflow Alert(service: str) -> bool:
            $t1 = await notify(text=service)
            return $t1
        """
    )


def test_recursive_helpers_are_lowered_once_and_rejected_by_the_checker():
    result = compile_text(
        """
        @workflow
        class Flow(Workflow):
            async def run(self, n: int) -> int:
                return await self.down(n)

            async def down(self, n: int) -> int:
                if n <= 0:
                    return 0
                return await self.again(n - 1)

            async def again(self, n: int) -> int:
                return await self.down(n)
        """
    )
    # each helper is lowered once; the cycle is the checker's finding, reported by compile_source
    assert [(d.code, d.path, d.span.line) for d in result.diagnostics] == [("RPL0319", "app/flows.py", 17)]
    assert result.programs == {}


def test_a_helper_named_like_an_action_is_renamed():
    text = rrl_text(
        """
        @action
        async def notify(text: str) -> bool:
            return True


        @workflow
        class Flow(Workflow):
            async def run(self) -> bool:
                return await self.notify("x")

            async def notify(self, text: str) -> bool:
                return await notify(text.upper())
        """
    )
    assert "fn notify_(text: str) -> bool:" in text
    assert "$t1 = await notify_(text=\"x\")" in text
    assert "$t1 = await notify(text=text.upper())" in text


def test_helper_arguments_by_position_keyword_and_default():
    text = rrl_text(
        """
        @workflow
        class Flow(Workflow):
            async def run(self, a: int) -> int:
                return self.add(a) + self.add(a, b=2) + self.add(b=3, a=a)

            def add(self, a: int, b: int = 1) -> int:
                return a + b
        """
    )
    # the first sum is computed before the third call, as in Python
    assert "$t1 = await add(a=a)\n    $t2 = await add(a=a, b=2)\n    $t3 = $t1 + $t2\n    $t4 = await add(b=3, a=a)" in text


def test_module_constants_computed_and_shadowed():
    text = rrl_text(
        """
        DAY = 24 * 60 * 60
        WEEK = 7 * DAY
        NAMES = ("a", "b")
        NEGATIVE = -1


        @workflow
        class Flow(Workflow):
            async def run(self, n: int) -> int:
                await asyncio.sleep(WEEK)
                return n + NEGATIVE + len(NAMES) + self.local()

            def local(self) -> int:
                DAY = 2
                return DAY
        """
    )
    assert text.startswith(
        expect(
            """
            rrl 1

            const DAY_2 = 24 * 60 * 60
            const WEEK = 7 * DAY_2
            const NAMES = ("a", "b")
            const NEGATIVE = -1
            """
        )
    )
    assert "fn local() -> int:\n    DAY = 2\n    return DAY" in text


def test_constants_that_are_not_plain_values():
    assert codes(
        """
        import threading

        LOCK = threading.Lock()
        TWICE = 1
        TWICE = 2
        READY = threading.Event()


        @workflow
        class Flow(Workflow):
            async def run(self) -> list:
                a = LOCK
                b = TWICE
                c = READY
                return [a, b, c]
        """
    ) == ["RPL0224", "RPL0224", "RPL0224"]


def test_date_constants_are_values():
    assert codes(
        """
        import datetime

        TIMEOUT = timedelta(seconds=3)
        EPOCH = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)


        @workflow
        class Flow(Workflow):
            async def run(self) -> list:
                return [TIMEOUT.total_seconds(), EPOCH + TIMEOUT]
        """
    ) == []


def test_mutating_a_constant_is_rejected():
    assert codes(
        """
        ITEMS = [1, 2]


        @workflow
        class Flow(Workflow):
            async def run(self) -> list[int]:
                ITEMS.append(3)
                return ITEMS
        """
    ) == ["RPL0237"]


@pytest.mark.parametrize(
    "annotation, expected",
    [
        ("int", "int"),
        ("list[str]", "list[str]"),
        ("List[str]", "list[str]"),
        ("Dict[str, int]", "dict[str, int]"),
        ("Optional[int]", "int | None"),
        ("Union[int, str, None]", "int | str | None"),
        ("int | None", "int | None"),
        ("None | int", "int | None"),
        ("tuple[int, str]", "tuple[int, str]"),
        ("Tuple[int, ...]", "tuple"),
        ("Any", "Any"),
        ("typing.Sequence[int]", "Any"),
        ("'Item'", "Item"),
        ("list['Item']", "list[Item]"),
        ("Annotated[int, 'meta']", "int"),
        ("Item | None", "Item | None"),
        ("Unknown", "Any"),
    ],
)
def test_annotations(annotation: str, expected: str):
    text = rrl_text(
        f"""
        import typing
        from typing import Annotated, Any, Dict, List, Optional, Tuple, Union
        from pydantic import BaseModel


        class Item(BaseModel):
            name: str


        @workflow
        class Flow(Workflow):
            async def run(self, value: {annotation}) -> None:
                return None
        """
    )
    assert f"workflow Flow(value: {expected}) -> None:" in text


def test_models_and_dataclasses_are_constructed_by_keyword():
    text = rrl_text(
        """
        from dataclasses import dataclass, field
        from pydantic import BaseModel


        @dataclass
        class Point:
            x: float
            y: float = 0.0


        @dataclass
        class Point3(Point):
            z: float = 0.0
            tags: list[str] = field(default_factory=list)
            internal: int = field(default=0, init=False)


        class Label(BaseModel):
            text: str


        @workflow
        class Flow(Workflow):
            async def run(self) -> list:
                return [Point(1.0), Point3(1.0, 2.0, 3.0, ["t"]), Label(text="a")]
        """
    )
    # every field is declared, base classes' first, with its constant default
    assert "dataclass Point3(Point) from app.flows:\n    x: float\n    y: float = 0.0\n    z: float = 0.0\n    tags: list[str] = []\n    internal: int = 0\n" in text
    assert 'return [Point(x=1.0), Point3(x=1.0, y=2.0, z=3.0, tags=["t"]), Label(text="a")]' in text


def test_construction_errors():
    assert codes(
        """
        from pydantic import BaseModel


        class Label(BaseModel):
            text: str


        class Client:
            pass


        @workflow
        class Flow(Workflow):
            async def run(self) -> list:
                return [Label("positional"), Client()]
        """
    ) == ["RPL0206"]
    assert codes(
        """
        class Client:
            pass


        @workflow
        class Flow(Workflow):
            async def run(self) -> None:
                client = Client()
        """
    ) == ["RPL0225"]


def test_helpers_named_like_rrl_keywords():
    text = rrl_text(
        """
        @workflow
        class Flow(Workflow):
            async def run(self, n: int) -> int:
                await self.sleep(n)
                return self.parallel(n)

            async def sleep(self, n: int) -> None:
                await asyncio.sleep(n)

            def parallel(self, n: int) -> int:
                return n
        """
    )
    # a fn is never named with a keyword (RPL0010): the helpers become `sleep_` and `parallel_`
    assert "fn sleep_(n: int) -> None:\n    sleep n" in text
    assert "    await sleep_(n=n)\n    $t1 = await parallel_(n=n)" in text
