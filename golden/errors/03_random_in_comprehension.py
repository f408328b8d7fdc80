# Rejects: random.choice() — inside the element of a list comprehension that feeds a gather fan-out.
import asyncio
import random

from rappel import Workflow, action, workflow


@action
async def assign_reviewer(pull_request: int, reviewer: str) -> bool:
    return True


@workflow
class ReviewerLotteryWorkflow(Workflow):
    async def run(self, pull_requests: list[int], reviewers: list[str]) -> list[bool]:
        return await asyncio.gather(*[
            assign_reviewer(pr, random.choice(reviewers)) for pr in pull_requests
        ])
