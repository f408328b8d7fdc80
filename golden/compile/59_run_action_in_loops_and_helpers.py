# Pins: self.run_action with policies inside a for loop, inside an async helper, with its result assigned, discarded and unpacked, and policies built from module constants.
from datetime import timedelta

from rappel import BackoffPolicy, RetryPolicy, Workflow, action, workflow

UPLOAD_ATTEMPTS = 4
UPLOAD_TIMEOUT = timedelta(seconds=45)


@action
async def upload_part(upload_id: str, part: int, data: str) -> str:
    return f"etag-{part}"


@action
async def complete_upload(upload_id: str, etags: list[str]) -> tuple[str, int]:
    return (f"s3://bucket/{upload_id}", len(etags))


@action
async def abort_upload(upload_id: str) -> None:
    return None


@workflow
class MultipartUploadWorkflow(Workflow):
    async def run(self, upload_id: str, parts: list[str]) -> str:
        etags: list[str] = []
        for number, data in enumerate(parts, start=1):
            etag = await self.run_action(
                upload_part(upload_id, number, data),
                retry=RetryPolicy(attempts=UPLOAD_ATTEMPTS, exceptions=(ConnectionError,)),
                backoff=BackoffPolicy(base_delay=1, max_delay=30),
                timeout=UPLOAD_TIMEOUT,
            )
            etags.append(etag)
        location, count = await self.finish(upload_id, etags)
        return f"{location} ({count} parts)"

    async def finish(self, upload_id: str, etags: list[str]) -> tuple[str, int]:
        try:
            return await self.run_action(
                complete_upload(upload_id, etags),
                retry=RetryPolicy(attempts=3),
                timeout=60,
            )
        except Exception:
            await self.run_action(abort_upload(upload_id), retry=RetryPolicy(attempts=None))
            raise
