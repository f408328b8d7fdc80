# Pins: `while True` with break and continue, a counter, and durable sleeps between polls (the loop must compile to a bounded-by-break cycle).
import asyncio

from rappel import Workflow, action, workflow


@action
async def get_export_status(export_id: str) -> str:
    return "done"


@action
async def fetch_export_url(export_id: str) -> str:
    return f"https://exports.example.com/{export_id}.csv"


@workflow
class WaitForExportWorkflow(Workflow):
    async def run(self, export_id: str, max_polls: int = 20) -> str:
        polls = 0
        while True:
            polls += 1
            status = await get_export_status(export_id)
            if status == "queued":
                await asyncio.sleep(30)
                continue
            if status == "running" and polls < max_polls:
                await asyncio.sleep(10)
                continue
            break
        if status != "done":
            return f"gave up after {polls} polls with status {status}"
        return await fetch_export_url(export_id)
