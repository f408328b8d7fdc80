# Pins: return statements inside if branches, inside a for loop and inside a while loop, plus the fall-through return at the end.
from rappel import Workflow, action, workflow


@action
async def find_coupon(code: str) -> dict[str, int]:
    return {"percent": 10, "uses_left": 3}


@action
async def validate_cart(cart_id: str) -> list[str]:
    return []


@action
async def apply_coupon(cart_id: str, code: str) -> int:
    return 10


@workflow
class ApplyCouponWorkflow(Workflow):
    async def run(self, cart_id: str, codes: list[str]) -> str:
        if not codes:
            return "no codes"
        problems = await validate_cart(cart_id)
        if len(problems) > 0:
            return "cart invalid: " + ", ".join(problems)
        for code in codes:
            coupon = await find_coupon(code)
            if coupon["uses_left"] > 0:
                percent = await apply_coupon(cart_id, code)
                return f"applied {code} ({percent}%)"
        attempts = 0
        while attempts < 2:
            attempts += 1
            fallback = await find_coupon("WELCOME")
            if fallback["uses_left"] > 0:
                return "applied WELCOME"
        return "no usable coupon"
