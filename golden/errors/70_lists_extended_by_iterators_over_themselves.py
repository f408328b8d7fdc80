# Rejects: extending a list with a lazy iterator that reads that same list (RPL0264): Python's iterator sees each item added, and never finishes (or, zip() with a shorter list, a condition that tests the list, adds other items), where RRL takes the items first: `xs += (... for x in xs)`, `xs += map(f, xs)`, `xs.extend(...)`, zip(), a condition, an item of a dict, a nested `for`, enumerate(); a list comprehension, a generator over a copy (`xs[:]`), reversed() and `xs += xs` are accepted.
from rappel import Workflow, workflow


@workflow
class DoublingWorkflow(Workflow):
    async def run(self, xs: list[int], other: list[int]) -> list:
        xs += [x * 2 for x in xs]
        xs += (x * 2 for x in xs[:])
        xs += reversed(xs)
        xs += xs
        xs += map(str, xs)
        xs += (x * 2 for x in xs if x > 0)
        xs.extend(x + 1 for x in xs)
        xs += zip(xs, other)
        xs += (y for y in other if y not in xs)
        return xs


@workflow
class NestedWorkflow(Workflow):
    async def run(self, groups: dict[str, list[int]], keys: list[str]) -> dict:
        groups["a"] += (n for key in keys for n in groups["a"])
        groups["b"] += enumerate(groups["b"])
        return groups
