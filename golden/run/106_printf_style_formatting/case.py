# Runs: printf-style `"..." % values` on string literals — one value or a tuple, `%s` / `%r` / `%d` / `%i` / `%f` / `%e` / `%x` / `%o` / `%c`, widths, precision and flags, `%%`, a dict with `%(name)s`, models and lists through `%s` — and the TypeError of a missing argument, caught.
from pydantic import BaseModel

from rappel import Workflow, action, workflow

INPUT = {"job": "nightly-export"}
EXPECTS = "result"


class Stats(BaseModel):
    rows: int
    failed: int
    seconds: float


@action
async def job_stats(job: str) -> Stats:
    return Stats(rows=12840, failed=3, seconds=93.456)


@action
async def post_message(channel: str, text: str) -> str:
    return f"#{channel}: {text.splitlines()[0]}"


@workflow
class JobReportWorkflow(Workflow):
    async def run(self, job: str) -> dict:
        stats = await job_stats(job)
        rate = 100 * stats.failed / stats.rows
        lines = [
            "%s finished: %d rows in %.1fs" % (job, stats.rows, stats.seconds),
            "failure rate %.3f%%" % rate,
            "%-12s|%8d|%+.2e|%#x|%#o|%05i|%c" % ("rows", stats.rows, stats.seconds, 255, 8, -42, 65),
            "%r and %s" % (job, [stats.failed, None]),
            "%(job)s: %(failed)03d failed" % {"job": job, "failed": stats.failed},
            "stats: %s" % stats,
            "%*d|%-*s|" % (6, 7, 4, "ab"),
        ]
        try:
            missing = "%s and %s" % (job,)
        except TypeError as error:
            missing = str(error)
        posted = await post_message("ops", "\n".join(lines))
        return {"lines": lines, "missing": missing, "posted": posted}
