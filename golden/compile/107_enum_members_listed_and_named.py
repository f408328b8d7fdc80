# Pins: an enum class where Python iterates over it (`for`, a comprehension, list(), len(), enumerate(), sorted() with a key) lowers to the list of its members in order, aliases left out; `Status[name]` lowers to a lookup in a dict of the members by name (aliases included), and `Status.__members__` to that dict.
import enum

from rappel import Workflow, action, workflow


class Status(enum.Enum):
    PENDING = "pending"
    DONE = "done"
    FINISHED = "done"  # an alias of DONE
    FAILED = "failed"


class Level(enum.IntEnum):
    LOW = 1
    HIGH = 2


@action
async def count(status: Status) -> int:
    return 0


@workflow
class StatusReportWorkflow(Workflow):
    async def run(self, name: str) -> dict:
        totals = {}
        for status in Status:
            totals[status.value] = await count(status)
        chosen = Status[name]
        return {
            "totals": totals,
            "names": [s.name for s in Status],
            "listed": list(Status),
            "size": len(Status),
            "numbered": [f"{i}:{level.name}" for i, level in enumerate(Level)],
            "by_value": sorted(Level, key=lambda level: -level.value),
            "chosen": chosen,
            "alias": Status["FINISHED"] is Status.DONE,
            "members": list(Status.__members__),
        }
