"""Python shares objects, RRL copies values: an in-place change that another
reference would see in Python is rejected (RPL0227); everything else compiles."""

from __future__ import annotations

import pytest

from .support import codes, diagnostics_text, expect

ACTIONS = """
@action
async def load() -> list[dict[str, int]]:
    return []
"""


def run_codes(run_body: str, extra: str = "") -> list[str]:
    indented = "\n".join("        " + line if line else "" for line in run_body.strip("\n").splitlines())
    return codes(ACTIONS + f"\n\n@workflow\nclass Flow(Workflow):\n    async def run(self, xs: list[int], rows: list[dict[str, int]]):\n{indented}\n{extra}\n")


@pytest.mark.parametrize(
    "body",
    [
        # a loop variable is an element of the list
        "for row in rows:\n    row['seen'] = 1",
        # two names for one list
        "ys = xs\nys.append(1)\nreturn xs",
        "ys = xs\nxs.append(1)\nreturn ys",
        # a list stored in a dict, then changed through its name
        "group = []\ntable = {'a': group}\ngroup.append(1)\nreturn table",
        # ... or through the dict
        "group = []\ntable = {'a': group}\ntable['a'].append(1)\nreturn group",
        # an element taken out of a list, then changed
        "first = rows[0]\nfirst['n'] = 2\nreturn rows",
        # a shallow copy still shares the elements
        "copy = list(rows)\ncopy[0]['n'] = 1\nreturn rows",
        # augmented assignment on a list is in place
        "ys = xs\nys += [1]\nreturn xs",
        # Python's loop sees what the body appends; RRL's loop iterates a value
        "for v in xs:\n    if v < 3:\n        xs.append(v + 10)\nreturn xs",
        "for i, v in enumerate(xs):\n    xs[0] = v",
        "table = {'a': 1}\nfor k in table:\n    table['b'] = 2",
        "table = {'a': 1}\nfor k, v in table.items():\n    table[k + 'x'] = v",
        # an alias made in one iteration is seen in the next
        "keep = []\nacc = []\nfor v in xs:\n    acc.append(v)\n    keep = acc\nreturn keep",
        # every method that changes its receiver counts
        "ys = xs\nys.sort()\nreturn xs",
        "row = rows[0]\nrow.update({'a': 1})\nreturn rows",
        "for v in xs:\n    xs.remove(v)\nreturn xs",
        "first = rows[0]\nfirst.pop('n')\nreturn rows",
        # an item popped from a copy is still an item of the original
        "copy = list(rows)\nfirst = copy.pop(0)\nfirst['n'] = 1\nreturn rows",
        # setdefault() returns the stored value; fromkeys() stores one value under every key
        "groups = {}\ngroup = groups.setdefault('k', [])\ngroup.append(1)\nreturn groups",
        "table = dict.fromkeys(['a', 'b'], [])\ntable['a'].append(1)\nreturn table",
        # an item used as an index only after it may have been changed (or only sometimes)
        "for row in rows:\n    row['n'] = 1\n    rows[row]",
        "for row in rows:\n    if row.get('skip') and rows[row]:\n        pass\n    row['n'] = 1",
        # the same dict twice in one list
        "row = rows[0]\nrows.append(row)\nrows[0]['n'] = 1\nreturn rows",
        # `del` of an item or a field changes its container in place
        "ys = xs\ndel ys[0]\nreturn xs",
        "first = rows[0]\ndel first['n']\nreturn rows",
        "copy = list(rows)\ndel copy[0]['n'], copy[1:]\nreturn rows",
        "table = {'a': 1, 'b': 2}\nfor k in table:\n    del table[k]",
        "table = {'a': 1, 'b': 2}\nfor k, v in table.items():\n    del table[k]",
        # a repeated list holds the same item several times, whatever the count
        "grid = [[]] * 2\ngrid[0].append(1)\nreturn grid",
        "grid = 2 * [{}]\ngrid[1]['a'] = 1\nreturn grid",
        "grid = [[0] * 3] * len(xs)\ngrid[0][1] = 5\nreturn grid",
        "pairs = ([],) * 2\npairs[0].append(1)\nreturn pairs",
        "grid = [[]]\ngrid *= 2\ngrid[0].append(1)\nreturn grid",
        "grid = [xs] * 2\ngrid[0].append(1)\nreturn grid",
        # `*=` repeats a list in place
        "ys = xs\nxs *= 2\nreturn ys",
        # storing back what a place holds does not hide another holder
        "row = rows[0]\nrows[0] = rows.get(0, {})\nrow['n'] = 1\nreturn rows",
        "d = {'a': xs}\nd['a'] = d.get('a', [])\nd['a'] += [1]\nreturn xs",
        # a loop that goes on after the change sees it
        "for v in xs:\n    xs.append(v)\n    if v:\n        break",
        "for v in xs:\n    if v:\n        xs.append(v)\n        continue\n    break",
        "for v in xs:\n    for w in xs:\n        xs.append(w)\n        break",
        "for v in xs:\n    try:\n        xs.append(v)\n        break\n    finally:\n        continue",
    ],
)
def test_changes_visible_through_another_reference_are_rejected(body: str):
    assert "RPL0227" in run_codes(body)


@pytest.mark.parametrize(
    "body",
    [
        "out = []\nfor v in xs:\n    out.append(v)\nreturn out",
        "counts = {}\nfor v in xs:\n    counts[str(v)] = counts.get(str(v), 0) + 1\nreturn counts",
        # a fresh value each iteration, stored after it is complete
        "table = {}\nfor v in xs:\n    group = []\n    group.append(v)\n    table[str(v)] = group\nreturn table",
        # nested containers built in place
        "table = {}\nfor v in xs:\n    table[str(v)] = {}\n    table[str(v)]['n'] = v\nreturn table",
        # copies are independent at the top level
        "ys = list(xs)\nys.append(1)\nreturn [xs, ys]",
        "ys = xs[:]\nys.append(1)\nreturn [xs, ys]",
        # rebinding is not a change
        "ys = xs\nys = ys + [1]\nreturn [xs, ys]",
        # action results are fresh values
        "data = await load()\ndata[0]['n'] = 1\nreturn data",
        # workflow inputs belong to the workflow
        "xs.append(1)\nrows[0]['n'] = 2\nreturn xs",
        "total = 0\nfor v in xs:\n    total += v\nreturn total",
        # loops over copies, and updates of the current entry of a dict
        "for v in list(xs):\n    xs.append(v)\nreturn xs",
        "for v in sorted(xs):\n    xs.append(v)\nreturn xs",
        "table = {'a': 1}\nfor k, v in table.items():\n    table[k] = v + 1\nreturn table",
        "data = {'a': [1], 'b': []}\nfor v in data['a']:\n    data['b'].append(v)\nreturn data",
        # changing methods on values nobody else refers to
        "xs.sort()\nxs.reverse()\nreturn xs",
        "queue = list(xs)\nlast = queue.pop()\nreturn [last, queue]",
        "jobs = await load()\njob = jobs.pop(0)\njob['n'] = 1\nreturn [job, jobs]",
        "groups = {}\nfor v in xs:\n    groups.setdefault(str(v), []).append(v)\nreturn groups",
        "table = dict.fromkeys(['a', 'b'], 0)\ntable['a'] += 1\nreturn table",
        "first, *rest = rows\nrest.append({})\nreturn [first, rest]",
        # the keys of a dict cannot change: an item that indexes its collection first is one
        "table = {'a': [], 'b': []}\nfor k in sorted(table):\n    table[k].append(1)\nreturn table",
        "table = {'a': [], 'b': []}\nfor k in table.keys():\n    table[k].append(1)\nreturn table",
        "table = {'a': [], 'b': []}\nfor k in list(table):\n    if table[k]:\n        table[k].clear()\nreturn table",
        "table = {'a': 1}\nfor k in list(table):\n    table.pop(k)\ntable.setdefault('y', {})['z'] = 1\nreturn table",
        # `del` from values nobody else refers to; `del` of a name changes no object
        "del xs[0], rows[0]['n']\nreturn [xs, rows]",
        "table = {'a': 1, 'b': 2}\nfor k in list(table):\n    del table[k]\nreturn table",
        "ys = xs\ndel xs\nxs = [1]\nxs.append(2)\nreturn [xs, ys]",
        "copy = list(xs)\ndel copy[1:]\nreturn [xs, copy]",
        # repeated immutable items; lists built one by one; changing the repeated list itself
        "row = [0] * 3\nrow[0] += 1\nreturn row",
        "grid = [[0] * 3 for _ in range(2)]\ngrid[0][1] = 5\nreturn grid",
        "grid = [[]] * 2\ngrid.append([])\ngrid[0] = [1]\nreturn grid",
        "line = '-' * len(xs)\nreturn line",
        "delay = 1\ndelay *= 2\nreturn delay",
        # `d[k] = d.get(k, 0)` stores back what `d[k]` holds (or the default)
        "d = {}\nfor row in rows:\n    d['n'] = d.get('n', 0)\n    d['n'] += row['n']\nreturn d",
        "d = {}\nfor v in xs:\n    k = str(v)\n    d[k] = d.get(k, [])\n    d[k] += [v]\nreturn d",
        "d = {}\nfor row in rows:\n    d[row['k']] = d.get(row['k'], [])\n    d[row['k']] += [row]\nreturn d",
        # changing the collection a loop iterates over, right before leaving the loop
        "for v in xs:\n    if v > 3:\n        xs.append(0)\n        break\nreturn xs",
        "for v in xs:\n    if v > 3:\n        xs.append(0)\n        return xs\nreturn xs",
        "for v in xs:\n    if v > 3:\n        xs.append(0)\n        total = len(xs)\n        break\nreturn xs",
        "for v in xs:\n    for w in rows:\n        xs.append(v)\n        return xs\nreturn xs",
        # sharing a scalar shows no change: str and number variables and parameters
        "name = 'n' + str(len(xs))\nbox = {'name': name, 'items': []}\nbox['items'].append(1)\nreturn box",
        "n = len(xs)\nfor i in range(n):\n    n = n + i\nbox = {'n': n, 'items': []}\nbox['items'].append(n)\nreturn box",
    ],
)
def test_changes_nobody_else_sees_compile(body: str):
    assert run_codes(body) == []


def test_helper_parameters_belong_to_the_caller():
    assert run_codes(
        "return await self.add(xs)",
        extra="""
    async def add(self, items: list[int]) -> list[int]:
        items.append(1)
        return items
""",
    ) == ["RPL0227"]
    assert run_codes(
        "return await self.add(xs)",
        extra="""
    async def add(self, items: list[int]) -> list[int]:
        items = list(items)
        items.append(1)
        return items
""",
    ) == []


def test_a_helper_deletes_from_its_own_copy_only():
    assert run_codes(
        "return await self.drop(rows[0])",
        extra="""
    async def drop(self, row: dict[str, int]) -> dict[str, int]:
        del row['n']
        return row
""",
    ) == ["RPL0227"]
    assert run_codes(
        "return await self.drop(rows[0])",
        extra="""
    async def drop(self, row: dict[str, int]) -> dict[str, int]:
        row = dict(row)
        del row['n']
        return row
""",
    ) == []


def test_the_message():
    text = diagnostics_text(
        """
        @workflow
        class Flow(Workflow):
            async def run(self, rows: list[dict[str, int]]) -> list[dict[str, int]]:
                for row in rows:
                    row["seen"] = 1
                return rows
        """
    )
    assert text == expect(
        """
        error[RPL0227]: cannot change `row` in place: the same object may also be reachable from `rows` (shared at line 9)
          --> app/flows.py:10:13
           |
        10 |             row["seen"] = 1
           |             ^^^^^^^^^^^^^^^
           = help: RRL copies values where Python shares objects, so the other reference would not see the change; build a new value and assign it (for example `items = items + [x]`), or copy the value first (`items = list(items)`) and change the copy
        """
    ).rstrip("\n")


def test_repeating_a_list_in_place_says_how_to_rebind_instead():
    text = diagnostics_text(
        """
        @workflow
        class Flow(Workflow):
            async def run(self, delays: list[int]) -> list[int]:
                kept = delays
                delays *= 2
                return kept
        """
    )
    assert "help: `xs *= n` repeats a list in place" in text and "write `xs = xs * n` (also for a number)" in text


def test_a_fresh_model_with_scalar_fields_can_have_a_nested_field_set():
    source = """
    from pydantic import BaseModel


    class Address(BaseModel):
        zip: str = ""


    class Customer(BaseModel):
        name: str
        address: Address


    @workflow
    class Flow(Workflow):
        async def run(self, name: str, zip_code: str) -> Customer:
            c = Customer(name=name, address=Address())
            c.address.zip = zip_code
            return c
    """
    assert codes(source) == []


def test_the_message_names_the_other_holder_and_the_line():
    assert run_codes("ys = xs\nys.append(1)\nreturn xs") == ["RPL0227"]
    text = diagnostics_text(
        """
        @workflow
        class Flow(Workflow):
            async def run(self, rows: list[dict[str, int]]) -> list[dict[str, int]]:
                first = rows[0]
                grid = [[]] * 2
                first["seen"] = 1
                grid[1].append(first)
                return rows + grid[0]
        """
    )
    lines = [line for line in text.splitlines() if line.startswith("error[")]
    assert lines == [
        "error[RPL0227]: cannot change `first` in place: the same object may also be reachable from `rows` (shared at line 9)",
        "error[RPL0227]: cannot change `grid[1]` in place: the same object may also be reachable from the other items of `grid` (shared at line 10)",
    ]
