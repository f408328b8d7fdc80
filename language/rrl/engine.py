"""The engine's own exceptions, `RappelError`, `RappelTimeout` and `ActionNotFound`: every program
knows them (`rappel:RappelTimeout` is what a timed-out attempt raises), and the
SDK exports these same classes. Kept apart from `rrl.classes` so that
`import rappel` does not load the RRL AST.
"""

from __future__ import annotations


class RappelError(Exception):
    """Base class of every error Rappel raises on its own behalf."""


class RappelTimeout(RappelError):
    """An action attempt did not finish within its timeout.

    The runtime raises it when an attempt outlives its timeout (or its lease:
    the worker crashed), so it is retried like any other failure. Without a
    retry policy a timeout is retried without limit.

    Only the message is positional, so that a runtime rebuilds it from its
    message alone; `action`, `timeout` and `attempt` say which attempt it was.
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


class ActionNotFound(RappelError):
    """No worker can run the action an attempt was sent to: its module does not
    define it, or cannot be imported where the worker runs. A deployment error, so
    retrying cannot help: an attempt that fails with it is never retried, whatever
    the call's retry policy (docs/operations.md, "Bad input")."""


# Values name their classes by `module:qualname`: the public module is the stable name.
for _engine in (RappelError, RappelTimeout, ActionNotFound):
    _engine.__module__ = "rappel"
ENGINE_EXCEPTIONS: dict[str, type[BaseException]] = {
    f"rappel:{cls.__qualname__}": cls for cls in (RappelError, RappelTimeout, ActionNotFound)
}
