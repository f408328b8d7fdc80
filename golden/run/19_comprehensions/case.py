# Runs: list/dict comprehensions with filters and nested fors, and generator expressions inside sum/any/all/min/max over action results.
from rappel import Workflow, action, workflow

INPUT = {"teams": ["red", "blue", "green"]}
EXPECTS = "result"

ROSTERS = {
    "red": [("ann", 31), ("bob", 24), ("cat", 45)],
    "blue": [("dan", 19), ("eve", 52)],
    "green": [],
}


@action
async def roster(team: str) -> list[list]:
    return [[name, age] for name, age in ROSTERS[team]]


@workflow
class RosterStatsWorkflow(Workflow):
    async def run(self, teams: list[str]) -> dict:
        members: dict[str, list[list]] = {}
        for team in teams:
            members[team] = await roster(team)
        everyone = [m for team in teams for m in members[team]]
        seniors = [name for name, age in everyone if age >= 30]
        by_team = {team: [m[0] for m in ms] for team, ms in members.items() if ms}
        sizes = {team: len(ms) for team, ms in members.items()}
        pairs = [f"{a[0]}+{b[0]}" for a in everyone for b in everyone if a[0] < b[0] if a[1] + b[1] > 70]
        return {
            "seniors": seniors,
            "by_team": by_team,
            "sizes": sizes,
            "pairs": pairs,
            "total_age": sum(m[1] for m in everyone),
            "any_teen": any(m[1] < 20 for m in everyone),
            "all_adults": all(m[1] >= 18 for m in everyone),
            "youngest": min(m[1] for m in everyone),
            "oldest_name": max(everyone, key=lambda m: m[1])[0],
            "empty_max": max((m[1] for m in members["green"]), default=-1),
        }
