# Rejects (several): random.randint in a while condition, time.time() inside a dict comprehension and print() inside a for-else (the set literal in a helper is accepted since sets became values).
import random
import time

from rappel import Workflow, action, workflow


@action
async def roll(player: str) -> int:
    return 4


@workflow
class DiceGameWorkflow(Workflow):
    async def run(self, players: list[str]) -> dict[str, float]:
        rounds = 0
        while rounds < random.randint(1, 6):
            rounds += 1
        for player in players:
            score = await roll(player)
            if score == 6:
                break
        else:
            print("nobody rolled a six")
        stamps = {p: time.time() for p in players if self.allowed(p)}
        return stamps

    def allowed(self, player: str) -> bool:
        return player not in {"banned", "guest"}
