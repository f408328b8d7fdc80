"""How deep a Python source the compiler takes, and how it keeps the RRL it
writes within RRL's bound (`rrl.limits.MAX_DEPTH`).

Long flat chains are everyday generated code (`a + b + ... ` with a thousand
terms, `and` chains, long `elif` chains): they compile. libcst nests a chain
of binary operators one level per operator, as RRL does, so the lowering
splits such a chain into temporaries every `CHAIN_CHUNK` operators
(`$t1 = a + ... ; $t1 + ...`: Python evaluates the left part first, so the
order is the same). What still nests deeper than RRL allows, and a source
deeper than `SOURCE_MAX_DEPTH`, is RPL0262, located; never a RecursionError.
"""

from __future__ import annotations

import ast

import libcst as cst

from rrl import ast as A
from rrl.limits import MAX_DEPTH

from .diagnostics import Reject

# Levels of Python's own tree (module, class, def, statement, each expression
# inside another...). CPython itself stops at about 3,000 with its default
# recursion limit; this bound keeps the compiler's time reasonable (libcst's
# parse time grows with the square of the depth).
SOURCE_MAX_DEPTH = 2_000

# Binary operators in a chain before the lowering assigns the chain so far to
# a temporary: far enough below MAX_DEPTH to leave room for what encloses it.
CHAIN_CHUNK = 100


def too_deep_to_compile(span: A.Span | None) -> Reject:
    """The RRL of this part of the source would nest deeper than RRL allows."""
    reject = Reject(
        "RPL0262",
        f"expression too deep to compile: the RRL it becomes would nest more than {MAX_DEPTH} levels",
    )
    reject.span = span
    return reject


def source_too_deep(tree: ast.AST, source: str) -> A.Span | None:
    """Where Python's tree of the module first nests deeper than
    `SOURCE_MAX_DEPTH` (iterative, in source order), or None."""
    if _within(tree, SOURCE_MAX_DEPTH):  # most modules: no spans worked out
        return None
    stack: list[tuple[ast.AST, int, A.Span | None]] = [(tree, 1, None)]
    lines = source.splitlines()
    while stack:
        node, depth, inherited = stack.pop()
        span = _span_of(node, lines) or inherited
        if depth > SOURCE_MAX_DEPTH:
            return span
        stack.extend((child, depth + 1, span) for child in reversed(list(ast.iter_child_nodes(node))))
    return None


def _within(tree: ast.AST, bound: int) -> bool:
    """Whether the tree nests `bound` levels or fewer (its children as
    `ast.iter_child_nodes` gives them), read a level at a time."""
    level = [tree]
    for _ in range(bound):
        below = []
        for node in level:
            for name in node._fields:
                value = getattr(node, name, None)
                if isinstance(value, ast.AST):
                    below.append(value)
                elif isinstance(value, list):
                    below.extend(item for item in value if isinstance(item, ast.AST))
        if not below:
            return True
        level = below
    return False


def _span_of(node: ast.AST, lines: list[str]) -> A.Span | None:
    line = getattr(node, "lineno", None)
    if line is None or not 1 <= line <= len(lines):
        return None
    # Python counts columns in UTF-8 bytes; a span counts characters.
    text = lines[line - 1].encode("utf-8", "surrogatepass")
    column = len(text[: node.col_offset].decode("utf-8", "replace")) + 1
    return A.Span(line, column, line, column + 1)


def long_chain(node: cst.CSTNode) -> bool:
    """A chain of binary operators (to the left, as Python nests `a + b + c`)
    that the lowering splits into temporaries: it needs statements, as an
    await does."""
    length = 0
    while isinstance(node, cst.BinaryOperation):
        length += 1
        if length > CHAIN_CHUNK:
            return True
        node = node.left
    return False
