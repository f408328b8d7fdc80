# Pins: dataclasses (plain, frozen, with defaults and default_factory) returned by actions, constructed positionally and by keyword in the workflow, and used as action arguments.
from dataclasses import dataclass, field

from rappel import Workflow, action, workflow


@dataclass(frozen=True)
class GeoPoint:
    lat: float
    lng: float


@dataclass
class Route:
    origin: GeoPoint
    destination: GeoPoint
    stops: list[GeoPoint] = field(default_factory=list)
    mode: str = "driving"


@dataclass
class RouteEstimate:
    minutes: int
    km: float


@action
async def geocode_address(address: str) -> GeoPoint:
    return GeoPoint(52.52, 13.405)


@action
async def estimate_route(route: Route) -> RouteEstimate:
    return RouteEstimate(minutes=30, km=12.5)


@workflow
class DeliveryEtaWorkflow(Workflow):
    async def run(self, origin: str, destination: str, stops: list[str]) -> RouteEstimate:
        start = await geocode_address(origin)
        end = await geocode_address(destination)
        waypoints: list[GeoPoint] = []
        for stop in stops:
            point = await geocode_address(stop)
            waypoints.append(point)
        depot = GeoPoint(52.0, 13.0)
        route = Route(origin=start, destination=end, stops=waypoints)
        if not waypoints:
            route = Route(start, end, [depot], "cycling")
        estimate = await estimate_route(route)
        buffered = RouteEstimate(minutes=estimate.minutes + 5 * len(route.stops), km=estimate.km)
        return buffered
