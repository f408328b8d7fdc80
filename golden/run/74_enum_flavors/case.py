# Runs: enums of every flavor declared by the program — Enum with an alias and auto(), IntEnum (ordering, arithmetic, str()), StrEnum (str(), equality with its value), `(str, Enum)` and `(int, Enum)` mixins, Flag members — looked up by value (an alias's value, and one that is no member: Python's ValueError), formatted in f-strings, used as dict keys and sorted; members come back from actions as the program's own.
import enum

from rappel import Workflow, action, workflow

INPUT = {"codes": ["green", "verde", "blue"], "levels": [3, 1, 2]}
EXPECTS = "result"


class Color(enum.Enum):
    RED = "red"
    GREEN = "green"
    VERDE = "green"  # an alias of GREEN


class Step(enum.Enum):
    FIRST = enum.auto()
    SECOND = enum.auto()


class Level(enum.IntEnum):
    LOW = 1
    MID = 2
    HIGH = 3


class Mode(enum.StrEnum):
    FAST = enum.auto()
    SAFE = "safe"


class Region(str, enum.Enum):
    EU = "eu"
    US = "us"


class Code(int, enum.Enum):
    OK = 200
    GONE = 410


class Perm(enum.Flag):
    READ = 1
    WRITE = 2


@action
async def pick_level(n: int) -> Level:
    return Level(n)


@workflow
class PaletteWorkflow(Workflow):
    async def run(self, codes: list[str], levels: list[int]) -> dict:
        colors = []
        for code in codes:
            try:
                colors.append(Color(code))
            except ValueError as e:
                colors.append(str(e))
        picked = []
        for n in levels:
            picked.append(await pick_level(n))
        ranked = sorted(picked)
        return {
            "colors": colors,
            "alias": Color("green") is Color.VERDE,
            "names": [c.name for c in colors if isinstance(c, Color)],
            "steps": [Step.FIRST.value, Step.SECOND.value, Step(2).name],
            "levels": [str(Level.HIGH), f"{Level.LOW}", Level.MID + 1, Level.HIGH > Level.LOW, ranked, max(picked).name],
            "modes": [Mode.FAST.value, str(Mode.SAFE), Mode.SAFE == "safe", f"{Mode.FAST}"],
            "regions": [str(Region.EU), Region.US == "us", Region("eu").name, {Region.EU: 1}[Region.EU]],
            "codes": [Code.OK == 200, Code(410).name, Code.GONE.value],
            "perms": [Perm.READ.value, Perm(2).name, Perm.WRITE in [Perm.READ, Perm.WRITE]],
            "counts": {level: picked.count(level) for level in [Level.LOW, Level.HIGH]},
        }
