# Pins: a bare `except:` handler (catches everything) used as best-effort cleanup inside a loop, then `pass` in a handler.
from rappel import Workflow, action, workflow


@action
async def delete_temp_file(path: str) -> bool:
    return True


@action
async def notify_cleanup_report(deleted: int, failed: int) -> None:
    return None


@workflow
class TempCleanupWorkflow(Workflow):
    async def run(self, paths: list[str]) -> int:
        deleted = 0
        failed = 0
        for path in paths:
            try:
                await delete_temp_file(path)
                deleted += 1
            except:
                failed += 1
        try:
            await notify_cleanup_report(deleted, failed)
        except Exception:
            pass
        return deleted
