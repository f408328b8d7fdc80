# Pins: submit-then-poll against an external batch service — exponential poll interval computed in the workflow and capped with min(), a while loop with a max-poll bound, and a typed raise on failure.
import asyncio

from pydantic import BaseModel

from rappel import RetryPolicy, Workflow, action, workflow

MAX_POLLS = 40
MAX_INTERVAL_SECONDS = 600


class JobStatus(BaseModel):
    state: str
    progress: float
    error: str | None = None


class ExternalJobFailed(Exception):
    pass


@action
async def submit_transcode_job(input_uri: str, preset: str) -> str:
    return "job-1"


@action
async def get_job_status(job_id: str) -> JobStatus:
    return JobStatus(state="SUCCEEDED", progress=1.0)


@action
async def fetch_job_output(job_id: str) -> str:
    return "s3://out/video.mp4"


@workflow
class TranscodeWorkflow(Workflow):
    async def run(self, input_uri: str, preset: str = "1080p") -> str:
        job_id = await self.run_action(submit_transcode_job(input_uri, preset), retry=RetryPolicy(attempts=3))
        interval = 5
        polls = 0
        status = JobStatus(state="SUBMITTED", progress=0.0)
        while status.state not in ["SUCCEEDED", "FAILED"] and polls < MAX_POLLS:
            await asyncio.sleep(interval)
            status = await get_job_status(job_id)
            polls += 1
            interval = min(interval * 2, MAX_INTERVAL_SECONDS)
        if status.state == "FAILED":
            raise ExternalJobFailed(f"job {job_id} failed: {status.error or 'no reason given'}")
        if status.state != "SUCCEEDED":
            raise TimeoutError(f"job {job_id} still {status.state} at {status.progress:.0%} after {polls} polls")
        return await fetch_job_output(job_id)
