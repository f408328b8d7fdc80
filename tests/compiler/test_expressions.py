"""Pure expressions map one to one."""

from __future__ import annotations

import pytest

import rrl
from rrl import ast as A

from .support import body_of, compile_text, diagnostics_text, expect


def lowered(expression: str, params: str = "x: Any, xs: list, d: dict, s: str") -> str:
    """The RRL of one Python expression assigned in run()."""
    text = body_of(
        f"""
        from typing import Any


        @workflow
        class Flow(Workflow):
            async def run(self, {params}) -> Any:
                y = {expression}
                return y
        """
    )
    first = text.splitlines()[0]
    assert first.startswith("y = "), text
    return first[4:]


@pytest.mark.parametrize(
    "python, expected",
    [
        ("1", "1"),
        ("-5", "-5"),
        ("- 2.5", "-2.5"),
        ("1e-05", "1e-05"),
        ("True and not False", "True and not False"),
        ("None", "None"),
        ("'it''s'", '"its"'),
        ('"a" "b"', '"ab"'),
        ("'quote \"here\"'", '"quote \\"here\\""'),
        ("'tab\\t\\n'", '"tab\\t\\n"'),
        ("[1, (2,), {'k': x}]", '[1, (2,), {"k": x}]'),
        ("()", "()"),
        ("x.name.upper()", "x.name.upper()"),
        ("xs[0][-1]", "xs[0][-1]"),
        ("xs[1:-1]", "xs[1:-1]"),
        ("xs[::2]", "xs[::2]"),
        ("xs[::-1]", "xs[::-1]"),
        ("d.get('k', 0) + 1", 'd.get("k", 0) + 1'),
        ("(x + 1) * 2 ** -x // 3 % 4", "(x + 1) * 2 ** -x // 3 % 4"),
        ("a < b <= c != d", None),
        ("x if x else (1 if s else 2)", "x if x else 1 if s else 2"),
        ("x or s and not d", "x or s and not d"),
        ("x is not None and x not in xs", "x is not None and x not in xs"),
        ("len(xs) + sum(xs, start=1)", "len(xs) + sum(xs, start=1)"),
        ("sorted(xs, key=lambda v: (-v.age, v.name), reverse=True)", "sorted(xs, key=lambda v: (-v.age, v.name), reverse=True)"),
        ("max(xs, key=len)", "max(xs, key=lambda $k: len($k))"),
        ("isinstance(x, (int, float)) or isinstance(x, Exception)", "isinstance(x, (int, float)) or isinstance(x, Exception)"),
        ("[v * 2 for v in xs if v if v > 1]", "[v * 2 for v in xs if v if v > 1]"),
        ("[w for v in xs for w in v]", "[w for v in xs for w in v]"),
        ("[i for i, (k, v) in enumerate(d.items())]", "[i for i, (k, v) in enumerate(d.items())]"),
        ("{k: v for k, v in d.items() if v}", "{k: v for k, v in d.items() if v}"),
        ("sum(v for v in xs if v)", "sum([v for v in xs if v])"),
        ("max((v for v in xs), default=0)", "max([v for v in xs], default=0)"),
        ("', '.join(str(v) for v in xs)", '", ".join([str(v) for v in xs])'),
        ("ValueError('bad')", 'ValueError("bad")'),
        ("str(x).zfill(3).startswith(('0', '1'))", 'str(x).zfill(3).startswith(("0", "1"))'),
    ],
)
def test_expression(python: str, expected: str | None):
    params = "x: Any, xs: list, d: dict, s: str, a: int, b: int, c: int"
    assert lowered(python, params) == (expected or python)


@pytest.mark.parametrize(
    "python, expected",
    [
        ('f"plain {x}"', 'f"plain {x}"'),
        ('f"{x!r} {x!s} {x:>6} {x:.2%} {x:,.0f}"', 'f"{x!r} {x!s} {x:>6} {x:.2%} {x:,.0f}"'),
        ("f'{{braces}} {x}'", 'f"{{braces}} {x}"'),
        ('f"{xs[0] if xs else \'none\'}"', "f\"{xs[0] if xs else 'none'}\""),
        ('f"{d[\'k\']}"', "f\"{d['k']}\""),
        ('f"a" "b{x}" f\'{x}c\'', 'f"ab{{x}}{x}c"'),  # only f-parts have fields
        ('f"new\\nline {x}"', 'f"new\\nline {x}"'),
        ("rf'\\d{x}'", 'f"\\\\d{x}"'),
        ('f"{x:{s}}"', "f\"{format(x, f'{s}')}\""),  # a spec with fields: format()
        ('f"{x!r:>{s}} {x:{s}.{s}f}"', "f\"{format(repr(x), f'>{s}')} {format(x, f'{s}.{s}f')}\""),
        ('f"{x:{s:>3}}"', None),
        ("f\"n={f'{x:03d}'}-{s}\"", 'f"n={x:03d}-{s}"'),
    ],
)
def test_fstrings(python: str, expected: str | None):
    if expected is None:
        result = compile_text(
            f"""
            @workflow
            class Flow(Workflow):
                async def run(self, x: int, s: str) -> str:
                    return {python}
            """
        )
        assert [d.code for d in result.diagnostics] == ["RPL0221"]
        return
    assert lowered(python) == expected


def test_negative_numbers_are_unary_minus():
    result = compile_text(
        """
        @workflow
        class Flow(Workflow):
            async def run(self) -> int:
                return -5
        """
    )
    ret = result.programs["Flow"].workflows[0].body[0]
    assert ret.value == A.UnaryOp("-", A.Constant(5))


def test_spans_point_into_the_python_source():
    result = compile_text(
        """
        @workflow
        class Flow(Workflow):
            async def run(self, x: int) -> int:
                y = x + 1
                return y
        """
    )
    assign = result.programs["Flow"].workflows[0].body[0]
    assert (assign.span.line, assign.span.column) == (9, 9)
    assert (assign.value.span.line, assign.value.span.column) == (9, 13)


def test_true_division_and_power_keep_python_semantics_names():
    assert lowered("x / 2 - x // 2", "x: int") == "x / 2 - x // 2"


def test_tuple_subscript():
    assert lowered("d[1, 2]", "d: dict") == "d[(1, 2)]"


def test_printed_programs_round_trip():
    result = compile_text(
        """
        @workflow
        class Flow(Workflow):
            async def run(self, x: float) -> list:
                return [x, -x, f"{x:.1f}", {"a": [1, (2, 3)]}, x if x else -1.5]
        """
    )
    program = result.programs["Flow"]
    assert rrl.parse(rrl.print_program(program)) == program


def test_comprehension_variables_stay_in_the_comprehension():
    text = body_of(
        """
        @workflow
        class Flow(Workflow):
            async def run(self, xs: list[int]) -> list[int]:
                x = 10
                ys = [x for x in xs]
                return ys + [x]
        """
    )
    assert text == expect(
        """
        x = 10
        ys = [x for x in xs]
        return ys + [x]
        """
    )


def test_identity_is_rejected():
    for expression in ("x is xs", "xs is not d"):
        result = compile_text(
            f"""
            @workflow
            class Flow(Workflow):
                async def run(self, x: int, xs: list, d: dict) -> bool:
                    return {expression}
            """
        )
        assert [d.code for d in result.diagnostics] == ["RPL0221"], expression
    assert lowered("x is None or x is not True") == "x is None or x is not True"


def test_printf_formatting_of_a_literal_is_the_percent_operator():
    assert lowered('"%s has %d%%" % (x, len(xs))') == '"%s has %d%%" % (x, len(xs))'


def test_any_and_all_over_generators_stop_at_the_deciding_item():
    text = body_of(
        """
        @workflow
        class Flow(Workflow):
            async def run(self, xs: list[int], grid: list[list[int]]) -> list[bool]:
                some = any(x > 2 for x in xs if x)
                every = all(v for row in grid for v in row)
                listed = any([x > 2 for x in xs])
                return [some, every, listed]
        """
    )
    assert text == expect(
        """
        $t1 = False
        for $t2 in xs:
            if $t2:
                if $t2 > 2:
                    $t1 = True
                    break
        some = $t1
        $t3 = True
        for $t4 in grid:
            for $t5 in $t4:
                if not $t5:
                    $t3 = False
                    break
            if not $t3:
                break
        every = $t3
        listed = any([x > 2 for x in xs])
        return [some, every, listed]
        """
    )


def test_generators_passed_to_lazy_builtins_are_rejected():
    result = compile_text(
        """
        @workflow
        class Flow(Workflow):
            async def run(self, xs: list[int]) -> list:
                return list(enumerate(x * 2 for x in xs))
        """
    )
    assert [d.code for d in result.diagnostics] == ["RPL0221"]


@pytest.mark.parametrize(
    "python, expected",
    [
        # unpacking in displays and in the arguments of builtins
        ("[*xs, 1, *d]", None),
        ("(*xs,)", None),
        ("{**d, 'k': 1, **{'z': x}}", '{**d, "k": 1, **{"z": x}}'),
        ("list(zip(*xs))", None),
        ("max(*xs, key=len)", "max(*xs, key=lambda $k: len($k))"),
        # map() and filter() where their iterator is consumed at once
        ("list(map(str, xs))", "list(map(lambda $k: str($k), xs))"),
        ("list(map(lambda v, w: v + w, xs, d))", None),
        ("sorted(filter(None, xs))", None),
        ("sum(map(len, xs))", "sum(map(lambda $k: len($k), xs))"),
        ("', '.join(map(str.strip, xs))", '", ".join(map(lambda $k: $k.strip(), xs))'),
        ("dict(map(lambda kv: (kv[1], kv[0]), d.items()))", None),
        ("min(filter(lambda v: v > 0, xs))", None),
        # functions passed as values
        ("sorted(xs, key=str.lower)", "sorted(xs, key=lambda $k: $k.lower())"),
        ("max(d, key=d.get)", "max(d, key=lambda $k: d.get($k))"),
        ("str.upper(s)", "s.upper()"),
        ("str.join(', ', xs)", '", ".join(xs)'),
        # type names, dict.fromkeys(), model methods
        ("type(x).__name__", None),
        ("f'{type(x).__name__}: {x}'", 'f"{type(x).__name__}: {x}"'),
        ("dict.fromkeys(xs)", None),
        ("list(dict.fromkeys(xs, 0))", None),
        ("x.model_copy(update={'name': s})", 'x.model_copy(update={"name": s})'),
        ("x.model_dump()", None),
    ],
)
def test_new_builtins_and_unpacking(python: str, expected: str | None):
    params = "x: Any, xs: list, d: dict, s: str"
    assert lowered(python, params) == (expected or python)


def test_next_over_a_generator_stops_at_the_first_item():
    text = body_of(
        """
        @workflow
        class Flow(Workflow):
            async def run(self, xs: list[int], d: dict[str, int]) -> list:
                first = next((x for x in xs if x > 3), d.get("fallback"))
                pair = next(((a, b) for a in xs for b in xs if a + b == 5), None)
                return [first, pair]
        """
    )
    assert text == expect(
        """
        $t1 = d.get("fallback")
        for $t2 in xs:
            if $t2 > 3:
                $t1 = $t2
                break
        first = $t1
        $t3 = None
        $t4 = False
        for $t5 in xs:
            for $t6 in xs:
                if $t5 + $t6 == 5:
                    $t3 = ($t5, $t6)
                    $t4 = True
                    break
            if $t4:
                break
        pair = $t3
        return [first, pair]
        """
    )


REJECTED = {
    # lazy iterators that are not consumed at once (or are compared, or stop early)
    "return map(str, xs)": "RPL0221",
    "return max(map(str, xs), map(str, xs))": "RPL0221",
    "return any(map(bool, xs))": "RPL0221",
    "for v in map(str, xs):\n                    pass": "RPL0221",
    "return max((v for v in xs), 0)": "RPL0221",
    "return list(map(self.fmt, xs))": "RPL0210",
    "return type(x) == int": "RPL0202",
    "return next(x for x in xs)": "RPL0206",
    "return next(xs, None)": "RPL0202",
    "return isinstance(*xs)": "RPL0216",
    "return ValueError(*xs)": "RPL0216",
    "return ', '.join(*xs)": "RPL0216",
    "return dict(**d)": "RPL0216",
    "return dataclasses.replace(x, a=1)": "RPL0202",
    "return x.model_dump(mode='json')": "RPL0206",
    "return str.count(s, 'a')": "RPL0203",  # lists have count() too
}


@pytest.mark.parametrize("statement", sorted(REJECTED))
def test_rejected_builtin_shapes(statement: str):
    result = compile_text(
        f"""
        import dataclasses
        from typing import Any


        @workflow
        class Flow(Workflow):
            async def run(self, x: Any, xs: list, d: dict, s: str) -> Any:
                {statement}

            def fmt(self, v: int) -> str:
                return str(v)
        """
    )
    assert [d.code for d in result.diagnostics] == [REJECTED[statement]]


def test_lazy_iterator_and_next_messages():
    text = diagnostics_text(
        """
        @workflow
        class Flow(Workflow):
            async def run(self, xs: list[int]) -> list:
                names = map(str, xs)
                first = next(x for x in xs if x)
                return [names, first]
        """
    )
    assert text == expect(
        """
        error[RPL0221]: map() returns a lazy iterator: it can only be unpacked into names, passed directly to list(), tuple(), set(), sorted(), sum(), dict() or str.join(), or as the only argument of min() or max()
         --> app/flows.py:9:17
          |
        9 |         names = map(str, xs)
          |                 ^^^^^^^^^^^^
          = help: wrap it: `list(map(str, xs))`, or use a list comprehension

        error[RPL0206]: next() needs a default in a workflow: without one it raises StopIteration
          --> app/flows.py:10:17
           |
        10 |         first = next(x for x in xs if x)
           |                 ^^^^^^^^^^^^^^^^^^^^^^^^
           = help: pass a default, e.g. `next((x for x in xs if ...), None)`, and test the result

        error: aborting due to 2 previous errors
        """
    ).rstrip("\n")


def test_type_and_library_call_messages():
    text = diagnostics_text(
        """
        import dataclasses
        import math


        @workflow
        class Flow(Workflow):
            async def run(self, x: int, item: dict) -> list:
                kind = type(x)
                pages = math.ceil(x / 10)
                return dataclasses.replace(item, done=True)
        """
    )
    assert text == expect(
        """
        error[RPL0202]: type() can only be used as `type(x).__name__` in a workflow
          --> app/flows.py:13:16
           |
        13 |         kind = type(x)
           |                ^^^^^^^
           = help: test the type with isinstance(x, T)

        error[RPL0202]: cannot call math.ceil() in a workflow
          --> app/flows.py:14:17
           |
        14 |         pages = math.ceil(x / 10)
           |                 ^^^^^^^^^^^^^^^^^
           = help: divide rounding up with integer division: `-(-n // size)`

        error[RPL0202]: cannot call dataclasses.replace() in a workflow
          --> app/flows.py:15:16
           |
        15 |         return dataclasses.replace(item, done=True)
           |                ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
           = help: create the new object with the class and every field: `Order(id=order.id, status="paid")`

        error: aborting due to 3 previous errors
        """
    ).rstrip("\n")


def over_a_set(returned: str) -> str:
    """A workflow that builds the set `seen` (and the list `log`) and returns `returned`."""
    return f"""
        @workflow
        class Flow(Workflow):
            async def run(self, xs: list) -> object:
                seen = set(xs)
                log = []
                return {returned}
        """


@pytest.mark.parametrize(
    "expression, lowered_to",
    [
        ("set(n * 2 for n in seen)", "set([n * 2 for n in unordered(seen)])"),
        ("frozenset(n for n in seen if n)", "frozenset([n for n in unordered(seen) if n])"),
        ("sorted((n for n in seen), reverse=True)", "sorted([n for n in unordered(seen)], reverse=True)"),
        ("sorted(n for n in xs)", "sorted([n for n in xs])"),  # not a set: as it was
    ],
)
def test_a_generator_over_a_set_feeding_an_order_free_consumer_takes_it_unordered(expression, lowered_to):
    text = body_of(over_a_set(expression))
    assert f"return {lowered_to}" in text, text


@pytest.mark.parametrize(
    "expression",
    [
        "sum(n for n in seen)",  # floats add up differently in another order
        "min(n for n in seen)",  # of 1 and 1.0 the first one wins
        "list(n for n in seen)",
        "sorted((n for n in seen), key=abs)",  # items with equal keys keep the set's order
        "any(log.append(n) for n in seen)",  # the changes show the order
        "[n for n in seen]",
    ],
)
def test_a_generator_over_a_set_whose_result_shows_the_order_is_refused(expression):
    result = compile_text(over_a_set(f"{expression}, log"))
    assert [(d.code, d.message) for d in result.diagnostics] == [
        ("RPL0214", "this comprehension would depend on the order of a set, which is not deterministic")
    ]


def test_any_and_all_over_a_set_loop_over_it_unordered():
    text = body_of(over_a_set("any(n > 3 for n in seen), all(n for n in seen)"))
    assert text.count("in unordered(seen):") == 2, text


def test_a_variable_named_unordered_would_hide_the_builtin():
    result = compile_text(over_a_set("any(n > 3 for n in seen)").replace("seen", "unordered"))
    assert [d.code for d in result.diagnostics] == ["RPL0202"]
