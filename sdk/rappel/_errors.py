"""Exceptions raised by the rappel SDK."""

from __future__ import annotations

from typing import Any, Sequence

# The engine's own exceptions: every RRL program knows them, so they live with the language.
from rrl.engine import ActionNotFound, RappelError, RappelTimeout


class CodecError(RappelError):
    """A value cannot cross a process boundary: the value codec cannot encode it
    (a plain object, a function, a connection), or cannot rebuild what it decoded.
    See "Values and the codec" in docs/language.md."""


class ConfigError(RappelError):
    """A `RAPPEL_*` setting (environment or `.env`) has a value rappel cannot use;
    the message names the variable, the value, where it came from and what is
    expected."""


class WorkflowCancelled(RappelError):
    """The instance was cancelled (`await handle.cancel()`) before it finished: it has
    no result. Raised by `handle.result()`, also to callers that were already waiting.
    `instance_id` and `workflow` name the instance."""

    def __init__(self, workflow: str, instance_id: str) -> None:
        super().__init__(
            f"{workflow} instance {instance_id} was cancelled before it finished, so it has no result; "
            "start a new instance to run the workflow again"
        )
        self.workflow = workflow
        self.instance_id = instance_id

    def __reduce__(self) -> Any:
        return (type(self), (self.workflow, self.instance_id))


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
for _public in (CodecError, ConfigError, WorkflowCancelled, WorkflowCompileError):
    _public.__module__ = "rappel"
