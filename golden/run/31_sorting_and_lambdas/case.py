# Runs: sorted/min/max with key=lambda (attribute, index and tuple keys), reverse=True, reversed(), slicing and enumerate(start=1) over action results.
from pydantic import BaseModel

from rappel import Workflow, action, workflow

INPUT = {"league": "north"}
EXPECTS = "result"


class Team(BaseModel):
    name: str
    points: int
    goal_diff: int


@action
async def standings(league: str) -> list[Team]:
    return [
        Team(name="Otters", points=21, goal_diff=5),
        Team(name="Badgers", points=24, goal_diff=-2),
        Team(name="Herons", points=21, goal_diff=9),
        Team(name="Voles", points=9, goal_diff=-12),
    ]


@workflow
class TableWorkflow(Workflow):
    async def run(self, league: str) -> dict[str, list[str]]:
        teams = await standings(league)
        table = sorted(teams, key=lambda t: (t.points, t.goal_diff), reverse=True)
        ranked = [f"{i}. {t.name} ({t.points})" for i, t in enumerate(table, start=1)]
        alphabetical = sorted([t.name for t in teams])
        by_diff = [t.name for t in sorted(teams, key=lambda t: -t.goal_diff)]
        best_defence = max(teams, key=lambda t: t.goal_diff).name
        worst = min(teams, key=lambda t: t.points).name
        bottom_up = [t.name for t in reversed(table)]
        return {
            "ranked": ranked,
            "alphabetical": alphabetical,
            "by_diff": by_diff,
            "podium": [t.name for t in table[:3]],
            "extremes": [best_defence, worst],
            "bottom_up": bottom_up[:2],
        }
