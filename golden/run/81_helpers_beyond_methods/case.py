# Runs: module-level functions, @staticmethod helpers (as `self.f` and `Class.f`) and a function defined inside run() compute the same values as Python: defaults, keyword-only parameters, one helper calling another, and a method and a function that share a name.
from rappel import Workflow, action, workflow

INPUT = {"names": ["  ada LOVELACE ", "grace  hopper", "x"]}
EXPECTS = "result"


@action
async def register(handle: str) -> str:
    return f"registered:{handle}"


def normalize(name: str) -> str:
    return " ".join(name.split()).title()


def handle_of(name: str, *, sep: str = ".") -> str:
    return sep.join(part.lower() for part in normalize(name).split(" "))


class Rules:
    @staticmethod
    def long_enough(name: str, minimum: int = 3) -> bool:
        return len(normalize(name)) >= minimum


@workflow
class SignupWorkflow(Workflow):
    async def run(self, names: list[str]) -> dict[str, list[str]]:
        def initials(name: str) -> str:
            return "".join(word[0] for word in normalize(name).split(" "))

        kept = [n for n in names if Rules.long_enough(n)]
        handles = []
        for name in kept:
            handles.append(await register(handle_of(name, sep="_")))
        return {
            "handles": handles,
            "initials": [initials(n) for n in kept],
            "labels": [self.normalize(n) for n in kept],
            "short": [n for n in names if not SignupWorkflow.is_long(n)],
        }

    def normalize(self, name: str) -> str:
        return f"<{normalize(name)}>"

    @staticmethod
    def is_long(name: str) -> bool:
        return Rules.long_enough(name, minimum=5)
