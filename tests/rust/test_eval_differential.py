"""The Rust evaluator behaves as the Python reference: random RRL expressions
(hypothesis) over random variables go through `rrl eval` (one long-lived
process) and through `rrl.evaluate.Evaluator`; both must give the same value
(the same codec encoding), or the same exception (class chain, message, args
and attributes), and, where the expression changes its variables (`xs.append(x)`,
an assignment, a `del`), the same variables after it.

A few thousand cases run in `make test` (derandomized: the same cases every
run); RRL_EVAL_CASES sets how many (`make fuzz` runs many more, randomized).
Left out, as documented divergences (docs/language.md, "Values in the Rust
core"): NaN identity inside containers (Python's `[x] == [x]` holds for a NaN
`x` by identity; no NaN equals another in the Rust core, as for NaNs that arrive
apart), and computations too large or too slow to be worth comparing.
"""

from __future__ import annotations

import enum
import functools
import json
import math
import os
import signal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from rrl import ast as A
from rrl import codec
from rrl.evaluate import Evaluator
from rrl.parser import parse, parse_expr
from rrl.records import OpenMember

CASES = int(os.environ.get("RRL_EVAL_CASES", "2000"))
RANDOMIZED = "RRL_EVAL_CASES" in os.environ
SETTINGS = settings(
    max_examples=CASES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
    derandomize=not RANDOMIZED,
)

PROGRAM = '''rrl 1

exception AppError from app.errors
exception CardDeclined(AppError, ValueError) from app.errors

model Item from app.models:
    name: str
    qty: int = 1
    tags: list[str] = []

frozen dataclass Point from app.geo:
    x: float
    y: float = 0.0

frozen dataclass Batch from app.geo:
    region: str
    items: list[int] = []

dataclass Box from app.geo:
    label: str
    size: int = 3

namedtuple Span from app.geo:
    start: int
    end: int = 0
    label: str = "span"

enum Color(str, Enum) from app.models:
    RED = "red"
    GREEN = "green"
    SCARLET = "red"

enum Level(IntEnum) from app.models:
    LOW = 1
    HIGH = 2

enum Shape(Enum) from app.models:
    ROUND = 1
    SQUARE = "square"
'''

TYPES = parse(PROGRAM).class_decls()
PYTHON = Evaluator(TYPES)


# ------------------------------------------------------------------ variables

texts = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=8),
    st.text(alphabet="ab, -é1Σ", max_size=6),
    st.sampled_from(["", "a", "abc", "a,b", "Straße", "1", "42", " x "]),
)
small_ints = st.integers(-30, 30)
big_ints = st.one_of(st.integers(2**64, 2**80), st.integers(-(2**80), -(2**64)), st.sampled_from([2**53 + 1, -(2**63), 2**63]))
ints = st.one_of(small_ints, small_ints, small_ints, big_ints)
floats = st.one_of(
    st.sampled_from([0.0, -0.0, 0.5, 1.5, 2.5, 0.1, 1e16, 1e-7, 123.456, math.inf, -math.inf, math.nan]),
    st.floats(-1e6, 1e6),
    st.floats(allow_nan=False),
)
scalars = st.one_of(st.none(), st.booleans(), ints, floats, texts)
keys = st.one_of(small_ints, texts, st.booleans(), st.none())
lists = st.lists(scalars, max_size=5)
int_lists = st.lists(small_ints, max_size=6)
dicts = st.dictionaries(keys, scalars, max_size=4)
nested = st.recursive(scalars, lambda children: st.one_of(st.lists(children, max_size=3), st.lists(children, max_size=3).map(tuple), st.dictionaries(keys, children, max_size=3)), max_leaves=6)


def record(kind: str, **fields: Any) -> Any:
    return PYTHON.classes.construct(kind, [], fields, PYTHON.constant)


items = st.builds(lambda name, qty, tags: record("Item", name=name, qty=qty, tags=tags), texts, small_ints, st.lists(texts, max_size=3))
points = st.builds(lambda x, y: record("Point", x=x, y=y), st.one_of(floats, small_ints), st.one_of(floats, small_ints))
batches = st.builds(lambda region, items: record("Batch", region=region, items=items), texts, int_lists)
boxes = st.builds(lambda label: record("Box", label=label), texts)
spans = st.builds(lambda start, end, label: record("Span", start=start, end=end, label=label), small_ints, small_ints, texts)
colors = st.sampled_from(["RED", "GREEN"]).map(lambda name: PYTHON.classes.member("Color", name))
levels = st.sampled_from(["LOW", "HIGH"]).map(lambda name: PYTHON.classes.member("Level", name))
shapes = st.sampled_from(["ROUND", "SQUARE"]).map(lambda name: PYTHON.classes.member("Shape", name))
errors = st.builds(lambda message: PYTHON.classes.construct("CardDeclined", [message], {}, PYTHON.constant), texts)

# Values from outside the program, as the codec brings them in: exceptions of
# classes the program does not declare (stand-ins deriving from the chain's
# classes it knows), records and enum members of undeclared classes, a declared
# record with fields missing.
CHAIN_NAMES = ["app.errors:CardDeclined", "app.errors:AppError", "rappel:RappelTimeout", "rappel:RappelError", "other.mod:Middle"]
BUILTIN_ENDS = ["builtins:ValueError", "builtins:KeyError", "builtins:LookupError", "builtins:Exception", "builtins:ZeroDivisionError"]


def incoming(data: Any) -> Any:
    return codec.decode(data, PYTHON.classes.resolve)


def foreign_exception(first: str, middle: list[str], end: str, message: str) -> BaseException:
    attributes = [["code", 7]]
    if "rappel:RappelTimeout" in middle:  # RappelTimeout's __init__ sets these first
        attributes = [["action", "charge"], ["timeout", None], ["attempt", 2], *attributes]
    chain = [first, *middle, end]
    return incoming({"exception": {"class": chain, "message": message, "args": [message], "attributes": attributes, "cause": None}})


foreign_exceptions = st.builds(
    foreign_exception,
    st.sampled_from(["other.mod:Weird", "other.mod:Weird.Inner"]),
    st.lists(st.sampled_from(CHAIN_NAMES), max_size=2, unique=True),
    st.sampled_from(BUILTIN_ENDS),
    texts,
)
foreign_records = st.builds(
    lambda kind, a, b: incoming({kind: {"class": "other.mod:Thing", "fields": [["a", codec.encode(a)], ["b", codec.encode(b)]]}}),
    st.sampled_from(["model", "dataclass"]),
    scalars,
    small_ints,
)
foreign_members = st.one_of(small_ints, st.sampled_from(["red", "x"])).map(lambda value: incoming({"enum": {"class": "other.mod:Mood", "value": value}}))
partial_items = texts.map(lambda name: incoming({"model": {"class": "app.models:Item", "fields": [["name", name]]}}))
foreign_tuples = st.builds(
    lambda a, b: incoming({"namedtuple": {"class": "other.mod:Couple", "fields": [["a", codec.encode(a)], ["b", codec.encode(b)]]}}),
    scalars,
    small_ints,
)

# name → the values it may hold: most names hold one kind, a few anything.
VARIABLES: dict[str, st.SearchStrategy] = {
    "i": ints,
    "j": small_ints,
    "x": floats,
    "s": texts,
    "t": texts,
    "b": st.booleans(),
    "n": st.none(),
    "xs": lists,
    "ns": int_lists,
    "tup": st.lists(scalars, max_size=4).map(tuple),
    "d": dicts,
    "pair": st.tuples(small_ints, int_lists),
    "item": items,
    "p": points,
    "box": boxes,
    "sp": st.one_of(spans, foreign_tuples),
    "batch": batches,
    "nest": st.dictionaries(st.sampled_from(["a", "b", "c"]), int_lists, max_size=3),
    # small ints: Python's hash order is then their order, as the codec's (a set's repr shows it)
    "ss": st.sets(st.integers(0, 7), max_size=4),
    "fs": st.frozensets(st.integers(0, 7), max_size=3),
    "c": colors,
    "lv": levels,
    "sh": shapes,
    "err": errors,
    "fx": foreign_exceptions,
    "fr": st.one_of(foreign_records, partial_items),
    "fe": foreign_members,
    "v": st.one_of(scalars, nested, items, colors, levels),
    "w": st.one_of(scalars, nested, points, shapes, spans),
}
NAMES = sorted(VARIABLES)


@st.composite
def environments(draw) -> dict[str, Any]:
    env = {}
    for name in NAMES:
        if draw(st.integers(0, 19)) > 0:  # now and then a variable is unbound
            env[name] = draw(VARIABLES[name])
    return env


# ------------------------------------------------------------------ expressions

LITERALS = ["0", "1", "2", "-1", "3", "10", "1.5", "-0.0", "0.1", "1e300", "10**20", "'a'", "'é,b'", '""', "None", "True", "False", "[]", "()", "{}", "[1, 2]", "(1,)", "{'a': 1}"]
SPECS = ["", ">6", "<4", "^7", "+", ".2f", "05d", ",", "x", ".3", "e", "%", "s", "_", "#o"]


@functools.lru_cache(maxsize=None)
def expressions(depth: int = 3) -> st.SearchStrategy[str]:
    leaf = st.one_of(st.sampled_from(NAMES), st.sampled_from(NAMES), st.sampled_from(LITERALS))
    if depth == 0:
        return leaf
    sub = expressions(depth - 1)
    name = st.sampled_from(NAMES)
    small = st.sampled_from(["0", "1", "2", "-1", "3", "-2", "j", "None"])
    operands = st.sampled_from(["i", "j", "b", "x", "d", "n", "ss", "1", "True"])  # `|` of two sets is ordered by sorted() only

    def form(template: str, **parts: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return st.fixed_dictionaries(parts).map(lambda chosen: template.format(**chosen))

    return st.one_of(
        leaf,
        form("({a} {op} {b})", a=sub, b=sub, op=st.sampled_from(["+", "-", "*", "/", "//", "%"])),
        form("({a} ** {k})", a=sub, k=st.sampled_from(["0", "1", "2", "3", "-1"])),
        form("({a} {op} {b})", a=sub, b=sub, op=st.sampled_from(["==", "!=", "<", "<=", ">", ">=", "in", "not in"])),
        form("({a} < {b} <= {c})", a=sub, b=sub, c=sub),
        form("({a} is None)", a=sub),
        form("({a} is not None)", a=sub),
        form("({a} {op} {b})", a=sub, b=sub, op=st.sampled_from(["and", "or"])),
        form("(not {a})", a=sub),
        form("(-{a})", a=sub),
        form("({a} if {b} else {c})", a=sub, b=sub, c=sub),
        form("{a}[{b}]", a=name, b=st.one_of(small, sub)),
        form("{a}[{b}:{c}]", a=name, b=small, c=small),
        form("{a}[::{k}]", a=name, k=st.sampled_from(["1", "-1", "2", "-2", "0"])),
        form("[{a}, *{b}]", a=sub, b=sub),
        form("({a}, {b})", a=sub, b=sub),
        form("{{{a}: {b}}}", a=sub, b=sub),
        form("{{**{a}, {b}: 1}}", a=name, b=sub),
        form('f"<{{{a}{conv}:{spec}}}>"', a=sub, conv=st.sampled_from(["", "", "!r", "!s"]), spec=st.sampled_from(SPECS)),
        form("{f}({a})", f=st.sampled_from(["len", "str", "repr", "bool", "int", "float", "abs", "list", "tuple", "sorted", "reversed", "min", "max", "sum", "any", "all", "enumerate", "dict", "type"]), a=sub),
        form("{f}({a}, {b})", f=st.sampled_from(["min", "max", "round", "divmod", "zip", "format", "sum", "isinstance"]), a=sub, b=sub),
        form("isinstance({a}, {t})", a=sub, t=st.sampled_from(["int", "str", "float", "bool", "list", "dict", "tuple", "NoneType", "(int, str)", "Item", "Point", "Color", "Level", "AppError", "ValueError", "(Shape, Box)", "CardDeclined", "KeyError", "LookupError", "RappelTimeout", "Exception"])),
        form("isinstance({a}, {t})", a=st.sampled_from(["fx", "err", "fr", "fe"]), t=st.sampled_from(["AppError", "CardDeclined", "KeyError", "LookupError", "ValueError", "RappelTimeout", "Exception", "ZeroDivisionError", "ArithmeticError", "Item", "Color"])),
        form("({a}).{attr}", a=st.sampled_from(["fx", "fr", "fe", "err"]), attr=st.sampled_from(["a", "b", "name", "value", "args", "code", "qty"])),
        form("type({a}).__name__", a=sub),
        form("type({a}).{attr}", a=st.one_of(sub, st.sampled_from(["c", "lv", "fe", "item"])), attr=st.sampled_from(["RED", "HIGH", "qty"])),
        form("range({a})", a=small),
        form("sorted({a}, key=lambda e: {key}, reverse={r})", a=sub, key=st.sampled_from(["-e", "e", "str(e)", "len(e)", "(e is None, e)"]), r=st.sampled_from(["True", "False"])),
        form("list(map(lambda e: e * 2, {a}))", a=sub),
        # sets: what is computed goes through sorted() or len(), since Rust keeps a set's insertion order
        form("sorted({a} {op} {b})", a=sub, b=sub, op=st.sampled_from(["|", "&", "^", "-"])),
        form("({a} {op} {b})", a=operands, b=operands, op=st.sampled_from(["|", "&", "^"])),
        form("{f}({a})", f=st.sampled_from(["set", "frozenset"]), a=sub),
        form("len({f}({a}))", f=st.sampled_from(["set", "frozenset"]), a=sub),
        form("sorted(({a}).{m}({b}))", a=sub, m=st.sampled_from(["union", "intersection", "difference", "symmetric_difference", "copy"]), b=sub),
        form("({a}).{m}({b})", a=sub, m=st.sampled_from(["issubset", "issuperset", "isdisjoint"]), b=sub),
        form("list(filter(lambda e: e, {a}))", a=sub),
        form("({a}).{m}()", a=sub, m=st.sampled_from(["upper", "lower", "strip", "split", "title", "isdigit", "splitlines", "copy", "keys", "values", "items", "model_dump", "casefold"])),
        form("({a}).{m}({b})", a=sub, m=st.sampled_from(["split", "join", "count", "index", "startswith", "find", "get", "replace", "zfill", "removeprefix", "partition"]), b=sub),
        form("({a}).{m}({b}, {c})", a=sub, m=st.sampled_from(["replace", "get", "split", "center"]), b=sub, c=sub),
        form("({a}).{attr}", a=sub, attr=st.sampled_from(["name", "value", "qty", "tags", "x", "y", "label", "args", "size", "_hidden", "nope", "real", "imag", "numerator", "denominator"])),
        form("[{e} for {v} in {a}]", e=st.sampled_from(["e", "e * 2", "str(e)", "(e, k)", "k"]), v=st.sampled_from(["e", "(e, k)"]), a=sub),
        form("[{e} for e in {a} if {c}]", e=st.sampled_from(["e", "e + 1", "-e"]), a=sub, c=st.sampled_from(["e", "not e", "e > 0", "e in xs"])),
        form("[(e, f) for e in {a} for f in {b} if e != f]", a=sub, b=sub),
        form("{{{k}: {v} for e in {a}}}", k=st.sampled_from(["e", "str(e)", "j"]), v=st.sampled_from(["e", "1", "[e]"]), a=sub),
        form("{{k: w for k, w in {a}.items()}}", a=sub),
        form("Item(name={a}{more})", a=sub, more=st.sampled_from(["", ", qty=j", ", tags=[s]", ", nope=1"])),
        form("Item({a})", a=sub),
        form("Point(x={a}{more})", a=sub, more=st.sampled_from(["", ", y=x", ", y=1"])),
        form("Box(label={a})", a=sub),
        form("Span({a}{more})", a=sub, more=st.sampled_from(["", ", j", ", end=j", ", j, s", ", start=1", ", nope=1", ", 1, 2, 3"])),
        form("Span(*{a})", a=sub),
        form("({a})._replace({kw})", a=sub, kw=st.sampled_from(["", "end=j", "label=s, start=1", "nope=1", "a=1"])),
        form("({a}).{m}()", a=sub, m=st.sampled_from(["_asdict", "_fields", "count"])),
        form("({a}).{attr}", a=st.sampled_from(["sp", "w"]), attr=st.sampled_from(["start", "end", "label", "a", "b", "_fields", "nope"])),
        form("isinstance({a}, {t})", a=st.sampled_from(["sp", "w", "tup"]), t=st.sampled_from(["Span", "tuple", "(Point, Span)"])),
        form("Box()", ),
        form("Color({a})", a=sub),
        form("Level({a})", a=sub),
        form("Shape({a})", a=sub),
        st.sampled_from(["Color.RED", "Color.SCARLET", "Level.HIGH", "Shape.ROUND", "Color.BLUE", "Color.RED.value", "Level.LOW + 1", "Color.RED == 'red'", "Shape.ROUND == 1", "Item.nope"]),
        form("{e}({a})", e=st.sampled_from(["CardDeclined", "AppError", "ValueError", "KeyError", "RappelTimeout", "OSError", "Exception"]), a=sub),
        form("RappelTimeout({a}, action={b})", a=sub, b=sub),
        form("'{{}}-{{!r}}:{{:>4}}'.format({a}, {b}, {c})", a=sub, b=sub, c=sub),
        form("'%s|%r|%d' % ({a}, {b}, {c})", a=sub, b=sub, c=sub),
        form("'%-5s' % {a}", a=sub),
        form("zip({a}, {b}, strict={s})", a=sub, b=sub, s=st.sampled_from(["True", "False"])),
        form("enumerate({a}, start={b})", a=sub, b=small),
        form("sum({a}, {b})", a=sub, b=st.sampled_from(["0", "0.5", "[]", "()", "''"])),
        form("{f}({a}, default={b})", f=st.sampled_from(["min", "max"]), a=sub, b=sub),
        form("{f}({a}, key=lambda e: {key})", f=st.sampled_from(["min", "max", "sorted"]), a=sub, key=st.sampled_from(["-e", "str(e)", "abs(e)", "e[0]"])),
        form("pow({a}, {k})", a=sub, k=st.sampled_from(["0", "2", "-1", "3"])),
        form("round({a}, {k})", a=sub, k=st.sampled_from(["0", "1", "-1", "None"])),
        form("int({a}, {base})", a=sub, base=st.sampled_from(["2", "10", "16", "0"])),
        form("{a}[{b}][{c}]", a=name, b=small, c=small),
        form("{a}[{b}:{c}:{d}]", a=name, b=small, c=small, d=st.sampled_from(["1", "-1", "2", "None", "j"])),
        form("({a}).get({b}, {c})", a=sub, b=sub, c=sub),
        form("[[e * f for f in {b}] for e in {a}]", a=sub, b=sub),
        form("[e for e in {a} if e for e in {b}]", a=sub, b=sub),
        form("(lambda e, f: {body})({a}, {b})", body=st.sampled_from(["e + f", "[e, f]", "e or f"]), a=sub, b=sub),
        form("dict.fromkeys({a}, {b})", a=sub, b=sub),
        form("({a}).model_copy(update={{'qty': {b}}})", a=sub, b=sub),
    )


# Statements: changing methods, assignments and deletions, over variables.
CHANGES = [
    "xs.append({a})", "xs.extend({a})", "xs.insert({k}, {a})", "xs.pop()", "xs.pop({k})", "xs.remove({a})",
    "xs.clear()", "xs.reverse()", "ns.sort()", "ns.sort(reverse=True)", "ns.sort(key=lambda e: -e)",
    "d.update({a})", "d.pop({a})", "d.pop({a}, None)", "d.popitem()", "d.setdefault({a}, {k})", "d.clear()",
    "pair[1].append({a})", "item.tags.append({a})", "v.append({a})", "w.pop()", "tup.append({a})",
    "[1].append({a})", "item.tags.pop({k})", "batch.items.append({a})", "batch.items.sort()", "nest[{a}].append({k})",
    "nest['a'].extend({a})", "nest.setdefault({a}, []).append(1)", "d[{a}].append({k})", "box.label.upper()",
    "xs.append(xs.pop())", "ns.insert({k}, ns.pop({k}))", "ns.sort(key=lambda e: {a})",
    "ss.add({a})", "ss.discard({a})", "ss.remove({a})", "ss.update({a})", "ss.clear()", "fs.add({a})", "ss.pop()",
]
TARGETS = [
    "xs[{k}]", "ns[{k}]", "d[{a}]", "xs[{k}:{k2}]", "ns[::2]", "(s, t)", "(s, *xs)", "(i, j, *ns)",
    "item.qty", "item.name", "item.nope", "p.x", "box.size", "box.label", "pair[1][0]", "pair[0]", "tup[0]",
    "err.code", "(a, b)", "v[{k}]", "w.x", "sp.end", "sp[0]", "(a, b, c)", "sp.nope", "d[{a}][{k}]", "batch.items[{k}]", "batch.region", "nest[{a}]",
    "nest['a'][{k}]", "fx.code", "fr.a", "fr.nope", "(xs[0], ns[{k}])", "((a, b), c)", "(a, *b, c)",
]
DELETIONS = ["batch.items[{k}]", "nest['a'][{k}]", "fx.code", "fr.a", "batch.region", "xs[::2]", "d[{a}:{k}]", "xs", "d[{a}]", "ns[{k}:{k2}]", "item.qty", "item.tags", "box.size", "box.label", "p.y", "i", "zz", "pair[1][{k}]", "tup[0]", "err.code", "sp.start", "sp[0]"]


def statements(kind: str) -> st.SearchStrategy[str]:
    template = st.sampled_from({"change": CHANGES, "bind": TARGETS, "delete": DELETIONS}[kind])
    fills = st.fixed_dictionaries(
        {"a": expressions(1), "k": st.sampled_from(["0", "1", "-1", "5", "j", "s"]), "k2": st.sampled_from(["0", "2", "-1", "None"])}
    )
    return st.tuples(template, fills).map(lambda pair: pair[0].format(**pair[1]))


# ------------------------------------------------------------------ running both


class TooSlow(Exception):
    """Python took too long: the example asks for an absurd computation."""


def _too_slow(signum, frame):
    raise TooSlow


def has_nan_inside(value: Any, depth: int = 0) -> bool:
    if isinstance(value, float) and math.isnan(value):
        return depth > 0
    if isinstance(value, (list, tuple)):
        return any(has_nan_inside(item, depth + 1) for item in value)
    if isinstance(value, dict):
        return any(has_nan_inside(k, depth + 1) or has_nan_inside(w, depth + 1) for k, w in value.items())
    return False


def python_outcome(run) -> dict:
    previous = signal.signal(signal.SIGALRM, _too_slow)
    signal.alarm(3)
    try:
        result = run()
    except (RecursionError, MemoryError, TooSlow):
        assume(False)
    except Exception as exc:  # the exception Python raises is the expected outcome
        return {"raised": codec.encode(exc)}
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    try:
        return {"value": codec.encode(result)}
    except codec.EncodeError:
        assume(False)  # a lambda, a type or a bound method: nothing to compare
        raise


def exception_parts(encoded: dict) -> dict:
    exc = encoded["exception"]
    return {key: exc[key] for key in ("class", "message", "args", "attributes")}


def compare(rrl_eval, request: dict, python: dict, python_env: dict | None) -> None:
    answer = rrl_eval.ask(request)
    python_vars = None
    if python_env is not None:
        try:
            python_vars = {name: codec.encode(value) for name, value in python_env.items()}
        except codec.EncodeError:  # a record as a dict key: the variables cannot be shown
            assert "error" in answer, f"{request}: Python's variables do not encode, Rust's do: {answer}"
            assume(False)
    assert "error" not in answer, f"{request}: {answer['error']}"
    shown = f"\n  expr    {request['expr']}\n  rust    {answer}\n  python  {python}\n  request {request}"
    assert ("raised" in answer) == ("raised" in python), shown
    if "raised" in python:
        assert exception_parts(answer["raised"]) == exception_parts(python["raised"]), shown
    else:
        assert answer["value"] == python["value"], shown
    if python_vars is not None:
        differ = {name: (answer["vars"].get(name), python_vars.get(name)) for name in set(answer["vars"]) | set(python_vars) if answer["vars"].get(name) != python_vars.get(name)}
        assert not differ, f"variables differ (rust, python): {differ}{shown}"


def parsed(rrl_eval, *texts: str) -> list:
    """The expressions, parsed by Python; an expression that Python cannot
    parse must be a bad request to `rrl eval` too, and is not compared further."""
    try:
        return [parse_expr(text) for text in texts]
    except Exception:
        answer = rrl_eval.ask({"expr": texts[0], "target": texts[1] if len(texts) > 1 else None})
        assert "error" in answer, f"{texts}: Python cannot parse it, Rust answers {answer}"
        assume(False)
        raise


def variables(env: dict) -> dict:
    return {name: codec.encode(value) for name, value in env.items()}


def fresh(env: dict) -> dict:
    """The variables as the Python side reads them: decoded into the program's classes."""
    return {name: codec.decode(codec.encode(value), PYTHON.classes.resolve) for name, value in env.items()}


@SETTINGS
@given(env=environments(), text=expressions())
def test_expressions(rrl_eval, env, text):
    assume(not any(has_nan_inside(value) for value in env.values()) or "==" not in text and " in " not in text)
    (expr,) = parsed(rrl_eval, text)
    python_env = fresh(env)
    expected = python_outcome(lambda: PYTHON.eval(expr, python_env))
    request = {"expr": text, "vars": variables(env), "program": PROGRAM, "return_vars": True}
    compare(rrl_eval, request, expected, python_env)


@settings(SETTINGS, max_examples=max(CASES // 5, 50))
@given(env=environments(), text=statements("change"))
def test_changing_methods(rrl_eval, env, text):
    (expr,) = parsed(rrl_eval, text)
    python_env = fresh(env)
    expected = python_outcome(lambda: PYTHON.eval(expr, python_env))
    request = {"expr": text, "vars": variables(env), "program": PROGRAM, "return_vars": True}
    compare(rrl_eval, request, expected, python_env)


@settings(SETTINGS, max_examples=max(CASES // 5, 50))
@given(env=environments(), target=statements("bind"), value=expressions(1))
def test_assignments(rrl_eval, env, target, value):
    value_expr, target_expr = parsed(rrl_eval, value, target)
    python_env = fresh(env)
    if isinstance(target_expr, A.Attribute):
        try:
            owner = PYTHON.eval(target_expr.value, dict(python_env))
        except Exception:
            owner = None
        # Python sets the attribute on the shared member object (docs/language.md,
        # "Values in the Rust core"): a documented divergence.
        assume(not isinstance(owner, (enum.Enum, OpenMember)))

    def run():
        result = PYTHON.eval(value_expr, python_env)
        PYTHON.bind(target_expr, result, python_env)
        return result

    expected = python_outcome(run)
    request = {"expr": value, "target": target, "vars": variables(env), "program": PROGRAM}
    compare(rrl_eval, request, expected, python_env)


@settings(SETTINGS, max_examples=max(CASES // 10, 50))
@given(env=environments(), target=statements("delete"))
def test_deletions(rrl_eval, env, target):
    (target_expr,) = parsed(rrl_eval, target)
    python_env = fresh(env)

    def run():
        PYTHON.unbind(target_expr, python_env)

    expected = python_outcome(run)
    request = {"expr": target, "delete": True, "vars": variables(env), "program": PROGRAM}
    compare(rrl_eval, request, expected, python_env)


def test_bad_requests_are_errors(rrl_eval):
    assert "error" in rrl_eval.ask({"expr": "1 +"})
    assert "error" in rrl_eval.ask({"expr": "x", "vars": {"x": {"nope": 1}}})
    assert "error" in rrl_eval.ask({"expr": "x", "program": "rrl 1\nenum E(Nope) from m:\n    A = 1\n"})
    assert rrl_eval.ask({"expr": "1 + 1"}) == {"value": 2}


@pytest.mark.parametrize("text", ["[e for e in xs]", "{k: w for k, w in d.items()}", "f'{s!r:>9}'"])
def test_known_expressions(rrl_eval, text):
    env = {"xs": [1, "a", None], "d": {"a": 1, 2: [3]}, "s": "Straße"}
    python_env = fresh(env)
    expected = python_outcome(lambda: PYTHON.eval(parse_expr(text), python_env))
    compare(rrl_eval, {"expr": text, "vars": variables(env), "program": PROGRAM, "return_vars": True}, expected, python_env)


# ------------------------------------------------------------------ the golden corpus

BOUND = "bound__value"
GOLDEN_RUNS = sorted((Path(__file__).resolve().parents[2] / "golden" / "run").iterdir())


@pytest.mark.parametrize("case", GOLDEN_RUNS, ids=lambda path: path.name)
def test_golden_run_expressions(rrl_eval, case, monkeypatch):
    """Every expression the reference interpreter evaluates while it replays a
    golden run case (and every binding and deletion it makes), with the
    variables it had then, gives the same outcome and variables in Rust."""
    from rrl.dag import Dag
    from rrl.printer import print_expr
    from rrl.transcript import replay

    [dag_path] = case.glob("*.dag.json")
    [program_path] = case.glob("*.opt.rrl")
    program = program_path.read_text(encoding="utf-8")
    recorded: list[tuple[dict, dict]] = []
    depth = [0]

    def recording(method: str, make_request):
        original = getattr(Evaluator, method)

        def wrapper(self, node, *rest):
            env = rest[-1]
            # `xs += ys` and `d |= e` have no expression spelling to send: their operands are compared, and
            # the golden runs compare the statement (tests/golden, the Rust runtime's outcome).
            in_place = isinstance(node, A.BinOp) and node.op in A.IN_PLACE_OPERATORS
            if depth[0] > 0 or in_place:
                return original(self, node, *rest)
            try:
                request = make_request(node, rest) | {"vars": variables(env), "program": program, "return_vars": True}
            except codec.EncodeError:  # a frozen record as a dict key: a value the codec does not carry
                return original(self, node, *rest)
            depth[0] += 1
            try:
                result = original(self, node, *rest)
            except Exception as exc:
                recorded.append((request, {"raised": codec.encode(exc), "vars": variables(env)}))
                raise
            finally:
                depth[0] -= 1
            try:
                recorded.append((request, {"value": codec.encode(None if method != "eval" else result), "vars": variables(env)}))
            except codec.EncodeError:
                pass
            return result

        monkeypatch.setattr(Evaluator, method, wrapper)

    recording("eval", lambda node, rest: {"expr": print_expr(node)})
    recording("unbind", lambda node, rest: {"expr": print_expr(node), "delete": True})
    # `bind(target, value)`: the value comes in as a variable of its own.
    recording("bind", lambda node, rest: {"expr": BOUND, "target": print_expr(node), "vars_in": {BOUND: codec.encode(rest[0])}})
    replay(Dag.from_json(dag_path.read_text(encoding="utf-8")), json.loads((case / "transcript.json").read_text(encoding="utf-8")))
    monkeypatch.undo()
    assert recorded, "the case evaluates nothing"
    for request, expected in recorded:
        if "vars_in" in request:
            request["vars"] = request["vars"] | request.pop("vars_in")
        answer = rrl_eval.ask(request)
        if "target" in request:
            answer["vars"].pop(BOUND, None)
            if "value" in answer:
                answer["value"] = None
        assert answer == expected, f"\n  request {request}\n  rust    {answer}\n  python  {expected}"


# ------------------------------------------------------------------ dates, times, bytes and hashes

DATE_EXPRESSIONS = [
    # construction, with Python's checks and messages
    "datetime(2024, 2, 29, 23, 59, 59, 999999)",
    "datetime(2024, 1, 2, tzinfo=timedelta(hours=5, minutes=30)).isoformat()",
    "datetime(2024, 1, 2, tzinfo=timedelta(microseconds=1)).isoformat()",
    "datetime(2024, 1, 2, tzinfo=timedelta(days=1))",
    "datetime(2024, 1, 2, tzinfo=timedelta(hours=-24))",
    "datetime(2024, 1, 2, tzinfo=3)",
    "datetime(2024, 13, 1)",
    "datetime(2023, 2, 29)",
    "datetime(0, 1, 1)",
    "datetime(2024, 1, 1, 24)",
    "datetime(2024, 1, 1, 0, 60)",
    "datetime(2024, 1, 1, 0, 0, 60)",
    "datetime(2024, 1, 1, 0, 0, 0, 1000000)",
    "datetime(2024, 1, 1, 0, 0, 0, -1)",
    "datetime('2024', 1, 1)",
    "datetime(2024.0, 1, 1)",
    "datetime(True, 1, 1)",
    "datetime(2 ** 31, 1, 1)",
    "datetime(-2 ** 31 - 1, 1, 1)",
    "datetime(2 ** 63, 1, 1)",
    "datetime(2024, 1)",
    "datetime(2024)",
    "datetime(2024, 1, 1, 1, 1, 1, 1, None, 9)",
    "datetime(2024, 1, 1, nope=1)",
    "datetime(2024, 1, 1, year=1)",
    "datetime(year=2024, month=1, day=3)",
    "date(2024, 2, 29)",
    "date(2024, 2, 30)",
    "date(10000, 1, 1)",
    "date(2024, 1, None)",
    "timedelta()",
    "timedelta(1, 2, 3, 4, 5, 6, 7)",
    "timedelta(days=1.5, hours=0.25, microseconds=0.5)",
    "timedelta(microseconds=1.5)",
    "timedelta(microseconds=2.5)",
    "timedelta(microseconds=-0.5)",
    "timedelta(seconds=0.1, milliseconds=0.3, minutes=1e-7)",
    "timedelta(days=-1.1, weeks=0.3)",
    "timedelta(hours=1 / 3)",
    "timedelta(days=10 ** 9)",
    "timedelta(days=-10 ** 9)",
    "timedelta(days=10 ** 10)",
    "timedelta(days=10 ** 30)",
    "timedelta(days=float('nan'))",
    "timedelta(days=float('inf'))",
    "timedelta(days=1e300)",
    "timedelta(days='1')",
    "timedelta(True, seconds=False)",
    "timedelta(1, 2, 3, 4, 5, 6, 7, 8)",
    "timedelta(day=1)",
    # class methods
    "datetime.fromisoformat('2024-03-01T10:00:00+02:00')",
    "datetime.fromisoformat('2024-03-01 10:00:00.000000')",
    "datetime.fromisoformat('2024-03-01T10:00:00.5')",
    "datetime.fromisoformat('2024-03-01T10:00')",
    "datetime.fromisoformat('2024-03-01')",
    "datetime.fromisoformat('2024-03-01T10:00:00Z')",
    "datetime.fromisoformat('2024-13-01T10:00:00')",
    "datetime.fromisoformat('2024-01-01T24:00:00')",
    "datetime.fromisoformat('2024-01-01T00:00:00+05:60')",
    "datetime.fromisoformat('2024-01-01T00:00:00+24:00')",
    "datetime.fromisoformat('2024-01-01T00:00:00-00:00')",
    "datetime.fromisoformat('2024-01-01T00:00:00+23:59:59.999999')",
    "datetime.fromisoformat('2024-01-01T00:00:00+01:00:60')",
    "datetime.fromisoformat('2024-01-01T00:00:00+01')",
    "datetime.fromisoformat('0000-01-01T00:00:00')",
    "datetime.fromisoformat('２０２４-01-01T00:00:00')",
    "datetime.fromisoformat(20240101)",
    "datetime.fromisoformat('2024-01-01T00:00:00', 1)",
    "date.fromisoformat('2024-02-29')",
    "date.fromisoformat('2024-02-30')",
    "date.fromisoformat('2024-02-29T00:00:00')",
    "date.fromisoformat('20240229')",
    "bytes.fromhex('de ad\\tBE\\nef')",
    "bytes.fromhex(' ab ')",
    "bytes.fromhex('a')",
    "bytes.fromhex('a b')",
    "bytes.fromhex('zz')",
    "bytes.fromhex('abé0')",
    "bytes.fromhex('ab\\u3000cd')",
    "bytes.fromhex(3)",
    # methods
    "dt.isoformat()",
    "aware.isoformat()",
    "dt.date()",
    "aware.time()",
    "aware.utcoffset()",
    "dt.utcoffset()",
    "dt.weekday()",
    "day.isoweekday()",
    "day.isoformat()",
    "dt.isoformat('T')",
    "dt.replace(day=31, hour=1)",
    "dt.replace(day=30)",
    "dt.replace(tzinfo=timedelta(hours=2))",
    "aware.replace(tzinfo=None)",
    "dt.replace(1)",
    "dt.replace(nope=1)",
    "dt.replace(month='x')",
    "dt.replace(year=2 ** 40)",
    "day.replace(hour=1)",
    "day.replace(month=2, day=29)",
    "dt.strftime('%A %d %B %Y %-I:%M%P %j %U %W %G-W%V-%u %c|%x|%X|%D %r')",
    "aware.strftime('%z %Z %3z %3Z %f %-f %5f|%^a %#b %08a %-5d %_d %Ey %3Od %E-d %Q %-Q %%')",
    "day.strftime('%F %T %H %k %-e %y %C %g')",
    "day.strftime(format='%d.%m.')",
    "day.strftime('')",
    "day.strftime(1)",
    "day.strftime(None)",
    "day.strftime()",
    "day.strftime('%Y', '%m')",
    "day.strftime(fmt='%Y')",
    "dt.strftime('before\\0after')",
    "delta.total_seconds()",
    "(-delta).total_seconds()",
    "timedelta(microseconds=1).total_seconds()",
    "delta.days + delta.seconds + delta.microseconds",
    # operators
    "dt < aware",
    "dt == aware",
    "dt - aware",
    "aware - datetime(2024, 1, 1, tzinfo=timedelta(hours=-3))",
    "aware + delta > aware",
    "date(9999, 12, 31) + timedelta(days=1)",
    "dt.year * 10000 + dt.month * 100 + dt.day",
    "[d.isoformat() for d in [day + timedelta(weeks=n) for n in range(3)]]",
    # bytes and hashes
    "'Zoë ✓'.encode()",
    "'x'.encode('UTF_8')",
    "'x'.encode(encoding='utf8')",
    "'x'.encode('ascii')",
    "'x'.encode('utf-8', 'strict')",
    "raw.hex()",
    "raw.hex(':')",
    "hexdigest('sha256', raw)",
    "hexdigest('md5', 'abc'.encode())",
    "hexdigest('sha1', raw)",
    "hexdigest('sha512', raw)",
    "hexdigest('blake2b', raw)",
    "digest('sha256', raw)",
    "hexdigest('sha256', 'abc')",
    "hexdigest('sha256', 3)",
    "hexdigest('sha3_256', raw)",
    "hexdigest(1, raw)",
    "hexdigest('sha256')",
    "isinstance(raw, bytes)",
    # values of the wrong type, named as CPython names their types
    "datetime(dt, 1, 1)",
    "timedelta(days=dt)",
    "hexdigest('md5', day)",
    "bytes.fromhex(day)",
    "datetime(2024, 1, 1, tzinfo=day)",
    "datetime(Level.HIGH, Level.LOW, Level.HIGH)",
    "timedelta(Level.HIGH)",
]


@pytest.mark.parametrize("text", DATE_EXPRESSIONS)
def test_date_time_bytes_and_hash_expressions(rrl_eval, text):
    import datetime as dt

    env = {
        "dt": dt.datetime(2024, 2, 29, 12, 30, 5, 250),
        "aware": dt.datetime(2024, 2, 29, 23, 0, tzinfo=dt.timezone(dt.timedelta(hours=-5))),
        "day": dt.date(2024, 1, 31),
        "delta": dt.timedelta(days=1, hours=2, microseconds=3),
        "raw": b"\x00rappel\xff",
    }
    python_env = fresh(env)
    expected = python_outcome(lambda: PYTHON.eval(parse_expr(text), python_env))
    compare(rrl_eval, {"expr": text, "vars": variables(env), "program": PROGRAM, "return_vars": True}, expected, python_env)


def _date_values() -> dict[str, st.SearchStrategy]:
    import datetime as dt

    # Whole minutes, and offsets with seconds and microseconds (under a second too, and under a day either way, as timezone() allows).
    offsets = st.one_of(
        st.integers(-1439, 1439).map(lambda minutes: dt.timezone(dt.timedelta(minutes=minutes))),
        st.one_of(st.integers(-999_999, 999_999), st.integers(-(86_400 * 10**6 - 1), 86_400 * 10**6 - 1)).map(lambda us: dt.timezone(dt.timedelta(microseconds=us))),
    )
    naive = st.datetimes(min_value=dt.datetime(1, 1, 2), max_value=dt.datetime(9999, 12, 30))
    return {
        "nd": naive,
        "ad": st.builds(lambda value, tz: value.replace(tzinfo=tz), naive, offsets),
        "dd": st.dates(),
        "td": st.timedeltas(),
        "by": st.binary(max_size=8),
        "tx": st.sampled_from(["2024-02-29", "2024-02-29T10:20:30", "2024-02-29 10:20:30.000001+05:30", "0a ff", "zz", "", "2024-13-01"]),
        "k": st.one_of(st.integers(-10**12, 10**12), st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([0, 1, 2**31, -2**63])),
    }


def date_expressions() -> st.SearchStrategy[str]:
    names = st.sampled_from(sorted(_date_values()))
    leaf = st.one_of(names, st.sampled_from(["0", "1", "-1", "2.5", "'a'", "None", "True", "1e300"]))

    def form(template: str, **parts: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return st.fixed_dictionaries(parts).map(lambda chosen: template.format(**chosen))

    unit = st.sampled_from(["days", "seconds", "microseconds", "milliseconds", "minutes", "hours", "weeks"])
    return st.one_of(
        form("timedelta({u}={a}, {v}={b})", u=unit, v=unit, a=leaf, b=leaf),
        form("timedelta({a}, {b}, {c})", a=leaf, b=leaf, c=leaf),
        form("{f}({a}, {b}, {c})", f=st.sampled_from(["date", "datetime"]), a=leaf, b=leaf, c=leaf),
        form("datetime(2024, 2, 29, {a}, tzinfo={b})", a=leaf, b=st.one_of(leaf, st.just("td"))),
        form("{f}({a})", f=st.sampled_from(["bytes.fromhex", "date.fromisoformat", "datetime.fromisoformat", "timedelta"]), a=leaf),
        form("{f}({h}, {a})", f=st.sampled_from(["hexdigest", "digest"]), h=st.sampled_from(["'md5'", "'sha1'", "'sha256'", "'sha512'", "'blake2b'", "'sha3'"]), a=leaf),
        form("({a}).{m}()", a=leaf, m=st.sampled_from(["isoformat", "weekday", "isoweekday", "date", "time", "utcoffset", "total_seconds", "hex", "encode"])),
        form("({a}).strftime({p})", a=leaf, p=st.one_of(leaf, st.builds(repr, st.text(alphabet="%-_0^#3EOaAbBdeHIjklmMpPSUVWyYzZfrRT%x ", max_size=8)))),
        form("({a}).replace({f}={b})", a=leaf, f=st.sampled_from(["year", "month", "day", "hour", "microsecond", "tzinfo"]), b=st.one_of(leaf, st.just("td"))),
        form("({a} {op} {b})", a=leaf, b=leaf, op=st.sampled_from(["+", "-", "*", "/", "//", "<", "==", ">="])),  # no `bytes % args`
        form("({a}).{f}", a=leaf, f=st.sampled_from(["year", "month", "day", "hour", "minute", "second", "microsecond", "days", "seconds", "microseconds"])),
    )


@settings(SETTINGS, max_examples=max(CASES // 4, 50))
@given(env=st.fixed_dictionaries(_date_values()), text=date_expressions())
def test_random_date_expressions(rrl_eval, env, text):
    (expr,) = parsed(rrl_eval, text)
    python_env = fresh(env)
    expected = python_outcome(lambda: PYTHON.eval(expr, python_env))
    compare(rrl_eval, {"expr": text, "vars": variables(env), "program": PROGRAM, "return_vars": True}, expected, python_env)


# ------------------------------------------------------------------ unordered(): a set's items in one order


def _set_items() -> st.SearchStrategy[list]:
    """Items of a set, in the order they are added (not NaN: it is not equal to itself)."""
    import datetime as dt

    scalar = st.one_of(
        st.none(), st.booleans(), st.integers(-10**20, 10**20), st.floats(allow_nan=False), st.text(max_size=4), st.binary(max_size=3),
        st.dates(), st.datetimes(min_value=dt.datetime(1, 1, 2), max_value=dt.datetime(9999, 12, 30)), st.timedeltas(),
    )
    return st.lists(st.one_of(scalar, st.tuples(scalar, scalar)), max_size=8)


@settings(SETTINGS, max_examples=max(CASES // 8, 50))
@given(items=_set_items(), kind=st.sampled_from(["set", "frozenset"]))
def test_unordered_takes_a_set_in_the_codec_order(rrl_eval, items, kind):
    """The Rust core keeps a set's items in the order they came in, CPython in
    its hash order: unordered() takes both in the codec's order."""
    env = {"xs": items}
    text = f"[unordered({kind}(xs)), unordered(xs), unordered({kind}(reversed(xs)))]"
    python_env = fresh(env)
    expected = python_outcome(lambda: PYTHON.eval(parse_expr(text), python_env))
    compare(rrl_eval, {"expr": text, "vars": variables(env), "program": PROGRAM, "return_vars": True}, expected, python_env)
