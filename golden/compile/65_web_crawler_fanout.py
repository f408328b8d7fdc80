# Pins: a breadth-first crawler — level-by-level fan-out with gather(return_exceptions=True) inside a bounded while loop, dedup with a dict used as a set, and a page budget.
import asyncio

from pydantic import BaseModel

from rappel import Workflow, action, workflow

MAX_DEPTH = 3
MAX_PAGES = 200


class CrawledPage(BaseModel):
    url: str
    status: int
    links: list[str]


@action
async def fetch_page(url: str) -> CrawledPage:
    return CrawledPage(url=url, status=200, links=[f"{url}/a", f"{url}/b", "https://elsewhere.example/x"])


@action
async def index_page(page: CrawledPage) -> None:
    return None


@workflow
class SiteCrawlWorkflow(Workflow):
    async def run(self, root_url: str, domain: str) -> dict[str, int]:
        visited: dict[str, bool] = {root_url: True}
        frontier = [root_url]
        depth = 0
        errors = 0
        while frontier and depth < MAX_DEPTH and len(visited) < MAX_PAGES:
            results = await asyncio.gather(*[fetch_page(url) for url in frontier], return_exceptions=True)
            pages = [r for r in results if not isinstance(r, Exception)]
            errors += len(results) - len(pages)
            await asyncio.gather(*[index_page(p) for p in pages if p.status == 200])
            next_frontier: list[str] = []
            for page in pages:
                for link in page.links:
                    if link.startswith(f"https://{domain}") and link not in visited:
                        visited[link] = True
                        next_frontier.append(link)
            frontier = next_frontier[:MAX_PAGES - len(visited) + len(next_frontier)]
            depth += 1
        return {"pages": len(visited), "depth": depth, "errors": errors}
