# Pins: which classes a program declares — those the workflow names in a signature, an except, a retry list, isinstance or a construction, and in turn their bases and the classes their fields name (an enum, a nested model, a frozen dataclass), each once, under one name; exceptions retried or caught only are declared with their bases.
import enum
from dataclasses import dataclass

from pydantic import BaseModel

from rappel import RetryPolicy, Workflow, action, workflow


class Currency(enum.Enum):
    EUR = "EUR"
    USD = "USD"


@dataclass(frozen=True)
class Money:
    cents: int
    currency: Currency = Currency.EUR


class Customer(BaseModel):
    class Address(BaseModel):
        city: str
        country: str = "FR"

    id: str
    address: "Customer.Address"
    credit: Money


class BillingError(Exception):
    pass


class Transient(BillingError):
    pass


class Declined(BillingError, ValueError):
    pass


@action
async def load_customer(customer_id: str) -> Customer:
    return Customer(id=customer_id, address=Customer.Address(city="Lyon"), credit=Money(0))


@action
async def charge(customer: Customer, amount: Money) -> str:
    return "ok"


@workflow
class BillingWorkflow(Workflow):
    async def run(self, customer_id: str, cents: int) -> str:
        customer = await load_customer(customer_id)
        try:
            return await self.run_action(charge(customer, Money(cents)), retry=RetryPolicy(attempts=3, exceptions=(Transient,)))
        except Declined as e:
            return f"declined in {customer.address.city}: {e}"
