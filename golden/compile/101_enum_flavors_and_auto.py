# Pins: enum declarations — the flavor (Enum, IntEnum, StrEnum, Flag, IntFlag) after a str, int or float mixin when the class has one, members in order with their aliases, and the values `auto()` gives in each flavor, computed from the source.
import enum

from rappel import Workflow, action, workflow


class Phase(enum.Enum):
    PLAN = enum.auto()
    BUILD = enum.auto()
    SHIP = 10
    AFTER = enum.auto()


class Right(enum.Flag):
    READ = enum.auto()
    WRITE = enum.auto()
    ADMIN = enum.auto()


class Priority(enum.IntEnum):
    LOW = enum.auto()
    HIGH = enum.auto()


class Channel(enum.StrEnum):
    EMAIL = enum.auto()
    SMS = enum.auto()
    TEXT = "sms"  # an alias of SMS


class Region(str, enum.Enum):
    EU = "eu"
    US = "us"


class Weight(float, enum.Enum):
    LIGHT = 0.5
    HEAVY = 2.0


class Port(enum.IntFlag):
    HTTP = 1
    HTTPS = 2


@action
async def notify(channel: Channel, priority: Priority) -> Right:
    return Right.READ


@workflow
class NotifyWorkflow(Workflow):
    async def run(self, channel: str) -> list:
        right = await notify(Channel(channel), Priority.HIGH)
        return [right is Right.READ, Phase.AFTER.value, Region.EU, Weight.HEAVY.value, Port.HTTPS.name]
