# Pins: a document pipeline — OCR fan-out over pages, classification, routing through an if/elif chain to different actions, each branch producing the same result model.
import asyncio

from pydantic import BaseModel

from rappel import Workflow, action, workflow


class ProcessedDocument(BaseModel):
    document_id: str
    kind: str
    reference: str
    pages: int


@action
async def split_pages(document_id: str) -> list[str]:
    return ["p1"]


@action
async def ocr_page(page_uri: str) -> str:
    return "text"


@action
async def classify_document(text: str) -> str:
    return "invoice"


@action
async def book_invoice(document_id: str, text: str) -> str:
    return "INV-1"


@action
async def file_contract(document_id: str, text: str) -> str:
    return "CON-1"


@action
async def send_to_manual_review(document_id: str, reason: str) -> str:
    return "REV-1"


@workflow
class DocumentIntakeWorkflow(Workflow):
    async def run(self, document_id: str) -> ProcessedDocument:
        page_uris = await split_pages(document_id)
        texts = await asyncio.gather(*[ocr_page(uri) for uri in page_uris])
        full_text = "\n\n".join([t.strip() for t in texts])
        kind = await classify_document(full_text[:5000])
        if kind == "invoice":
            reference = await book_invoice(document_id, full_text)
        elif kind in ["contract", "nda"]:
            reference = await file_contract(document_id, full_text)
        elif len(full_text) < 20:
            kind = "empty"
            reference = await send_to_manual_review(document_id, "no readable text")
        else:
            reference = await send_to_manual_review(document_id, f"unknown kind {kind!r}")
        return ProcessedDocument(document_id=document_id, kind=kind, reference=reference, pages=len(page_uris))
