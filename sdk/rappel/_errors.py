"""Exceptions raised by the rappel SDK."""

from __future__ import annotations

from typing import Any, Sequence


class RappelError(Exception):
    """Base class of every error the SDK raises on its own behalf."""


class RappelTimeout(RappelError):
    """An action attempt did not finish within its timeout.

    The runtime raises it synthetically when an attempt's lease expires (the worker
    crashed, or the action simply took too long), so it is retried like any other
    failure. Without a RetryPolicy a timeout is retried without limit.

    Only the message is positional so that the runtime and the reference interpreter
    can rebuild it from its message alone.
    """

    def __init__(
        self,
        message: str = "action timed out",
        *,
        action: str | None = None,
        timeout: float | None = None,
        attempt: int | None = None,
    ) -> None:
        super().__init__(message)
        self.action = action
        self.timeout = timeout
        self.attempt = attempt


class CodecError(RappelError):
    """A value cannot cross a process boundary: the value codec cannot encode it
    (a plain object, a function, a connection), or cannot rebuild what it decoded.
    See "Values and the codec" in docs/language.md."""


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
for _public in (RappelError, RappelTimeout, CodecError, WorkflowCompileError):
    _public.__module__ = "rappel"
