# Runs: try/except/else/finally — the else branch runs for the succeeding item, the handler for the failing one, finally for both; order of side effects is visible in the log.
from rappel import Workflow, action, workflow

INPUT = {"files": ["report.csv", "image.gif"]}
EXPECTS = "result"


@action
async def convert(filename: str) -> str:
    if not filename.endswith(".csv"):
        raise TypeError(f"cannot convert {filename}")
    return filename.replace(".csv", ".parquet")


@workflow
class ConvertWorkflow(Workflow):
    async def run(self, files: list[str]) -> list[str]:
        log: list[str] = []
        for name in files:
            try:
                converted = await convert(name)
            except (TypeError, ValueError) as e:
                log.append(f"skip: {e}")
            else:
                log.append(f"ok: {converted}")
            finally:
                log.append(f"done: {name}")
        return log
