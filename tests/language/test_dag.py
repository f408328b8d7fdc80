"""Lowering to the DAG and its canonical JSON."""

from __future__ import annotations

import json

import pytest

import rrl
from rrl import dag as D
from rrl.printer import print_target


def lower(body: str, decls: str = "") -> D.Dag:
    text = f"rrl 1\n\naction act(x: int) -> int from m\naction other(y: int = 0) -> int from m\n{decls}\nworkflow W(n: int) -> int:\n{body}"
    return D.lower(rrl.parse(text))


def kinds(dag: D.Dag) -> list[str]:
    return [n.kind for n in dag.nodes()]


def test_pure_steps_merge_into_one_node():
    dag = lower("    a = n + 1\n    b = a * 2\n    c = b - 3\n    return c\n")
    assert kinds(dag) == ["start", "compute", "return"]
    assert len(dag.nodes()[1].steps) == 3


def test_actions_split_compute_chains():
    dag = lower("    a = n + 1\n    b = await act(x=a)\n    c = b * 2\n    return c\n")
    assert kinds(dag) == ["start", "compute", "action", "compute", "return"]


def test_if_lowers_to_branch_and_join():
    dag = lower("    if n > 1:\n        n = 1\n    elif n < 0:\n        n = 0\n    else:\n        n = 2\n    return n\n")
    branch = dag.nodes()[1]
    assert branch.kind == "branch" and len(branch.cases) == 2
    assert sum(1 for n in dag.nodes() if n.kind == "join") == 1


def test_for_loop_has_a_back_edge_to_its_header():
    dag = lower("    t = 0\n    for i in range(n):\n        v = await act(x=i)\n        t = t + v\n    return t\n")
    header = next(n for n in dag.nodes() if n.kind == "for_next")
    body_end = next(n for n in dag.nodes() if n.kind == "compute" and n.next is header)
    assert body_end.steps[0].value == rrl.parse_expr("t + v")


def test_finally_is_copied_onto_each_exit():
    dag = lower(
        "    for i in range(n):\n        try:\n            if i == 1:\n                break\n            await act(x=i)\n        finally:\n            await other(y=i)\n    return 0\n"
    )
    finally_calls = [n for n in dag.nodes() if n.kind == "action" and n.action == "other"]
    # normal exit, break, and the exception path
    assert len(finally_calls) == 3


def test_helpers_are_inlined_with_renamed_locals():
    dag = lower(
        "    a = await double(v=n)\n    b = await double(v=a)\n    return b\n",
        "\nfn double(v: int) -> int:\n    r = await act(x=v)\n    return r * 2\n",
    )
    targets = [rrl.print_expr(n.target) for n in dag.nodes() if n.kind == "action"]
    assert targets == ["$1_r", "$2_r"]


def test_an_inlined_call_binds_its_arguments_in_written_order_and_unbinds_its_locals():
    fn = "\nfn pick(flag: bool, last: int = 0) -> int:\n    if flag:\n        v = last\n    for i in range(last):\n        v = i\n    return v\n"
    dag = lower("    r = await pick(last=n, flag=n > 1)\n    return r\n", fn)
    assert json.loads(dag.to_json())["nodes"][1]["steps"] == [
        {"target": "$1_last", "value": "n"},
        {"target": "$1_flag", "value": "n > 1"},
        {"unbind": ["$1_i", "$1_v"]},
        {"target": "$1_return", "value": "None"},
    ]
    text = dag.to_json()
    assert D.Dag.from_json(text).to_json() == text
    steps = lower("    r = await pick(flag=True)\n    return r\n", fn).nodes()[1].steps
    assert [D._encode_step(s) for s in steps[:2]] == [{"target": "$1_flag", "value": "True"}, {"target": "$1_last", "value": "0"}]


def test_an_inlined_fn_without_locals_unbinds_nothing():
    dag = lower("    r = await double(v=n)\n    return r\n", "\nfn double(v: int) -> int:\n    return v * 2\n")
    assert not any(isinstance(s, D.Unbind) for node in dag.nodes() if node.kind == "compute" for s in node.steps)


def test_graphviz_hides_the_scope_of_an_inlined_call():
    from rrl.graphviz import label

    dag = lower("    r = await pick(x=n)\n    return r\n", "\nfn pick(x: int) -> int:\n    y = x\n    return y\n")
    # The call's fresh scope (`unbind`, `$1_return = None`) is the lowering's: not shown.
    assert label(dag.nodes()[1], dag) == "pick(x=n)\ny = x\nreturn y\nr = pick(…)"


def test_parallel_branches_end_at_the_barrier():
    dag = lower("    a, b = parallel:\n        await act(x=1)\n        await other(y=2)\n    return a + b\n")
    fork = dag.nodes()[1]
    assert fork.kind == "fork"
    assert all(branch.next is fork.join for branch in fork.branches)
    assert fork.join.kind == "barrier"


def test_json_round_trip_is_exact():
    dag = lower(
        "    xs = parallel return_exceptions for i in range(n) limit 3:\n        await act(x=i) retry(attempts=2, on=[KeyError]) backoff(base=1s) timeout(30s)\n"
        "    try:\n        sleep 60\n    except KeyError as e:\n        raise\n    return len(xs)\n"
    )
    text = dag.to_json()
    again = D.Dag.from_json(text)
    assert again.to_json() == text
    data = json.loads(text)
    action = next(n for n in data["nodes"] if n["kind"] == "action")
    assert action["retry"] == {"attempts": 2, "on": ["KeyError"]}
    assert action["backoff"] == {"base": 1, "multiplier": 2.0, "max": None}
    assert action["timeout"] == 30


def test_handlers_name_declared_classes_and_the_dag_declares_them():
    text = (
        "rrl 1\n\nexception Transient(Exception) from app.errors\nexception Busy(Transient) from app.errors\n"
        "exception Unused(Exception) from app.errors\n\nenum Level(IntEnum) from app.models:\n    LOW = 1\n\n"
        "model Job from app.models:\n    level: Level = Level.LOW\n\nmodel Idle from app.models\n\n"
        "action run_job(job: Job) -> None from app.jobs\n\n"
        "workflow W() -> int:\n    try:\n        await run_job(job=Job()) retry(on=[Busy])\n        return 1\n    except Busy:\n        return 2\n"
    )
    dag = D.lower(rrl.parse(text))
    handler = next(n for n in dag.nodes() if n.kind == "except")
    assert handler.handlers[0].types == ("Busy",)
    # what the nodes name, the signatures' classes, and what these need: bases, field types, defaults
    assert list(dag.types) == ["Busy", "Job", "Level", "Transient"]
    data = dag.to_dict()["types"]
    assert data["Busy"] == {"bases": ["Transient"], "class": "app.errors:Busy", "kind": "exception"}
    assert data["Level"] == {"bases": ["IntEnum"], "class": "app.models:Level", "kind": "enum", "members": [{"name": "LOW", "value": "1"}]}
    assert data["Job"] == {
        "bases": [], "class": "app.models:Job", "fields": [{"default": "Level.LOW", "name": "level", "type": "Level"}], "frozen": False, "kind": "model",
    }
    assert D.Dag.from_json(dag.to_json()).types == dag.types


def test_a_program_with_two_workflows_needs_a_name():
    text = "rrl 1\n\nworkflow A() -> int:\n    return 1\n\nworkflow B() -> int:\n    return 2\n"
    with pytest.raises(D.LoweringError):
        D.lower(rrl.parse(text))
    assert D.lower(rrl.parse(text), "B").workflow == "B"


def test_graphviz_render_has_one_node_per_dag_node():
    from rrl.graphviz import render

    dag = lower("    t = 0\n    for i in range(n):\n        v = await act(x=i)\n        t = t + v\n    return t\n")
    source = render(dag).source
    for node in dag.nodes():
        assert f"\t{node.id} [" in source
    assert "style=dotted" in source  # the loop's back edge


def test_deletions_are_compute_steps_without_a_value():
    dag = lower(
        "    d = {'k': n, 'j': [n, n]}\n    del d['k'], d['j'][0:1]\n    xs = d.pop('j')\n    del xs\n    return len(d)\n"
    )
    assert kinds(dag) == ["start", "compute", "return"]
    steps = dag.nodes()[1].steps
    assert [(print_target(s.target), s.deletes) for s in steps] == [
        ("d", False), ('d["k"]', True), ('d["j"][0:1]', True), ("xs", False), ("xs", True),
    ]
    text = dag.to_json()
    assert D.Dag.from_json(text).to_json() == text
    encoded = json.loads(text)["nodes"][1]["steps"]
    assert encoded[1:3] == [{"delete": 'd["k"]'}, {"delete": 'd["j"][0:1]'}]
    assert encoded[3] == {"target": "xs", "value": 'd.pop("j")'}


def test_deleted_locals_of_an_inlined_fn_are_renamed():
    dag = lower("    r = await drop(v={'a': n})\n    return r\n", "\nfn drop(v: dict) -> int:\n    t = 1\n    del v['a'], t\n    return len(v)\n")
    deleted = [print_target(s.target) for node in dag.nodes() if node.kind == "compute" for s in node.steps if isinstance(s, D.Step) and s.deletes]
    assert deleted == ['$1_v["a"]', "$1_t"]


def test_graphviz_labels_a_deletion():
    from rrl.graphviz import label

    dag = lower("    d = {'k': n}\n    del d['k']\n    return len(d)\n")
    assert label(dag.nodes()[1], dag) == 'd = {"k": n}\ndel d["k"]'
