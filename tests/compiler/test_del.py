"""`del`: a name is unbound, an item, a slice or a field is removed from a copy
that replaces the variable, each target in turn, as in Python."""

from __future__ import annotations

from .support import body_of, compile_text, diagnostics_text, expect, rrl_text

ACTIONS = """
@dataclass
class Note:
    text: str
    author: str | None = None


@action
async def step(x: int) -> int:
    return x


@action
async def pick(d: dict[str, int]) -> str:
    return next(iter(d))
"""

PARAMS = "x: int, xs: list[int], d: dict[str, int], rows: list[dict[str, int]]"


def _module(run_body: str, params: str, extra: str) -> str:
    indented = "\n".join("        " + line if line else "" for line in run_body.strip("\n").splitlines())
    return "from dataclasses import dataclass\n\n" + ACTIONS + f"\n\nLIMITS = {{'a': 1}}\n\n\n@workflow\nclass Flow(Workflow):\n    async def run(self, {params}):\n{indented}\n{extra}\n"


def flow(run_body: str, params: str = PARAMS, extra: str = "") -> str:
    return body_of(_module(run_body, params, extra))


def messages(run_body: str, params: str = PARAMS, extra: str = "") -> list[tuple[str, str]]:
    return [(d.code, d.message) for d in compile_text(_module(run_body, params, extra)).diagnostics]


def test_names_items_slices_and_fields():
    assert flow(
        """
        y = x
        del y
        y = 2
        del d["a"], xs[1:3], xs[::2], rows[0]["n"]
        del (xs[0], [d["b"]])
        del ()
        return [y, xs, d, rows]
        """
    ) == expect(
        """
        y = x
        del y
        y = 2
        del d["a"], xs[1:3], xs[::2], rows[0]["n"]
        del xs[0], d["b"]
        return [y, xs, d, rows]
        """
    )


def test_a_field_and_a_stored_value():
    assert flow(
        """
        groups = {}
        del groups.setdefault("k", {"a": 1})["a"]
        note = Note(text="x", author="me")
        del note.author
        return [groups, note]
        """
    ) == expect(
        """
        groups = {}
        groups.setdefault("k", {"a": 1})
        del groups["k"]["a"]
        note = Note(text="x", author="me")
        del note.author
        return [groups, note]
        """
    )


def test_targets_that_hoist_split_the_statement_in_python_s_order():
    assert flow(
        """
        del d["a"], d[await pick(d)], xs[await step(x)]
        return d
        """
    ) == expect(
        """
        del d["a"]
        $t1 = await pick(d=d)
        del d[$t1]
        $t2 = await step(x=x)
        del xs[$t2]
        return d
        """
    )


def test_a_changing_call_in_an_index_keeps_its_place():
    assert flow(
        """
        queue = list(xs)
        del d[str(queue.pop())]
        del queue[queue.pop()]
        return [d, queue]
        """
    ) == expect(
        """
        queue = list(xs)
        del d[str(queue.pop())]
        $t1 = queue.pop()
        del queue[$t1]
        return [d, queue]
        """
    )


def test_del_in_a_helper():
    text = rrl_text(
        _module(
            "return await self.prune(d, 'a')",
            PARAMS,
            """
    async def prune(self, values: dict[str, int], key: str) -> dict[str, int]:
        values = dict(values)
        if key in values:
            del values[key]
        del key
        return values
""",
        )
    )
    assert expect(
        """
        fn prune(values: dict[str, int], key: str) -> dict[str, int]:
            values = dict(values)
            if key in values:
                del values[key]
            del key
            return values
        """
    ) in text


def test_unbound_after_del_is_the_checker_s_error():
    text = diagnostics_text(_module("y = x\ndel y\nreturn y", PARAMS, ""))
    assert text.startswith("error[RPL0301]: name `y` is used before it is assigned\n")
    assert text.endswith("= help: `y` is unbound on every path to this line (`del y` unbinds it); assign it before using it")


def test_what_del_cannot_do_faithfully_is_rejected():
    assert messages("del d.get('a')[0]") == [
        ("RPL0226", "cannot delete `d.get('a')[0]`: `del` can only remove a variable, or an item or field of one"),
    ]
    assert messages("del xs[1:3][0]\ndel step(x)[0]") == [
        ("RPL0226", "cannot delete `xs[1:3][0]`: `del` can only remove a variable, or an item or field of one"),
        ("RPL0226", "cannot delete `step(x)[0]`: `del` can only remove a variable, or an item or field of one"),
    ]
    assert messages("del self.cache\ndel self") == [
        ("RPL0205", "`self.cache` cannot be deleted: it is state on the workflow instance"),
        ("RPL0205", "the workflow instance `self` cannot be deleted: it is state on the workflow instance"),
    ]
    assert messages("del LIMITS['a']\ndel LIMITS") == [
        ("RPL0237", "`LIMITS` is a module-level name and cannot be changed in a workflow"),
        ("RPL0237", "`LIMITS` is a module-level name and cannot be deleted in a workflow"),
    ]
    # the value another variable shares, and the collection a loop iterates over
    assert messages("ys = xs\ndel xs[0]\nreturn ys") == [
        ("RPL0227", "cannot change `xs` in place: the same object may also be reachable from `ys` (shared at line 31)"),
    ]
    assert messages("for k in d:\n    del d[k]") == [("RPL0227", "cannot change `d` while a for loop iterates over it")]
