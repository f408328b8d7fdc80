# Runs: an if/elif/else chain on an action result selecting different actions; each input bucket is covered by one branch per call.
from rappel import Workflow, action, workflow

INPUT = {"scores": [95, 72, 40, 88]}
EXPECTS = "result"


@action
async def grade_details(score: int) -> dict[str, int]:
    return {"score": score, "bonus": 5 if score % 2 == 0 else 0}


@action
async def honors(score: int) -> str:
    return f"honors({score})"


@action
async def passed(score: int) -> str:
    return f"pass({score})"


@action
async def failed(score: int) -> str:
    return f"fail({score})"


@workflow
class GradingWorkflow(Workflow):
    async def run(self, scores: list[int]) -> list[str]:
        outcomes: list[str] = []
        for score in scores:
            details = await grade_details(score)
            final = details["score"] + details["bonus"]
            if final >= 90:
                label = await honors(final)
            elif 60 <= final < 90:
                label = await passed(final)
            else:
                label = await failed(final)
            outcomes.append(label)
        return outcomes
