# Rejects: os.getenv() and os.environ[...] — environment reads in an if condition and a conditional expression.
import os

from rappel import Workflow, action, workflow


@action
async def send_alert(channel: str, text: str) -> None:
    return None


@workflow
class AlertWorkflow(Workflow):
    async def run(self, text: str) -> None:
        if os.getenv("ALERTS_ENABLED") == "1":
            channel = os.environ["ALERT_CHANNEL"] if text else "#default"
            await send_alert(channel, text)
