# Rejects: uuid.uuid4() — called from a sync helper method that run() uses, so the diagnostic points into the helper.
import uuid

from rappel import Workflow, action, workflow


@action
async def create_order(order_id: str, sku: str) -> str:
    return order_id


@workflow
class CreateOrderWorkflow(Workflow):
    async def run(self, sku: str) -> str:
        order_id = self.new_order_id(sku)
        return await create_order(order_id, sku)

    def new_order_id(self, sku: str) -> str:
        return f"{sku}-{uuid.uuid4().hex[:8]}"
