# Runs: changes in place the sharing check accepts behave as in Python — a nested field of a freshly built model set after its str fields came from parameters, `d[k] = d.get(k, 0)` then `d[k] += n` per key, and appending to the list a loop iterates over right before `break`.
from pydantic import BaseModel

from rappel import Workflow, action, workflow

INPUT = {"name": "ada", "zip_code": "75001", "stop": "b"}
EXPECTS = "result"


class Address(BaseModel):
    street: str = ""
    zip: str = ""


class Customer(BaseModel):
    name: str
    address: Address


@action
async def load_amounts() -> list[list]:
    return [["a", 1], ["b", 2], ["a", 3], ["c", 4]]


@workflow
class PrivateChangesWorkflow(Workflow):
    async def run(self, name: str, zip_code: str, stop: str) -> list:
        customer = Customer(name=name, address=Address())
        customer.address.zip = zip_code
        amounts = await load_amounts()
        totals = {}
        for key, amount in amounts:
            totals[key] = totals.get(key, 0)
            totals[key] += amount
        queue = [key for key in totals]
        seen = []
        for key in queue:
            seen.append(key)
            if key == stop:
                queue.append("stopped")
                break
        return [customer, totals, queue, seen, name]
