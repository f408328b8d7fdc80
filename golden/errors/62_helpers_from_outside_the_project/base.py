from rappel import Workflow


class Runner(Workflow):
    async def run(self, n: int) -> int:
        return n + 1
