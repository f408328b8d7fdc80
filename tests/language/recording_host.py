"""A recording in-memory host for the interpreter tests."""

from __future__ import annotations

import builtins


class Timeout(Exception):
    """Stands in for rappel.RappelTimeout: the host maps the name to it."""


Timeout.__name__ = "RappelTimeout"


class RecordingHost:
    """Actions are plain Python callables; sleeps advance a virtual clock."""

    def __init__(self, actions=None, types=None):
        self.actions = actions or {}
        self.types = types or {}
        self.calls: list[tuple[str, dict]] = []
        self.clock = 0.0
        self.sleeps: list[float] = []

    async def call_action(self, call):
        self.calls.append((call.action, call.kwargs))
        return self.actions[call.action](**call.kwargs)

    def construct(self, type_name, args, kwargs):
        if type_name == "RappelTimeout":
            timeout = Timeout(*args)
            timeout.__dict__.update(kwargs)
            return timeout
        return self.types[type_name](*args, **kwargs)

    def exception_matches(self, value, type_name):
        return self.is_instance(value, type_name)

    def is_instance(self, value, type_name):
        if type_name == "RappelTimeout":
            return isinstance(value, Timeout)
        cls = getattr(builtins, type_name, None) or self.types.get(type_name)
        return cls is not None and isinstance(value, cls)

    def enum_member(self, type_name, member):
        return self.types[type_name][member]

    async def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.clock += seconds
