"""Exceptions raised by the rappel SDK."""

from __future__ import annotations

from typing import Any, Sequence

# The engine's own exceptions: every RRL program knows them, so they live with the language.
from rrl.engine import RappelError, RappelTimeout


class CodecError(RappelError):
    """A value cannot cross a process boundary: the value codec cannot encode it
    (a plain object, a function, a connection), or cannot rebuild what it decoded.
    See "Values and the codec" in docs/language.md."""


class ConfigError(RappelError):
    """A `RAPPEL_*` setting (environment or `.env`) has a value rappel cannot use;
    the message names the variable, the value, where it came from and what is
    expected."""


class WorkflowCompileError(RappelError):
    """A workflow's run() could not be compiled to RRL.

    `str(error)` is the rendered diagnostics (file:line:col, the source line, a caret
    and a hint), so an uncaught error reads like a compiler message.
    """

    def __init__(self, rendered: str, diagnostics: Sequence[Any] = ()) -> None:
        super().__init__(rendered)
        self.rendered = rendered
        self.diagnostics = list(diagnostics)

    def __str__(self) -> str:
        return self.rendered


# Values name their classes by `module:qualname` (docs/language.md, "Values and the
# codec"): the public module is the stable name, whatever the file layout.
for _public in (CodecError, ConfigError, WorkflowCompileError):
    _public.__module__ = "rappel"
