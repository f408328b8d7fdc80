# Pins: an if/elif/elif/else chain with boolean operators (and/or/not), `in`/`not in` and `is None` tests, and an if without else.
from rappel import Workflow, action, workflow

VIP_COUNTRIES = ["CH", "LU", "MC"]


@action
async def score_lead(email: str) -> int:
    return 70


@action
async def route_to_sales(email: str, tier: str) -> str:
    return f"sales:{tier}"


@action
async def add_to_nurture(email: str) -> str:
    return "nurture"


@action
async def flag_spam(email: str) -> None:
    return None


@workflow
class LeadRoutingWorkflow(Workflow):
    async def run(self, email: str, country: str | None, company_size: int) -> str:
        score = await score_lead(email)
        if email.endswith("@mailinator.com") or score < 0:
            await flag_spam(email)
            return "spam"
        elif country is not None and country in VIP_COUNTRIES and score >= 50:
            route = await route_to_sales(email, "vip")
        elif company_size > 1000 and not (score < 40):
            route = await route_to_sales(email, tier="enterprise")
        elif score >= 80:
            route = await route_to_sales(email, "smb")
        else:
            route = await add_to_nurture(email)
        if country not in VIP_COUNTRIES:
            route = route + ":standard"
        return route
