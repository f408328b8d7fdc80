# Runs: awaits in the headers of loops and branches — `while await has_more(page)` and `while not await settled(...)` awaited again before every turn (after `continue` too; `else:` runs when the condition ends the loop, not after `break`), `if await ...` / `elif await ...` (an elif's await runs only when the branches before it are false), and a for loop over an await nested in a while loop.
from rappel import Workflow, action, workflow

INPUT = {"pages": 3, "checks": [2, 5, 7]}
EXPECTS = "result"


@action
async def has_more(page: int, pages: int) -> bool:
    return page < pages


@action
async def fetch_page(page: int) -> list[int]:
    return [page * 10 + i for i in range(page + 1)]


@action
async def settled(turn: int, after: int) -> bool:
    return turn >= after


@action
async def is_even(n: int) -> bool:
    return n % 2 == 0


@action
async def is_big(n: int) -> bool:
    return n > 20


@workflow
class PagingWorkflow(Workflow):
    async def run(self, pages: int, checks: list[int]) -> dict:
        page = 0
        seen = []
        while await has_more(page, pages):
            for item in await fetch_page(page):
                if await is_even(item):
                    seen.append(f"even {item}")
                elif await is_big(item):
                    seen.append(f"big {item}")
                else:
                    seen.append(f"odd {item}")
            page += 1
        turns = {}
        for after in checks:
            turn = 0
            while not await settled(turn, after):
                turn += 1
                if turn == 1:
                    continue
                if turn > 5:
                    outcome = "gave up"
                    break
            else:
                outcome = "settled"
            turns[str(after)] = [turn, outcome]
        return {"pages": page, "seen": seen, "turns": turns}
