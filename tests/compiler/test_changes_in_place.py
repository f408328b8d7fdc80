"""Methods that change their receiver (`xs.append(v)`, `queue.pop(0)`,
`d.setdefault(k, []).append(v)`): RRL rebinds the receiver to the changed copy,
at the point where Python changes the object."""

from __future__ import annotations

from .support import body_of, diagnostics_text, expect

ACTIONS = """
@action
async def step(x: int) -> int:
    return x
"""


def flow(run_body: str, params: str = "x: int, xs: list[int], d: dict[str, int]") -> str:
    indented = "\n".join("        " + line if line else "" for line in run_body.strip("\n").splitlines())
    return body_of(ACTIONS + f"\n\n@workflow\nclass Flow(Workflow):\n    async def run(self, {params}):\n{indented}\n")


def rejected(run_body: str, params: str = "x: int, xs: list[int], d: dict[str, int]") -> str:
    indented = "\n".join("        " + line if line else "" for line in run_body.strip("\n").splitlines())
    return diagnostics_text(ACTIONS + f"\n\n@workflow\nclass Flow(Workflow):\n    async def run(self, {params}):\n{indented}\n")


def test_every_changing_method_is_a_statement_of_its_own():
    source = """
    items = list(xs)
    items.append(x)
    items.extend([x, x])
    items.insert(0, x)
    items.remove(x)
    items.sort()
    items.sort(key=lambda v: -v, reverse=True)
    items.reverse()
    items.pop()
    items.clear()
    d.update({"a": x}, b=x)
    d.setdefault("c", x)
    d.pop("a")
    d.popitem()
    return [items, d]
    """
    assert flow(source) == expect(source)


def test_a_function_passed_to_sort_is_a_lambda():
    assert flow("items = list(xs)\nitems.sort(key=str)\nreturn items") == expect(
        """
        items = list(xs)
        items.sort(key=lambda $k: str($k))
        return items
        """
    )


def test_a_changing_call_assigned_keeps_its_place():
    assert flow(
        """
        queue = list(xs)
        first = queue.pop(0)
        last: int = queue.pop()
        missing = d.pop("k", None)
        key, value = d.popitem()
        a = b = queue.pop()
        return [first, last, missing, key, value, a, b]
        """
    ) == expect(
        """
        queue = list(xs)
        first = queue.pop(0)
        last: int = queue.pop()
        missing = d.pop("k", None)
        key, value = d.popitem()
        $t1 = queue.pop()
        a = $t1
        b = $t1
        return [first, last, missing, key, value, a, b]
        """
    )


def test_changes_inside_expressions_happen_where_python_makes_them():
    assert flow(
        """
        queue = list(xs)
        total = x + queue.pop()
        if queue.pop() > x:
            return queue.pop()
        return total
        """
    ) == expect(
        """
        queue = list(xs)
        total = x + queue.pop()
        $t1 = queue.pop()
        if $t1 > x:
            $t2 = queue.pop()
            return $t2
        return total
        """
    )


def test_values_read_before_a_change_keep_python_s_order():
    # `out.append(queue.pop(0))` stays one statement; `queue.append(queue.pop(0))`
    # pops before it appends (RRL would otherwise append to the value read first).
    # A list holds `queue` itself (Python sees the change); len(), an f-string field
    # and `*queue` are computed at once (they do not).
    assert flow(
        """
        queue = list(xs)
        done = []
        done.append(queue.pop(0))
        queue.append(queue.pop(0))
        size = len(queue) + queue.pop()
        both = queue + [queue.pop()]
        text = f"{queue} -> {queue.pop()}"
        head = [*queue, queue.pop()]
        merged = {**d, "k": d.pop("a")}
        return [done, size, both, text, head, merged]
        """
    ) == expect(
        """
        queue = list(xs)
        done = []
        done.append(queue.pop(0))
        $t1 = queue.pop(0)
        queue.append($t1)
        $t2 = len(queue)
        size = $t2 + queue.pop()
        $t3 = queue.pop()
        both = queue + [$t3]
        $t4 = f"{queue}"
        text = f"{$t4} -> {queue.pop()}"
        $t5 = [*queue]
        $t6 = queue.pop()
        head = [*$t5, $t6]
        $t7 = {**d}
        merged = {**$t7, "k": d.pop("a")}
        return [done, size, both, text, head, merged]
        """
    )


def test_setdefault_groups_into_the_stored_value():
    assert flow(
        """
        groups = {}
        totals = {}
        for order in orders:
            groups.setdefault(order["customer"], []).append(order["id"])
            groups.setdefault("all", []).append(order["id"])
            totals.setdefault(x, {})["count"] = 0
            totals.setdefault(x, {})["count"] += 1
            totals.setdefault(x, {}).setdefault("ids", []).append(order["id"])
        return [groups, totals]
        """,
        params="orders: list[dict], x: int",
    ) == expect(
        """
        groups = {}
        totals = {}
        for order in orders:
            $t1 = order["customer"]
            groups.setdefault($t1, [])
            groups[$t1].append(order["id"])
            groups.setdefault("all", [])
            groups["all"].append(order["id"])
            totals.setdefault(x, {})
            totals[x]["count"] = 0
            totals.setdefault(x, {})
            totals[x]["count"] += 1
            totals.setdefault(x, {})
            totals[x].setdefault("ids", [])
            totals[x]["ids"].append(order["id"])
        return [groups, totals]
        """
    )


def test_the_place_is_read_before_the_arguments_are_evaluated():
    # Python reads `groups[x]` (which may raise) before it awaits; the indexes of
    # a place are computed before a hoisted change that could alter them.
    assert flow(
        """
        groups = {}
        groups.setdefault(x, []).append(await step(x))
        queue = list(xs)
        table = {0: 0}
        table[len(queue)] += queue.pop()
        rows = [[]]
        rows[len(queue) - 1].append(queue.pop())
        return [groups, table, rows]
        """
    ) == expect(
        """
        groups = {}
        groups.setdefault(x, [])
        $t1 = groups[x]
        $t2 = await step(x=x)
        groups[x].append($t2)
        queue = list(xs)
        table = {0: 0}
        $t3 = len(queue)
        $t4 = table[$t3]
        $t5 = queue.pop()
        table[$t3] += $t5
        rows = [[]]
        $t6 = len(queue) - 1
        $t7 = rows[$t6]
        rows[$t6].append(queue.pop())
        return [groups, table, rows]
        """
    )


def test_changes_inside_comprehensions_become_loops():
    assert flow(
        """
        queue = list(xs)
        taken = [queue.pop() for _ in range(2)]
        total = sum(queue.pop() for _ in range(2))
        return [taken, total]
        """
    ) == expect(
        """
        queue = list(xs)
        $t1 = []
        for $t2 in range(2):
            $t1.append(queue.pop())
        taken = $t1
        $t3 = []
        for $t4 in range(2):
            $t3.append(queue.pop())
        total = sum($t3)
        return [taken, total]
        """
    )


def test_a_short_circuit_or_conditional_change_happens_only_when_python_makes_it():
    assert flow(
        """
        queue = list(xs)
        last = queue.pop() if queue else None
        while queue and queue[-1] > x:
            queue.pop()
        return last
        """
    ) == expect(
        """
        queue = list(xs)
        if queue:
            $t1 = queue.pop()
        else:
            $t1 = None
        last = $t1
        while queue and queue[-1] > x:
            queue.pop()
        return last
        """
    )


# ------------------------------------------------------------------ rejected


def test_the_result_of_a_call_cannot_be_changed():
    assert rejected("return sorted(xs).pop()") == expect(
        """
        error[RPL0203]: pop() changes its receiver, which must be a variable (or `x[key]`, `x.field` of one), not `sorted(xs)`
          --> app/flows.py:14:16
           |
        14 |         return sorted(xs).pop()
           |                ^^^^^^^^^^^^^^^^
           = help: assign the value to a variable first and change the variable
        """
    ).rstrip("\n")
    assert rejected('d.get("k", []).append(x)') == expect(
        """
        error[RPL0203]: append() changes its receiver, which must be a variable (or `x[key]`, `x.field` of one), not `d.get("k", [])`
          --> app/flows.py:14:9
           |
        14 |         d.get("k", []).append(x)
           |         ^^^^^^^^^^^^^^^^^^^^^^^^
           = help: to change the value stored in the dict, write `d.setdefault("k", []).append(...)`
        """
    ).rstrip("\n")


def test_a_change_where_it_would_be_lost_is_rejected():
    assert rejected("queue = list(xs)\nreturn sorted(xs, key=lambda v: queue.pop())") == expect(
        """
        error[RPL0217]: pop() changes `queue`, which cannot happen inside a lambda body
          --> app/flows.py:15:41
           |
        15 |         return sorted(xs, key=lambda v: queue.pop())
           |                                         ^^^^^^^^^^^
           = help: change it in a statement of its own before, and use the variable
        """
    ).rstrip("\n")
    assert rejected("queue = list(xs)\nreturn await asyncio.gather(*[step(queue.pop()) for v in xs])") == expect(
        """
        error[RPL0217]: pop() changes `queue`, which cannot happen inside a gather comprehension
          --> app/flows.py:15:44
           |
        15 |         return await asyncio.gather(*[step(queue.pop()) for v in xs])
           |                                            ^^^^^^^^^^^
           = help: change it in a statement of its own before, and use the variable
        """
    ).rstrip("\n")


def test_an_argument_that_changes_the_receiver_s_container_is_rejected():
    # Python appends to the list it read first, even if `table.pop(...)` removes it.
    assert rejected('table = {"a": [1], "b": [2]}\ntable["a"].append(table.pop("b"))\nreturn table') == expect(
        """
        error[RPL0217]: `table` is changed while `table["a"]` is in use
          --> app/flows.py:15:9
           |
        15 |         table["a"].append(table.pop("b"))
           |         ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
           = help: compute the value into a variable in a statement of its own first
        """
    ).rstrip("\n")


def test_arguments_of_changing_methods_are_checked():
    assert rejected("items = list(xs)\nitems.insert(1)\nitems.sort(cmp=None)\nreturn items") == expect(
        """
        error[RPL0206]: insert() takes 2 positional arguments but 1 was given
          --> app/flows.py:15:9
           |
        15 |         items.insert(1)
           |         ^^^^^^^^^^^^^^^
           = help: pass the arguments the callee declares, each once, by position or by name

        error[RPL0206]: sort() does not take the keyword argument `cmp`
          --> app/flows.py:16:20
           |
        16 |         items.sort(cmp=None)
           |                    ^^^^^^^^
           = help: pass the arguments the callee declares, each once, by position or by name

        error: aborting due to 2 previous errors
        """
    ).rstrip("\n")


def test_state_on_self_and_unbound_methods():
    assert rejected("self.seen.append(x)") == expect(
        """
        error[RPL0205]: `self.seen.append()` changes state on the workflow instance, which is not supported
          --> app/flows.py:14:9
           |
        14 |         self.seen.append(x)
           |         ^^^^^^^^^^^^^^^^^^^
           = help: keep the value in a local variable; pass it to helpers and return results from them
        """
    ).rstrip("\n")
    assert rejected("items = list(xs)\nlist.append(items, 1)\nreturn items") == expect(
        """
        error[RPL0203]: cannot call `list.append()` in a workflow
          --> app/flows.py:15:9
           |
        15 |         list.append(items, 1)
           |         ^^^^^^^^^^^^^^^^^^^^^
           = help: call the method on the value instead: `value.append(...)`
        """
    ).rstrip("\n")


def test_a_value_put_inside_itself_is_rejected():
    assert rejected('out = []\nout.append(out)\ntable = {"a": [], "b": []}\ntable[str(x)].append(table["a"])\nreturn [out, table]') == expect(
        """
        error[RPL0227]: cannot put `out` inside itself
          --> app/flows.py:15:9
           |
        15 |         out.append(out)
           |         ^^^^^^^^^^^^^^^
           = help: Python would build a value that contains itself; put a copy in it instead (`list(x)`, `dict(x)`)

        error[RPL0227]: cannot put a part of `table` inside `table[str(x)]`
          --> app/flows.py:17:9
           |
        17 |         table[str(x)].append(table["a"])
           |         ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
           = help: it may be the same object, and Python would then build a value that contains itself; put a copy in it instead (`list(x)`, `dict(x)`)

        error: aborting due to 2 previous errors
        """
    ).rstrip("\n")


def test_a_comprehension_variable_is_named_as_the_user_wrote_it():
    text = rejected('return [row.pop("id") for row in rows]', params="rows: list[dict]")
    assert text.splitlines()[0] == (
        "error[RPL0227]: cannot change `row` in place: the same object may also be reachable from `rows` (shared at line 14)"
    )


def test_model_copy_is_shallow_and_model_dump_is_new():
    source = """
    from pydantic import BaseModel


    class Order(BaseModel):
        id: str
        tags: list[str] = []


    @workflow
    class Flow(Workflow):
        async def run(self, order: Order) -> list:
            data = order.model_dump()
            data["tags"].append("seen")
            copy = order.model_copy(update={"id": "copy"})
            copy.tags.append("copied")
            return [data, copy]
    """
    text = diagnostics_text(source)
    assert text.splitlines()[0] == (
        "error[RPL0227]: cannot change `copy.tags` in place: the same object may also be reachable from `order` (shared at line 19)"
    )
    assert "aborting" not in text  # model_dump() builds new containers: `data` may change


def test_augmented_addition_is_rrl_s_in_place_addition():
    # Python's list `+=` takes any iterable: RRL's `+=` does too, where `xs = xs + ys` would not.
    assert flow('xs += (1, 2)\nxs += "ab"\nd["k"] += x\nreturn xs') == expect(
        """
        xs += (1, 2)
        xs += "ab"
        d["k"] += x
        return xs
        """
    )


def test_extending_a_shared_list_with_a_str_is_rejected():
    # `xs += "ab"` extends the list that `alias` also holds, as `xs += ["a", "b"]` would.
    assert rejected('alias = xs\nxs += "ab"\nreturn alias') == expect(
        """
        error[RPL0227]: cannot change `xs` in place: the same object may also be reachable from `alias` (shared at line 14)
          --> app/flows.py:15:9
           |
        15 |         xs += "ab"
           |         ^^^^^^^^^^
           = help: RRL copies values where Python shares objects, so the other reference would not see the change; build a new value and assign it (for example `items = items + [x]`), or copy the value first (`items = list(items)`) and change the copy
        """
    ).rstrip("\n")


def test_arguments_of_methods_of_literals_are_checked():
    assert rejected('return [" ".strip(1, 2, 3), {"a": 1}.get(), "a,b".split(1)]') == expect(
        """
        error[RPL0206]: str.strip() takes from 0 to 1 positional arguments but 3 were given
          --> app/flows.py:14:17
           |
        14 |         return [" ".strip(1, 2, 3), {"a": 1}.get(), "a,b".split(1)]
           |                 ^^^^^^^^^^^^^^^^^^
           = help: pass the arguments the callee declares, each once, by position or by name
        """
    ).rstrip("\n")
    assert "error[RPL0206]: dict.get() takes from 1 to 2 positional arguments but 0 were given" in rejected('return {"a": 1}.get()')
    assert "error[RPL0206]: str.upper() takes 0 positional arguments but 1 was given" in rejected('return f"{x}".upper(1)')
    assert "error[RPL0206]: str.strip() takes no keyword arguments" in rejected('return "s".strip(chars="s")')
    assert "`\"a,b\".split(1)` always raises TypeError: must be str or None, not int" in rejected('return "a,b".split(1)')
    # A ValueError depends on the run (a workflow may catch it); so do arguments that are not constants.
    assert flow('return ["abc".index("z"), "s".strip(str(x))]').startswith("return ")
