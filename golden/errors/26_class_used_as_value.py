# Rejects: classes used as values — a list of exception classes, a class stored in a variable, passed to an action, an enum kept in a variable (iterating over one is fine), returned from a helper, and raising a class that is no exception (RPL0238).
import enum
from dataclasses import dataclass

from rappel import Workflow, action, workflow


class Channel(enum.Enum):
    EMAIL = "email"
    SMS = "sms"


@dataclass
class Receipt:
    order_id: str


@action
async def notify(order_id: str, channel: str) -> bool:
    return True


@action
async def record_failure(order_id: str, kind: object) -> None:
    return None


@workflow
class NotifyWorkflow(Workflow):
    async def run(self, order_id: str, channels: list[str]) -> list[str]:
        retryable = [ConnectionError, TimeoutError]
        sent = []
        for name in channels:
            try:
                await notify(order_id, name)
                sent.append(name)
            except Exception:
                await record_failure(order_id, kind=TimeoutError)
        every = [channel.value for channel in Channel]
        channels = Channel
        if not sent:
            raise Receipt
        result_type = self.result_type()
        return sent

    def result_type(self):
        return Receipt
