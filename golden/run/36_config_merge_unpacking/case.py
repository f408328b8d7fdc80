# Runs: merging configuration layers — `{**defaults, **team, "k": v}`, update() with a dict and keywords, setdefault(), pop(k, default), `[*a, *b]`, dict.fromkeys() to drop duplicates, `first, *rest` / `*init, last` unpacking, zip(*rows), model_copy(update=...) and model_dump().
from pydantic import BaseModel

from rappel import Workflow, action, workflow

INPUT = {"service": "api", "team": "core", "extra_checks": ["latency", "smoke", "health"]}
EXPECTS = "result"

DEFAULTS = {"region": "eu-west-1", "replicas": 2, "tier": "standard", "mode": "rolling"}
BASE_CHECKS = ["health", "latency"]


class Plan(BaseModel):
    service: str
    settings: dict
    checks: list[str]
    approved: bool = False


@action
async def team_layer(team: str) -> dict:
    return {"replicas": 3, "owner": "core-oncall"}


@action
async def service_layer(service: str) -> dict:
    return {"tier": "critical", "mode": "blue-green"}


@action
async def version_history(service: str) -> list[str]:
    return ["v1", "v2", "v3"]


@workflow
class ConfigMergeWorkflow(Workflow):
    async def run(self, service: str, team: str, extra_checks: list[str]) -> dict:
        merged = {**DEFAULTS, **await team_layer(team), "service": service}
        merged.update(await service_layer(service), canary=True)
        merged.setdefault("owner", team)
        merged.setdefault("budget", 100)
        mode = merged.pop("mode", "rolling")
        absent = merged.pop("nothing", None)
        checks = list(dict.fromkeys([*BASE_CHECKS, *extra_checks]))
        first_check, *other_checks = checks
        *older, latest = await version_history(service)
        plan = Plan(service=service, settings=merged, checks=checks)
        approved = plan.model_copy(update={"approved": merged["tier"] != "critical"})
        dumped = approved.model_dump()
        dumped["checks"].append("post-deploy")
        table = [["a", 1], ["b", 2], ["c", 3]]
        names, numbers = zip(*table)
        return {
            "merged": merged,
            "mode": mode,
            "absent": absent,
            "first": first_check,
            "others": other_checks,
            "older": older,
            "latest": latest,
            "approved": approved,
            "dumped_checks": dumped["checks"],
            "plan_checks": plan.checks,
            "columns": [list(names), list(numbers)],
        }
