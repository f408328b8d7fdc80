# Pins: a map-reduce — map fan-out over shards, a reduce that merges partial dicts with accumulators, top-N with sorted(key=lambda, reverse=True) and a final dict comprehension.
import asyncio

from rappel import Workflow, action, workflow

TOP_N = 10


@action
async def list_shards(corpus: str) -> list[str]:
    return ["shard-0"]


@action
async def count_words(shard: str) -> dict[str, int]:
    return {"the": 3}


@workflow
class WordCountWorkflow(Workflow):
    async def run(self, corpus: str, stopwords: list[str]) -> dict[str, int]:
        shards = await list_shards(corpus)
        partials = await asyncio.gather(*[count_words(s) for s in shards])
        totals: dict[str, int] = {}
        for partial in partials:
            for word, count in partial.items():
                if word in stopwords:
                    continue
                totals[word] = totals.get(word, 0) + count
        top = sorted(totals.items(), key=lambda item: (-item[1], item[0]))[:TOP_N]
        return {word: count for word, count in top}
