# Runs: the workflow itself raises a user-defined exception (subclass of ValueError) after an action result fails validation — expected error InvalidShipment with its message.
from rappel import Workflow, action, workflow

INPUT = {"parcels": [{"id": "p1", "kg": 2}, {"id": "p2", "kg": 31}, {"id": "p3", "kg": 4}]}
EXPECTS = "error"

MAX_KG = 30


class InvalidShipment(ValueError):
    pass


@action
async def weigh(parcel_id: str, declared_kg: int) -> int:
    return declared_kg + 1


@workflow
class ShipmentCheckWorkflow(Workflow):
    async def run(self, parcels: list[dict[str, int]]) -> int:
        total = 0
        for parcel in parcels:
            actual = await weigh(parcel["id"], parcel["kg"])
            if actual > MAX_KG:
                raise InvalidShipment(f"parcel {parcel['id']} weighs {actual} kg (max {MAX_KG})")
            total += actual
        return total
