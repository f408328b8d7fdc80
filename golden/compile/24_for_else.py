# Pins: for … else — the else block runs only when the loop finished without break; a search over mirrors that falls back when none responds.
from rappel import Workflow, action, workflow


@action
async def probe_mirror(url: str) -> bool:
    return url.startswith("https://")


@action
async def download_from(url: str, path: str) -> int:
    return 1024


@action
async def alert_ops(message: str) -> None:
    return None


@workflow
class MirrorDownloadWorkflow(Workflow):
    async def run(self, mirrors: list[str], path: str) -> int:
        chosen = ""
        for mirror in mirrors:
            reachable = await probe_mirror(mirror)
            if reachable:
                chosen = mirror
                break
        else:
            await alert_ops(f"no mirror reachable for {path}")
            return 0
        size = await download_from(chosen, path)
        return size
