"""The host through which the reference interpreter reaches Python: actions and
(virtual) time. It is the in-process stand-in for what the runtime does with
workers and Postgres. Everything else a program needs, its classes included, it
declares itself: the interpreter imports none of the user's code."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._actions import ActionCall, lookup_action
from ._virtual_time import VirtualClock

if TYPE_CHECKING:
    from rrl.interpreter import Dispatch


class LocalHost:
    """Implements the interpreter's host protocol in-process.

    `clock` records the workflow's durable sleeps (and the interpreter's backoffs),
    which return at once. `classes` are the classes of the program the interpreter
    runs (`rrl.classes.ProgramClasses`): an action's result and exception come back
    as its values. Without them they come back as the user's classes.
    """

    def __init__(self, clock: VirtualClock | None = None, classes: Any = None) -> None:
        self.clock = clock if clock is not None else VirtualClock()
        self.classes = classes

    async def call_action(self, call: Dispatch) -> Any:
        """Run one attempt of the action `call` dispatches (the interpreter
        enforces its timeout).

        The arguments, and the result or the action's exception, cross the value
        codec as they cross Postgres and a worker in production (see
        `ActionCall.attempt`): the action gets the user's classes, the workflow gets
        its own back, and an action that changes its argument in place does not
        change the workflow's value."""
        back = self.classes.resolve if self.classes is not None else None
        return await ActionCall(lookup_action(call.action, call.module), (), call.kwargs, back=back).attempt(call.attempt)

    async def sleep(self, seconds: float) -> None:
        await self.clock.sleep(seconds)
