"""A recording in-memory host for the interpreter tests."""

from __future__ import annotations

from rrl.classes import RappelTimeout as Timeout  # what the runtime raises when an attempt times out


class RecordingHost:
    """Actions are plain Python callables; sleeps advance a virtual clock."""

    def __init__(self, actions=None):
        self.actions = actions or {}
        self.calls: list[tuple[str, dict]] = []
        self.clock = 0.0
        self.sleeps: list[float] = []

    async def call_action(self, call):
        self.calls.append((call.action, call.kwargs))
        return self.actions[call.action](**call.kwargs)

    async def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.clock += seconds
