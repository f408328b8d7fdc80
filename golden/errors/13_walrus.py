# Rejects: the walrus operator (:=) inside a comprehension filter and inside a lambda, where Python binds the name in the function around them; the one in the while condition is an assignment of its own and compiles.
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
        longest = sorted(seen, key=lambda s: (n := len(s)) * n)
        return [short for m in longest if (short := m[:10])]
