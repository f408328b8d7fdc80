# Runs: helper methods — an async helper inherited from a base class awaiting actions, a helper calling another helper, and sync pure helpers with defaults.
from rappel import Workflow, action, workflow

INPUT = {"words": ["rappel", "durable", "workflow", "dag"]}
EXPECTS = "result"


@action
async def reverse_word(word: str) -> str:
    return word[::-1]


@action
async def vowel_count(word: str) -> int:
    return sum(1 for ch in word if ch in "aeiou")


class WordWorkflowBase(Workflow):
    async def describe(self, word: str) -> str:
        reversed_word = await reverse_word(word)
        vowels = await vowel_count(word)
        return self.label(word, reversed_word, vowels)

    def label(self, word: str, reversed_word: str, vowels: int, sep: str = "|") -> str:
        return f"{word}{sep}{reversed_word}{sep}{vowels}"


@workflow
class WordReportWorkflow(WordWorkflowBase):
    async def run(self, words: list[str]) -> dict[str, list[str]]:
        long_words = [w for w in words if self.is_long(w)]
        described: list[str] = []
        for word in long_words:
            line = await self.describe(word)
            described.append(line)
        short = await self.describe_short(words)
        return {"long": described, "short": short}

    async def describe_short(self, words: list[str]) -> list[str]:
        out: list[str] = []
        for word in words:
            if not self.is_long(word, threshold=4):
                line = await self.describe(word)
                out.append(line)
        return out

    def is_long(self, word: str, threshold: int = 6) -> bool:
        return len(word) > threshold
