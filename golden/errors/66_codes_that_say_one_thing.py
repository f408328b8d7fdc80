# Rejects: what issue 10's audit gave codes of their own, each with what to do — changing a module-level list (RPL0237), catching a model (RPL0238), a helper function passed as `key=` (RPL0239), `asyncio.sleep()` with a `result` (RPL0206), and a misspelt helper method, which suggests the method spelled most like it (RPL0222).
import asyncio

from pydantic import BaseModel

from rappel import Workflow, action, workflow

SEEN: list[str] = []


class Receipt(BaseModel):
    total: int


def size(name: str) -> int:
    return len(name.strip())


@action
async def charge(amount: int) -> Receipt:
    return Receipt(total=amount)


@workflow
class RememberWorkflow(Workflow):
    async def run(self, name: str) -> int:
        SEEN.append(name)
        return len(SEEN)


@workflow
class CatchModelWorkflow(Workflow):
    async def run(self, amount: int) -> int:
        try:
            receipt = await charge(amount)
        except Receipt:
            return 0
        return receipt.total


@workflow
class HelperAsKeyWorkflow(Workflow):
    async def run(self, names: list[str]) -> list[str]:
        return sorted(names, key=size)


@workflow
class SleepResultWorkflow(Workflow):
    async def run(self, name: str) -> str:
        return await asyncio.sleep(1, name)


@workflow
class MisspeltMethodWorkflow(Workflow):
    async def run(self, amount: int) -> int:
        return self.dubble(amount)

    def double(self, amount: int) -> int:
        return amount * 2
