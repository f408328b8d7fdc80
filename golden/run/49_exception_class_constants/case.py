# Runs: a module constant naming exception classes stands for its tuple in a retry policy, in `except` and in isinstance() (also nested in a tuple); the flaky action fails with each class in turn.
import os
import tempfile
from pathlib import Path

from rappel import RetryPolicy, Workflow, action, workflow

INPUT = {"feeds": ["news", "sports"]}
EXPECTS = "result"

RETRYABLE = (ConnectionError, TimeoutError)
PERMANENT = (KeyError,)

# Per feed, calls cycle through: ConnectionError, TimeoutError, success, KeyError. A
# correct run uses one full cycle per feed: the retried call succeeds on its third
# attempt, the second call fails with the KeyError. The second call's first attempt
# behaves unlike the first call's, so the action counts its calls (see count_call).


def count_call(key: str) -> int:
    """This call's number among the calls counted under `key`, from 1. Calls are
    counted in files, not in memory, so the count holds when the runtime runs them
    in different worker processes: each call creates the next numbered file, and
    exclusive creation gives concurrent calls distinct numbers."""
    state = Path(os.environ.get("RAPPEL_GOLDEN_STATE_DIR") or Path(tempfile.gettempdir()) / "rappel-golden-state")
    state.mkdir(parents=True, exist_ok=True)
    number = 1
    while True:
        try:
            os.close(os.open(state / f"{__name__}.{key}.{number}", os.O_CREAT | os.O_EXCL | os.O_WRONLY))
            return number
        except FileExistsError:
            number += 1


@action
async def fetch_feed(feed: str) -> list[str]:
    step = count_call(feed) % 4
    if step == 1:
        raise ConnectionError(f"{feed}: connection reset")
    if step == 2:
        raise TimeoutError(f"{feed}: timed out")
    if step == 0:
        raise KeyError(feed)
    return [f"{feed}-1", f"{feed}-2"]


@workflow
class FeedWorkflow(Workflow):
    async def run(self, feeds: list[str]) -> dict:
        out = {}
        for feed in feeds:
            items = await self.run_action(fetch_feed(feed), retry=RetryPolicy(attempts=3, exceptions=RETRYABLE))
            try:
                await fetch_feed(feed)
                status = "refetched"
            except RETRYABLE as e:
                status = f"retryable {type(e).__name__}"
            except PERMANENT as e:
                status = f"{type(e).__name__}: retryable={isinstance(e, RETRYABLE)} permanent={isinstance(e, (PERMANENT, RETRYABLE))}"
            out[feed] = {"items": items, "status": status}
        return out
