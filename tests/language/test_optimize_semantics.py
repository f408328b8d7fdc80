"""The optimizer keeps meaning: each program runs on the reference interpreter
before and after `optimize`, and both runs return the same value (or raise
the same exception) after the same action calls."""

from __future__ import annotations

import asyncio

import pytest

from rrl import dag as D
from rrl import parse
from rrl.interpreter import execute
from rrl.optimize import optimize

from recording_host import RecordingHost

ACTIONS = """\
action double(x: int) -> int from app.actions
action fail(x: int) -> int from app.actions
action record(value: Any) -> None from app.actions
"""

PROGRAMS = {
    "folding": """\
const LIMIT = 4
const NAME = "svc"

workflow W(n: int = 3) -> Any:
    a = LIMIT * 2 - 10
    b = f"{NAME}-{LIMIT:03d}-{n}"
    c = [1, 2, 3][-1] + len("four")
    d = n or False or 7
    e = 0 and n
    f = "yes" if LIMIT > 2 else "no"
    g = not (n == 3)
    h = -0.0 * 1
    return [a, b, c, d, e, f, g, str(h)]
""",
    "refused_folds_still_raise": """\
workflow W(n: int = 3) -> Any:
    try:
        x = 10 // 0
    except ZeroDivisionError as e:
        return f"caught {e}"
    return x
""",
    "dead_code": """\
const DEBUG = False

workflow W(n: int = 3) -> Any:
    total = 0
    if DEBUG:
        await record(value="debug")
    for i in []:
        total = total + 100
    else:
        total = total + 1
    while False:
        total = 0
    try:
        pass
    except ValueError:
        total = -1
    else:
        total = total + 10
    finally:
        await record(value=total)
    return total
    total = 5
""",
    "temporaries": """\
workflow W(n: int = 3) -> Any:
    $t1 = await double(x=n)
    a = $t1
    $t2 = a + 1
    b = $t2 * 2
    $t3 = [a, b]
    pairs = parallel for x in $t3:
        await double(x=x)
    $t4 = pairs[0]
    c = {"first": $t4}
    $t5 = n
    return [a, b, c]
""",
    "exception_order_is_kept": """\
workflow W(n: int = 0) -> Any:
    items = [1]
    try:
        $t1 = items[5]
        x = 10 // n + $t1
    except IndexError:
        return "index"
    except ZeroDivisionError:
        return "zero"
    return x
""",
    "short_circuit_is_kept": """\
workflow W(n: int = 0) -> Any:
    items = []
    $t1 = items[0] if items else None
    x = n > 0 and $t1
    $t2 = n
    y = n == 0 or $t2
    return [x, y]
""",
    "control_flow": """\
workflow W(n: int = 3) -> Any:
    out = []
    for i in range(6):
        if not (i % 2 == 0):
            pass
        else:
            out = out + [i]
        if i > 4:
            pass
        else:
            continue
        out = out + ["end"]
    while not not (n > 0) max 10:
        n = n - 1
    return [out, n]
""",
    "fns_and_failures": """\
fn safe_double(x: int) -> int:
    try:
        $t1 = await fail(x=x)
        r = $t1
    except KeyError:
        r = await double(x=x)
    return r

fn unused(x: int) -> int:
    return x

workflow W(n: int = 3) -> Any:
    $t1 = await safe_double(x=n)
    result = $t1
    if result > 5:
        await record(value=result)
    return result
""",
    "unpacking": """\
const BASE = {"a": 1, "b": 2}

workflow W(n: int = 3) -> Any:
    xs = [*[1, 2], *range(n), *"ab"]
    first, *middle, last = xs
    *every, = (*[n], *xs[:2])
    $t1 = xs + [n]
    head, *tail = $t1
    merged = {**BASE, "b": n, **{"c": [*[n, -1]]}}
    $t2 = merged
    again = {**$t2, **{"a": 0}}
    biggest = max(*xs[:3], *[0, -5])
    pairs = list(zip(*[[1, 2], [3, 4]]))
    try:
        bad = {**BASE, **[("x", 1)]}
    except TypeError as e:
        bad = str(e)
    try:
        a, *b, c = [1]
    except ValueError as e:
        b = str(e)
    return [xs, first, middle, last, every, head, tail, merged, again, biggest, pairs, bad, b]
""",
    "mutating_methods": """\
const STEP = 2

workflow W(n: int = 3) -> Any:
    queue = list(range(n * STEP))
    seen = []
    done = {"odd": [], "even": []}
    while queue max 20:
        $t1 = queue.pop(0)
        item = $t1
        $t2 = item % 2 == 0
        key = "even" if $t2 else "odd"
        done[key].append(item)
        if done.pop("skip", None):
            continue
        $t3 = seen
        seen.append([len($t3), item])
    $t4 = queue
    queue.extend([1, 2])
    snapshot = [$t4, queue]
    $t5 = seen.pop()
    tail = [seen, $t5]
    await record(value=seen.pop(0))
    copy = seen
    seen.clear()
    done.update({"total": n})
    extra = done.setdefault("extra", []) if STEP > 1 else done.pop("odd")
    counts = dict.fromkeys(["a", "b"], 0)
    counts["a"] = counts.get("a", 0) + 1
    d = {"k": [3, 1, 2]}
    d["k"].sort()
    d["k"].reverse()
    last = d["k"].pop() if True else d.popitem()
    return [item, key, done, extra, snapshot, tail, copy, seen, counts, d, last, type(n).__name__]
""",
    "deletions": """\
const KEY = "b"

workflow W(n: int = 3) -> Any:
    d = {"a": 1, "b": 2, "c": [1, 2, 3, 4]}
    $t1 = KEY
    del d[$t1]
    $t2 = d["c"].pop()
    del d["c"][$t2 - 3]
    $t3 = d
    del d["a"]
    kept = $t3
    $t4 = 0
    del $t4
    try:
        del d["missing"]
    except KeyError as e:
        caught = repr(e)
    x = n * 2
    del x
    try:
        y = x
    except UnboundLocalError as e:
        y = str(e)
    xs = list(range(n + 3))
    del xs[1:n], xs[-1]
    return [d, kept, caught, y, xs]
""",
}


def _run(program):
    host = RecordingHost()
    host.actions.update({"double": lambda x: x * 2, "record": lambda value: None})

    def fail(x):
        raise KeyError(f"missing {x}")

    host.actions["fail"] = fail
    try:
        outcome = ("value", asyncio.run(execute(D.lower(program), {}, host)))
    except Exception as exc:  # the workflow's own failure is part of its meaning
        outcome = ("raised", type(exc).__name__, str(exc))
    return outcome, host.calls


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_optimized_program_behaves_the_same(name: str):
    program = parse("rrl 1\n\n" + ACTIONS + "\n" + PROGRAMS[name])
    optimized = optimize(program, verify=True)
    assert _run(optimized) == _run(program)


def test_the_programs_are_really_optimized():
    for name, source in PROGRAMS.items():
        program = parse("rrl 1\n\n" + ACTIONS + "\n" + source)
        assert optimize(program) != program, name
