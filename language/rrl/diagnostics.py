"""Diagnostics in the rustc shape, shared by the parser, the checker and the
Python frontend.

Codes are stable and listed in docs/errors.md:

    RPL00xx  RRL syntax (parser)
    RPL01xx  non-deterministic Python in a workflow (frontend)
    RPL02xx  Python the frontend cannot translate faithfully (frontend)
    RPL03xx  RRL semantic errors (checker)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from .ast import Span

# The parser's codes → what each reports (the checker's are `rrl.check.CODES`).
SYNTAX_CODES: dict[str, str] = {
    "RPL0001": "unexpected token",
    "RPL0002": "unexpected character",
    "RPL0003": "a construct RRL does not accept",
    "RPL0004": "a dedent to no open block",
    "RPL0005": "nested too deeply",
    "RPL0010": "a keyword used as a name",
    "RPL0011": "a class declaration's body does not fit its kind",
}


@dataclass(frozen=True)
class Diagnostic:
    code: str
    message: str
    span: Span | None = None
    help: str | None = None
    path: str | None = None
    severity: str = "error"
    # The text of `path` when it is not the file being compiled (a helper of another
    # module): what `render` quotes instead of the source it is given.
    source: str | None = field(default=None, compare=False, repr=False)

    def sort_key(self) -> tuple:
        span = self.span or Span(0, 0, 0, 0)
        return (self.path or "", span.line, span.column, self.code, self.message)

    def with_path(self, path: str) -> "Diagnostic":
        return Diagnostic(self.code, self.message, self.span, self.help, path, self.severity, self.source)


class DiagnosticError(Exception):
    """Raised by a phase that found errors; carries every one of them."""

    def __init__(self, diagnostics: Iterable[Diagnostic], source: str | None = None):
        self.diagnostics = sorted(diagnostics, key=Diagnostic.sort_key)
        self.source = source
        super().__init__(render_all(self.diagnostics, source))


def render(diag: Diagnostic, source: str | None = None) -> str:
    """Render one diagnostic as text:

        error[RPL0101]: datetime.now() is not deterministic ...
          --> app/workflows.py:14:14
           |
        14 |         at = datetime.now().isoformat()
           |              ^^^^^^^^^^^^^^
           = help: move it into an @action and await that action
    """
    lines = [f"{diag.severity}[{diag.code}]: {diag.message}"]
    span = diag.span
    source = diag.source if diag.source is not None else source
    source_lines = source.splitlines() if source is not None else []
    gutter = len(str(span.line)) if span else 1
    pad = " " * gutter
    if span is not None:
        lines.append(f"{pad}--> {diag.path or '<input>'}:{span.line}:{span.column}")
        if 0 < span.line <= len(source_lines):
            text = source_lines[span.line - 1].rstrip()
            end = span.end_column if span.end_line == span.line else len(text) + 1
            width = max(1, min(end, len(text) + 1) - span.column)
            lines.append(f"{pad} |")
            lines.append(f"{span.line} | {text}")
            lines.append(f"{pad} | {' ' * (span.column - 1)}{'^' * width}")
    elif diag.path:
        lines.append(f"{pad}--> {diag.path}")
    if diag.help:
        lines.append(f"{pad} = help: {diag.help}")
    return "\n".join(lines)


def render_all(diagnostics: Iterable[Diagnostic], source: str | None = None) -> str:
    diagnostics = list(diagnostics)
    text = "\n\n".join(render(d, source) for d in diagnostics)
    errors = sum(1 for d in diagnostics if d.severity == "error")
    if errors > 1:
        text += f"\n\nerror: aborting due to {errors} previous errors"
    return text
