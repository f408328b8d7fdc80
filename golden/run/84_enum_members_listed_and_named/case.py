# Runs: iterating over an enum class (a for loop, a comprehension, list(), len(), enumerate(), sorted() by value; a Flag's members of one bit) gives its members in order without aliases, `Status.__members__` maps every name (aliases too) to its member, and `Status[name]` finds a member by name (an alias's name gives the member it aliases; an unknown name raises Python's KeyError).
import enum

from rappel import Workflow, action, workflow

INPUT = {"names": ["DONE", "FINISHED", "LOST"]}
EXPECTS = "result"


class Status(enum.Enum):
    PENDING = "pending"
    DONE = "done"
    FINISHED = "done"  # an alias of DONE
    FAILED = "failed"


class Level(enum.IntEnum):
    LOW = 1
    HIGH = 2


class Right(enum.Flag):
    NONE = 0
    READ = 1
    WRITE = 2
    BOTH = 3
    ADMIN = 4


@action
async def count(status: Status) -> int:
    return len(status.value)


@workflow
class StatusReportWorkflow(Workflow):
    async def run(self, names: list[str]) -> dict:
        totals = {}
        for status in Status:
            totals[status.value] = await count(status)
        found = []
        for name in names:
            try:
                found.append(Status[name])
            except KeyError as e:
                found.append(f"no member {e}")
        return {
            "totals": totals,
            "names": [s.name for s in Status],
            "listed": list(Status),
            "size": len(Status),
            "numbered": [f"{i}:{level.name}" for i, level in enumerate(Level)],
            "by_value": sorted(Level, key=lambda level: -level.value),
            "found": found,
            "alias": Status["FINISHED"] is Status.DONE,
            "rights": [r.name for r in Right],
            "members": [f"{name}={member.value}" for name, member in Status.__members__.items()],
        }
