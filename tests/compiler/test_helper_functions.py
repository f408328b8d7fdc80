"""Helpers beyond methods: module-level functions, static methods and functions
defined inside workflow code become fns; what stays rejected says what to do."""

from __future__ import annotations

from .support import compile_text, diagnostics_text, rrl_text


def test_module_functions_recursing_through_each_other_are_rejected_by_the_checker():
    result = compile_text(
        """
        def even(n: int) -> bool:
            return True if n == 0 else odd(n - 1)


        def odd(n: int) -> bool:
            return False if n == 0 else even(n - 1)


        @workflow
        class Flow(Workflow):
            async def run(self, n: int) -> bool:
                return even(n)
        """
    )
    assert [d.code for d in result.diagnostics] == ["RPL0319"]
    assert result.programs == {}


def test_a_static_method_is_one_fn_whether_called_through_self_or_its_class():
    text = rrl_text(
        """
        @workflow
        class Flow(Workflow):
            async def run(self, s: str) -> str:
                return self.clean(s) + Flow.clean(s)

            @staticmethod
            def clean(s: str) -> str:
                return s.strip()
        """
    )
    assert text.count("fn clean(s: str) -> str:") == 1
    assert "$t1 = await clean(s=s)" in text and "$t2 = await clean(s=s)" in text


def test_an_async_nested_function_is_gathered_like_an_async_helper_method():
    text = rrl_text(
        """
        @action
        async def double(x: int) -> int:
            return 2 * x


        @workflow
        class Flow(Workflow):
            async def run(self, xs: list[int]) -> list[int]:
                async def twice(x: int) -> int:
                    return await double(await double(x))

                return await asyncio.gather(*[twice(x) for x in xs])
        """
    )
    assert "parallel for x in xs:\n        await twice(x=x)" in text


def test_a_sync_helper_function_cannot_be_awaited_and_an_async_one_must_be():
    text = diagnostics_text(
        """
        def clean(s: str) -> str:
            return s.strip()


        @workflow
        class Flow(Workflow):
            async def run(self, s: str) -> str:
                async def load(s: str) -> str:
                    return s

                first = await clean(s)
                return first + load(s)
        """
    )
    assert "cannot await clean(): it is not an async function" in text
    assert "help: call it without await: clean(...)" in text
    assert "the async helper load() must be awaited" in text


def test_a_function_imported_from_another_module_names_where_helpers_must_be():
    text = diagnostics_text(
        """
        from app.text import normalize


        @workflow
        class Flow(Workflow):
            async def run(self, s: str) -> str:
                return normalize(s)
        """,
        resolve=lambda qualified: None,
    )
    assert "cannot call normalize() in a workflow" in text
    assert "a plain `def` of the project's own modules whose body is in the accepted subset is a helper" in text


def test_a_helper_missing_from_a_base_class_of_another_module_says_it_is_not_read():
    text = diagnostics_text(
        """
        from app.base import Notifying


        @workflow
        class Flow(Notifying):
            async def run(self, s: str) -> str:
                return self.decorate(s)
        """,
        resolve=lambda qualified: None,
    )
    assert "the workflow `Flow` has no method `decorate`" in text
    assert "not the methods of other imported classes" in text


def test_a_nested_function_called_from_a_comprehension_in_a_helper_method():
    text = rrl_text(
        """
        @workflow
        class Flow(Workflow):
            async def run(self, xs: list[str]) -> list[str]:
                return self.tidy(xs)

            def tidy(self, xs: list[str]) -> list[str]:
                def one(x: str, suffix: str = "!") -> str:
                    return x.strip() + suffix

                return [one(x) for x in xs if x]
        """
    )
    assert 'fn one(x: str, suffix: str = "!") -> str:' in text
    assert "$t3 = await one(x=$t2)" in text


def test_a_nested_function_default_cannot_be_a_variable_of_the_enclosing_function():
    text = diagnostics_text(
        """
        @workflow
        class Flow(Workflow):
            async def run(self, xs: list[int], limit: int) -> list[int]:
                def cap(x: int, top: int = limit) -> int:
                    return min(x, top)

                return [cap(x, limit) for x in xs]
        """
    )
    assert "error[RPL0210]: the default value `limit` is a variable of the function that defines this one" in text


def test_a_nested_function_is_defined_once_at_the_top_level_before_its_calls():
    text = diagnostics_text(
        """
        @workflow
        class Flow(Workflow):
            async def run(self, s: str, loud: bool) -> str:
                early = tidy(s)

                def tidy(s: str) -> str:
                    return s.strip()

                def twice(s: str) -> str:
                    return s * 2

                def twice(s: str) -> str:
                    return s + s

                if loud:
                    def shout(s: str) -> str:
                        return s.upper()
                return early + twice(s) + shout(s)
        """
    )
    assert "error[RPL0223]: `tidy` is called before its `def`, where Python has not bound it yet" in text
    assert "error[RPL0210]: the function `twice` is defined more than once here" in text
    assert "error[RPL0210]: the function `shout` is defined inside a block, where its `def` may not run" in text


def test_a_helper_function_passed_as_a_value_says_to_call_it():
    text = diagnostics_text(
        """
        def size(s: str) -> int:
            return len(s.strip())


        @workflow
        class Flow(Workflow):
            async def run(self, xs: list[str]) -> list[str]:
                return sorted(xs, key=size)
        """
    )
    assert "error[RPL0239]: the helper function `size` can only be called, not used as a value" in text
    assert "`[size(x) for x in xs]`" in text
