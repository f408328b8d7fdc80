# Rejects: the walrus operator (:=) — an assignment expression inside a while condition and inside a comprehension filter.
from rappel import Workflow, action, workflow


@action
async def pop_message(queue: str) -> str:
    return ""


@workflow
class ConsumeWorkflow(Workflow):
    async def run(self, queue: str) -> list[str]:
        seen: list[str] = []
        message = await pop_message(queue)
        while (size := len(message)) > 0:
            seen.append(f"{size}:{message}")
            message = await pop_message(queue)
        return [short for m in seen if (short := m[:10])]
