"""`|=` lowered to RRL's in-place update, and the lists that a lazy iterator over
themselves would extend (RPL0264)."""

from __future__ import annotations

import pytest

from .support import body_of, codes, compile_text, diagnostics_text


def test_or_assignment_is_rrl_in_place_update_and_consumes_a_generator():
    body = body_of("""
        @workflow
        class W(Workflow):
            async def run(self, d: dict[str, int], names: list[str], n: int) -> list:
                d |= [("a", 1)]
                d |= ((name, 1) for name in names)
                n |= 4
                n ^= 1
                return [d, n]
    """)
    assert body == (
        'd |= [("a", 1)]\n'
        "d |= [(name, 1) for name in names]\n"
        "n |= 4\n"
        "n = n ^ 1\n"
        "return [d, n]\n"
    )


@pytest.mark.parametrize("line", [
    "xs += (x * 2 for x in xs)",
    "xs += map(str, xs)",
    "xs += filter(None, xs)",
    "xs += enumerate(xs)",
    "xs += zip(other, xs)",
    "xs += (y for y in other if y in xs)",
    "xs += (y for x in other for y in xs)",
    "xs += map(lambda y: len(xs), other)",
    "xs.extend(x for x in xs)",
    "xs.extend(map(str, xs))",
])
def test_a_lazy_iterator_over_the_list_it_extends_is_refused(line: str):
    assert codes(f"""
        @workflow
        class W(Workflow):
            async def run(self, xs: list, other: list) -> list:
                {line}
                return xs
    """) == ["RPL0264"]


@pytest.mark.parametrize("line", [
    "xs += [x * 2 for x in xs]",
    "xs += (x * 2 for x in xs[:])",
    "xs += map(str, list(xs))",
    "xs += reversed(xs)",
    "xs += xs",
    "xs.extend(xs)",
    "xs += (y for y in other)",
    "other += (x for x in xs)",
])
def test_what_reads_the_list_first_is_accepted(line: str):
    body_of(f"""
        @workflow
        class W(Workflow):
            async def run(self, xs: list, other: list) -> list:
                {line}
                return xs
    """)


def test_the_refusal_says_what_to_write_instead():
    text = diagnostics_text("""
        @workflow
        class W(Workflow):
            async def run(self, xs: list[int]) -> list:
                xs += (x * 2 for x in xs)
                xs.extend(map(str, xs))
                return xs
    """)
    assert "`xs +=` with `(x * 2 for x in xs)` reads `xs` while extending it" in text
    assert "help: take the items first, with a list: `[x * 2 for x in xs]`" in text
    assert "`xs.extend()` with `map(str, xs)` reads `xs`" in text
    assert "help: take the items first, with a list: `list(map(str, xs))`" in text
