# Runs: models built in the workflow from their declared fields and constant defaults — a literal, an enum member, arithmetic, a module constant, Field(default=...), Field(default_factory=dict), an inherited field (base classes' first) — copied with model_copy(update=...), dumped with model_dump(), changed field by field, used as dict keys when frozen; a field declared `float` given an int holds the int in the workflow and is converted by pydantic's validation where the model crosses into Python (the action's argument, the caller's result).
import enum

from pydantic import BaseModel, ConfigDict, Field

from rappel import Workflow, action, workflow

INPUT = {"name": "nightly", "retries": 2}
EXPECTS = "result"

HOUR = 60 * 60


class Tier(enum.Enum):
    FREE = "free"
    PRO = "pro"


class Base(BaseModel):
    name: str
    tier: Tier = Tier.FREE


class Schedule(Base):
    every: int = HOUR * 24
    window: int = 2 * HOUR
    ratio: float = 0.5
    tags: list[str] = Field(default=["batch"])
    labels: dict[str, str] = Field(default_factory=dict)


class Slot(BaseModel):
    model_config = ConfigDict(frozen=True)
    hour: int
    minute: int = 0


@action
async def register(schedule: Schedule) -> str:
    # pydantic validated the argument: the int ratio is a float here
    return f"{schedule.name}: ratio {schedule.ratio!r} every {schedule.every}s"


@workflow
class ScheduleWorkflow(Workflow):
    async def run(self, name: str, retries: int) -> tuple:
        schedule = Schedule(name=name)
        faster = schedule.model_copy(update={"every": HOUR, "tier": Tier.PRO, "labels": {"owner": "ops"}})
        faster.tags = faster.tags + [f"retries={retries}"]
        faster.window = retries * HOUR
        tuned = Schedule(name=f"{name}-tuned", ratio=retries)
        receipt = await register(tuned)
        slots = {Slot(hour=2): "night", Slot(hour=14, minute=30): "day"}
        dumped = faster.model_dump()
        facts = [
            schedule.every,
            schedule.window,
            schedule.tags,
            schedule.tier is Tier.FREE,
            faster.tier.value,
            schedule == Schedule(name=name),
            faster == schedule,
            slots[Slot(hour=2)],
            dumped["labels"],
            dumped["tier"] is Tier.PRO,
            repr(Slot(hour=1)),
            str(Slot(hour=1, minute=5)),
        ]
        return schedule, faster, tuned, receipt, facts
