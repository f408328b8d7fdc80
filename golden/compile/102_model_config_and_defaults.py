# Pins: model and dataclass declarations — frozen by `ConfigDict(frozen=True)`, a class keyword or `@dataclass(frozen=True)`, inherited config and fields (base classes' first, a field declared again keeps its place), private attributes and ClassVars left out, defaults that are literals, arithmetic, module constants written in, enum members, Field(default=...), Field(default_factory=list) and `...` (required); a default computed by a call is left out when the workflow passes the field.
import enum
import uuid
from dataclasses import dataclass, field
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from rappel import Workflow, action, workflow

MINUTE = 60
LIMITS = {"soft": 10, "hard": 20}


class Level(enum.IntEnum):
    INFO = 1
    WARN = 2


class Base(BaseModel):
    model_config = ConfigDict(frozen=True)
    id: str = Field(default_factory=lambda: uuid.uuid4().hex)
    level: Level = Level.INFO


class Alert(Base):
    MAX: ClassVar[int] = 5
    _seen: int = PrivateAttr(default=0)
    title: str = Field(...)
    level: Level = Level.WARN
    every: int = 5 * MINUTE
    limits: dict[str, int] = LIMITS
    tags: list[str] = Field(default_factory=list)
    note: str = Field(default="")


class Tag(BaseModel, frozen=True):
    name: str


@dataclass(frozen=True)
class Window:
    start: int
    end: int = 24 * MINUTE
    hosts: list[str] = field(default_factory=list)


@action
async def new_id() -> str:
    return "a-1"


@action
async def send(alert: Alert, window: Window) -> None:
    return None


@workflow
class AlertWorkflow(Workflow):
    async def run(self, title: str) -> list:
        alert_id = await new_id()
        alert = Alert(id=alert_id, title=title)
        await send(alert, Window(0))
        return [alert.every, alert.limits["soft"], Tag(name=title)]
