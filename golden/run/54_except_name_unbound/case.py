# Runs: an `except ... as` name is deleted when its handler ends, as in Python, even when it was bound before the `try`: reading it later raises UnboundLocalError (caught here by `except Exception`), on the normal way out of the handler, after a `continue` in it, and in an outer handler its exception reaches; a `try` that catches nothing leaves the name alone.
from rappel import Workflow, action, workflow

INPUT = {"keys": ["alpha", "missing-beta", "gamma", "missing-delta"]}
EXPECTS = "result"


@action
async def lookup(key: str) -> int:
    if key.startswith("missing"):
        raise KeyError(key)
    return len(key)


@workflow
class LookupReportWorkflow(Workflow):
    async def run(self, keys: list[str]) -> list[str]:
        report: list[str] = []
        for key in keys:
            err = "none"
            try:
                size = await lookup(key)
                report.append(f"{key}: {size}")
            except KeyError as err:
                report.append(f"{key}: caught {err!r}")
            try:
                report.append(f"{key}: err is {err}")
            except Exception as problem:
                report.append(f"{key}: {type(problem).__name__}: {problem}")
        skipped = "before"
        for key in keys:
            try:
                await lookup(key)
            except KeyError as skipped:
                continue
        try:
            report.append(f"after continue: {skipped}")
        except Exception as problem:
            report.append(f"after continue: {type(problem).__name__}")
        try:
            try:
                await lookup(keys[1])
            except KeyError as first:
                raise ValueError(f"wrapped {first}")
        except ValueError as outer:
            try:
                report.append(f"outer sees {first!r}")
            except Exception as problem:
                report.append(f"outer: {outer}; {type(problem).__name__}: {problem}")
        return report
