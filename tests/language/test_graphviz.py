"""The picture of a DAG (`rrl.graphviz`): the rules it draws by, read in its DOT text."""

from __future__ import annotations

import re

import rrl
from rrl import dag as D
from rrl.graphviz import render

HEADER = (
    "rrl 1\n\n"
    "action act(x: int) -> int from m\n"
    "action other(y: int = 0) -> int from m\n"
    "exception Busy from m\n"
)


def lower(body: str, decls: str = "") -> D.Dag:
    return D.lower(rrl.parse(f"{HEADER}{decls}\nworkflow W(n: int, xs: list[int]) -> int:\n{body}"))


def dot(body: str, decls: str = "", **options) -> str:
    return render(lower(body, decls), **options).source


def labels(source: str) -> list[str]:
    return re.findall(r'label="((?:[^"\\]|\\.)*)"', source) + re.findall(r"label=([^\s\]\"<]+)", source)


def error_edges(source: str) -> list[str]:
    return [line.strip() for line in source.splitlines() if "->" in line and "label=error" in line]


def test_compiler_temporaries_are_shown_by_what_they_hold():
    source = dot("    $t1 = await act(x=n)\n    a, b = parallel:\n        await act(x=1)\n        await other(y=$t1)\n    return $t1 + a\n")
    assert "$" not in source
    assert "return act(…) + a" in labels(source)
    assert "other(y=act(…))" in labels(source)


def test_an_inlined_fn_is_a_cluster_named_after_it_showing_its_own_names():
    source = dot(
        "    r = await pick(x=n)\n    s = await pick(x=r)\n    return s\n",
        "\nfn pick(x: int) -> int:\n    y = await act(x=x)\n    return y\n",
    )
    assert source.count("subgraph cluster_") == 2
    assert source.count('label="pick()"') == 2
    assert "$" not in source
    shown = labels(source)
    lines = [line for text in shown for line in text.split("\n")]
    assert "pick(x=n)" in lines and "pick(x=r)" in lines  # the call, not `unbind` and `$1_return = None`
    assert "y = act(x=x)" in shown
    assert "return y\ns = pick(…)" in shown  # the result, read by the caller


def test_calls_nested_in_a_fn_are_nested_clusters():
    dag = lower(
        "    r = await outer(x=n)\n    return r\n",
        "\nfn outer(x: int) -> int:\n    v = await act(x=x)\n    w = await inner(v=v)\n    return w\n"
        "\nfn inner(v: int) -> int:\n    u = await act(x=v)\n    return u\n",
    )
    assert [(r.kind, r.name, r.parent) for r in dag.regions] == [("fn", "outer", None), ("fn", "inner", 0)]
    source = render(dag).source
    outer = source.index("subgraph cluster_0")
    assert outer < source.index("subgraph cluster_1") < source.index("}", outer)


def test_each_branch_edge_names_its_condition():
    source = dot("    if n > 1:\n        n = await act(x=1)\n    elif n < 0:\n        n = await act(x=0)\n    else:\n        n = 2\n    return n\n")
    edges = [line.strip() for line in source.splitlines() if "->" in line and "label=" in line]
    assert any('label="n > 1"' in edge for edge in edges)
    assert any('label="n < 0"' in edge for edge in edges)
    assert any("label=else" in edge for edge in edges)


def test_loops_are_labelled_with_their_header():
    source = dot(
        "    t = 0\n    for v in xs:\n        t = await act(x=v)\n"
        "    while t > 10 max 5:\n        t = await act(x=t)\n    return t\n"
    )
    shown = labels(source)
    assert "for v in xs" in shown
    assert "while t > 10\n(at most 5 times)" in shown
    assert not any(text.startswith(("iterate", "next ")) for text in shown)


def test_durations_read_with_units_and_policies_show_every_value():
    source = dot(
        "    sleep 86400\n"
        "    a = await act(x=n) retry(on=[Busy]) backoff(base=10s, multiplier=3.0, max=1h) timeout(30s)\n"
        "    b = await act(x=a) retry(attempts=5)\n"
        "    c = await other(y=b) timeout(90s)\n"
        "    d = await other(y=c)\n"
        "    return d\n"
    )
    shown = labels(source)
    assert "sleep 1d" in shown
    assert "a = act(x=n)\nretry: 3 attempts on Busy\nbackoff: 10s ×3, max 1h\ntimeout: 30s" in shown
    assert "b = act(x=a)\nretry: 5 attempts on any exception\nbackoff: none (retries at once)\ntimeout: 5m (default)" in shown
    assert "c = other(y=b)\nretry: none (an exception fails the call)\nbackoff: none (retries at once)\ntimeout: 90s" in shown
    assert "d = other(y=c)" in shown  # no policy: the legend gives the defaults


def test_a_try_body_is_a_cluster_with_one_error_edge():
    source = dot(
        "    try:\n        a = await act(x=n)\n        b = await act(x=a)\n        c = await other(y=b)\n"
        "    except Busy:\n        c = 0\n    return c\n"
    )
    assert 'label=try' in source and "subgraph cluster_0" in source
    (edge,) = error_edges(source)
    assert "ltail=cluster_0" in edge
    assert "except Busy" in labels(source)


def test_a_try_inside_a_try_keeps_one_error_edge_each():
    source = dot(
        "    try:\n        try:\n            a = await act(x=n)\n            b = await act(x=a)\n"
        "        except Busy:\n            b = await other(y=0)\n            b = await other(y=b)\n"
        "    except Exception:\n        b = 1\n    return b\n"
    )
    edges = error_edges(source)
    assert len(edges) == 2
    assert {re.search(r"ltail=(\w+)", e).group(1) for e in edges} == {"cluster_0", "cluster_1"}


def test_error_edges_to_another_place_are_drawn_one_by_one():
    # An `except ... as e` handler deletes `e` however it ends: its nodes send
    # exceptions to that clean-up first, not to the outer handler.
    source = dot(
        "    try:\n        try:\n            a = await act(x=n)\n        except Busy as e:\n"
        "            a = await other(y=1)\n            a = await other(y=a)\n            raise\n"
        "    except Exception:\n        a = 0\n    return a\n"
    )
    edges = error_edges(source)
    assert len([e for e in edges if "ltail" in e]) == 2
    assert len([e for e in edges if "ltail" not in e]) == 3
    assert "raise (the same exception again)" in labels(source)


def test_the_legend_is_on_by_default():
    assert "legend" in dot("    return n\n")
    assert "legend" not in dot("    return n\n", legend=False)


def test_regions_are_not_part_of_the_json():
    dag = lower("    try:\n        a = await act(x=n)\n    except Busy:\n        a = 0\n    return a\n")
    assert dag.regions
    again = D.Dag.from_json(dag.to_json())
    assert again.to_json() == dag.to_json() and again.regions == []
    source = render(again).source  # drawn without clusters: one error edge per node
    assert "cluster" not in source and len(error_edges(source)) == 1
