# Pins: chained comparisons (a < b <= c, a == b == c), nested conditional expressions, boolean short-circuit values and arithmetic operators (// % ** unary minus).
from rappel import Workflow, action, workflow


@action
async def read_sensor(sensor_id: str) -> float:
    return 21.0


@action
async def set_thermostat(sensor_id: str, mode: str, delta: float) -> None:
    return None


@workflow
class ThermostatWorkflow(Workflow):
    async def run(self, sensor_id: str, target: float) -> dict[str, str]:
        reading = await read_sensor(sensor_id)
        in_band = target - 0.5 <= reading <= target + 0.5
        mode = "idle" if in_band else ("heat" if reading < target else "cool")
        severity = "critical" if not 5 < reading < 35 else "warning" if abs(reading - target) > 3 else "normal"
        delta = -(reading - target)
        steps = int(abs(delta) // 0.5)
        parity = steps % 2
        squared = delta ** 2
        label = sensor_id or "unknown"
        consistent = reading == reading == reading
        if not in_band:
            await set_thermostat(sensor_id, mode, delta)
        return {
            "mode": mode,
            "severity": severity,
            "steps": str(steps),
            "parity": str(parity),
            "squared": f"{squared:.3f}",
            "label": label,
            "consistent": str(consistent),
        }
