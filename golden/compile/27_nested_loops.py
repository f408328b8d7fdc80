# Pins: nested for loops with an action in the inner body, a break that leaves only the inner loop, and a dict-of-lists accumulator.
from rappel import Workflow, action, workflow


@action
async def list_repositories(org: str) -> list[str]:
    return [f"{org}/api", f"{org}/web"]


@action
async def scan_repository(repo: str, rule: str) -> int:
    return 0


@workflow
class SecurityScanWorkflow(Workflow):
    async def run(self, orgs: list[str], rules: list[str]) -> dict[str, list[str]]:
        findings: dict[str, list[str]] = {}
        for org in orgs:
            repos = await list_repositories(org)
            flagged: list[str] = []
            for repo in repos:
                for rule in rules:
                    hits = await scan_repository(repo, rule)
                    if hits > 0:
                        flagged.append(f"{repo}:{rule}")
                        break
            findings[org] = flagged
        return findings
