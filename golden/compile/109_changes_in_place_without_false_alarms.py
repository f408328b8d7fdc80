# Pins: what the sharing check (RPL0227) accepts — a nested field of a freshly built model set after its scalar fields came from parameters, `d[k] = d.get(k, 0)` then `d[k] += n` (the place holds what it held), and appending to the list a loop iterates over right before `break`.
from pydantic import BaseModel

from rappel import Workflow, action, workflow


class Address(BaseModel):
    street: str = ""
    zip: str = ""


class Customer(BaseModel):
    name: str
    address: Address


@action
async def load_amounts() -> list[list]:
    return [["a", 1], ["b", 2], ["a", 3]]


@workflow
class CustomerWorkflow(Workflow):
    async def run(self, name: str, zip_code: str) -> Customer:
        customer = Customer(name=name, address=Address())
        customer.address.zip = zip_code
        return customer


@workflow
class TotalsWorkflow(Workflow):
    async def run(self, stop: str) -> list:
        amounts = await load_amounts()
        totals = {}
        for key, amount in amounts:
            totals[key] = totals.get(key, 0)
            totals[key] += amount
        queue = [key for key in totals]
        for key in queue:
            if key == stop:
                queue.append("stopped")
                break
        return [totals, queue]
