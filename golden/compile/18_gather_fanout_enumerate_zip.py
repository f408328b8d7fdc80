# Pins: fan-out comprehensions that unpack tuples from enumerate() and zip() in their `for` targets.
import asyncio

from rappel import Workflow, action, workflow


@action
async def write_chunk(index: int, payload: str) -> str:
    return f"chunk-{index}"


@action
async def translate(text: str, language: str) -> str:
    return f"[{language}] {text}"


@workflow
class ChunkedUploadWorkflow(Workflow):
    async def run(self, chunks: list[str]) -> list[str]:
        return await asyncio.gather(*[write_chunk(i, chunk) for i, chunk in enumerate(chunks)])


@workflow
class PairwiseTranslateWorkflow(Workflow):
    async def run(self, texts: list[str], languages: list[str]) -> list[str]:
        translated = await asyncio.gather(*[translate(text=t, language=lang) for t, lang in zip(texts, languages)])
        return translated
