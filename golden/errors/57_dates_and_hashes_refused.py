# Rejects (several): reading the clock (`datetime.now()`, `datetime.utcnow()`, `date.today()`: take the time as an input or from an action), an IANA zone (`ZoneInfo(...)`) and `astimezone()` (zone data differs between machines), `timezone.utc` as a value of its own, a hash object kept (`hashlib.sha256(data)` without `.hexdigest()`), and a variable that hides the builtin a date lowers to.
import datetime
import hashlib
from datetime import date, timezone
from zoneinfo import ZoneInfo

from rappel import Workflow, action, workflow


@action
async def store(key: str) -> None:
    return None


@workflow
class RefusedDatesWorkflow(Workflow):
    async def run(self, name: str) -> str:
        now = datetime.datetime.now(tz=timezone.utc)
        stamp = datetime.datetime.utcnow().isoformat()
        today = date.today()
        paris = datetime.datetime(2024, 1, 1, tzinfo=ZoneInfo("Europe/Paris"))
        here = paris.astimezone(timezone.utc)
        zone = timezone.utc
        hasher = hashlib.sha256(name.encode())
        await store(hasher.hexdigest())
        timedelta = 3
        later = datetime.timedelta(days=timedelta)
        return f"{now}{stamp}{today}{here}{zone}{later}"
