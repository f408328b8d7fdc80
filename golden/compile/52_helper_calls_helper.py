# Pins: helpers calling helpers — an async helper awaiting another async helper and calling a sync helper, two levels below run().
from rappel import Workflow, action, workflow


@action
async def fetch_article(article_id: str) -> str:
    return "Some article text"


@action
async def summarize_text(text: str, max_words: int) -> str:
    return text


@action
async def translate_text(text: str, language: str) -> str:
    return text


@workflow
class ArticleDigestWorkflow(Workflow):
    async def run(self, article_ids: list[str], language: str) -> list[str]:
        digests: list[str] = []
        for article_id in article_ids:
            digest = await self.localized_summary(article_id, language)
            digests.append(digest)
        return digests

    async def localized_summary(self, article_id: str, language: str) -> str:
        summary = await self.summary(article_id)
        if language == "en":
            return summary
        return await translate_text(summary, language)

    async def summary(self, article_id: str) -> str:
        text = await fetch_article(article_id)
        return await summarize_text(text, self.word_budget(text))

    def word_budget(self, text: str) -> int:
        return max(20, min(200, len(text.split()) // 10))
