# Runs: enum members passed to and returned from actions, grouped in a dict keyed by member, sorted by value, and compared inside comprehensions and lambdas.
import enum

from rappel import Workflow, action, workflow

INPUT = {"orders": {"o1": 3, "o2": 1, "o3": 2, "o4": 3}}
EXPECTS = "result"


class Stage(enum.IntEnum):
    PLACED = 1
    PACKED = 2
    SHIPPED = 3


@action
async def stage_of(order_id: str, step: int) -> Stage:
    return Stage(step)


@action
async def advance(order_id: str, stage: Stage) -> Stage:
    return Stage(min(stage + 1, Stage.SHIPPED))


@workflow
class FulfilmentWorkflow(Workflow):
    async def run(self, orders: dict[str, int]) -> dict:
        stages = {}
        for order_id, step in orders.items():
            stage = await stage_of(order_id, step)
            if stage != Stage.SHIPPED:
                stage = await advance(order_id, stage)
            stages[order_id] = stage
        by_stage: dict = {}
        for order_id, stage in sorted(stages.items(), key=lambda item: (item[1].value, item[0])):
            by_stage.setdefault(stage, []).append(order_id)
        shipped = [order_id for order_id, stage in stages.items() if stage is Stage.SHIPPED]
        latest = max(stages.values(), key=lambda s: s.value)
        return {
            "by_stage": {stage.name: ids for stage, ids in by_stage.items()},
            "shipped": shipped,
            "latest": latest.name,
            "all_done": all(stage == Stage.SHIPPED for stage in stages.values()),
        }
