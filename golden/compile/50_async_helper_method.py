# Pins: an async helper method on the workflow class that awaits actions and returns a value, called several times from run() (including in a loop).
from rappel import Workflow, action, workflow


@action
async def fetch_repo_stars(repo: str) -> int:
    return 100


@action
async def fetch_repo_issues(repo: str) -> int:
    return 7


@workflow
class RepoHealthWorkflow(Workflow):
    async def run(self, repos: list[str]) -> dict[str, float]:
        scores: dict[str, float] = {}
        for repo in repos:
            scores[repo] = await self.health_score(repo)
        baseline = await self.health_score("rappel/rappel")
        scores["baseline"] = baseline
        return scores

    async def health_score(self, repo: str) -> float:
        stars = await fetch_repo_stars(repo)
        issues = await fetch_repo_issues(repo)
        if stars == 0:
            return 0.0
        return round(stars / (issues + 1), 2)
