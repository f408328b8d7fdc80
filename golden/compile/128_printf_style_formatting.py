# Pins: printf-style formatting of a string literal (`"%s: %.1f%%" % (name, pct)`, one value or a dict) is RRL's `%` operator on the literal, evaluated in the order Python evaluates it.
from rappel import Workflow, action, workflow


@action
async def count_rows(table: str) -> int:
    return 10


@action
async def notify(text: str) -> None:
    return None


@workflow
class RowCountWorkflow(Workflow):
    async def run(self, table: str, expected: int) -> str:
        text = "%s: %d rows (%.1f%% of %d)" % (table, await count_rows(table), 100.0, expected)
        await notify("table %r checked" % table)
        return text + " | %(table)s" % {"table": table}
