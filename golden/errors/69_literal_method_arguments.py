# Rejects: a method of a literal or a display called with arguments it never takes, caught when compiling (RPL0206): too many positional arguments for str.strip() and too few for dict.get(), with the counts as the builtins give them; a keyword to a method whose arguments are positional only; and, on a str literal with constant arguments, a call that always raises TypeError, with Python's message. Runtime values (`"abc".index("z")` raises ValueError, which a workflow may catch) are left to the run.
from rappel import Workflow, workflow


@workflow
class StripWorkflow(Workflow):
    async def run(self, name: str) -> str:
        return name + " ".strip(1, 2, 3)


@workflow
class LookupWorkflow(Workflow):
    async def run(self, key: str) -> int:
        found = {"a": 1, "b": 2}.get()
        return found + "abc".index("z")


@workflow
class KeywordWorkflow(Workflow):
    async def run(self, text: str) -> list:
        return [f"{text}!".strip(chars="!")]


@workflow
class SplitWorkflow(Workflow):
    async def run(self, text: str) -> list:
        parts = "a,b".split(",")
        return parts + "a,b".split(1)
