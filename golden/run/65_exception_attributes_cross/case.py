# Runs: an exception raised by an action crosses with its class, args and attributes (its __init__ takes other arguments than its args); the workflow catches it by its base class, reads the attributes, and fails with a new exception whose cause is the caught one.
from rappel import Workflow, action, workflow

INPUT = {"card": "4000-0002", "amount": 1250}
EXPECTS = "error"


class PaymentError(Exception):
    pass


class CardDeclined(PaymentError):
    def __init__(self, card: str, code: str, retry_after: int | None = None):
        super().__init__(f"card {card} declined: {code}")
        self.card = card
        self.code = code
        self.retry_after = retry_after


class OrderFailed(RuntimeError):
    def __init__(self, order_id: str, reason: str):
        super().__init__(f"order {order_id} failed: {reason}")
        self.order_id = order_id


@action
async def charge(card: str, amount: int) -> str:
    raise CardDeclined(card, "insufficient_funds", retry_after=3600)


@action
async def create_failure(order_id: str, reason: str) -> OrderFailed:
    return OrderFailed(order_id, reason)


@workflow
class CheckoutWorkflow(Workflow):
    async def run(self, card: str, amount: int) -> str:
        try:
            return await charge(card, amount)
        except PaymentError as declined:
            reason = f"{declined.code}, retry in {declined.retry_after}s ({type(declined).__name__}, {declined.args[0]})"
            failure = await create_failure("o-77", reason)
            raise failure from declined
