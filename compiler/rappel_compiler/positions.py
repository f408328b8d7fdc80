"""Where each node of a module is, computed for the statements asked about.

libcst's `PositionProvider` finds positions by generating the code of the
whole module while counting lines and columns. The frontend asks where the
nodes of its workflows are (and of the few definitions they name), so this
does the same for one top-level statement at a time, when one of its nodes is
first asked about: a module's actions, models and helpers that no diagnostic
points into are never generated. The positions are libcst's to the column
(tests/compiler/test_names.py compares them on many modules).

Where a top-level statement starts is read from Python's own parse of the
module (`ast`), which knows where the first token of each statement is; its
leading comments and blank lines are counted back from there. After each
statement the line reached must be where the next one starts, else every
statement is generated in one pass, as libcst would.
"""

from __future__ import annotations

import ast
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import libcst as cst
from libcst._nodes.internal import CodegenState

from .tree import child_fields, is_node

_NEWLINE = re.compile(r"\r\n?|\n")

# (start line, start column, end line, end column): lines 1-based, columns 0-based, as libcst's.
Range = tuple[int, int, int, int]


class _State(CodegenState):
    """libcst's position-providing code generation, its ranges kept as tuples."""

    def __init__(self, module: cst.Module, computed: dict[int, Range], line: int):
        super().__init__(default_indent=module.default_indent, default_newline=module.default_newline)
        self.computed = computed
        self.line = line
        self.column = 0
        self._stack: list[tuple[int, int]] = []

    def add_indent_tokens(self) -> None:
        self.tokens.extend(self.indent_tokens)
        for token in self.indent_tokens:
            self._advance(token)

    def add_token(self, value: str) -> None:
        self.tokens.append(value)
        self._advance(value)

    def _advance(self, value: str) -> None:
        if "\n" not in value and "\r" not in value:
            self.column += len(value)
            return
        segments = _NEWLINE.split(value)
        self.line += len(segments) - 1
        self.column = len(segments[-1])

    def before_codegen(self, node: cst.CSTNode) -> None:
        self._stack.append((self.line, self.column))

    def after_codegen(self, node: cst.CSTNode) -> None:
        start = self._stack.pop()
        if id(node) not in self.computed:  # a syntactic position was recorded already
            self.computed[id(node)] = (start[0], start[1], self.line, self.column)

    @contextmanager
    def record_syntactic_position(
        self, node: cst.CSTNode, *, start_node: cst.CSTNode | None = None, end_node: cst.CSTNode | None = None
    ) -> Iterator[None]:
        start = (self.line, self.column)
        try:
            yield
        finally:
            end = (self.line, self.column)
            if start_node is not None:
                start = self.computed[id(start_node)][:2]
            if end_node is not None:
                end = self.computed[id(end_node)][2:]
            self.computed[id(node)] = (start[0], start[1], end[0], end[1])


class Positions:
    """The positions of a module's nodes, computed statement by statement."""

    def __init__(self, module: cst.Module, source: str, python_tree: ast.Module | None = None):
        self.module = module
        self.source = source
        self.python_tree = python_tree
        # Keyed by the nodes' ids (the module holds the nodes; hashing a node
        # costs a Python call).
        self.computed: dict[int, Range] = {}
        self._starts: list[int] | None = None
        self._owner: dict[int, int] | None = None
        self._done: set[int] = set()
        self._whole = False
        self._lock = threading.Lock()

    def has(self, node: cst.CSTNode) -> bool:
        """Whether `node` has a position, told without generating it where
        that can be (a node of one of the module's statements has one)."""
        return id(node) in self.computed or id(node) in self.owners() or self.get(node) is not None

    def owners(self) -> dict[int, int]:
        """The index of the top-level statement of each node below one, by the node's id."""
        if self._owner is None:
            with self._lock:
                if self._owner is None:
                    self._owner = _owners(self.module)
        return self._owner

    def get(self, node: cst.CSTNode) -> Range | None:
        found = self.computed.get(id(node))
        if found is not None or self._whole:
            return found
        owners = self.owners()
        with self._lock:  # a parsed module is shared by the threads compiling it
            index = owners.get(id(node))
            if id(node) not in self.computed and (index is None or index in self._done or not self._statement(index)):
                self._everything()
        return self.computed.get(id(node))

    def _statement(self, index: int) -> bool:
        """Generate the positions of top-level statement `index`; False when
        where it starts or ends cannot be told (then nothing is kept)."""
        starts = self.starts()
        if starts is None:
            return False
        computed: dict[int, Range] = {}
        state = _State(self.module, computed, starts[index])
        self.module.body[index]._codegen(state)
        if state.column != 0 or state.line != starts[index + 1]:
            return False
        self.computed.update(computed)
        self._done.add(index)
        return True

    def _everything(self) -> None:
        """Every node's position, in one pass over the module (libcst's way)."""
        computed: dict[int, Range] = {}
        self.module._codegen(_State(self.module, computed, 1))
        self.computed = computed
        self._whole = True

    def starts(self) -> list[int] | None:
        """The line where the code of each top-level statement starts (its
        leading blank and comment lines included), and, last, the line after
        the last statement's code; None when the module's statements do not
        match Python's reading of it."""
        if self._starts is None:
            self._starts = _starts(self.module, self.source, self.python_tree) or []
        return self._starts or None


def _owners(module: cst.Module) -> dict[int, int]:
    """The index of the top-level statement each node is in, by the node's id.
    Every node of the module passes here: a loop over a stack, reading the
    fields `children` reads, spares a call and a list per node (and has no
    recursion limit)."""
    owner: dict[int, int] = {}
    for index, stmt in enumerate(module.body):
        pending = [stmt]
        pop, push = pending.pop, pending.append
        while pending:
            node = pop()
            owner[id(node)] = index
            for name in child_fields(type(node)):
                value = getattr(node, name, None)
                if type(value) in (tuple, list):
                    for item in value:
                        if is_node(item):
                            push(item)
                elif is_node(value):
                    push(value)
    return owner


def _starts(module: cst.Module, source: str, python_tree: ast.Module | None) -> list[int] | None:
    try:
        body = (python_tree or ast.parse(source)).body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    starts: list[int] = []
    at = 0
    for stmt in module.body:
        if at >= len(body):
            return None
        first = body[at]
        line = first.lineno
        decorators = getattr(stmt, "decorators", ())
        if decorators:
            ast_decorators = getattr(first, "decorator_list", [])
            if not ast_decorators:
                return None
            line = min(d.lineno for d in ast_decorators[:1])
            line -= len(decorators[0].leading_lines)
        starts.append(line - len(stmt.leading_lines))
        at += len(stmt.body) if isinstance(stmt, cst.SimpleStatementLine) else 1
    if at != len(body):
        return None
    # After the last statement: the module's trailing blank and comment lines
    # (its footer) are not the statement's; a missing final newline is counted.
    lines = len(_NEWLINE.findall(source)) + (0 if module.has_trailing_newline else 1)
    starts.append(lines + 1 - len(module.footer))
    return starts
