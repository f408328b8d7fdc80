# Pins: fan-out with asyncio.gather(*[action(x) for x in xs]) over a workflow input, result list kept in order.
import asyncio

from rappel import Workflow, action, workflow


@action
async def resize_image(image_url: str, width: int) -> str:
    return f"{image_url}?w={width}"


@workflow
class ThumbnailWorkflow(Workflow):
    async def run(self, image_urls: list[str], width: int = 256) -> list[str]:
        thumbnails = await asyncio.gather(*[resize_image(url, width) for url in image_urls])
        return thumbnails
