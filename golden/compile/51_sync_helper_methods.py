# Pins: synchronous pure helper methods (no awaits) used in expressions, conditions and comprehensions, with default parameters and keyword calls.
from rappel import Workflow, action, workflow


@action
async def fetch_cart(cart_id: str) -> list[dict[str, float]]:
    return [{"price": 10.0, "qty": 2.0}]


@action
async def create_payment_intent(cart_id: str, cents: int) -> str:
    return "pi_1"


@workflow
class CheckoutWorkflow(Workflow):
    async def run(self, cart_id: str, country: str) -> str:
        lines = await fetch_cart(cart_id)
        subtotal = sum(self.line_total(line) for line in lines)
        total = self.with_tax(subtotal, rate=self.tax_rate(country))
        if self.is_free(total):
            return "free"
        return await create_payment_intent(cart_id, self.to_cents(total))

    def line_total(self, line: dict[str, float]) -> float:
        return line["price"] * line["qty"]

    def tax_rate(self, country: str) -> float:
        if country in ["DE", "FR"]:
            return 0.2
        return 0.0

    def with_tax(self, amount: float, rate: float = 0.0) -> float:
        return round(amount * (1 + rate), 2)

    def to_cents(self, amount: float) -> int:
        return int(round(amount * 100))

    def is_free(self, amount: float) -> bool:
        return amount <= 0
