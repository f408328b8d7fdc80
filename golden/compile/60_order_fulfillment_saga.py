# Pins: a realistic order saga — validate, reserve inventory in parallel, charge with a retry policy, ship; on failure run compensations for completed steps in reverse order and re-raise.
import asyncio
from datetime import timedelta

from pydantic import BaseModel

from rappel import BackoffPolicy, RetryPolicy, Workflow, action, workflow


class OrderLine(BaseModel):
    sku: str
    quantity: int


class Order(BaseModel):
    id: str
    customer_id: str
    lines: list[OrderLine]
    total_cents: int
    address: str


class OrderResult(BaseModel):
    order_id: str
    status: str
    tracking_number: str | None = None


class PaymentDeclined(Exception):
    pass


@action
async def load_order(order_id: str) -> Order:
    return Order(
        id=order_id,
        customer_id="c1",
        lines=[OrderLine(sku="lamp", quantity=1), OrderLine(sku="bulb", quantity=4)],
        total_cents=5600,
        address="1 Main St",
    )


@action
async def reserve_item(order_id: str, sku: str, quantity: int) -> str:
    return f"res-{sku}"


@action
async def release_reservation(reservation_id: str) -> None:
    return None


@action
async def charge_customer(customer_id: str, cents: int, idempotency_key: str) -> str:
    return "ch_1"


@action
async def refund_charge(charge_id: str) -> None:
    return None


@action
async def create_shipment(order_id: str, address: str) -> str:
    return "TRACK-1"


@action
async def update_order_status(order_id: str, status: str) -> None:
    return None


@workflow
class OrderFulfillmentWorkflow(Workflow):
    async def run(self, order_id: str) -> OrderResult:
        order = await load_order(order_id)
        if not order.lines:
            await update_order_status(order_id, "empty")
            return OrderResult(order_id=order_id, status="empty")

        reservations = await asyncio.gather(*[
            reserve_item(order.id, line.sku, line.quantity) for line in order.lines
        ])
        charge_id = None
        try:
            charge_id = await self.run_action(
                charge_customer(order.customer_id, order.total_cents, f"order-{order.id}"),
                retry=RetryPolicy(attempts=3, exceptions=(ConnectionError,)),
                backoff=BackoffPolicy(base_delay=10, multiplier=3.0),
                timeout=timedelta(seconds=30),
            )
            tracking = await create_shipment(order.id, order.address)
        except Exception:
            if charge_id is not None:
                await refund_charge(charge_id)
            for reservation_id in reversed(reservations):
                await release_reservation(reservation_id)
            await update_order_status(order.id, "failed")
            raise
        await update_order_status(order.id, "shipped")
        return OrderResult(order_id=order.id, status="shipped", tracking_number=tracking)
