# Runs: `and`/`or` in parentheses, as everyday code writes them — `return (a and b)`, `x = (name or "anon")`, a black-style multi-line `if (\n a\n and b\n):`, chains mixing parenthesised groups (`(a or b) and (c or d)`), and operands that await, which run only when Python would run them; each gives Python's value, not just its truth.
from rappel import Workflow, action, workflow

INPUT = {"name": "", "tags": ["urgent", "billing"], "limit": 0}
EXPECTS = "result"


@action
async def lookup(key: str) -> str:
    return f"found {key}"


@action
async def explode(key: str) -> str:
    raise RuntimeError(f"{key} must not run")


@workflow
class RouteWorkflow(Workflow):
    async def run(self, name: str, tags: list[str], limit: int) -> dict:
        display = (name or "anon")
        urgent = ("urgent" in tags and "billing" in tags)
        if (
            urgent
            and limit == 0
        ):
            route = "escalate"
        else:
            route = "queue"
        grouped = ((name or "x") and (limit or "none"))
        either = ((limit and "never") or (tags and tags[0]))
        found = (name or await lookup("fallback"))
        skipped = (display or await explode("or"))
        nothing = (limit and await explode("and"))
        return {
            "display": display,
            "urgent": urgent,
            "route": route,
            "grouped": grouped,
            "either": either,
            "found": found,
            "skipped": skipped,
            "nothing": nothing,
            "nested": ((((urgent and route)))),
        }
