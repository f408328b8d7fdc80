"""Graphviz rendering of a DAG.

Shapes say what a node does: boxes run actions, plain notes compute,
diamonds branch, parallelograms fork and join parallel work, octagons are
exception handlers. Error edges are dashed red; edges back to a loop header
are dotted.
"""

from __future__ import annotations

import graphviz

from . import dag as D
from .printer import print_call, print_expr, print_target
from . import ast as A
from . import policies as P

_STYLE = {
    "start": {"shape": "circle", "label": "start", "style": "filled", "fillcolor": "#dbeafe"},
    "return": {"shape": "box", "peripheries": "2", "style": "rounded,filled", "fillcolor": "#dbeafe"},
    "action": {"shape": "box", "style": "rounded,filled", "fillcolor": "#fde68a"},
    "compute": {"shape": "note", "style": "filled", "fillcolor": "#f3f4f6"},
    "branch": {"shape": "diamond", "style": "filled", "fillcolor": "#e0e7ff"},
    "join": {"shape": "point"},
    "for_init": {"shape": "cds", "style": "filled", "fillcolor": "#dcfce7"},
    "for_next": {"shape": "hexagon", "style": "filled", "fillcolor": "#dcfce7"},
    "while_init": {"shape": "cds", "style": "filled", "fillcolor": "#dcfce7"},
    "while": {"shape": "hexagon", "style": "filled", "fillcolor": "#dcfce7"},
    "fork": {"shape": "parallelogram", "style": "filled", "fillcolor": "#fce7f3"},
    "fork_each": {"shape": "parallelogram", "style": "filled", "fillcolor": "#fce7f3"},
    "barrier": {"shape": "invtrapezium", "style": "filled", "fillcolor": "#fce7f3"},
    "sleep": {"shape": "box", "style": "dashed"},
    "except": {"shape": "octagon", "style": "filled", "fillcolor": "#fee2e2"},
    "raise": {"shape": "octagon", "style": "filled", "fillcolor": "#fecaca"},
}


def _assigned(target, text: str) -> str:
    return f"{print_target(target)} = {text}" if target is not None else text


def _step_label(step: D.Step | D.Unbind) -> str:
    if isinstance(step, D.Unbind):
        return "unbind " + ", ".join(step.names)
    if step.deletes:
        return f"del {print_target(step.target)}"
    return _assigned(step.target, print_expr(step.value))


def label(node: D.Node) -> str:
    """A short, human-readable description of a node."""
    match node:
        case D.Start():
            return "start"
        case D.Return(value=value):
            return "return" + (f" {print_expr(value)}" if value is not None else "")
        case D.Action():
            call = A.AwaitCall(
                node.action,
                tuple(A.Keyword(k, v) for k, v in node.kwargs),
                P.retry_syntax(node.retry) if node.retry else None,
                P.backoff_syntax(node.backoff) if node.backoff else None,
                P.timeout_syntax(node.timeout),
            )
            return _assigned(node.target, print_call(call).removeprefix("await "))
        case D.Compute(steps=steps):
            return "\n".join(_step_label(s) for s in steps)
        case D.Branch(cases=cases):
            return "\n".join(("if " if i == 0 else "elif ") + print_expr(c.when) for i, c in enumerate(cases))
        case D.Join():
            return ""
        case D.ForInit():
            return f"iterate {print_expr(node.iter)}"
        case D.ForNext():
            return f"next {print_target(node.target)}"
        case D.WhileInit():
            return "loop"
        case D.WhileTest():
            return f"while {print_expr(node.test)}" + (f" (max {node.max})" if node.max is not None else "")
        case D.Fork(branches=branches):
            return f"parallel ×{len(branches)}"
        case D.ForkEach():
            limit = f", {node.limit} at a time" if node.limit else ""
            return f"parallel for {print_target(node.target)} in {print_expr(node.iter)}{limit}"
        case D.Barrier(target=target):
            return _assigned(target, "gather") + (" (return exceptions)" if node.return_exceptions else "")
        case D.Sleep(seconds=seconds):
            return f"sleep {print_expr(seconds)}s"
        case D.Except(handlers=handlers):
            return "except " + " | ".join(", ".join(h.types) or "any" for h in handlers)
        case D.Raise(value=value, cause=cause):
            return f"raise {print_expr(value)}" + (f" from {print_expr(cause)}" if cause is not None else "")
    return node.kind


def _back_edges(dag: D.Dag) -> set[tuple[str, str]]:
    """Edges that close a loop (into an ancestor on the depth-first path)."""
    back: set[tuple[str, str]] = set()
    state: dict[str, int] = {}
    stack = [(dag.start, iter(list(dag.start.edges())))]
    state[dag.start.id] = 1
    while stack:
        node, edges = stack[-1]
        step = next(edges, None)
        if step is None:
            state[node.id] = 2
            stack.pop()
            continue
        target = step[1]
        if state.get(target.id) == 1:
            back.add((node.id, target.id))
        elif target.id not in state:
            state[target.id] = 1
            stack.append((target, iter(list(target.edges()))))
    return back


def render(dag: D.Dag) -> graphviz.Digraph:
    graph = graphviz.Digraph(name=dag.workflow, graph_attr={"rankdir": "TB", "label": dag.workflow, "labelloc": "t", "fontname": "Helvetica"})
    graph.attr("node", fontname="Helvetica", fontsize="11")
    graph.attr("edge", fontname="Helvetica", fontsize="9")
    back = _back_edges(dag)
    for node in dag.nodes():
        style = dict(_STYLE.get(node.kind, {}))
        style.setdefault("label", label(node))
        graph.node(node.id, **style)
    for node in dag.nodes():
        for edge_label, target in node.edges():
            attrs: dict[str, str] = {}
            if edge_label == "error":
                attrs = {"style": "dashed", "color": "#dc2626", "label": "error"}
            elif edge_label == "join":
                attrs = {"style": "dotted", "color": "#9ca3af", "arrowhead": "none"}
            elif edge_label not in ("next",) and not edge_label.startswith("branches"):
                attrs = {"label": edge_label.replace("[", " ").replace("]", "")}
            if (node.id, target.id) in back:
                attrs.update({"style": "dotted", "constraint": "false"})
            graph.edge(node.id, target.id, **attrs)
    return graph
