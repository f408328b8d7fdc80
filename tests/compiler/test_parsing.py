"""A module with long chains of binary operators, parsed in pieces
(rappel_compiler.parsing), is the tree libcst builds parsing it whole."""

from __future__ import annotations

import ast
import random

import libcst as cst
import pytest

from rappel_compiler import parsing
from rrl.limits import deep_stack

TERMS = [f"row.f{n % 12}" for n in range(1000)]


@deep_stack
def assert_same_tree(source: str, *, in_pieces: bool = True) -> None:
    """libcst's tree, whether or not the module was parsed in pieces (as `in_pieces` says)."""
    tree = ast.parse(source)
    chains = parsing._long_chains(source, tree)
    assert bool(chains and parsing._parse_in_pieces(source, chains) is not None) == in_pieces
    mine = parsing.parse_module(source, tree)
    assert mine.deep_equals(cst.parse_module(source))
    assert mine.code == source


def _sum(terms, operators=" + ") -> str:
    return operators.join(terms)


@pytest.mark.parametrize(
    "source",
    [
        pytest.param(f"total = {_sum(TERMS)}\n", id="sum"),
        pytest.param(f"total = {_sum(TERMS[:102])}\n", id="just-long-enough"),
        pytest.param("x = " + "".join(f"{t} * {n} {'+-'[n % 2]} " for n, t in enumerate(TERMS)) + "y\n", id="plus-minus-times"),
        pytest.param(f"x = {_sum(TERMS[:150], ' << ')} >> 2 | " + " | ".join(f"a{n} & b ^ c" for n in range(150)) + "\n", id="bits"),
        pytest.param(f"x = {_sum(TERMS)} < {_sum(TERMS, ' * ')}\n", id="in-a-comparison"),
        pytest.param("x = (\n" + "".join(f"    {t}  # term {n}\n    + " for n, t in enumerate(TERMS)) + "1\n)\n", id="lines-and-comments"),
        pytest.param("x = " + _sum(TERMS, " + \\\n    ") + "\n", id="backslashes"),
        pytest.param("x = (" + _sum(f"(a{n} * b)" if n % 3 else f"-a{n}" for n in range(1000)) + ")\n", id="parenthesized-operands"),
        pytest.param("é = 'é' + " + _sum(f"ü{n}" for n in range(500)) + "\n", id="non-ascii"),
        pytest.param(
            f"def f():\n    return g({_sum(TERMS[:300])}, ({_sum(TERMS[:300], ' - ')}))\n\n\n"
            + "y = [" + " | ".join(f"({_sum(TERMS[:200])})" for _ in range(3)) + "]\n",
            id="several-and-nested",
        ),
        pytest.param(
            "@decorate(" + _sum(TERMS[:200]) + ")\nclass C:\n    async def run(self):\n        if a:\n            return "
            + _sum(TERMS[:400]) + "\n        return 0\n",
            id="in-a-decorator-and-a-method",
        ),
        pytest.param(
            "class C:\n    def f(self):\n        if (" + _sum(TERMS[:200], "\n            + ") + "):\n            pass\n"
            + "        if ok: x = (" + _sum(TERMS[:200], "\n  - ") + ")\n",
            id="indented-blocks",
        ),
        pytest.param(
            "def f():\r\n\treturn (" + _sum(TERMS[:300], "  # c\r\n\t\t+ ") + ")\r\n",
            id="tabs-and-crlf",
        ),
    ],
)
def test_chains_parsed_in_pieces(source):
    assert_same_tree(source)


@pytest.mark.parametrize(
    "source",
    [
        pytest.param(f"x = {_sum(TERMS[:100])}\n" + "y = a - b\n" * 60, id="short-chains"),
        pytest.param(f"x = f'{{{_sum(TERMS[:300])}}}'\n", id="in-an-f-string"),
        pytest.param(f"x = {_sum(TERMS, ' and ')}\n", id="boolean-operators"),
    ],
)
def test_what_is_parsed_whole(source):
    assert_same_tree(source, in_pieces=False)


def test_random_chains():
    """Chains of random operators of one precedence, random operands
    (parenthesized chains, calls, unary operators, literals) and random layout."""
    rng = random.Random(20261130)
    levels = [("+", "-"), ("*", "/", "//", "%", "@"), ("|",), ("<<", ">>")]
    operands = ["a", "b.c", "f(x, y)", "-z", "(p + q)", "3", "'s'", "xs[1]", "~m", "await g()", "(u if v else w)"]
    for _ in range(30):
        operators = rng.choice(levels)
        parts = [rng.choice(operands)]
        for _ in range(rng.randrange(101, 400)):
            space = rng.choice([" ", "  ", "\n        ", "  # note\n    "])
            parts.append(f"{space}{rng.choice(operators)} {rng.choice(operands)}")
        source = f"async def run():\n    value = (\n        {''.join(parts)}\n    )\n    return value\n"
        assert_same_tree(source)
