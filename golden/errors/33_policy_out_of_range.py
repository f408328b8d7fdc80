# Rejects: policy values out of range, by the one rule `run_action` applies at run time too — a timeout of 0 (a literal, a constant, a timedelta), a negative timeout, a backoff multiplier below 1 and no attempt at all; a small positive timeout compiles.
from datetime import timedelta

from rappel import BackoffPolicy, RetryPolicy, Workflow, action, workflow

NO_TIME = 0


@action
async def ping(host: str) -> bool:
    return True


@workflow
class PingWorkflow(Workflow):
    async def run(self, host: str) -> list[bool]:
        first = await self.run_action(ping(host), timeout=0)
        second = await self.run_action(ping(host), timeout=NO_TIME)
        third = await self.run_action(ping(host), timeout=timedelta(seconds=0))
        fourth = await self.run_action(ping(host), timeout=-5)
        fifth = await self.run_action(ping(host), backoff=BackoffPolicy(multiplier=0.5))
        sixth = await self.run_action(ping(host), retry=RetryPolicy(attempts=0))
        fine = await self.run_action(ping(host), timeout=0.05)
        return [first, second, third, fourth, fifth, sixth, fine]
