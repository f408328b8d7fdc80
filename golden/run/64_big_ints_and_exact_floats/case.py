# Runs: ints beyond 2**53 and 2**64 and floats that JSON parsers mangle (0.1 + 0.2, 1e16, 5e-324, -0.0, inf) cross action and workflow boundaries exactly, and an int stays an int next to an equal float (1 vs 1.0).
from rappel import Workflow, action, workflow

INPUT = {"seed": 2**64 + 1, "ratio": 0.1}
EXPECTS = "result"


@action
async def factorial(n: int) -> int:
    result = 1
    for k in range(2, n + 1):
        result *= k
    return result


@action
async def awkward_floats(base: float) -> list[float]:
    return [base + 0.2, 1e16, 5e-324, -0.0, float("inf"), 1.0]


@action
async def halve(value: int) -> int:
    return value // 2


@workflow
class NumbersWorkflow(Workflow):
    async def run(self, seed: int, ratio: float) -> dict:
        big = await factorial(25)
        floats = await awkward_floats(ratio)
        half = await halve(seed)
        return {
            "big": big,
            "big_plus_seed": big + seed,
            "half": half,
            "safe_edge": [2**53 - 1, 2**53, -(2**53)],
            "floats": floats,
            "sum_is_exact": floats[0] == 0.30000000000000004,
            "one_and_one_point_zero": [1, floats[5], 1 == floats[5]],
        }
