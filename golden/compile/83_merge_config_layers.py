# Pins: merging configuration — `{**defaults, **team, "region": ...}` dict displays, d.update(other), setdefault() for fallbacks, `[*base, *extra]` list displays, dict.fromkeys() to drop duplicates in order, and model_copy(update={...}) on a pydantic model.
from pydantic import BaseModel

from rappel import Workflow, action, workflow

DEFAULTS = {"region": "eu-west-1", "replicas": 2, "tier": "standard"}
BASE_CHECKS = ["health", "latency"]


class DeployPlan(BaseModel):
    service: str
    settings: dict[str, object]
    checks: list[str]
    approved: bool = False


@action
async def team_overrides(team: str) -> dict[str, object]:
    return {}


@action
async def service_overrides(service: str) -> dict[str, object]:
    return {}


@action
async def deploy(plan: DeployPlan) -> str:
    return "deploy-1"


@workflow
class ConfigMergeWorkflow(Workflow):
    async def run(self, service: str, team: str, extra_checks: list[str]) -> str:
        team_layer = await team_overrides(team)
        merged = {**DEFAULTS, **team_layer, "service": service}
        merged.update(await service_overrides(service))
        merged.setdefault("owner", team)
        checks = list(dict.fromkeys([*BASE_CHECKS, *extra_checks]))
        plan = DeployPlan(service=service, settings=merged, checks=checks)
        approved = plan.model_copy(update={"approved": merged.get("tier") != "critical"})
        return await deploy(approved)
