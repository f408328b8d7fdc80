# Pins: generator expressions consumed directly by sum/any/all/min/max (with and without filters, with default= for empty input).
from pydantic import BaseModel

from rappel import Workflow, action, workflow


class Shipment(BaseModel):
    id: str
    weight_kg: float
    delayed: bool
    carrier: str


@action
async def list_shipments(day: str) -> list[Shipment]:
    return [
        Shipment(id="s1", weight_kg=12.5, delayed=False, carrier="DHL"),
        Shipment(id="s2", weight_kg=3.0, delayed=True, carrier="UPS"),
    ]


@action
async def publish_kpis(day: str, kpis: dict[str, float]) -> None:
    return None


@workflow
class LogisticsKpiWorkflow(Workflow):
    async def run(self, day: str) -> dict[str, float]:
        shipments = await list_shipments(day)
        total_weight = sum(s.weight_kg for s in shipments)
        delayed_weight = sum(s.weight_kg for s in shipments if s.delayed)
        any_delayed = any(s.delayed for s in shipments)
        all_dhl = all(s.carrier == "DHL" for s in shipments)
        heaviest = max((s.weight_kg for s in shipments), default=0.0)
        lightest = min((s.weight_kg for s in shipments if s.weight_kg > 0), default=0.0)
        kpis = {
            "total_weight": total_weight,
            "delayed_weight": delayed_weight,
            "any_delayed": float(any_delayed),
            "all_dhl": 1.0 if all_dhl else 0.0,
            "heaviest": heaviest,
            "lightest": lightest,
        }
        await publish_kpis(day, kpis)
        return kpis
