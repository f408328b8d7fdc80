# Runs: f-strings evaluated in the workflow — format specs (.2f, 05d, ',', .1%, +.1f, >8, <6, ^7, x), !r and !s conversions, nested expressions, literal braces.
from rappel import Workflow, action, workflow

INPUT = {"name": "Ada", "amount": 1234567.891, "ratio": 0.4567, "count": 42}
EXPECTS = "result"


@action
async def lookup_city(name: str) -> str:
    return "London" if name == "Ada" else "Paris"


@workflow
class FormattingWorkflow(Workflow):
    async def run(self, name: str, amount: float, ratio: float, count: int) -> list[str]:
        city = await lookup_city(name)
        return [
            f"Hello {name} from {city}!",
            f"amount={amount:.2f} grouped={amount:,.2f} int={int(amount):,}",
            f"ratio={ratio:.1%} signed={ratio - 1:+.1f}",
            f"count={count:05d} hex={count:x} right=[{count:>8}] left=[{name:<6}] mid=[{name:^7}]",
            f"repr={name!r} str={city!s} quoted={[name, city]!r}",
            f"expr={count * 2 + 1} upper={name.upper()} len={len(city)} pick={'yes' if count > 40 else 'no'}",
            f"{{literal}} {name}{{}}",
            f"nested={f'{count:03d}'}-{ratio:.3f}",
        ]
