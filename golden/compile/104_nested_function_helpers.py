# Pins: functions defined inside run() and inside a helper method are helpers of their own (fns): sync ones used in expressions and comprehensions, an async one that awaits an action, called in a loop and gathered; a nested function reads only its parameters and the module's names.
import asyncio

from rappel import Workflow, action, workflow

MAX_LEN = 12


@action
async def fetch_titles(feed: str) -> list[str]:
    return ["  Hello World  ", "Rappel 1.0 released"]


@action
async def translate(text: str, lang: str) -> str:
    return text


@workflow
class HeadlinesWorkflow(Workflow):
    async def run(self, feed: str, langs: list[str]) -> dict[str, list[str]]:
        def shorten(title: str, limit: int = MAX_LEN) -> str:
            title = title.strip()
            return title if len(title) <= limit else title[: limit - 1] + "…"

        async def localized(title: str, lang: str) -> str:
            if lang == "en":
                return title
            return await translate(title, lang)

        titles = [shorten(t) for t in await fetch_titles(feed)]
        out = {}
        for lang in langs:
            out[lang] = await asyncio.gather(*[localized(t, lang) for t in titles])
        out["slugs"] = self.slugs(titles)
        return out

    def slugs(self, titles: list[str]) -> list[str]:
        def slug(title: str) -> str:
            return "-".join(w.lower() for w in title.split() if w.isalnum())

        return sorted(slug(t) for t in titles)
