# Rejects: building models and dataclasses whose class runs code when an instance is built — default factories that draw ids, times or random numbers, __post_init__, validators, an __init__ override, a default computed by a call — in run(), a helper, a loop and a comprehension.
import random
import time
from dataclasses import dataclass, field
from uuid import uuid4

from pydantic import BaseModel, Field, field_validator, model_validator

from rappel import Workflow, action, workflow


def now() -> float:
    return time.time()


@dataclass
class Shipment:
    order_id: str
    tracking: str = field(default_factory=lambda: uuid4().hex)


@dataclass
class Sample:
    weight: float
    jitter: float = field(default_factory=random.random)


@dataclass
class Stamp:
    label: str
    at: float = now()


@dataclass
class Parcel:
    grams: int

    def __post_init__(self) -> None:
        self.grams = max(self.grams, 1)


class Order(BaseModel):
    order_id: str
    created: float = Field(default_factory=time.time)


class Address(BaseModel):
    zip_code: str

    @field_validator("zip_code")
    @classmethod
    def normalize(cls, value: str) -> str:
        return value.strip().upper()


class Quote(BaseModel):
    cents: int

    @model_validator(mode="after")
    def check(self) -> "Quote":
        return self


class Label(BaseModel):
    text: str

    def __init__(self, **data) -> None:
        super().__init__(**data)


class ExpressShipment(Shipment):
    pass


@action
async def ship(order_id: str, grams: int) -> str:
    return order_id


@workflow
class ShippingWorkflow(Workflow):
    async def run(self, order_id: str, zips: list[str]) -> list:
        shipment = Shipment(order_id=order_id)
        order = Order(order_id=order_id)
        addresses = [Address(zip_code=z) for z in zips]
        for grams in [100, 200]:
            parcel = Parcel(grams)
            await ship(order_id, parcel.grams)
        quote = self.quote(order_id)
        sample = Sample(weight=1.0)
        stamp = Stamp(label="x")
        label = Label(text="y")
        express = ExpressShipment(order_id="z")
        return [shipment, order, addresses, quote, sample, stamp, label, express]

    def quote(self, order_id: str) -> Quote:
        return Quote(cents=100)
