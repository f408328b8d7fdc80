# Runs: a dict display evaluates each key before its value, as Python does (`{queue.pop(0): queue.pop(0)}` pairs the first item with the second), and an exception message with U+0000 in it crosses the codec as the codec writes any string with one (`{"str": [...]}`), caught from an action and re-raised.
from rappel import Workflow, action, workflow

INPUT = {"items": ["a", "b", "c", "d"], "code": "E\x0042"}
EXPECTS = "error"


@action
async def reject(code: str) -> str:
    raise ValueError(code)


@workflow
class EvaluationOrderWorkflow(Workflow):
    async def run(self, items: list[str], code: str) -> dict:
        queue = list(items)
        pairs = {queue.pop(0): queue.pop(0), queue.pop(0): queue.pop(0)}
        try:
            await reject(code)
        except ValueError as e:
            raise RuntimeError(f"{pairs}: {e}") from e
        return pairs
