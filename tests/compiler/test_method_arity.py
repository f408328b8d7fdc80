"""The arity of methods of values whose type is certain from declarations (RPL0206)."""

from __future__ import annotations

from .support import codes, diagnostics_text


def test_methods_of_parameters_and_action_results_of_a_known_type_are_checked():
    text = diagnostics_text("""
        @action
        async def load(key: str) -> dict[str, int]:
            return {}

        @workflow
        class W(Workflow):
            async def run(self, name: str, xs: list[int]) -> list:
                d = await load(name)
                return [name.strip(1, 2), xs.count(), d.get(), name.split(limit=1)]
    """)
    assert "str.strip() takes from 0 to 1 positional arguments but 2 were given" in text
    assert "list.count() takes 1 positional argument but 0 were given" in text
    assert "dict.get() takes from 1 to 2 positional arguments but 0 were given" in text
    assert "str.split() does not take the keyword argument `limit`" in text


def test_a_name_bound_to_values_of_other_types_is_left_to_the_run():
    assert codes("""
        @workflow
        class W(Workflow):
            async def run(self, name: str, xs: list[str]) -> int:
                if xs:
                    name = xs
                return name.count("a", 1, 2, 3)
    """) == []
