# Rejects: a class definition inside run().
from rappel import Workflow, action, workflow


@action
async def fetch_score(player: str) -> int:
    return 0


@workflow
class LeaderboardWorkflow(Workflow):
    async def run(self, players: list[str]) -> list[str]:
        class Entry:
            def __init__(self, name: str, score: int):
                self.name = name
                self.score = score

        entries = []
        for player in players:
            score = await fetch_score(player)
            entries.append(Entry(player, score))
        return [e.name for e in sorted(entries, key=lambda e: e.score)]
