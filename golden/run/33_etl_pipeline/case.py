# Runs: a small ETL — paginated extract in a while loop, parallel transform via gather over pages, quality filtering with comprehensions, batched load with a sequential loop; returns a summary model.
import asyncio

from pydantic import BaseModel

from rappel import Workflow, action, workflow

INPUT = {"source": "crm", "page_size": 4}
EXPECTS = "result"

RAW = [
    "ana,34,berlin", "bo,,paris", "cy,27,rome", "di,45,oslo", "ed,19,lima",
    "fay,abc,kyiv", "gus,52,bern", "hal,38,", "ivy,29,riga", "jo,61,nice",
]
LOAD_BATCH = 3


class Row(BaseModel):
    name: str
    age: int
    city: str


class EtlSummary(BaseModel):
    source: str
    extracted: int
    loaded: int
    rejected: list[str]
    batches: int


@action
async def extract(source: str, offset: int, limit: int) -> list[str]:
    return RAW[offset:offset + limit]


@action
async def transform(lines: list[str]) -> list[dict]:
    out = []
    for line in lines:
        name, age, city = line.split(",")
        out.append({"name": name, "age": age, "city": city, "ok": age.isdigit() and bool(city)})
    return out


@action
async def load(rows: list[Row]) -> int:
    return len(rows)


@workflow
class EtlWorkflow(Workflow):
    async def run(self, source: str, page_size: int) -> EtlSummary:
        pages: list[list[str]] = []
        offset = 0
        while True:
            page = await extract(source, offset, page_size)
            if not page:
                break
            pages.append(page)
            offset += len(page)
        transformed = await asyncio.gather(*[transform(p) for p in pages])
        records = [r for page in transformed for r in page]
        good = [Row(name=r["name"], age=int(r["age"]), city=r["city"].title()) for r in records if r["ok"]]
        rejected = [r["name"] for r in records if not r["ok"]]
        loaded = 0
        batches = 0
        for start in range(0, len(good), LOAD_BATCH):
            count = await load(good[start:start + LOAD_BATCH])
            loaded += count
            batches += 1
        return EtlSummary(source=source, extracted=offset, loaded=loaded, rejected=rejected, batches=batches)
