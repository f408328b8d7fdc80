# Pins: a chain of sequential actions where each result feeds the next call.
from rappel import Workflow, action, workflow


@action
async def load_document(document_id: str) -> str:
    return f"contents of {document_id}"


@action
async def extract_keywords(text: str) -> list[str]:
    return text.split()


@action
async def rank_keywords(keywords: list[str], limit: int) -> list[str]:
    return keywords[:limit]


@action
async def store_keywords(document_id: str, keywords: list[str]) -> int:
    return len(keywords)


@workflow
class KeywordIndexWorkflow(Workflow):
    async def run(self, document_id: str) -> int:
        text = await load_document(document_id)
        keywords = await extract_keywords(text)
        top = await rank_keywords(keywords, 5)
        stored = await store_keywords(document_id, top)
        return stored
