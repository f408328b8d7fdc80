"""libcst's parse of a module, in time linear in the length of its chains of
binary operators.

libcst's native parser reads `a + b + c + …` left-recursively, and its time
grows with the square of the chain's length: a sum of 1,000 terms costs it
0.3 s, of 2,000 terms 1.3 s, while Python's own parser takes 4 ms. Generated
code writes such sums (golden compile case 92). So a chain of more than
`LONGEST_WHOLE` operators is parsed apart: `PIECE` operators at a time, each
piece with the tree of the pieces before it standing in as a name, and the
trees joined. Python's parse of the module (`ast`) says where the chain and
each of its operands end.

The joined tree is the one libcst builds for the whole module
(tests/compiler/test_parsing.py compares them node for node); should it ever not
give back the source exactly, the module is parsed whole instead.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

import libcst as cst
from libcst._nodes.internal import CodegenState

from .tree import child_fields, is_node

PIECE = 25  # operators parsed at a time: libcst takes about as long per operator up to some 30
LONGEST_WHOLE = 100  # a chain of at most this many operators is left to libcst

# A module with fewer binary-operator characters than this holds no long chain, and is not walked.
_OPERATOR = re.compile(r"[-+*/%@&|^<>]")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # the line breaks Python's tokenizer counts (not str.splitlines')


def parse_module(source: str, python_tree: ast.Module | None) -> cst.Module:
    """`cst.parse_module(source)`. `python_tree`: Python's parse of the same
    text (None when it has none: the module is parsed whole)."""
    many = python_tree is not None and len(_OPERATOR.findall(source)) > LONGEST_WHOLE
    chains = _long_chains(source, python_tree) if many else []
    if chains:
        joined = _parse_in_pieces(source, chains)
        if joined is not None:
            return joined
    return cst.parse_module(source)


@dataclass(frozen=True)
class _Chain:
    start: int  # where its leftmost operand starts, as an index into the source
    ends: tuple[int, ...]  # where each of its operations ends, innermost (`a + b`) first
    indent: str  # the indentation of the block it is in: libcst's whitespace on its lines is relative to it
    stand_in: str  # the name it is written as while the rest of the module is parsed


def _long_chains(source: str, tree: ast.Module) -> list[_Chain]:
    """The module's chains of more than LONGEST_WHOLE binary operators that are
    not inside another such chain, in the order they are written."""
    offsets = _Offsets(source)
    found: list[tuple[list[ast.BinOp], ast.stmt]] = []  # a chain's operations, outermost first, and its statement
    inner: set[int] = set()  # the operations already in a chain, below its top
    # A chain is written within one top-level statement: only those with that many operators are walked.
    stack = [(node, node) for node in tree.body if _operators(source, offsets, node) > LONGEST_WHOLE]
    while stack:  # parents before their children, so a chain is met at its top
        node, statement = stack.pop()
        if isinstance(node, ast.JoinedStr):
            continue  # f-string parts: their positions are not always the source's in 3.11
        if isinstance(node, ast.BinOp) and id(node) not in inner:
            spine = [node]
            # An unparenthesized left operand starts where its operation does; a parenthesized one, after `(`.
            while isinstance(spine[-1].left, ast.BinOp) and _starts_with(spine[-1].left, spine[-1]):
                spine.append(spine[-1].left)
                inner.add(id(spine[-1]))
            if len(spine) > LONGEST_WHOLE:
                found.append((spine, statement))
        stack.extend((child, child if isinstance(child, ast.stmt) else statement) for child in ast.iter_child_nodes(node))
    chains: list[_Chain] = []
    reached = 0
    for spine, statement in sorted(found, key=lambda chain: (chain[0][0].lineno, chain[0][0].col_offset)):
        start = offsets.index(spine[0].lineno, spine[0].col_offset)
        indent = offsets.indentation(statement.lineno)
        if start < reached or "\f" in indent:
            continue  # inside an operand of a chain before it, parsed in pieces with it; or a form feed, which resets indentation
        ends = tuple(offsets.index(operation.end_lineno, operation.end_col_offset) for operation in reversed(spine))
        chains.append(_Chain(start, ends, indent, _stand_in(source, len(chains))))
        reached = ends[-1]
    return chains


def _operators(source: str, offsets: _Offsets, statement: ast.stmt) -> int:
    """How many operator characters the lines of a top-level statement hold."""
    first = min([statement.lineno] + [decorator.lineno for decorator in getattr(statement, "decorator_list", ())])
    return len(_OPERATOR.findall(source, offsets.line_start(first), offsets.line_start(statement.end_lineno + 1)))


def _starts_with(left: ast.expr, operation: ast.expr) -> bool:
    return (left.lineno, left.col_offset) == (operation.lineno, operation.col_offset)


def _stand_in(source: str, n: int) -> str:
    name = f"_rappel_chain_{n}"
    while name in source:
        name += "_"
    return name


class _Offsets:
    """Index into the source of a (line, UTF-8 byte column) position, as `ast` gives them."""

    def __init__(self, source: str):
        self.source = source
        self.starts = [0] + [m.end() for m in _LINE_BREAK.finditer(source)]

    def line_start(self, line: int) -> int:
        return self.starts[line - 1] if line <= len(self.starts) else len(self.source)

    def indentation(self, line: int) -> str:
        """The whitespace a line starts with."""
        text = self.source[self.line_start(line) : self.line_start(line + 1)]
        return text[: len(text) - len(text.lstrip(" \t\f"))]

    def index(self, line: int, byte_column: int) -> int:
        start, end = self.line_start(line), self.line_start(line + 1)
        text = self.source[start:end]
        return start + (byte_column if text.isascii() else len(text.encode("utf-8")[:byte_column].decode("utf-8")))


def _parse_in_pieces(source: str, chains: list[_Chain]) -> cst.Module | None:
    """The module, each chain parsed in pieces and put where its stand-in name
    was parsed; None when a chain's tree does not give back its text."""
    parts, written = [], 0
    for chain in chains:
        parts += [source[written : chain.start], chain.stand_in]
        written = chain.ends[-1]
    parts.append(source[written:])
    first_break = _LINE_BREAK.search(source)
    newline = first_break.group() if first_break else "\n"  # libcst's default newline is the module's first
    try:
        trees = {chain.stand_in: _parse_chain(source, chain, newline) for chain in chains}
        module = cst.parse_module("".join(parts))
    except (cst.ParserSyntaxError, _NotTheChain):
        return None
    if any(_code(trees[chain.stand_in], chain.indent, newline) != source[chain.start : chain.ends[-1]] for chain in chains):
        return None
    return _put_back(module, trees)


def _parse_chain(source: str, chain: _Chain, newline: str) -> cst.BaseExpression:
    """The chain's tree, built piece by piece: the first piece as it is written,
    every later one after a name that its tree then replaces by the tree so far.
    Each piece is parsed in parentheses (it may span lines, as the chain does in
    its brackets), as a statement of a block indented as the chain's is."""
    ends = chain.ends
    block = f"if 1:{newline}{chain.indent}" if chain.indent else ""
    tree: cst.BaseExpression | None = None
    written = chain.start
    for first in range(0, len(ends), PIECE):
        last = min(first + PIECE, len(ends)) - 1
        text = source[written : ends[last]] if tree is None else chain.stand_in + source[written : ends[last]]
        statement = cst.parse_module(f"{block}({text}){newline}").body[0]
        if chain.indent:
            statement = statement.body.body[0]
        piece = statement.body[0].value.with_changes(lpar=(), rpar=())
        tree = piece if tree is None else _with_leftmost(piece, last - first + 1, chain.stand_in, tree)
        written = ends[last]
    assert tree is not None
    return tree


def _code(node: cst.CSTNode, indent: str, newline: str) -> str:
    """The code of `node` in a block indented by `indent`."""
    state = CodegenState(default_indent=indent, default_newline=newline, indent_tokens=[indent] if indent else [])
    node._codegen(state)
    return "".join(state.tokens)


class _NotTheChain(Exception):
    """A piece's tree is not the chain of operations Python read there."""


def _with_leftmost(piece: cst.BaseExpression, depth: int, stand_in: str, tree: cst.BaseExpression) -> cst.BaseExpression:
    """`piece` with `tree` in place of the name `stand_in` found `depth`
    operations down its left operands."""
    path = [piece]
    for _ in range(depth):
        operation = path[-1]
        if not isinstance(operation, cst.BinaryOperation):
            raise _NotTheChain
        path.append(operation.left)
    leaf = path.pop()
    if not (isinstance(leaf, cst.Name) and leaf.value == stand_in and not leaf.lpar):
        raise _NotTheChain
    joined = tree
    for operation in reversed(path):
        joined = operation.with_changes(left=joined)
    return joined


def _put_back(node: cst.CSTNode, trees: dict[str, cst.BaseExpression]) -> cst.CSTNode:
    """`node` with each chain's tree where its stand-in name is (with that
    name's parentheses). `trees` is emptied as they are put back: a walk of the
    module's nodes in order that ends with the last."""
    if type(node) is cst.Name:
        tree = trees.pop(node.value, None)
        return node if tree is None else tree.with_changes(lpar=node.lpar, rpar=node.rpar)
    changes = {}
    for name in child_fields(type(node)):
        if not trees:
            break
        value = getattr(node, name, None)
        if type(value) in (tuple, list):
            items = [_put_back(item, trees) if is_node(item) else item for item in value]
            if any(new is not old for new, old in zip(items, value)):
                changes[name] = type(value)(items)
        elif is_node(value):
            new = _put_back(value, trees)
            if new is not value:
                changes[name] = new
    return node.with_changes(**changes) if changes else node
