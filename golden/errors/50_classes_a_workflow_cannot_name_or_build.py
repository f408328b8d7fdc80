# Rejects: classes a program cannot declare or a workflow cannot build — a plain class in isinstance(), an enum whose member's value is no constant, an exception whose __init__ or __str__ would run when the workflow raises it (in run(), a helper and a bare `raise Class`), and a dataclass whose default is computed and left out.
import enum
import time
from dataclasses import dataclass, field

from rappel import Workflow, action, workflow


class Connection:
    pass


class Started(enum.Enum):
    AT = time.time()


class QuotaExceeded(Exception):
    def __init__(self, used: int):
        super().__init__(f"quota used: {used}")
        self.used = used


class Loud(RuntimeError):
    def __str__(self) -> str:
        return "LOUD"


class Louder(Loud):
    pass


@dataclass
class Stamp:
    label: str
    at: float = field(default_factory=time.time)


@action
async def usage(account: str) -> int:
    return 3


@workflow
class QuotaWorkflow(Workflow):
    async def run(self, account: str, value: int) -> list:
        used = await usage(account)
        if isinstance(value, Connection):
            return []
        if used > 2:
            raise QuotaExceeded(used)
        if used < 0:
            self.fail()
        return [Started.AT, Stamp(label=account)]

    def fail(self) -> None:
        raise Louder
