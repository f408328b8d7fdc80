# Pins: rate-limited sequential processing — a fixed per-minute budget enforced by counting calls and sleeping when the window is full, with per-item failures collected via try/except.
import asyncio

from rappel import Workflow, action, workflow

CALLS_PER_WINDOW = 50
WINDOW_SECONDS = 60


@action
async def enrich_company(domain: str) -> dict[str, str]:
    return {"domain": domain, "industry": "software"}


@workflow
class EnrichmentWorkflow(Workflow):
    async def run(self, domains: list[str]) -> dict[str, list[str]]:
        enriched: list[str] = []
        failed: list[str] = []
        calls_in_window = 0
        for domain in domains:
            if calls_in_window == CALLS_PER_WINDOW:
                await asyncio.sleep(WINDOW_SECONDS)
                calls_in_window = 0
            calls_in_window += 1
            try:
                company = await enrich_company(domain.lower().strip())
            except (ConnectionError, ValueError):
                failed.append(domain)
                continue
            enriched.append(f"{company['domain']}:{company.get('industry', '?')}")
        return {"enriched": enriched, "failed": failed}
