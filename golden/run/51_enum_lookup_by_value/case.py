# Runs: Enum(value) looks a member up by its value (an alias is the same member), and a value that is no member raises Python's ValueError.
import enum

from rappel import Workflow, action, workflow

INPUT = {"codes": ["red", "crimson", "green", "purple"]}
EXPECTS = "result"


class Color(enum.Enum):
    RED = "red"
    GREEN = "green"
    CRIMSON = "red"  # an alias of RED


@action
async def normalize(code: str) -> str:
    return "red" if code == "crimson" else code


@workflow
class PaletteWorkflow(Workflow):
    async def run(self, codes: list[str]) -> list[str]:
        out = []
        for code in codes:
            try:
                color = Color(await normalize(code))
                out.append(f"{code}: {color.name} alias={color is Color.CRIMSON}")
            except ValueError as e:
                out.append(f"{code}: {e}")
        return out
