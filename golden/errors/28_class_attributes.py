# Rejects: attributes of classes that are not class constants or enum members — a pydantic field, a method, a property, a dataclass field without a default, a private name, an unknown enum member.
import enum
from dataclasses import dataclass

from pydantic import BaseModel

from rappel import Workflow, action, workflow


class Tier(enum.Enum):
    FREE = "free"
    PRO = "pro"


class Plan(BaseModel):
    name: str
    seats: int = 5


@dataclass
class Quota:
    limit: int
    _internal: int = 0

    @property
    def doubled(self) -> int:
        return self.limit * 2

    def remaining(self, used: int) -> int:
        return self.limit - used


@action
async def seats_used(account: str) -> int:
    return 3


@workflow
class QuotaWorkflow(Workflow):
    async def run(self, account: str) -> dict:
        used = await seats_used(account)
        report = {"seats": Plan.seats}
        report["limit"] = Quota.limit
        report["doubled"] = Quota.doubled
        for tier in ["free", "pro"]:
            report[tier] = Quota.remaining
        report["private"] = Quota._internal
        report["enterprise"] = f"{Tier.ENTERPRISE}"
        return report
