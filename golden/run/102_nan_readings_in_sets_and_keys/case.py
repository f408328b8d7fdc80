# Runs: NaNs that arrive from actions (each decoded on its own, so distinct objects in Python) in sets, as dict keys and under `in`: a NaN never equals another NaN, so set() and a dict keep every NaN, `in` and count() find none, and lists holding NaNs are unequal — floats and Decimals alike.
from decimal import Decimal

from rappel import Workflow, action, workflow

INPUT = {"sensors": ["s1", "broken", "s2", "broken", "s1"]}
EXPECTS = "result"


@action
async def read_sensor(sensor: str) -> float:
    return float("nan") if sensor == "broken" else {"s1": 1.5, "s2": 2.5}[sensor]


@action
async def read_meter(sensor: str) -> Decimal:
    return Decimal("NaN") if sensor == "broken" else Decimal("0.10")


@workflow
class SensorAuditWorkflow(Workflow):
    async def run(self, sensors: list[str]) -> dict:
        readings = []
        meters = []
        for sensor in sensors:
            reading = await read_sensor(sensor)
            readings.append(reading)
            meter = await read_meter(sensor)
            meters.append(meter)
        probe = await read_sensor("broken")
        meter_probe = await read_meter("broken")
        distinct = set(readings)
        positions = {reading: index for index, reading in enumerate(readings)}
        return {
            "distinct_readings": len(distinct),
            "distinct_meters": len(set(meters)),
            "frozen_meters": len(frozenset(meters)),
            "keyed_readings": len(positions),
            "keyed_meters": len({meter: sensor for meter, sensor in zip(meters, sensors)}),
            "probe_in_list": probe in readings,
            "probe_in_set": probe in distinct,
            "probe_is_key": probe in positions,
            "probe_count": readings.count(probe),
            "meter_in_list": meter_probe in meters,
            "meter_count": meters.count(meter_probe),
            "known_in_set": 1.5 in distinct,
            "lists_equal": [probe] == [readings[1]],
            "meter_lists_equal": [meter_probe] == [meters[1]],
            "nan_free": sorted(reading for reading in distinct if reading == reading),
        }
