# Runs: awaits where everyday Python puts them, evaluated in Python's order — a for loop over an await (and over enumerate() of one), `(await f()).field`, an await as an argument and in f-strings next to `queue.pop(0)` (popped before and after the await), an operand that raises before a later await (which never runs), `return await`, and an await at the end of a chained comparison (awaited only when the first comparison holds).
from pydantic import BaseModel

from rappel import Workflow, action, workflow

INPUT = {"customer": "ada", "codes": ["x1", "y22", "z333"], "count_text": "many"}
EXPECTS = "result"


class Order(BaseModel):
    id: str
    cents: int


@action
async def load_orders(customer: str) -> list[Order]:
    return [Order(id=f"{customer}-1", cents=1250), Order(id=f"{customer}-2", cents=990)]


@action
async def latest_order(customer: str) -> Order:
    return Order(id=f"{customer}-9", cents=4200)


@action
async def shout(text: str) -> str:
    return text.upper()


@action
async def count_of(text: str) -> int:
    return len(text)


@action
async def limit_for(customer: str) -> int:
    return 3


@workflow
class OrderDigestWorkflow(Workflow):
    async def run(self, customer: str, codes: list[str], count_text: str) -> dict:
        ids = []
        for order in await load_orders(customer):
            ids.append(order.id)
        ranked = []
        for rank, order in enumerate(await load_orders(customer), start=1):
            ranked.append(f"{rank}:{order.cents}")
        latest = (await latest_order(customer)).id
        queue = list(codes)
        # Python pops "x1", then pops "y22" and awaits shout("y22"), then reads queue[0].
        line = f"{queue.pop(0)} {await shout(queue.pop(0))} {queue[0]}"
        sizes = [len(queue), await count_of(queue[0]), max(await count_of(customer), len(ids))]
        try:
            # int("many") raises before count_of() would be awaited: it never runs.
            parsed = int(count_text) + await count_of(count_text)
        except ValueError:
            parsed = -1
        within = [0 < n < await limit_for(customer) for n in [1, 0, 5]]
        return {
            "ids": ids,
            "ranked": ranked,
            "latest": latest,
            "line": line,
            "sizes": sizes,
            "parsed": parsed,
            "within": within,
            "loud": await shout(f"{customer}: {await count_of(line)}"),
        }
