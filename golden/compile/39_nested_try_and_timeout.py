# Pins: a try nested inside another try's handler, catching RappelTimeout (the synthetic timeout error) from a run_action with a short timeout.
from datetime import timedelta

from rappel import RappelTimeout, RetryPolicy, Workflow, action, workflow


@action
async def render_video(video_id: str, quality: str) -> str:
    return f"{video_id}-{quality}.mp4"


@action
async def mark_failed(video_id: str, reason: str) -> None:
    return None


@workflow
class VideoRenderWorkflow(Workflow):
    async def run(self, video_id: str) -> str:
        try:
            return await self.run_action(
                render_video(video_id, "1080p"),
                retry=RetryPolicy(attempts=2),
                timeout=timedelta(minutes=30),
            )
        except RappelTimeout:
            try:
                return await self.run_action(render_video(video_id, "480p"), timeout=600)
            except RappelTimeout as e:
                await mark_failed(video_id, reason=f"timed out twice: {e}")
                raise
