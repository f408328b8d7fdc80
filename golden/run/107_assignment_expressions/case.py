# Runs: `:=` in statements — a `while` condition that awaits the next page and names it, an `if` test, an `and` whose right side (with its assignment) runs only when the left holds, an `elif`, a helper, and operands evaluated before the assignment that keep the old value (a list display, an f-string, a call's arguments).
from rappel import Workflow, action, workflow

INPUT = {"feed": "news", "budget": 5}
EXPECTS = "result"

PAGES = {0: ["a b", "c"], 1: ["d e f"], 2: []}


@action
async def fetch_page(feed: str, cursor: int) -> list[str]:
    return PAGES[cursor]


@action
async def score(text: str) -> int:
    return len(text) * 3


def word_count(text: str) -> int:
    if (words := text.split()) and len(words) > 1:
        return len(words)
    return 1


def pair(a: int, b: int) -> list[int]:
    return [a, b]


@workflow
class FeedDigestWorkflow(Workflow):
    async def run(self, feed: str, budget: int) -> dict:
        items = []
        cursor = 0
        while (page := await fetch_page(feed, cursor)):
            items.extend(page)
            cursor += 1
        checked = []
        for item in items:
            if budget > 100 and (points := await score(item)) > 0:
                checked.append(points)
            elif (words := word_count(item)) > 1:
                checked.append(-words)
            else:
                checked.append(0)
        n = len(items)
        shown = [n, (n := n + 10), n]
        text = f"{n}/{(n := n - 1)}/{n}"
        args = pair(n, (n := 0))
        return {"items": items, "pages": cursor, "last_page": page, "checked": checked, "shown": shown,
                "text": text, "args": args, "n": n}
