"""The reference interpreter: execution semantics of the DAG."""

from __future__ import annotations

import asyncio
import re

import pytest

import rrl
from rrl import codec
from rrl import dag as D
from rrl.interpreter import execute

from recording_host import RecordingHost, Timeout

ACTIONS = "action act(x: int) -> int from m\naction fail(x: int) -> int from m\naction slow(x: int) -> int from m\n"


def run(body: str, args=None, host=None, decls: str = ""):
    text = f"rrl 1\n\n{ACTIONS}{decls}\nworkflow W(n: int = 3) -> Any:\n{body}"
    dag = D.lower(rrl.parse(text))
    host = host or RecordingHost()
    host.actions.setdefault("act", lambda x: x + 100)

    def fail(x):
        raise KeyError(f"missing {x}")

    host.actions.setdefault("fail", fail)
    return asyncio.run(execute(dag, args or {}, host)), host


def test_defaults_and_consts():
    value, _ = run("    return [n, LIMIT * 2]\n", decls="const LIMIT = 4\n")
    assert value == [3, 8]


def test_loop_with_break_continue_and_else():
    body = (
        "    seen = []\n    for i in range(10):\n        if i == 1:\n            continue\n        if i == 4:\n            break\n"
        "        seen = seen + [i]\n    else:\n        seen = []\n    return seen\n"
    )
    assert run(body)[0] == [0, 2, 3]


def test_for_else_runs_when_the_loop_ends():
    assert run("    for i in []:\n        pass\n    else:\n        return 'else'\n    return 'after'\n")[0] == "else"


def test_while_bound():
    with pytest.raises(RuntimeError, match="bound of 3 iterations"):
        run("    i = 0\n    while True max 3:\n        i = i + 1\n    return i\n")


def test_exception_caught_by_base_class_and_bound():
    value, _ = run("    try:\n        await fail(x=1)\n    except LookupError as e:\n        return f'caught {e!r}'\n    return 'no'\n")
    assert value == "caught KeyError('missing 1')"


def test_unmatched_exception_fails_the_workflow():
    with pytest.raises(KeyError, match="missing 2"):
        run("    try:\n        await fail(x=2)\n    except ValueError:\n        return 0\n    return 1\n")


def test_finally_runs_on_return_and_on_raise():
    body = "    try:\n        r = await act(x=1)\n        return r\n    finally:\n        await act(x=2)\n"
    value, host = run(body)
    assert value == 101 and [c[1]["x"] for c in host.calls] == [1, 2]
    with pytest.raises(KeyError):
        run("    try:\n        await fail(x=1)\n    finally:\n        await act(x=9)\n")


def test_bare_raise_re_raises_the_handled_exception():
    with pytest.raises(KeyError, match="missing 5"):
        run("    try:\n        await fail(x=5)\n    except KeyError:\n        x = 1\n        raise\n")


def test_parallel_results_in_order_and_failures():
    value, _ = run("    xs = parallel for i in range(n):\n        await act(x=i)\n    return xs\n")
    assert value == [100, 101, 102]
    value, _ = run("    a, b = parallel return_exceptions:\n        await fail(x=1)\n        await act(x=2)\n    return [str(a), b]\n")
    assert value == ["'missing 1'", 102]
    with pytest.raises(KeyError, match="missing 0"):
        run("    xs = parallel for i in range(2):\n        await fail(x=i)\n    return xs\n")


def test_parallel_failure_is_catchable():
    body = "    try:\n        xs = parallel:\n            await fail(x=1)\n            await act(x=2)\n    except KeyError:\n        return 'caught'\n    return 'no'\n"
    assert run(body)[0] == "caught"


def test_parallel_limit_bounds_concurrency():
    running = {"now": 0, "max": 0}

    class Host(RecordingHost):
        async def call_action(self, call):
            running["now"] += 1
            running["max"] = max(running["max"], running["now"])
            await asyncio.sleep(0.001)
            running["now"] -= 1
            return call.kwargs["x"]

    value, _ = run("    xs = parallel for i in range(6) limit 2:\n        await act(x=i)\n    return xs\n", host=Host())
    assert value == [0, 1, 2, 3, 4, 5] and running["max"] == 2


def test_retry_with_backoff_delays():
    attempts = []

    def flaky(x):
        attempts.append(x)
        if len(attempts) < 4:
            raise ValueError("not yet")
        return "ok"

    host = RecordingHost({"act": flaky})
    body = "    r = await act(x=1) retry(attempts=5) backoff(base=2s, multiplier=3, max=10s)\n    return r\n"
    value, host = run(body, host=host)
    assert value == "ok" and len(attempts) == 4
    assert host.sleeps == [2, 6, 10]


def test_retry_exhausted_and_filtered():
    def always(x):
        raise ValueError("nope")

    host = RecordingHost({"act": always})
    with pytest.raises(ValueError):
        run("    r = await act(x=1) retry(attempts=3)\n    return r\n", host=host)
    assert len(host.calls) == 3
    host = RecordingHost({"act": always})
    with pytest.raises(ValueError):
        run("    r = await act(x=1) retry(attempts=3, on=[KeyError])\n    return r\n", host=host)
    assert len(host.calls) == 1


def test_exceptions_fail_at_once_and_timeouts_retry_by_default():
    calls = []

    def times_out_twice(x):
        calls.append(x)
        if len(calls) <= 2:
            raise Timeout("attempt timed out")
        return "done"

    value, host = run("    r = await act(x=1)\n    return r\n", host=RecordingHost({"act": times_out_twice}))
    assert value == "done" and len(calls) == 3
    with pytest.raises(KeyError):
        run("    r = await fail(x=1)\n    return r\n")


def test_durable_sleep_uses_the_host_clock():
    _, host = run("    sleep 24 * 60 * 60\n    sleep -5\n    return 1\n")
    assert host.sleeps == [86400.0, 0.0]


def test_values_are_immutable():
    body = "    a = {'k': 1}\n    b = a\n    a['k'] = 2\n    xs = [1, 2]\n    ys = xs\n    xs[0] = 9\n    return [a, b, xs, ys]\n"
    assert run(body)[0] == [{"k": 2}, {"k": 1}, [9, 2], [1, 2]]


def test_helper_scope_is_its_own():
    decls = "\nfn bump(x: int) -> int:\n    n = x + 1\n    return n\n"
    value, _ = run("    a = await bump(x=10)\n    return [a, n]\n", decls=decls)
    assert value == [11, 3]


def test_expressions_follow_python():
    body = (
        "    xs = [3, 1, 2]\n"
        "    d = {k: v for k, v in zip(['a', 'b'], xs) if v > 1}\n"
        "    s = sorted(xs, key=lambda v: -v)\n"
        "    t = f'{1.5:.2f}|{\"x\"!r}|{len(xs):>3}'\n"
        "    c = 1 < n <= 3 and 'yes' or 'no'\n"
        "    return [d, s, t, c, list(enumerate('ab')), 'a,b'.split(','), xs[::-1], 7 // 2, -7 % 3, 2 ** 10]\n"
    )
    assert run(body)[0] == [{"a": 3}, [3, 2, 1], "1.50|'x'|  3", "yes", [(0, "a"), (1, "b")], ["a", "b"], [2, 1, 3], 3, 2, 1024]


def test_unbound_name_reads_like_python():
    with pytest.raises(UnboundLocalError, match="local variable 'z'"):
        run("    if n > 10:\n        z = 1\n    return z\n")


def test_starred_elements_targets_and_dict_unpacking():
    body = (
        "    xs = [3, 1, 2]\n"
        "    first, *rest = xs\n"
        "    a, *mid, z = [1, 2, 3, 4]\n"
        "    merged = {**{'a': 1, 'b': 2}, 'b': 3}\n"
        "    return [first, rest, a, mid, z, [*xs, *rest], (*rest, 0), merged, max(*xs, 5), list(zip(*[[1, 2], [3, 4]]))]\n"
    )
    assert run(body)[0] == [3, [1, 2], 1, [2, 3], 4, [3, 1, 2, 1, 2], (1, 2, 0), {"a": 1, "b": 3}, 5, [(1, 3), (2, 4)]]


def test_starred_target_needs_enough_values():
    with pytest.raises(ValueError, match=r"not enough values to unpack \(expected at least 2, got 1\)"):
        run("    a, *b, c = [1]\n    return a\n")


def test_mutating_methods_rebind_their_receiver():
    body = (
        "    xs = [3, 1, 2]\n"
        "    kept = xs\n"
        "    xs.sort()\n"
        "    last = xs.pop()\n"
        "    xs.insert(0, last)\n"
        "    d = {'groups': {}}\n"
        "    d['groups'].setdefault('a', [])\n"
        "    d['groups']['a'].append(1)\n"
        "    gone = d.pop('missing', None)\n"
        "    return [xs, kept, last, d, gone]\n"
    )
    assert run(body)[0] == [[3, 1, 2], [3, 1, 2], 3, {"groups": {"a": [1]}}, None]


def test_mutation_inside_an_expression_is_seen_by_later_operands():
    assert run("    q = [1, 2, 3]\n    x = q.pop(0) + len(q)\n    return [x, q]\n")[0] == [3, [2, 3]]


def test_python_errors_of_mutating_methods():
    with pytest.raises(IndexError, match="pop from empty list"):
        run("    q = []\n    q.pop()\n    return q\n")
    with pytest.raises(ValueError, match=r"list.remove\(x\): x not in list"):
        run("    q = [1]\n    q.remove(2)\n    return q\n")


def test_type_names_map_filter_and_fromkeys():
    body = (
        "    names = [type(v).__name__ for v in [1, 'a', None, [1]]]\n"
        "    doubled = map(lambda v: v * 2, filter(lambda v: v > 1, [1, 2, 3]))\n"
        "    return [names, doubled, list(dict.fromkeys(['b', 'a', 'b']))]\n"
    )
    assert run(body)[0] == [["int", "str", "NoneType", "list"], [4, 6], ["b", "a"]]


def test_inlined_fn_renames_starred_targets():
    decls = "\nfn tail(xs: list[int]) -> list[int]:\n    first, *rest = xs\n    return rest\n"
    value, _ = run("    rest = [99]\n    t = await tail(xs=[1, 2, 3])\n    return [rest, t]\n", decls=decls)
    assert value == [[99], [2, 3]]


def test_starred_values_in_bare_tuples():
    assert run("    xs = [1, 2]\n    t = *xs, 3\n    return t\n")[0] == (1, 2, 3)


def test_comprehension_first_iterable_runs_in_the_enclosing_scope():
    assert run("    d = {'a': [1, 2]}\n    out = [x * 2 for x in d.pop('a')]\n    return [out, d]\n")[0] == [[2, 4], {}]


def test_raise_from_sets_the_cause():
    body = "    try:\n        await fail(x=1)\n    except KeyError as e:\n        raise ValueError('wrapped') from e\n    return 0\n"
    with pytest.raises(ValueError, match="wrapped") as info:
        run(body)
    assert isinstance(info.value.__cause__, KeyError)
    with pytest.raises(TypeError, match="exception causes must derive from BaseException"):
        run("    raise ValueError('x') from 3\n")


def test_del_removes_items_slices_and_fields_from_a_copy():
    body = (
        "    d = {'a': 1, 'b': {'c': 2, 'e': 3}}\n"
        "    kept = d\n"
        "    xs = [0, 1, 2, 3, 4]\n"
        "    del d['a'], d['b']['c'], xs[1:3], xs[0]\n"
        "    return [d, kept, xs]\n"
    )
    assert run(body)[0] == [{"b": {"e": 3}}, {"a": 1, "b": {"c": 2, "e": 3}}, [3, 4]]


def test_del_unbinds_a_name_like_python():
    with pytest.raises(UnboundLocalError, match=r"^cannot access local variable 'x' where it is not associated with a value$"):
        run("    x = 1\n    del x\n    return x\n")
    with pytest.raises(UnboundLocalError, match="local variable 'y'"):
        run("    if n > 10:\n        y = 1\n    del y\n    return 0\n")
    assert run("    x = 1\n    del x\n    x = 2\n    return x\n")[0] == 2


def test_del_deletes_left_to_right_in_an_inlined_fn():
    decls = "\nfn drop(d: dict) -> dict:\n    del d['a']\n    del d\n    d = {'new': True}\n    return d\n"
    value, _ = run("    d = {'a': 1}\n    e = await drop(d=d)\n    return [d, e]\n", decls=decls)
    assert value == [{"a": 1}, {"new": True}]
    with pytest.raises(UnboundLocalError, match="local variable 'x'"):
        run("    x = 1\n    del x, x\n    return 0\n")


def test_python_errors_of_del():
    with pytest.raises(KeyError) as info:
        run("    d = {'y': 1}\n    del d['x']\n    return d\n")
    assert repr(info.value) == "KeyError('x')"
    with pytest.raises(IndexError) as info:
        run("    xs = [1]\n    del xs[5]\n    return xs\n")
    assert repr(info.value) == "IndexError('list assignment index out of range')"
    with pytest.raises(TypeError, match="'tuple' object doesn't support item deletion"):
        run("    t = (1, 2)\n    del t[0]\n    return t\n")
    value, _ = run("    d = {'k': 1}\n    try:\n        del d['k'], d['k']\n    except KeyError as e:\n        return [repr(e), d]\n    return 0\n")
    assert value == ["KeyError('k')", {}]


def test_del_of_a_field_changes_a_copy_of_the_record():
    # As Python deletes the field of the instance: a dataclass's falls back to the
    # class's default, a field without one is gone.
    decls = "dataclass Draft from app.models:\n    title: str\n    notes: str | None = None\n"
    body = (
        "    draft = Draft(title='t', notes='x')\n    kept = draft\n    del draft.notes\n    bare = Draft(title='b')\n    del bare.title\n"
        "    try:\n        del kept.missing\n    except AttributeError as e:\n        return [draft, kept, draft.notes, bare, str(e)]\n    return 0\n"
    )
    value, _ = run(body, decls=decls)
    assert [repr(v) for v in value[:4]] == ["Draft(title='t', notes=None)", "Draft(title='t', notes='x')", "None", "Draft(notes=None)"]
    assert value[4] == "'Draft' object has no attribute 'missing'"


def test_consts_bind_in_declaration_order_after_a_json_round_trip():
    text = "rrl 1\n\nconst ZED = [1, 2]\nconst ALPHA = ZED + [3]\n\nworkflow W() -> Any:\n    return ALPHA\n"
    dag = D.Dag.from_json(D.lower(rrl.parse(text)).to_json())
    assert asyncio.run(execute(dag, {}, RecordingHost())) == [1, 2, 3]


def test_action_arguments_are_evaluated_in_written_order_after_a_json_round_trip():
    text = "rrl 1\n\naction two(b: int, a: int) -> Any from m\n\nworkflow W() -> Any:\n    q = [1, 2]\n    r = await two(b=q.pop(0), a=q.pop(0))\n    return r\n"
    dag = D.Dag.from_json(D.lower(rrl.parse(text)).to_json())
    host = RecordingHost({"two": lambda b, a: (b, a)})
    assert asyncio.run(execute(dag, {}, host)) == (1, 2)


def _outcome(call):
    try:
        return ("value", codec.dumps(call()))  # a record and the real class's instance encode alike
    except Exception as exc:  # the exception's type and message are the outcome
        return ("error", type(exc).__name__, str(exc))


# Bodies that are Python and RRL at once; `n` is 3. Each reads an `except ... as`
# name after its handler ended, however it ended.
EXCEPT_AS_BODIES = {
    "normal end, bound before": "e = 'before'\ntry:\n    raise KeyError('k')\nexcept KeyError as e:\n    pass\nreturn e",
    "bound in the handler only": "try:\n    raise KeyError('k')\nexcept KeyError as e:\n    x = 1\nreturn [x, e]",
    "deleted by the handler itself": "try:\n    raise KeyError('k')\nexcept KeyError as e:\n    del e\nreturn 0",
    "rebound in the handler": "try:\n    raise KeyError('k')\nexcept KeyError as e:\n    e = 5\nreturn e",
    "not raised": "e = 'kept'\ntry:\n    x = 1\nexcept KeyError as e:\n    pass\nreturn e",
    "break": "e = 0\nfor i in range(n):\n    try:\n        raise KeyError(i)\n    except KeyError as e:\n        break\nreturn e",
    "continue then bound again": (
        "seen = []\nfor i in range(n):\n    try:\n        raise KeyError(i)\n    except KeyError as e:\n        if i < 2:\n            continue\n"
        "    seen.append(1)\ne = 'again'\nreturn [seen, e]"
    ),
    "continue then read": "e = 0\nfor i in range(n):\n    try:\n        raise KeyError(i)\n    except KeyError as e:\n        continue\nreturn e",
    "return through a finally": (
        "try:\n    try:\n        raise KeyError('k')\n    except KeyError as e:\n        return 'returned'\nfinally:\n    return repr(e)"
    ),
    "return value reads it first": "try:\n    raise KeyError('k')\nexcept KeyError as e:\n    return repr(e)",
    "raise to an outer handler": (
        "try:\n    try:\n        raise KeyError('k')\n    except KeyError as e:\n        raise ValueError('v')\nexcept ValueError as v:\n    return repr(e)"
    ),
    "bare raise to an outer handler": (
        "try:\n    try:\n        raise KeyError('k')\n    except KeyError as e:\n        raise\nexcept KeyError:\n    return repr(e)"
    ),
    "nested handlers, same name": (
        "try:\n    raise KeyError('outer')\nexcept KeyError as e:\n    try:\n        raise ValueError('inner')\n    except ValueError as e:\n        pass\n"
        "    return repr(e)"
    ),
    "raise from it": "try:\n    raise KeyError('k')\nexcept KeyError as e:\n    raise ValueError('v') from e",
}


def assert_runs_like_python(body: str, decls: str = "", host=None, namespace: dict | None = None) -> None:
    """`body` is Python and RRL at once: the workflow (`n` is 3) ends as the
    Python function does, with the same value or exception."""
    indented = "".join(f"    {line}\n" for line in body.splitlines())
    namespace = dict(namespace or {})
    exec(f"def native(n=3):\n{indented}", namespace)
    assert _outcome(lambda: run(indented, decls=decls, host=host)[0]) == _outcome(namespace["native"])


@pytest.mark.parametrize("body", EXCEPT_AS_BODIES.values(), ids=EXCEPT_AS_BODIES.keys())
def test_except_as_name_is_deleted_when_the_handler_ends_like_python(body: str):
    assert_runs_like_python(body)


def test_except_as_deletion_is_left_out_where_control_leaves_the_workflow():
    text = "rrl 1\n\nworkflow W() -> Any:\n    try:\n        raise KeyError('k')\n    except KeyError as e:\n        return repr(e)\n"
    nodes = D.lower(rrl.parse(text)).nodes()
    # nothing catches an exception of the handler, and the return ends the workflow
    assert [n.kind for n in nodes] == ["start", "raise", "except", "return"]
    text = "rrl 1\n\nworkflow W() -> Any:\n    try:\n        raise KeyError('k')\n    except KeyError as e:\n        x = 1\n    return 0\n"
    steps = [D._encode_step(s) for n in D.lower(rrl.parse(text)).nodes() if isinstance(n, D.Compute) for s in n.steps]
    assert steps == [{"target": "x", "value": "1"}, {"target": "e", "value": "None"}, {"delete": "e"}]


# A change in place deep inside a value reaches the variable through every
# container on the way, a tuple or a frozen model included.
NESTED_CHANGE_BODIES = {
    "list in a tuple": "pair = ('a', [])\npair[1].append(1)\nreturn pair",
    "tuple in a list": "buckets = [('a', []), ('b', [])]\nfor i, x in enumerate([1, 2]):\n    buckets[i][1].append(x)\nreturn buckets",
    "negative index": "pair = ('a', {})\npair[-1]['k'] = 1\nreturn pair",
    "item of a list in a tuple": "pair = ('a', [0, 0])\npair[1][0] = 5\ndel pair[1][1]\nreturn pair",
    "dict in a tuple in a dict": "d = {'k': (1, {'n': []})}\nd['k'][1]['n'].extend([2, 3])\nreturn d",
    "item of a tuple": "pair = ('a', [])\npair[1] = [1]\nreturn pair",
    "deleted item of a tuple": "pair = ('a', [])\ndel pair[1]\nreturn pair",
}


@pytest.mark.parametrize("body", NESTED_CHANGE_BODIES.values(), ids=NESTED_CHANGE_BODIES.keys())
def test_nested_changes_reach_the_variable_through_tuples_like_python(body: str):
    assert_runs_like_python(body)


def test_nested_changes_reach_the_variable_through_frozen_models():
    from dataclasses import dataclass

    from pydantic import BaseModel, ConfigDict

    @dataclass(frozen=True)
    class Box:
        lines: list

    class Order(BaseModel):
        model_config = ConfigDict(frozen=True)
        lines: list[int]

    Box.__module__ = Order.__module__ = "app.models"
    Box.__qualname__, Order.__qualname__ = "Box", "Order"
    decls = "frozen dataclass Box from app.models:\n    lines: list\n\nfrozen model Order from app.models:\n    lines: list[int]\n"
    namespace = {"Box": Box, "Order": Order}
    for body in (
        "b = Box(lines=[])\nb.lines.append(1)\nreturn b",
        "o = Order(lines=[1])\no.lines[0] = 2\no.lines.append(3)\nreturn o",
        "b = Box(lines=[])\nb.lines = [1]\nreturn b",
    ):
        assert_runs_like_python(body, decls, namespace=namespace)
    # pydantic refuses with its ValidationError, a workflow with a TypeError
    with pytest.raises(TypeError, match='"Order" is frozen: its field "lines" cannot be assigned'):
        run("    o = Order(lines=[1])\n    o.lines = [2]\n    return o\n", decls=decls)


def test_a_policy_out_of_range_fails_the_call_before_its_first_attempt():
    # what the checker reports (RPL0335) in a DAG nobody checked: the same ValueError as `run_action`'s
    body = "    try:\n        r = await act(x=1) timeout(0)\n    except ValueError as e:\n        return str(e)\n    return r\n"
    value, host = run(body)
    assert value == "`timeout(...)` must be greater than 0 seconds; got 0"
    assert host.calls == []
    with pytest.raises(ValueError, match="must be at least 1"):
        run("    r = await act(x=1) retry(attempts=0)\n    return r\n")


# Fns and workflow bodies that are Python and RRL at once, once `fn` reads
# `async def`: every call of a fn starts with a scope of its own, as in Python.
FN_CALL_CASES = {
    "a local bound by an earlier call is unbound in the next": (
        "fn pick(flag: bool) -> Any:\n    if flag:\n        v = 1\n    return v\n",
        "out = []\nfor flag in [True, False, True]:\n    try:\n        r = await pick(flag=flag)\n        out.append(r)\n"
        "    except Exception as e:\n        out.append(str(e))\nreturn out",
    ),
    "a loop variable after an empty loop": (
        "fn last(xs: list) -> Any:\n    for x in xs:\n        pass\n    return x\n",
        "out = []\nfor xs in [[1, 2], []]:\n    try:\n        r = await last(xs=xs)\n        out.append(r)\n"
        "    except Exception as e:\n        out.append(repr(e))\nreturn out",
    ),
    "del of a local the earlier call bound": (
        "fn toggle(first: bool) -> Any:\n    if first:\n        t = 1\n    else:\n        del t\n    return 'ok'\n",
        "out = []\nfor first in [True, False]:\n    try:\n        r = await toggle(first=first)\n        out.append(r)\n"
        "    except Exception as e:\n        out.append(repr(e))\nreturn out",
    ),
    "a name an earlier call bound in a handler": (
        "fn catch(fail: bool) -> Any:\n    if fail:\n        try:\n            raise KeyError('k')\n        except KeyError as e:\n"
        "            got = e\n    return repr(got)\n",
        "out = []\nfor fail in [True, False]:\n    try:\n        r = await catch(fail=fail)\n        out.append(r)\n"
        "    except Exception as e:\n        out.append(type(e).__name__)\nreturn out",
    ),
    "locals and parameters named like the caller's variables": (
        "fn shadow(x: int) -> Any:\n    v = x * 2\n    x = v + 1\n    return [x, v]\n",
        "x = 5\nv = 7\nr = await shadow(x=x + 1)\nreturn [r, x, v]",
    ),
    "a fn calling a fn, in a loop": (
        "fn inner(flag: bool) -> Any:\n    if flag:\n        w = 'set'\n    return w\n\n"
        "fn outer(flags: list) -> Any:\n    seen = []\n    for flag in flags:\n        try:\n            r = await inner(flag=flag)\n"
        "            seen.append(r)\n        except Exception:\n            seen.append('unbound')\n    return seen\n",
        "a = await outer(flags=[True, False])\nb = await outer(flags=[False, True])\nreturn [a, b]",
    ),
    "a rebound parameter does not reach the caller": (
        "fn grow(xs: list) -> Any:\n    xs = xs + [0]\n    total = len(xs)\n    return total\n",
        "xs = [1]\ntotal = 'caller'\na = await grow(xs=xs)\nb = await grow(xs=xs)\nreturn [a, b, xs, total]",
    ),
    "arguments are evaluated in the order they are written": (
        "fn pair(a: int, b: int) -> Any:\n    return [a, b]\n",
        "q = [1, 2, 3]\nr = await pair(b=q.pop(0), a=q.pop(0))\nreturn [r, q]",
    ),
    "the first argument to fail raises": (
        "fn pair(a: int, b: int) -> Any:\n    return [a, b]\n",
        "r = await pair(b=1 // 0, a=[][0])\nreturn r",
    ),
}


def assert_fns_run_like_python(fns: str, body: str) -> None:
    namespace = {"Any": object}
    indented = "".join(f"    {line}\n" for line in body.splitlines())
    exec(re.sub(r"^fn ", "async def ", fns, flags=re.M) + f"\nasync def native(n=3):\n{indented}", namespace)
    expected = _outcome(lambda: asyncio.run(namespace["native"]()))
    assert _outcome(lambda: run(indented, decls="\n" + fns)[0]) == expected


@pytest.mark.parametrize("fns, body", FN_CALL_CASES.values(), ids=FN_CALL_CASES.keys())
def test_every_call_of_a_fn_has_a_scope_of_its_own_like_python(fns: str, body: str):
    assert_fns_run_like_python(fns, body)


def test_a_fn_called_in_parallel_branches_has_a_scope_per_branch():
    decls = "\nfn tag(x: int) -> Any:\n    if x > 1:\n        label = f'big {x}'\n    return label\n"
    body = (
        "    out = []\n    for round in range(2):\n        rs = parallel return_exceptions for i in range(n):\n            await tag(x=i + round)\n"
        "        a, b = parallel return_exceptions:\n            await tag(x=5)\n            await tag(x=0)\n"
        "        out.append([type(r).__name__ if isinstance(r, Exception) else r for r in rs + [a, b]])\n    return out\n"
    )
    value, _ = run(body, decls=decls)
    assert value == [
        ["UnboundLocalError", "UnboundLocalError", "big 2", "big 5", "UnboundLocalError"],
        ["UnboundLocalError", "big 2", "big 3", "big 5", "UnboundLocalError"],
    ]


def test_a_fn_call_starts_with_its_locals_unbound_after_a_json_round_trip():
    text = (
        "rrl 1\n\nfn pick(flag: bool) -> Any:\n    if flag:\n        v = 1\n    return v\n\n"
        "workflow W() -> Any:\n    out = []\n    for flag in [True, False]:\n        try:\n            r = await pick(flag=flag)\n"
        "            out.append(r)\n        except Exception as e:\n            out.append(type(e).__name__)\n    return out\n"
    )
    dag = D.Dag.from_json(D.lower(rrl.parse(text)).to_json())
    assert asyncio.run(execute(dag, {}, RecordingHost())) == [1, "UnboundLocalError"]


def test_enum_members_and_isinstance_on_declared_classes():
    decls = "enum Color(Enum) from app:\n    RED = \"red\"\n    GREEN = \"green\"\n\ndataclass Point from app:\n    x: int\n\nconst DEFAULT = Color.GREEN\n"
    body = (
        "    p = Point(x=n)\n"
        "    c = Color(\"red\")\n"
        "    return [c == Color.RED, c is Color.RED, DEFAULT.value, Color.RED.name,\n"
        "            isinstance(p, Point), isinstance(c, (Point, Color)), isinstance(n, Point)]\n"
    )
    value, _ = run(body, decls=decls)
    assert value == [True, True, "green", "RED", True, True, False]


def test_a_const_naming_a_class_brings_its_declaration_into_the_dag():
    text = "rrl 1\n\nenum Color(Enum) from app:\n    GREEN = 1\n\nconst DEFAULT = Color.GREEN\n\nworkflow W() -> Any:\n    return DEFAULT\n"
    assert list(D.lower(rrl.parse(text)).types) == ["Color"]


UNPACKING_ERRORS = {
    "an int": "a, b = n\nreturn a",
    "an int, starred": "a, *b = n\nreturn a",
    "None": "x = None\na, b = x\nreturn a",
    "too many": "a, b = [1, 2, 3]\nreturn a",
    "too few": "a, b, c = [1, 2]\nreturn a",
    "too few, starred": "a, b, *c = [1]\nreturn a",
}


@pytest.mark.parametrize("body", UNPACKING_ERRORS.values(), ids=UNPACKING_ERRORS.keys())
def test_unpacking_fails_with_pythons_errors(body: str):
    assert_runs_like_python(body)


def test_sets_change_in_place_and_combine_but_never_iterate_in_order():
    body = (
        "    s = set([3, 1])\n    t = s\n    s.add(2)\n    s.discard(3)\n    s.discard(9)\n    u = frozenset([2, 5])\n"
        "    return [sorted(s), sorted(t), sorted(s | u), sorted(s & u), sorted(s - u), sorted(s ^ u), 2 in s, len(u),\n"
        "            s.issubset(set([1, 2, 4])), sorted(u.union([7])), min(u), any(set([0]))]\n"
    )
    assert run(body)[0] == [[1, 2], [1, 3], [1, 2, 5], [2], [1], [1, 5], True, 2, True, [2, 5, 7], 2, False]
    message = "cannot iterate over a set in a workflow: a set has no deterministic order: iterate sorted(s) instead"
    for use in ("for x in set([1]):\n        pass\n", "xs = list(set([1]))\n", "xs = [x for x in set([1])]\n",
                "a, b = set([1, 2])\n", "xs = sorted(set([1]), key=str)\n", "xs = ','.join(set(['a']))\n"):
        with pytest.raises(TypeError, match=re.escape(message)):
            run(f"    {use}    return 0\n")
    with pytest.raises(TypeError, match="'set' object has no method 'pop' usable in a workflow"):
        run("    s = set([1])\n    s.pop()\n    return s\n")


def test_dicts_merge_with_the_or_operator():
    value, _ = run("    d = {'a': 1, 'b': 2}\n    e = d\n    d = d | {'b': 3, 'c': 4}\n    return [d, e, 6 | 1, 6 & 3, 6 ^ 3, True | False]\n")
    assert value == [{"a": 1, "b": 3, "c": 4}, {"a": 1, "b": 2}, 7, 2, 5, True]


def test_in_place_addition_is_pythons():
    body = "    xs = [0]\n    ys = xs\n    xs += 'ab'\n    xs += range(2)\n    t = (1,)\n    t += (2,)\n    return [xs, ys, t]\n"
    assert run(body)[0] == [[0, "a", "b", 0, 1], [0], (1, 2)]  # RRL copies: `ys` keeps its value
    with pytest.raises(TypeError, match=r"unsupported operand type\(s\) for \+=: 'int' and 'str'"):
        run("    k = 1\n    k += 'a'\n    return k\n")
    with pytest.raises(TypeError, match="cannot iterate over a set in a workflow"):
        run("    xs = []\n    xs += set([1, 2])\n    return xs\n")


def test_in_place_or_updates_a_dict_from_any_pairs_as_python_does():
    body = ("    d = {'a': 1}\n    e = d\n    d |= [('b', 2), ('a', 3)]\n    d |= zip(['z'], [0])\n"
            "    s = set([1])\n    s |= set([2])\n    n = 1\n    n |= 6\n    return [d, e, sorted(s), n]\n")
    assert run(body)[0] == [{"a": 3, "b": 2, "z": 0}, {"a": 1}, [1, 2], 7]  # RRL copies: `e` keeps its value
    with pytest.raises(TypeError, match=r"unsupported operand type\(s\) for \|: 'dict' and 'list'"):
        run("    d = {}\n    d = d | [('a', 1)]\n    return d\n")
    with pytest.raises(TypeError, match=r"unsupported operand type\(s\) for \|=: 'set' and 'list'"):
        run("    s = set([1])\n    s |= [2]\n    return 1\n")
    with pytest.raises(ValueError, match="dictionary update sequence element #0 has length 3; 2 is required"):
        run("    d = {}\n    d |= ['abc']\n    return d\n")
    with pytest.raises(TypeError, match="cannot iterate over a set in a workflow"):
        run("    d = {}\n    d |= set([('a', 1)])\n    return d\n")
