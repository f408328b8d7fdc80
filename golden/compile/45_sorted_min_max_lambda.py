# Pins: lambdas as the key= argument of sorted/min/max (attribute, index and tuple keys), reverse=True, and slicing the sorted result.
from pydantic import BaseModel

from rappel import Workflow, action, workflow


class Candidate(BaseModel):
    name: str
    score: float
    years: int


@action
async def fetch_candidates(job_id: str) -> list[Candidate]:
    return [Candidate(name="Lin", score=8.5, years=3), Candidate(name="Ada", score=9.1, years=12)]


@action
async def schedule_interviews(job_id: str, names: list[str]) -> int:
    return len(names)


@workflow
class ShortlistWorkflow(Workflow):
    async def run(self, job_id: str, slots: int) -> dict[str, str]:
        candidates = await fetch_candidates(job_id)
        ranked = sorted(candidates, key=lambda c: c.score, reverse=True)
        by_seniority = sorted(candidates, key=lambda c: (-c.years, c.name))
        pairs = [(c.name, c.score) for c in candidates]
        alphabetical = sorted(pairs, key=lambda p: p[0])
        shortlist = [c.name for c in ranked[:slots]]
        await schedule_interviews(job_id, shortlist)
        if not candidates:
            return {"best": "", "most_senior": "", "first": ""}
        best = max(candidates, key=lambda c: c.score)
        junior = min(candidates, key=lambda c: c.years)
        return {
            "best": best.name,
            "most_senior": by_seniority[0].name,
            "most_junior": junior.name,
            "first": alphabetical[0][0],
            "plain_sorted": ",".join(sorted([c.name for c in candidates])),
        }
