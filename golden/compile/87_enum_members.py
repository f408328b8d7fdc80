# Pins: enum members as RRL values — `Enum.MEMBER` (also through a module constant and in a class constant), `Enum(value)`, `is` with members, members as dict keys, `.name` / `.value`, `Enum.__name__`.
import enum

from rappel import Workflow, action, workflow


class OrderState(str, enum.Enum):
    NEW = "new"
    PAID = "paid"
    SHIPPED = "shipped"
    CANCELLED = "cancelled"


class Carrier(enum.IntEnum):
    POST = 1
    COURIER = 2


FINAL_STATES = (OrderState.SHIPPED, OrderState.CANCELLED)
DEFAULT_CARRIER = Carrier.POST


class Rules:
    EXPRESS_CARRIER = Carrier.COURIER


@action
async def load_state(order_id: str) -> OrderState:
    return OrderState.NEW


@action
async def ship(order_id: str, carrier: Carrier) -> OrderState:
    return OrderState.SHIPPED


@workflow
class OrderStateWorkflow(Workflow):
    async def run(self, order_id: str, requested: str, express: bool) -> dict:
        state = await load_state(order_id)
        wanted = OrderState(requested)
        if state in FINAL_STATES or wanted is OrderState.CANCELLED:
            return {"order": order_id, "state": state.value, "kind": OrderState.__name__}
        carrier = Rules.EXPRESS_CARRIER if express else DEFAULT_CARRIER
        if state is not OrderState.PAID and state != "new":
            raise ValueError(f"cannot ship an order in state {state.name}")
        state = await ship(order_id, carrier)
        costs = {Carrier.POST: 5, Carrier.COURIER: 15}
        return {"order": order_id, "state": state.value, "cost": costs[carrier], "carrier": carrier.name}
