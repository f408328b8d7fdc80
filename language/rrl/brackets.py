"""Brackets left open or closed wrongly, named as such (RPL0001).

Inside brackets a line break does not end a statement, so a `(` never closed
takes in the lines after it and the parser stops wherever they stop making
sense, often lines later, at a token that is not the mistake. When the parse
stops inside a bracket that is never closed, or at a closing bracket that
closes no bracket of its kind, the diagnostic names that bracket instead.

The scan reads the text as the lexer does as far as brackets go: a string or
an f-string ends at its quote or at the end of its line, a comment at the end
of its line, and what is inside them is no bracket. runtime-rs reads brackets
the same way (`syntax/brackets.rs`).
"""

from __future__ import annotations

from . import ast as A
from .diagnostics import Diagnostic

OPENING = "([{"
CLOSING = ")]}"
CLOSER_OF = dict(zip(OPENING, CLOSING))
OPENER_OF = dict(zip(CLOSING, OPENING))


def bracket_mistake(text: str, stop: int) -> Diagnostic | None:
    """The bracket mistake that explains a parse stopped at offset `stop` of
    `text` (the start of the unexpected token, or `len(text)` at the end):
    the closing bracket at `stop` that matches no open bracket, or else the
    innermost bracket opened before `stop` and never closed. None when the
    brackets up to the stop are not the problem."""
    open_at: list[int] = []  # the offsets of the brackets open so far, innermost last
    at = 0
    while at < len(text):
        char = text[at]
        if char == "#":
            at = _line_end(text, at)
            continue
        if char in "'\"":
            at = _string_end(text, at)
            continue
        if char in OPENING:
            open_at.append(at)
        elif char in CLOSING:
            if open_at and text[open_at[-1]] == OPENER_OF[char]:
                open_at.pop()
            elif at == stop:
                return _wrong_closer(text, at, open_at[-1] if open_at else None)
            else:  # the parse stopped before it: an earlier mistake
                return None
        at += 1
    opened = next((offset for offset in reversed(open_at) if offset < stop), None)
    return _never_closed(text, opened) if opened is not None else None


def _line_end(text: str, at: int) -> int:
    end = text.find("\n", at)
    return len(text) if end < 0 else end


def _string_end(text: str, at: int) -> int:
    """The offset after the string whose quote is at `at`: after its closing
    quote, or at the end of its line when it is left open."""
    quote = text[at]
    at += 1
    while at < len(text):
        char = text[at]
        if char == "\\" and text[at + 1 : at + 2] not in ("", "\n"):
            at += 2
        elif char == quote:
            return at + 1
        elif char == "\n":
            return at
        else:
            at += 1
    return at


def _position(text: str, offset: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


def _span(text: str, offset: int) -> A.Span:
    line, column = _position(text, offset)
    return A.Span(line, column, line, column + 1)


def _never_closed(text: str, opened: int) -> Diagnostic:
    opener = text[opened]
    line, column = _position(text, opened)
    return Diagnostic(
        "RPL0001", f"`{opener}` opened at {line}:{column} is never closed", _span(text, opened),
        help=f"close it with `{CLOSER_OF[opener]}` where its contents end (inside brackets, the lines that follow are read as part of it)",
    )


def _wrong_closer(text: str, at: int, opened: int | None) -> Diagnostic:
    closer = text[at]
    if opened is None:
        return Diagnostic(
            "RPL0001", f"unmatched `{closer}`: no bracket is open here", _span(text, at),
            help=f"remove it, or add the `{OPENER_OF[closer]}` it is meant to close",
        )
    opener = text[opened]
    line, column = _position(text, opened)
    return Diagnostic(
        "RPL0001", f"`{closer}` does not close `{opener}` opened at {line}:{column}", _span(text, at),
        help=f"close the `{opener}` with `{CLOSER_OF[opener]}` first, or remove this `{closer}`",
    )
