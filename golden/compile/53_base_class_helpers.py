# Pins: helper methods inherited from a Workflow base class (async and sync), one overridden in the subclass, shared by two concrete workflows.
from rappel import Workflow, action, workflow


@action
async def post_to_channel(channel: str, text: str) -> bool:
    return True


@action
async def collect_metrics(service: str) -> dict[str, float]:
    return {"p99_ms": 120.0, "error_rate": 0.01}


class NotifyingWorkflow(Workflow):
    async def notify(self, text: str) -> bool:
        return await post_to_channel(self.channel(), self.decorate(text))

    def channel(self) -> str:
        return "#ops"

    def decorate(self, text: str) -> str:
        return f"[rappel] {text}"


@workflow
class LatencyReportWorkflow(NotifyingWorkflow):
    async def run(self, service: str) -> bool:
        metrics = await collect_metrics(service)
        return await self.notify(f"{service} p99={metrics['p99_ms']:.0f}ms")


@workflow
class ErrorRateAlertWorkflow(NotifyingWorkflow):
    async def run(self, service: str, threshold: float) -> bool:
        metrics = await collect_metrics(service)
        if metrics["error_rate"] <= threshold:
            return False
        return await self.notify(f"{service} error rate {metrics['error_rate']:.2%}")

    def channel(self) -> str:
        return "#incidents"
