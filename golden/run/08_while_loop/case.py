# Runs: cursor pagination with a while loop whose condition depends on action results, plus a while True with break/continue.
from rappel import Workflow, action, workflow

INPUT = {"total": 23, "page_size": 5}
EXPECTS = "result"


@action
async def fetch_page(offset: int, limit: int, total: int) -> dict[str, list[int]]:
    items = list(range(offset, min(offset + limit, total)))
    has_more = offset + limit < total
    return {"items": items, "next": [offset + limit] if has_more else []}


@action
async def is_prime(n: int) -> bool:
    if n < 2:
        return False
    return all(n % d for d in range(2, int(n ** 0.5) + 1))


@workflow
class PaginateWorkflow(Workflow):
    async def run(self, total: int, page_size: int) -> dict[str, int]:
        collected: list[int] = []
        page = await fetch_page(0, page_size, total)
        collected.extend(page["items"])
        pages = 1
        while page["next"]:
            page = await fetch_page(page["next"][0], page_size, total)
            collected.extend(page["items"])
            pages += 1
        index = 0
        primes = 0
        while True:
            if index >= len(collected):
                break
            candidate = collected[index]
            index += 1
            if candidate % 2 == 0 and candidate != 2:
                continue
            prime = await is_prime(candidate)
            if prime:
                primes += 1
        return {"items": len(collected), "pages": pages, "primes": primes, "last": collected[-1]}
