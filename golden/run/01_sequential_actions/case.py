# Runs: three sequential actions, each consuming the previous result; plain values end to end.
from rappel import Workflow, action, workflow

INPUT = {"text": "  Durable Workflows In Python  "}
EXPECTS = "result"


@action
async def normalize(text: str) -> str:
    return " ".join(text.split()).lower()


@action
async def tokenize(text: str) -> list[str]:
    return text.split(" ")


@action
async def count_letters(words: list[str]) -> dict[str, int]:
    return {word: len(word) for word in words}


@workflow
class TextStatsWorkflow(Workflow):
    async def run(self, text: str) -> dict[str, int]:
        normalized = await normalize(text)
        words = await tokenize(normalized)
        counts = await count_letters(words)
        return counts
