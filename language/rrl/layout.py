"""What the AST does not hold about a source file: its comments, its blank
lines and the tokens of its literals as written. `rappel fmt` prints a
program with its `Layout` (`format_source`); every other printing is
canonical and layout-free.

The scan is a lexer's view of each line: a `#` outside a string starts a
comment, brackets nest, strings end on their line. It finds:

- comments, each with its position and whether it is alone on its line;
- blank lines (nothing but whitespace);
- code lines (a line holding a token), the lines that hold only a `pass`
  statement (which the AST drops), and the lines whose code ends with a `:`
  outside brackets: the ends of block headers.

Comments are handed out once each (`take_*`): the printer takes every
comment where it prints it, and whatever is left at the end of the file is
printed there, so no comment is ever lost.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass

from . import ast as A
from .limits import deep_stack
from .strings import decode_string

Position = tuple[int, int]  # (line, column), 1-based, as in spans


@dataclass(frozen=True)
class Comment:
    line: int
    column: int
    text: str  # from the `#` to the end of the line, trailing whitespace removed
    own_line: bool  # nothing but whitespace before it on its line

    @property
    def position(self) -> Position:
        return (self.line, self.column)


class Layout:
    def __init__(self, text: str):
        self.lines = text.split("\n")
        self.comments: list[Comment] = []
        self.blank: set[int] = set()
        self.code_lines: list[int] = []
        self.pass_lines: list[int] = []
        self.header_ends: list[int] = []
        self._scan()
        self._taken = [False] * len(self.comments)

    def _scan(self) -> None:
        depth = 0
        for number, line in enumerate(self.lines, 1):
            depth_at_start, code, last, i = depth, [], None, 0
            while i < len(line):
                char = line[i]
                if char == "#":
                    self.comments.append(Comment(number, i + 1, line[i:].rstrip(), own_line=not code))
                    break
                if char in "\"'":
                    i = _string_end(line, i)
                    code.append(char)
                    last = (char, depth)
                    continue
                if char in "([{":
                    depth += 1
                elif char in ")]}":
                    depth = max(depth - 1, 0)
                if not char.isspace():
                    code.append(char)
                    last = (char, depth)
                i += 1
            if not line.strip():
                self.blank.add(number)
            elif not code:
                continue
            elif depth_at_start == 0 and "".join(code) == "pass":
                self.pass_lines.append(number)
            else:
                self.code_lines.append(number)
                if last == (":", 0):
                    self.header_ends.append(number)

    # ------------------------------------------------------------- tokens

    def token(self, node: A.Constant | A.FString) -> str | None:
        """The literal as written, when `node` is the literal at its span."""
        span = node.span
        if span is None or span.line != span.end_line or not 0 < span.line <= len(self.lines):
            return None
        text = self.lines[span.line - 1][span.column - 1 : span.end_column - 1]
        if isinstance(node, A.FString):
            return text if text[:2] in ('f"', "f'") and text[-1] == text[1] else None
        value = node.value
        if isinstance(value, str):
            if len(text) < 2 or text[0] not in "\"'" or text[-1] != text[0]:
                return None
            try:
                return text if decode_string(text[1:-1]) == value else None
            except ValueError:
                return None
        if type(value) is int:
            return text if text.isdigit() and int(text) == value else None
        if type(value) is float:
            try:
                return text if text[:1] in ".0123456789" and float(text) == value else None
            except ValueError:
                return None
        return None

    # ------------------------------------------------------------- lines

    def blank_before(self, line: int) -> bool:
        return line - 1 in self.blank

    def next_code_line(self, line: int) -> float:
        """The first line after `line` that holds code (a lone `pass` is not code)."""
        index = bisect.bisect_right(self.code_lines, line)
        return self.code_lines[index] if index < len(self.code_lines) else math.inf

    def last_code_line(self, span: A.Span) -> int:
        """The last line holding code of the node at `span`. The span of a block
        statement or a declaration runs on to where the next one starts."""
        line = self.lines[span.end_line - 1] if span.end_line <= len(self.lines) else ""
        if line[: span.end_column - 1].strip():
            return span.end_line
        index = bisect.bisect_left(self.code_lines, span.end_line)
        return self.code_lines[index - 1] if index > 0 else span.line

    def first_code_line(self) -> float:
        return self.next_code_line(0)

    def header_end(self, line: int) -> int | None:
        """The line where the block header that starts on `line` ends (its `:`)."""
        index = bisect.bisect_left(self.header_ends, line)
        return self.header_ends[index] if index < len(self.header_ends) else None

    def pass_after(self, line: int) -> int | None:
        """The first `pass` line after `line`: the body of an empty block."""
        index = bisect.bisect_right(self.pass_lines, line)
        return self.pass_lines[index] if index < len(self.pass_lines) else None

    def comma_between(self, start: Position, end: Position) -> bool:
        """Whether the source between two positions holds a `,` outside a comment
        (after the last item of a bracket: a trailing comma)."""
        for number in range(start[0], end[0] + 1):
            line = self.lines[number - 1] if number <= len(self.lines) else ""
            first = start[1] - 1 if number == start[0] else 0
            last = end[1] - 1 if number == end[0] else len(line)
            if "," in line[first:last].split("#", 1)[0]:
                return True
        return False

    # ------------------------------------------------------------- comments

    def any_between(self, start: Position, end: Position) -> bool:
        return any(start < c.position < end for c in self.comments)

    def _take(self, keep) -> list[Comment]:
        taken = []
        for index, comment in enumerate(self.comments):
            if not self._taken[index] and keep(comment):
                self._taken[index] = True
                taken.append(comment)
        return taken

    def take_before(self, line: float) -> list[Comment]:
        """Every comment not yet printed that comes before `line`."""
        return self._take(lambda c: c.line < line)

    def take_between(self, start: Position, end: Position, outside: list[tuple[Position, Position]] = ()) -> list[Comment]:
        """The comments not yet printed between two positions, but not inside
        any of the ranges `outside`."""
        return self._take(lambda c: start < c.position < end and not any(s < c.position < e for s, e in outside))

    def take_trailing(self, line: int | None) -> Comment | None:
        """The comment after the code of `line`, if it is not printed yet."""
        taken = self._take(lambda c: c.line == line and not c.own_line)
        return taken[0] if taken else None

    def take_block_end(self, owner_column: int, last_line: int) -> list[Comment]:
        """The comments after the last statement of a block that belong to it:
        those before the next code, indented deeper than the block's header,
        up to the first one that is not."""
        limit = self.next_code_line(last_line)
        claimed: list[Comment] = []
        for index, comment in enumerate(self.comments):
            if self._taken[index]:
                continue
            if comment.line >= limit or comment.column <= owner_column:
                break
            self._taken[index] = True
            claimed.append(comment)
        return claimed


def _string_end(line: str, start: int) -> int:
    """The index after the string literal that opens at `start`."""
    quote, i = line[start], start + 1
    while i < len(line) and line[i] != quote:
        i += 2 if line[i] == "\\" else 1
    return i + 1


class FormatError(Exception):
    """Formatting would change a program or drop a comment: a bug of the formatter."""


@deep_stack
def format_source(text: str, path: str | None = None) -> str:
    """`text` formatted (`rappel fmt`): the canonical layout, with its comments,
    blank lines and literals kept, `\n` line ends and a final newline. Raises
    `DiagnosticError` if it does not parse."""
    from .parser import parse
    from .printer import print_program

    text = text.replace("\r\n", "\n")
    program = parse(text, path)
    formatted = print_program(program, Layout(text))
    # Layout only: the program reads back the same, and every comment is kept.
    if parse(formatted) != program or sorted(comment_texts(formatted)) != sorted(comment_texts(text)):
        raise FormatError(f"formatting {path or 'the input'} would change its program or its comments; it is left as it is (please report this bug)")
    return formatted


def comment_texts(text: str) -> list[str]:
    return [c.text for c in Layout(text).comments]
