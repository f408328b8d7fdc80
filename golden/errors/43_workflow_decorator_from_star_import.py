# Rejects: a workflow class whose decorator only star imports bind, one of them not `from rappel import *` — the source cannot tell that decorator from @workflow (RPL0250), so the class is reported instead of passing as a plain class. A class without a base (the dataclass) is no Workflow subclass and is left alone.
from dataclasses import *

from rappel import *


@action
async def fetch_total(account: str) -> int:
    return 0


@workflow
class NightlyTotals(Workflow):
    async def run(self, account: str) -> int:
        return await fetch_total(account)


@dataclass
class Report:
    total: int
