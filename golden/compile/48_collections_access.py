# Pins: dict and list reads — get with and without default, keys/values/items, membership, index and negative index, slices (start, stop, step, reverse), nested subscripts and attribute chains.
from pydantic import BaseModel

from rappel import Workflow, action, workflow


class Address(BaseModel):
    city: str
    postcode: str


class Customer(BaseModel):
    name: str
    addresses: list[Address]
    metadata: dict[str, str]


@action
async def load_customer(customer_id: str) -> Customer:
    return Customer(name="Ada", addresses=[Address(city="London", postcode="N1")], metadata={"tier": "gold"})


@action
async def load_feature_flags(customer_id: str) -> dict[str, bool]:
    return {"beta": True}


@workflow
class CustomerProfileWorkflow(Workflow):
    async def run(self, customer_id: str) -> dict[str, str]:
        customer = await load_customer(customer_id)
        flags = await load_feature_flags(customer_id)
        tier = customer.metadata.get("tier")
        region = customer.metadata.get("region", "unknown")
        enabled = [name for name, on in flags.items() if on]
        flag_names = list(flags.keys())
        on_count = sum(1 for v in flags.values() if v)
        primary_city = customer.addresses[0].city if customer.addresses else ""
        last_postcode = customer.addresses[-1].postcode if customer.addresses else ""
        name = customer.name
        return {
            "tier": str(tier),
            "region": region,
            "enabled": ",".join(enabled),
            "flag_names": ",".join(sorted(flag_names)),
            "on_count": str(on_count),
            "has_beta": str("beta" in flags),
            "primary_city": primary_city,
            "last_postcode": last_postcode,
            "prefix": name[:2],
            "suffix": name[-2:],
            "every_other": name[::2],
            "reversed": name[::-1],
            "middle": name[1:-1],
        }
