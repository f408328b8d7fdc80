"""The checker: every RPL03xx diagnostic pinned to its exact text, and the
name-binding analysis on Python's rules."""

from __future__ import annotations

from dataclasses import replace

import pytest

from rrl import ast as A
from rrl import parse, render_all
from rrl.check import CODES, check, errors

HEAD = """\
rrl 1

exception Busy(Exception) from app.errors

enum Role(str, Enum) from app.models:
    ADMIN = "admin"
    GUEST = "guest"

model User from app.models:
    id: str
    name: str = ""

const LIMIT = 10

action fetch(id: str, page: int = 1) -> User from app.actions
action notify(to: str, urgent: bool = False) -> None from app.actions

"""
HEAD_LINES = HEAD.count("\n")


def diagnostics(body: str, head: str = HEAD) -> list[tuple]:
    """(severity, code, line within `body`, column, message, help) of each diagnostic."""
    lines = head.count("\n")
    return [
        (d.severity, d.code, d.span.line - lines if d.span else None, d.span.column if d.span else None, d.message, d.help)
        for d in check(parse(head + body))
    ]


def codes(body: str, head: str = HEAD) -> list[str]:
    return [code for _, code, *_ in diagnostics(body, head)]


# ------------------------------------------------------------------ every code, pinned

CONSTANT_HELP = "a default or a member's value is made of literals, arithmetic on numbers, lists, tuples and dicts of them, and members of declared enums (`Color.RED`)"
CLASS_ATTRIBUTE_HELP = "read the field of a value (`x.field`), or the name of a value's class: `type(x).__name__`"
POLICY_HELP = "see the policies in docs/language.md: a timeout above 0, at least 1 attempt, a multiplier of at least 1"

PINNED = [
    (
        "workflow W(ids: list[str]) -> int:\n    if ids:\n        return 0\n    total = total + 1\n    return total\n",
        [("error", "RPL0301", 4, 13, "name `total` is used before it is assigned", "assign `total` before this line, for example `total = 0`")],
    ),
    (
        "workflow W(ids: list[str]) -> int:\n    return len(idz)\n",
        [("error", "RPL0302", 2, 16, "name `idz` is not defined", "did you mean `ids`?")],
    ),
    (
        "workflow W(id: str) -> int:\n    return nothing_like_it\n",
        [("error", "RPL0302", 2, 12, "name `nothing_like_it` is not defined", "assign `nothing_like_it` first, add a parameter, or declare `const nothing_like_it = ...`")],
    ),
    (
        "workflow W(id: str) -> None:\n    await fetchh(id=id)\n",
        [("error", "RPL0303", 2, 5, "`fetchh` is neither an action nor a fn", "did you mean `fetch`?")],
    ),
    (
        "workflow W(id: str) -> None:\n    await W(id=id)\n",
        [("error", "RPL0303", 2, 5, "workflow `W` cannot be awaited", "only actions and fns can be awaited; turn the shared steps into a `fn`")],
    ),
    (
        "workflow W(id: str) -> None:\n    await fetch(id=id, pages=2)\n",
        [("error", "RPL0304", 2, 24, "action `fetch` has no parameter `pages`", "did you mean `page`?")],
    ),
    (
        "workflow W(id: str) -> None:\n    await fetch(page=2)\n",
        [("error", "RPL0305", 2, 5, "missing argument `id` in call to action `fetch`", "pass it by name: `id=...`")],
    ),
    (
        "workflow W(id: str) -> None:\n    await fetch(id=id, id=id)\n",
        [("error", "RPL0306", 2, 24, "argument `id` is given twice", "remove one of them")],
    ),
    (
        "workflow W(id: str) -> None:\n    await fetch(id=42, page=\"2\")\n    await notify(to=id, urgent=1)\n",
        [
            ("error", "RPL0307", 2, 20, "argument `id` has type `int` but is declared `str`", "give a value of type `str`"),
            ("error", "RPL0307", 2, 29, "argument `page` has type `str` but is declared `int`", "give a value of type `int`"),
            ("error", "RPL0307", 3, 32, "argument `urgent` has type `int` but is declared `bool`", "give a value of type `bool`"),
        ],
    ),
    (
        "workflow W(id: str) -> None:\n    return id\n",
        [("error", "RPL0308", 2, 12, "workflow `W` is declared `-> None` but returns a value", "remove the value, or declare the return type of `W`")],
    ),
    (
        "fn f(id: str) -> int:\n    return \"none\"\n\nworkflow W(id: str) -> int:\n    x = await f(id=id)\n    return x\n",
        [("error", "RPL0309", 2, 12, "fn `f` returns `str` but is declared `-> int`", "return a value of type `int`, or change the declared return type")],
    ),
    (
        "workflow W(id: str) -> str:\n    return id\n    x = 1\n    y = 2\n",
        [("warning", "RPL0310", 3, 5, "unreachable code after `return`", "remove it, or move it before the `return`")],
    ),
    (
        "workflow W(ids: list[str]) -> None:\n    parallel for i in ids:\n        await fetch(id=i)\n    continue\n",
        [("error", "RPL0311", 4, 5, "`continue` outside a loop", "`continue` only works inside `for` and `while` (a `parallel for` is not a loop)")],
    ),
    (
        "workflow W(id: str) -> None:\n    raise\n",
        [("error", "RPL0312", 2, 5, "bare `raise` outside an `except` block", "raise an exception explicitly, for example `raise ValueError(\"...\")`")],
    ),
    (
        "workflow W(id: str) -> str:\n    return uuid4()\n",
        [("error", "RPL0313", 2, 12, "unknown function `uuid4`", "RRL calls only the builtins listed in docs/language.md; move other code into an action")],
    ),
    (
        "workflow W(ids: list[str]) -> list[str]:\n    return sorted(ids, 1, reversed=True)\n",
        [
            ("error", "RPL0314", 2, 12, "`sorted` takes 1 positional argument but 2 were given", "see the builtins table in docs/language.md"),
            ("error", "RPL0314", 2, 27, "`sorted` has no keyword argument `reversed`", "did you mean `reverse`?"),
        ],
    ),
    (
        "workflow W(ids: list[str]) -> list[str]:\n    more = ids.push(\"x\")\n    return more\n",
        [("error", "RPL0315", 2, 12, "unknown method `push`", "RRL calls only the str, list, dict, set and model methods listed in docs/language.md; move other code into an action")],
    ),
    (
        "workflow W(id: str) -> str:\n    user = fetch(id=id)\n    return user\n",
        [("error", "RPL0316", 2, 12, "action `fetch` is called without `await`", "call it in a statement of its own and use the result: `result = await fetch(...)`")],
    ),
    (
        "workflow W(id: str) -> None:\n    try:\n        await fetch(id=id) retry(on=[Busy, Timeout])\n    except ValueErorr:\n        pass\n",
        [
            ("error", "RPL0317", 3, 28, "unknown exception type `Timeout`", "did you mean `TimeoutError`?"),
            ("error", "RPL0317", 4, 5, "unknown exception type `ValueErorr`", "did you mean `ValueError`?"),
        ],
    ),
    (
        "workflow W(id: str) -> bool:\n    return isinstance(id, \"str\")\n",
        [("error", "RPL0318", 2, 27, "the second argument of `isinstance` must be a type", "use one of NoneType, bool, bytes, dict, float, int, list, str, tuple, a builtin exception or a declared class, or a tuple of them")],
    ),
    (
        "fn ping(n: int) -> int:\n    r = await pong(n=n)\n    return r\n\nfn pong(n: int) -> int:\n    r = await ping(n=n)\n    return r\n\n"
        "workflow W(n: int) -> int:\n    r = await ping(n=n)\n    return r\n",
        [("error", "RPL0319", 2, 9, "fns call each other in a cycle: `ping` → `pong` → `ping`", "fns are inlined into the DAG and cannot recurse; use a loop (`while ... max N`), or move the recursion into an action")],
    ),
    (
        "fn fetch(id: str) -> None:\n    pass\n",
        [("error", "RPL0320", 1, 1, "`fetch` is declared twice", "the action `fetch` is declared first (line 15); rename one of them")],
    ),
    (
        "model LIMIT from app.limits\n",
        [("error", "RPL0321", 1, 1, "the model `LIMIT` clashes with the const `LIMIT`", "rename the const, or declare the class under another name: `model OtherLimit from app.limits import LIMIT`")],
    ),
    (
        "fn helper(id: str) -> None:\n    await fetch(id=id)\n\nworkflow W(id: str) -> None:\n    await helper(id=id) timeout(10m)\n",
        [("error", "RPL0322", 5, 5, "fn `helper` cannot take `retry`, `backoff` or `timeout`", "policies apply to actions; put them on the action calls inside the fn")],
    ),
    (
        "workflow W(id: str) -> None:\n    LIMIT = 5\n",
        [("error", "RPL0323", 2, 5, "cannot assign to const `LIMIT`", "consts are read-only; use a variable with another name, for example `limit_value`")],
    ),
    (
        "workflow W(id: str) -> None:\n    raise \"failed\"\n",
        [("error", "RPL0325", 2, 11, "`raise` needs an exception, not a value of type `str`", "raise an exception instance, for example `raise ValueError(\"...\")`")],
    ),
    (
        "workflow W(id: str, id: str) -> None:\n    pass\n",
        [("error", "RPL0326", 1, 21, "parameter `id` is given twice", "rename one of the parameters")],
    ),
    (
        "workflow W(id: str) -> None:\n    a, b = parallel:\n        await fetch(id=id)\n        await fetch(id=id)\n        await fetch(id=id)\n",
        [("error", "RPL0327", 2, 5, "the parallel block has 3 calls but the target unpacks 2", "give one target per call, or assign the list of results to one name")],
    ),
    (
        "workflow W(ids: list[str]) -> None:\n    a, *rest, z = (1,)\n    b, c, *more = parallel:\n        await fetch(id=\"a\")\n",
        [
            ("error", "RPL0327", 2, 19, "cannot unpack 1 value into at least 2 targets", "give at least one value for each target that is not starred"),
            ("error", "RPL0327", 3, 5, "the parallel block has 1 call but the target unpacks at least 2", "give at least one call for each target that is not starred"),
        ],
    ),
    (
        "workflow W(ids: list[str], d: dict) -> None:\n    ids + [\"x\"]\n    d.get(\"k\")\n",
        [
            ("error", "RPL0328", 2, 5, "this expression has no effect", "assign its value to a variable (`result = ...`), or remove it; a statement of its own can only call a method that changes a variable, like `xs.append(x)`"),
            ("error", "RPL0328", 3, 5, "this expression has no effect", "assign its value to a variable (`result = ...`), or remove it; a statement of its own can only call a method that changes a variable, like `xs.append(x)`"),
        ],
    ),
    (
        "workflow W(ids: list[str]) -> None:\n    ids.pop() + \"!\"\n",
        [("error", "RPL0328", 2, 5, "the value of this expression is never used", "call the method that changes a variable in a statement of its own (`xs.append(x)`), or assign the value: `result = ...`")],
    ),
    (
        "workflow W(ids: list[str], d: dict[str, list[str]]) -> None:\n    d.setdefault(ids[0], []).append(\"x\")\n    sorted(ids).append(\"y\")\n",
        [
            ("error", "RPL0329", 2, 5, "values never change in place: `append` can only change a variable, and `d.setdefault(ids[0], [])` is not one", "assign the result: `d[ids[0]] = d.get(ids[0], []) + [\"x\"]`"),
            ("error", "RPL0329", 3, 5, "values never change in place: `append` can only change a variable, and `sorted(ids)` is not one", "compute the changed value and assign it to a variable, for example `d[k] = d.get(k, []) + [v]`"),
        ],
    ),
    (
        "workflow W(ids: list[str], seen: list[str]) -> None:\n    a = [seen.append(i) for i in ids]\n    b = sorted(ids, key=lambda i: seen.pop())\n    parallel:\n        await fetch(id=seen.pop())\n",
        [
            ("error", "RPL0330", 2, 10, "`append` changes `seen` inside a comprehension, where the change is lost", "a comprehension works on its own copy of the variables; change `seen` in a statement of its own, in a `for` loop"),
            ("error", "RPL0330", 3, 35, "`pop` changes `seen` inside a lambda, where the change is lost", "a lambda works on its own copy of the variables; change `seen` in a statement of its own, in a `for` loop"),
            ("error", "RPL0330", 5, 24, "`pop` changes `seen` inside a `parallel` branch, where the change is lost", "each branch works on its own copy of the variables; change `seen` before or after the block"),
        ],
    ),
    (
        "workflow W(user: User) -> str:\n    user._cache = 1\n    return user.__class__.__name__\n",
        [
            ("error", "RPL0331", 2, 5, "attribute `_cache` is private", "a workflow reads public fields only (and `type(x).__name__`); expose the value as a field, or read it in an action"),
            ("error", "RPL0331", 3, 12, "attribute `__class__` is private", "a workflow reads public fields only (and `type(x).__name__`); expose the value as a field, or read it in an action"),
        ],
    ),
    (
        "workflow W(id: str) -> None:\n    await fetch(id=id) retry(attempts=0) backoff(multiplier=0.5) timeout(0)\n",
        [
            ("error", "RPL0335", 2, 5, "`timeout(...)` must be greater than 0 seconds; got 0", POLICY_HELP),
            ("error", "RPL0335", 2, 24, "`retry(attempts=...)` must be at least 1, or None for no limit; got 0", POLICY_HELP),
            ("error", "RPL0335", 2, 42, "`backoff(multiplier=...)` must be at least 1, so delays never shrink; got 0.5", POLICY_HELP),
        ],
    ),
    (
        "workflow W(user: User) -> list:\n    return [User, ValueError]\n",
        [
            ("error", "RPL0332", 2, 13, "`User` is a type, not a value", "build an instance (`User(...)`; `raise User` is written `raise User()`), test with `isinstance(x, User)`, catch it with `except User`, or read a member of an enum: `User.MEMBER`"),
            ("error", "RPL0332", 2, 19, "`ValueError` is a type, not a value", "build an instance (`ValueError(...)`; `raise ValueError` is written `raise ValueError()`), test with `isinstance(x, ValueError)`, catch it with `except ValueError`, or read a member of an enum: `ValueError.MEMBER`"),
        ],
    ),
]


PINNED += [
    (
        "exception Late(Busy, Role) from app.errors\nmodel Admin(Busy) from app.models\nenum Level(int) from app.models:\n    LOW = 1\nexception Odd(Strange) from app.errors\n",
        [
            ("error", "RPL0338", 1, 1, "the base `Role` of the exception `Late` is an enum", "a base of an exception is a builtin exception or a declared exception"),
            ("error", "RPL0338", 2, 1, "the base `Busy` of the model `Admin` is an exception", "a base of a model is a declared model"),
            ("error", "RPL0338", 3, 1, "the enum `Level` derives from `int`", "an enum derives from one of Enum, IntEnum, StrEnum, Flag, IntFlag or a declared enum without members, after at most one of str, int and float: `enum Level(str, Enum) from app.models:`"),
            ("error", "RPL0338", 5, 1, "the base `Strange` of the exception `Odd` is not a declared class", "a base of an exception is a builtin exception or a declared exception"),
        ],
    ),
    (
        "exception Loop(Again) from app.errors\nexception Again(Loop) from app.errors\n",
        [("error", "RPL0339", 1, 1, "classes derive from themselves: `Again`, `Loop`", "a class derives from other classes only; remove the base that leads back to it")],
    ),
    (
        "workflow W(id: str) -> list:\n    a = User(\"x\")\n    b = User(id=id, nmae=\"y\")\n    c = Role(\"admin\", \"guest\")\n    return [a, b, c]\n",
        [
            ("error", "RPL0340", 2, 14, "the model `User` takes its fields by name", "pass each field by name: `User(field=value)`"),
            ("error", "RPL0340", 3, 21, "the model `User` has no field `nmae`", "did you mean `name`?"),
            ("error", "RPL0340", 4, 9, "the enum `Role` takes one argument, the value of a member", "write `Role(value)`, or name the member: `Role.NAME`"),
        ],
    ),
    (
        "model Customer from app.models\n\nworkflow W() -> Customer:\n    return Customer(id=\"1\")\n",
        [("error", "RPL0340", 4, 12, "the program does not declare the fields of the model `Customer`, so it cannot build one", "declare its fields: `model Customer from app.models:` with a line `name: type [= default]` for each")],
    ),
    (
        "workflow W() -> User:\n    return User(name=\"x\")\n",
        [("error", "RPL0341", 2, 12, "missing field `id` in `User(...)`", "pass it by name: `id=...`")],
    ),
    (
        "dataclass Point from app.geo:\n    x: float = len([])\n    y: float = -1 + 2 * 3\n    z: str = 1\nenum Size(Enum) from app.geo:\n    BIG = Role.ADMIN\n    SMALL = LIMIT\n",
        [
            ("error", "RPL0342", 2, 16, "the default of the field `x` is not a constant", CONSTANT_HELP),
            ("error", "RPL0307", 4, 14, "the default of the field `z` has type `int` but is declared `str`", "give a value of type `str`"),
            ("error", "RPL0342", 7, 13, "the value of the member `SMALL` is not a constant", CONSTANT_HELP),
        ],
    ),
    (
        "model Pair from app.models:\n    a: int\n    a: str\nenum Two(Enum) from app.models:\n    A = 1\n    A = 2\n",
        [
            ("error", "RPL0343", 3, 5, "the field `a` of `Pair` is declared twice", "declare each field once"),
            ("error", "RPL0343", 6, 5, "the member `A` of `Two` is declared twice", "declare each member once"),
        ],
    ),
    (
        "workflow W(u: Usr) -> list[Strng]:\n    x: Rol = Role.ADMIN\n    return []\n",
        [
            ("error", "RPL0344", 1, 15, "unknown type `Usr`", "did you mean `User`?"),
            ("error", "RPL0344", 1, 28, "unknown type `Strng`", "use a builtin type (Any, bool, bytes, dict, float, int, list, str, tuple) or declare the class: `model Strng from app.models`"),
            ("error", "RPL0344", 2, 8, "unknown type `Rol`", "did you mean `Role`?"),
        ],
    ),
    (
        "workflow W() -> list:\n    return [Role.OWNER, User.ADMIN, ValueError.args]\n",
        [
            ("error", "RPL0345", 2, 13, "the enum `Role` has no member `OWNER`", "its members are: ADMIN, GUEST"),
            ("error", "RPL0345", 2, 25, "`User` is a model, and a workflow reads only the members of enums from a class", CLASS_ATTRIBUTE_HELP),
            ("error", "RPL0345", 2, 37, "`ValueError` is an exception, and a workflow reads only the members of enums from a class", CLASS_ATTRIBUTE_HELP),
        ],
    ),
    (
        "namedtuple Span(Busy) from app.geo:\n    start: int = 0\n    end: int\n"
        "workflow W(x: int) -> list:\n    return [Span(x, 2, 3), Span(x, start=1), Span(ned=2), Span(1, 2)._fields, Span(1, 2)._replace(end=1), Span(0)]\n",
        [
            ("error", "RPL0338", 1, 1, "the NamedTuple `Span` declares the base `Busy`", "a NamedTuple derives from tuple only: `namedtuple Span from app.geo:`"),
            ("error", "RPL0346", 3, 5, "the field `end` of the NamedTuple `Span` has no default, but `start` before it has one",
             "declare the fields without a default first, as Python requires"),
            ("error", "RPL0340", 5, 24, "the NamedTuple `Span` has 2 fields, but 3 positional arguments are given", "its fields are: start, end"),
            ("error", "RPL0340", 5, 36, "the field `start` of `Span` is given twice, by position and by name", "pass `start` once"),
            ("error", "RPL0340", 5, 51, "the NamedTuple `Span` has no field `ned`", "did you mean `end`?"),
            ("error", "RPL0341", 5, 107, "missing field `end` in `Span(...)`", "pass it by position or by name: `end=...`"),
        ],
    ),
]


@pytest.mark.parametrize(("body", "expected"), PINNED, ids=[e[0][1] + f"-{i}" for i, (_, e) in enumerate(PINNED)])
def test_pinned_diagnostic(body: str, expected: list[tuple]):
    assert diagnostics(body) == expected


def test_parallel_for_limit_below_one():
    # The parser refuses `limit 0`; a program built in code reaches the checker.
    program = parse(HEAD + "workflow W(ids: list[str]) -> None:\n    parallel for i in ids limit 2:\n        await fetch(id=i)\n")
    workflow = program.workflows[0]
    stmt = replace(workflow.body[0], limit=0)
    program = replace(program, decls=tuple(replace(workflow, body=(stmt,)) if d is workflow else d for d in program.decls))
    assert [(d.code, d.message) for d in check(program)] == [("RPL0324", "`parallel for` limit is 0")]


def test_policy_ranges_of_a_built_program():
    """What the parser cannot produce (a negative or infinite duration), a
    program built in memory can: the checker judges every value."""
    program = parse(HEAD + "workflow W(id: str) -> None:\n    await fetch(id=id) backoff(base=1s)\n")
    workflow = program.workflows[0]
    call = replace(
        workflow.body[0].call,
        timeout=A.Constant(-1.0),
        backoff=A.BackoffPolicy(base=A.Constant(-2.0), max=A.Constant(float("inf"))),
    )
    stmt = replace(workflow.body[0], call=call)
    program = replace(program, decls=tuple(replace(workflow, body=(stmt,)) if d is workflow else d for d in program.decls))
    assert [(d.code, d.message) for d in check(program)] == [
        ("RPL0335", "`backoff(base=...)` must be 0 seconds or more; got -2.0"),
        ("RPL0335", "`backoff(max=...)` must be 0 seconds or more; got inf"),
        ("RPL0335", "`timeout(...)` must be greater than 0 seconds; got -1.0"),
    ]


def test_every_code_is_pinned_or_tested():
    pinned = {code for _, expected in PINNED for _, code, *_ in expected}
    assert pinned | {"RPL0324"} == set(CODES)


def test_codes_are_stable_and_well_formed():
    assert all(code.startswith("RPL03") and len(code) == 7 for code in CODES)
    assert list(CODES) == sorted(CODES)


def test_rendered_like_rustc_with_the_path():
    source = HEAD + "workflow W(ids: list[str]) -> int:\n    if ids:\n        return 0\n    total = total + 1\n    return total\n"
    text = render_all(check(parse(source), "flows/w.rrl"), source)
    assert text == (
        "error[RPL0301]: name `total` is used before it is assigned\n"
        "  --> flows/w.rrl:21:13\n"
        "   |\n"
        "21 |     total = total + 1\n"
        "   |             ^^^^^\n"
        "   = help: assign `total` before this line, for example `total = 0`"
    )


def test_all_diagnostics_at_once_sorted_by_position():
    body = "workflow W(id: str) -> None:\n    b = zz\n    a = yy\n    await nope(id=id)\n    LIMIT = 1\n"
    found = diagnostics(body)
    assert [(code, line) for _, code, line, *_ in found] == [("RPL0302", 2), ("RPL0302", 3), ("RPL0303", 4), ("RPL0323", 5)]


def test_a_valid_program_has_no_diagnostics():
    body = """\
fn greet(user: User, greeting: str = "hi") -> str:
    text = f"{greeting} {user.name}"
    return text

workflow W(ids: list[str], limit: int = LIMIT) -> dict[str, str]:
    results = {}
    users = parallel for i in ids limit 5:
        await fetch(id=i) retry(attempts=3, on=[Busy, TimeoutError]) backoff(base=2s) timeout(1m)
    for user in users:
        try:
            text = await greet(user=user)
        except (Busy, ValueError) as e:
            await notify(to=str(e), urgent=True)
            continue
        results[user.name] = text
    ordered = sorted(results.items(), key=lambda kv: kv[0], reverse=True)
    first = ordered[0] if ordered else None
    if isinstance(first, (tuple, list)) and not isinstance(first, User):
        sleep 5
    return {k: v.upper() for k, v in ordered if k not in ("", None)}
"""
    assert diagnostics(body) == []


# ------------------------------------------------------------------ names on Python's rules


@pytest.mark.parametrize(
    "body",
    [
        # maybe bound: one branch binds it
        "workflow W(x: int) -> int:\n    if x:\n        y = 1\n    return y\n",
        # bound in an earlier iteration of the loop
        "workflow W(xs: list[int]) -> int:\n    for x in xs:\n        if x > 1:\n            total = total + x\n        total = 0\n    return total\n",
        # the loop variable after the loop
        "workflow W(xs: list[int]) -> int:\n    for x in xs:\n        pass\n    return x\n",
        # bound before `break`, used after the loop
        "workflow W(xs: list[int]) -> int:\n    for x in xs:\n        found = x\n        break\n    return found\n",
        # a `finally` runs on the way out of `break`
        "workflow W(xs: list[int]) -> int:\n    for x in xs:\n        try:\n            break\n        finally:\n            done = 1\n    return done\n",
        # bound in a `try` body before the exception
        "workflow W(x: int) -> int:\n    try:\n        y = 1\n        z = 10 // x\n    except ZeroDivisionError:\n        return y\n    return z\n",
        # while: bound in a previous iteration
        "workflow W(n: int) -> int:\n    while n > 0 max 5:\n        if n < 3:\n            last = prev\n        prev = n\n        n = n - 1\n    return n\n",
        # params shadow consts; fns see consts
        "fn f(LIMIT: int) -> int:\n    LIMIT = LIMIT + 1\n    return LIMIT\n\nworkflow W(x: int) -> int:\n    y = await f(LIMIT=LIMIT)\n    return y\n",
        # comprehension variables are visible in the element and later clauses
        "workflow W(xs: list[list[int]]) -> list[int]:\n    return [y for row in xs if row for y in row if y > 0]\n",
        # a builtin function as a value
        "workflow W(xs: list[str]) -> list[str]:\n    return sorted(xs, key=len)\n",
        # a fn's local bound on one path: maybe bound in each call (a call starts with it unbound)
        "fn f(x: int) -> int:\n    if x:\n        y = 1\n    return y\n\nworkflow W(xs: list[int]) -> None:\n    for x in xs:\n        r = await f(x=x)\n",
    ],
)
def test_accepted_like_python(body: str):
    assert codes(body) == []


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # `except ... as e` deletes e when the handler ends
        ("workflow W(x: int) -> str:\n    try:\n        y = 1 // x\n    except ZeroDivisionError as e:\n        pass\n    return str(e)\n", ["RPL0301"]),
        # ... also on the way out through `continue`
        ("workflow W(xs: list[int]) -> str:\n    for x in xs:\n        try:\n            y = 1 // x\n        except ZeroDivisionError as e:\n            continue\n    return str(e)\n", ["RPL0301"]),
        # comprehension and lambda variables do not leak
        ("workflow W(xs: list[int]) -> int:\n    ys = [v for v in xs]\n    return v\n", ["RPL0302"]),
        ("workflow W(xs: list[int]) -> int:\n    f = sorted(xs, key=lambda k: -k)\n    return k\n", ["RPL0302"]),
        # the first iterable of a comprehension is evaluated outside it
        ("workflow W(xs: list[int]) -> list[int]:\n    return [v for v in v]\n", ["RPL0302"]),
        # fns do not see the workflow's variables
        ("fn f(x: int) -> int:\n    return x + y\n\nworkflow W(y: int) -> int:\n    r = await f(x=y)\n    return r\n", ["RPL0302"]),
        # a fn's local read before the fn binds it, even where an earlier call bound it
        ("fn f(x: int) -> int:\n    r = y\n    y = x\n    return r\n\nworkflow W(xs: list[int]) -> None:\n    for x in xs:\n        r = await f(x=x)\n", ["RPL0301"]),
        # a parallel-for variable lives in its call only
        ("workflow W(ids: list[str]) -> str:\n    parallel for i in ids:\n        await fetch(id=i)\n    return i\n", ["RPL0302"]),
        # a const used before it is declared
        ("const B = A + 1\nconst A = 1\n", ["RPL0301"]),
        # a local used in a call of a variable
        ("workflow W(x: int) -> int:\n    f = lambda v: v\n    return f(x)\n", ["RPL0313"]),
        # break in a loop inside a fn called from a loop is fine; break in the fn body is not
        ("fn f(x: int) -> int:\n    break\n\nworkflow W(xs: list[int]) -> None:\n    for x in xs:\n        y = await f(x=x)\n", ["RPL0311"]),
        # bare raise is fine inside a handler, even nested in a loop
        ("workflow W(xs: list[int]) -> None:\n    try:\n        await fetch(id=\"a\")\n    except Busy:\n        for x in xs:\n            raise\n    raise\n", ["RPL0312"]),
    ],
)
def test_rejected_like_python(body: str, expected: list[str]):
    assert codes(body) == expected


def test_no_name_errors_in_unreachable_code():
    body = "workflow W(x: int) -> int:\n    return x\n    y = undefined_name\n"
    assert codes(body) == ["RPL0310"]


def test_unreachable_after_an_if_that_always_leaves():
    body = "workflow W(x: int) -> int:\n    if x:\n        return 1\n    else:\n        raise ValueError(\"no\")\n    return 2\n"
    found = diagnostics(body)
    assert [(sev, code, line) for sev, code, line, *_ in found] == [("warning", "RPL0310", 6)]
    assert found[0][4] == "unreachable code: every path above returns, raises, breaks or continues"


def test_unreachable_is_a_warning_not_an_error():
    program = parse(HEAD + "workflow W(x: int) -> int:\n    return x\n    x = 1\n")
    assert check(program) and errors(check(program)) == []


def test_declared_types_are_conservative():
    head = HEAD + "action take(a: Any, b: User, c: list[int], d: str | None, e: float, f: int | str) -> None from app.actions\n\n"
    ok = "workflow W() -> None:\n    await take(a=1, b=\"x\", c=(1, 2), d=None, e=1, f=\"s\")\n"
    assert codes(ok, head) == []
    bad = "workflow W() -> None:\n    await take(a=1, b=\"x\", c=[1], d=1, e=\"1\", f=None)\n"
    assert codes(bad, head) == ["RPL0307", "RPL0307", "RPL0307"]


def test_defaults_and_annotations_are_checked_against_their_types():
    body = "action take(n: int = \"ten\") -> None from app.actions\n\nworkflow W() -> None:\n    x: str = 5\n    await take()\n"
    assert codes(body) == ["RPL0307", "RPL0307"]


def test_returns_against_scalar_types():
    body = "workflow W(x: int) -> int:\n    if x:\n        return -1\n    elif x > 1:\n        return 2.5\n    return\n"
    found = diagnostics(body)
    assert [(code, message) for _, code, _, _, message, _ in found] == [
        ("RPL0309", "workflow `W` returns `float` but is declared `-> int`"),
        ("RPL0309", "workflow `W` returns `None` but is declared `-> int`"),
    ]


def test_return_none_from_none_workflow_is_fine():
    assert codes("workflow W() -> None:\n    return None\n") == []
    assert codes("workflow W() -> None:\n    return\n") == []


def test_recursion_direct_and_reported_once_per_cycle():
    body = (
        "fn a(n: int) -> int:\n    r = await a(n=n)\n    return r\n\n"
        "fn b(n: int) -> int:\n    r = await c(n=n)\n    return r\n\n"
        "fn c(n: int) -> int:\n    r = await d(n=n)\n    return r\n\n"
        "fn d(n: int) -> int:\n    r = await b(n=n)\n    return r\n"
    )
    found = diagnostics(body)
    assert [(code, message) for _, code, _, _, message, _ in found] == [
        ("RPL0319", "fn `a` calls itself"),
        ("RPL0319", "fns call each other in a cycle: `b` → `c` → `d` → `b`"),
    ]


def test_calls_of_builtins_types_and_exceptions():
    body = (
        "workflow W(xs: list[int]) -> list:\n"
        "    a = User(id=\"x\")\n"
        "    b = ValueError(\"x\")\n"
        "    c = range(1, 2, 3, 4)\n"
        "    d = len()\n"
        "    e = zip(xs, xs, xs, strict=True)\n"
        "    f = \"a\".upper().strip().split(\",\")\n"
        "    g = LIMIT(1)\n"
        "    h = (lambda v: v)(1)\n"
        "    return [a, b, c, d, e, f, g, h]\n"
    )
    found = diagnostics(body)
    assert [(code, line, message) for _, code, line, _, message, _ in found] == [
        ("RPL0314", 4, "`range` takes 1 to 3 positional arguments but 4 were given"),
        ("RPL0314", 5, "`len` takes 1 positional argument but 0 were given"),
        ("RPL0313", 8, "const `LIMIT` cannot be called"),
        ("RPL0313", 9, "this expression cannot be called"),
    ]


def test_actions_and_fns_are_not_values():
    body = "workflow W(id: str) -> list:\n    a = [fetch]\n    return a\n"
    assert diagnostics(body)[0][1:] == ("RPL0316", 2, 10, "action `fetch` is not a value", "call it in a statement of its own: `result = await fetch(...)`")


def test_declared_and_builtin_exception_types():
    body = "workflow W(id: str) -> None:\n    try:\n        await fetch(id=id) retry(on=[Busy, User])\n    except (Busy, RappelTimeout, Other):\n        pass\n"
    assert [(code, message) for _, code, _, _, message, _ in diagnostics(body)] == [
        ("RPL0317", "`User` is a model, not an exception class"),
        ("RPL0317", "unknown exception type `Other`"),
    ]


def test_assignment_to_a_const_item_and_in_loops():
    body = "workflow W(xs: list[int]) -> None:\n    LIMIT[0] = 1\n    for LIMIT in xs:\n        pass\n    y = {}\n    y[LIMIT] = 1\n"
    assert codes(body) == ["RPL0323", "RPL0323"]


def test_unpacking_a_literal_of_the_wrong_length():
    assert codes("workflow W() -> None:\n    a, b = 1, 2, 3\n") == ["RPL0327"]
    assert codes("workflow W() -> None:\n    a, b = [1, 2]\n") == []


def test_path_is_attached():
    found = check(parse(HEAD + "workflow W() -> int:\n    return x\n"), path="a.rrl")
    assert [d.path for d in found] == ["a.rrl"]


def test_duplicates_among_classes_and_workflows():
    body = "model User from app.other\n\nworkflow W() -> None:\n    pass\n\nworkflow W() -> None:\n    pass\n"
    assert codes(body) == ["RPL0320", "RPL0320"]
    body = "model Customer from app.models import User\n"
    assert diagnostics(body) == [("error", "RPL0320", 1, 1, "the class `app.models:User` is declared twice, as `User` and as `Customer`", "declare it once and use one name for it")]


def test_spans_survive_for_a_program_built_in_code():
    program = A.Program((A.WorkflowDecl("W", (), A.NoneType(), (A.Return(A.Name("x")),)),))
    found = check(program)
    assert [(d.code, d.span) for d in found] == [("RPL0302", None), ("RPL0308", None)]


# ------------------------------------------------------------------ unpacking, changing variables, new builtins


@pytest.mark.parametrize(
    "body",
    [
        # a starred target binds a list; `*xs` in displays and builtin calls
        "workflow W(xs: list[int], d: dict) -> list:\n    first, *rest = xs\n    a, *mid, z = xs\n    *every, = xs\n    return [first, rest, a, mid, z, every, [*xs, 1], (*rest, 2), max(*xs, 3), zip(*[xs, xs]), {**d, \"k\": 1}]\n",
        # a starred target in a parallel block
        "workflow W() -> list:\n    first, *others = parallel:\n        await fetch(id=\"a\")\n        await fetch(id=\"b\")\n    return others\n",
        # mutating methods on variables, items and fields, as statements and in expressions
        "workflow W(xs: list[int], d: dict[str, list[int]], u: User) -> Any:\n    xs.sort()\n    xs.append(1)\n    d[\"k\"].append(2)\n    u.tags.extend([\"a\"])\n    first = xs.pop(0)\n    if d.pop(\"gone\", None):\n        d.update({\"k\": []})\n    while xs and xs.pop() > 3 max 10:\n        pass\n    return [first, d.setdefault(\"n\", []), u]\n",
        # a mutating call in an action argument changes the variable in the workflow
        "workflow W(ids: list[str]) -> None:\n    await fetch(id=ids.pop())\n",
        # a name that a loop body changes, used after the loop
        "workflow W(xs: list[int]) -> list[int]:\n    out = []\n    for x in xs:\n        out.append(x)\n    out.reverse()\n    return out\n",
        # dict.fromkeys, type(x).__name__, map, filter, model methods
        "workflow W(xs: list[int], u: User) -> list:\n    return [dict.fromkeys(xs), dict.fromkeys(xs, 0), type(u).__name__, map(str, xs), filter(None, xs), u.model_copy(update={\"a\": 1}), u.model_dump()]\n",
        # a parameter named like a const may be changed
        "fn f(LIMIT: list[int]) -> list[int]:\n    LIMIT.append(1)\n    return LIMIT\n\nworkflow W() -> list[int]:\n    r = await f(LIMIT=[LIMIT])\n    return r\n",
    ],
)
def test_new_forms_accepted(body: str):
    assert diagnostics(body) == []


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # changing a name counts as reading it first ...
        ("workflow W() -> list[int]:\n    fresh.append(1)\n    return fresh\n", [("RPL0301", 2, "name `fresh` is used before it is assigned")]),
        # ... and starred targets bind like any other
        ("workflow W(xs: list[int]) -> list[int]:\n    a, *b = xs\n    return c\n", [("RPL0302", 3, "name `c` is not defined")]),
        # a const cannot be changed, through an item either
        ("const NAMES = [\"a\"]\n\nworkflow W() -> None:\n    NAMES.append(\"b\")\n    NAMES[0].clear()\n", [("RPL0323", 4, "cannot change const `NAMES`: `append` rebinds it"), ("RPL0323", 5, "cannot change const `NAMES`: `clear` rebinds it")]),
        # a const expression cannot change another const either
        ("const A = [1]\nconst B = A.pop()\n", [("RPL0323", 2, "cannot change const `A`: `pop` rebinds it")]),
        # the first iterable of a comprehension runs in the enclosing scope; later ones on its copy
        ("workflow W(xs: list[list[int]]) -> list[int]:\n    return [x for x in xs.pop()]\n", []),
        ("workflow W(xs: list[list[int]]) -> list[int]:\n    return [x for y in xs for x in xs.pop()]\n", [("RPL0330", 2, "`pop` changes `xs` inside a comprehension, where the change is lost")]),
        # a starred argument only makes the count unknown from below
        ("workflow W(xs: list[int]) -> int:\n    return len(*xs, 1, 2)\n", [("RPL0314", 2, "`len` takes 1 positional argument but 2 were given")]),
        # `dict.fromkeys` only on the builtin `dict`; other static calls are unknown methods
        ("workflow W(xs: list[int]) -> Any:\n    return list.fromkeys(xs)\n", [("RPL0315", 2, "unknown method `fromkeys`")]),
        # an action called as a statement without `await` is reported once
        ("workflow W(id: str) -> None:\n    fetch(id=id)\n", [("RPL0316", 2, "action `fetch` is called without `await`")]),
        # a private method is an unknown method, not also a private attribute
        ("workflow W(u: User) -> Any:\n    return u._load()\n", [("RPL0315", 2, "unknown method `_load`")]),
    ],
)
def test_new_forms_rejected(body: str, expected: list[tuple]):
    assert [(code, line, message) for _, code, line, _, message, _ in diagnostics(body)] == expected


def test_assigned_names_include_changed_variables_but_not_lost_changes():
    from rrl.check import assigned_names

    program = parse(HEAD + "workflow W(xs: list[int], d: dict) -> None:\n    xs.sort()\n    if d[\"k\"].pop():\n        first, *rest = xs\n    ys = [q.append(1) for q in xs]\n    zs = sorted(xs, key=lambda v: seen.append(v))\n")
    assert assigned_names(program.workflows[0].body) == {"xs", "d", "first", "rest", "ys", "zs"}


# ------------------------------------------------------------------ del


@pytest.mark.parametrize(
    "body",
    [
        # items, slices and fields of variables; a name, then bound again
        "workflow W(xs: list[int], d: dict[str, list[int]], u: User) -> Any:\n    del xs[0], xs[1:3], d[\"k\"][0], u.tags\n    y = 1\n    del y\n    y = 2\n    return [xs, d, u, y]\n",
        # deleted in one branch only: maybe bound, as Python accepts it
        "workflow W(x: int) -> int:\n    y = x\n    if x:\n        del y\n    return y\n",
        # deleted and bound again in a loop
        "workflow W(xs: list[int]) -> int:\n    last = 0\n    for x in xs:\n        del last\n        last = x\n    return last\n",
        # a parameter named like a const may be deleted
        "workflow W(LIMIT: int) -> None:\n    del LIMIT\n",
        # a mutating call in an index
        "workflow W(xs: list[int], d: dict[int, int]) -> None:\n    del d[xs.pop()]\n    xs.clear()\n",
    ],
)
def test_del_accepted(body: str):
    assert diagnostics(body) == []


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # a deleted name is unbound afterwards, on every path
        ("workflow W(x: int) -> int:\n    y = x\n    del y\n    return y\n",
         [("RPL0301", 4, 12, "name `y` is used before it is assigned", "`y` is unbound on every path to this line (`del y` unbinds it); assign it before using it")]),
        # deleting reads: the name must be bound before, also the second time
        ("workflow W(x: int) -> None:\n    y = x\n    del y, y\n",
         [("RPL0301", 3, 12, "name `y` is used before it is assigned", "`y` is unbound on every path to this line (`del y` unbinds it); assign it before using it")]),
        ("workflow W(x: int) -> None:\n    del fresh\n",
         [("RPL0301", 2, 9, "name `fresh` is used before it is assigned", "assign `fresh` before this line, for example `fresh = 0`")]),
        ("workflow W(x: int) -> None:\n    del d[x]\n",
         [("RPL0302", 2, 9, "name `d` is not defined", "assign `d` first, add a parameter, or declare `const d = ...`")]),
        # a const cannot be deleted, nor an item of one
        ("workflow W() -> None:\n    del LIMIT\n",
         [("RPL0323", 2, 9, "cannot delete const `LIMIT`", "consts are read-only and always bound; use a variable for a value that comes and goes")]),
        ("const NAMES = {\"a\": 1}\n\nworkflow W() -> None:\n    del NAMES[\"a\"]\n",
         [("RPL0323", 4, 9, "cannot change const `NAMES`: `del` rebinds it", "consts are read-only; copy it into a variable and change the copy: `names = NAMES`, then `del names[\"a\"]`")]),
        # private fields stay private
        ("workflow W(u: User) -> None:\n    del u._cache\n",
         [("RPL0331", 2, 9, "attribute `_cache` is private", "a workflow reads public fields only (and `type(x).__name__`); expose the value as a field, or read it in an action")]),
    ],
)
def test_del_rejected(body: str, expected: list[tuple]):
    assert [(code, line, column, message, help) for _, code, line, column, message, help in diagnostics(body)] == expected


def test_assigned_names_include_deleted_names():
    from rrl.check import assigned_names

    program = parse(HEAD + "workflow W(xs: list[int], d: dict) -> None:\n    del d[\"k\"], xs\n    if d:\n        del gone\n")
    assert assigned_names(program.workflows[0].body) == {"xs", "gone"}
    assert assigned_names(program.workflows[0].body, deleted=False) == set()


@pytest.mark.parametrize(
    "body",
    [
        # where a type is named, not used as a value
        "workflow W(user: User) -> list:\n    u = User(id=\"1\")\n    e = Busy(\"x\")\n    return [isinstance(u, User), isinstance(e, (Busy, KeyError, NoneType)), Role.ADMIN]\n",
        "workflow W() -> None:\n    raise ValueError()\n",
        "const DEFAULT = Role.GUEST\n\nworkflow W() -> list:\n    return [DEFAULT]\n",
        # a local of the same name is a value
        "workflow W(User: int) -> int:\n    return User + 1\n",
        # builtin type names are also functions: values
        "workflow W(xs: list) -> list:\n    return sorted(xs, key=str)\n",
    ],
)
def test_types_where_types_are_named(body: str):
    assert diagnostics(body) == []


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ("workflow W() -> None:\n    raise ValueError\n", (2, 11)),
        ("workflow W() -> None:\n    kinds = (Busy, KeyError)\n", (2, 14)),
        ("workflow W(x: int) -> bool:\n    return x == NoneType\n", (2, 17)),
        ("workflow W(e: int) -> bool:\n    return isinstance(e, (KeyError, [User]))\n", (2, 38)),
        ("workflow W() -> None:\n    Role.ADMIN = 1\n", (2, 5)),
        ("workflow W() -> None:\n    del Role.ADMIN\n", (2, 9)),
    ],
)
def test_types_are_not_values(body: str, where: tuple[int, int]):
    assert ("RPL0332", *where) in [(code, line, column) for _, code, line, column, *_ in diagnostics(body)]
