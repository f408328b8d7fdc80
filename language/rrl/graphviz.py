"""Graphviz rendering of a DAG, drawn for the person who wrote the workflow.

Shapes say what a node does: boxes run actions, plain notes compute,
diamonds branch (each edge labelled with its condition), hexagons are loop
headers, parallelograms fork and join parallel work, octagons are exception
handlers. Error edges are dashed red; edges back to a loop header are dotted.

The picture shows the source, not the lowering: compiler temporaries (`$t1`,
`$r1`, `$1_x`) are shown by what they hold, each call of an inlined fn is a
cluster named after it, a `try` body is a cluster with one error edge to its
handler, durations read `30s` / `1d`, an action with a policy lists every
policy value (defaults included), and a legend says what the shapes mean.
Clusters come from the DAG's `regions`, which only a freshly lowered DAG has
(`rrl.dag.lower`); a DAG read from JSON is drawn without them.
"""

from __future__ import annotations

import re

import graphviz

from . import ast as A
from . import dag as D
from . import interpreter
from . import policies as P
from .printer import print_expr, print_target
from .walk import rename, walk

_ACTION = {"shape": "box", "style": "rounded,filled", "fillcolor": "#fde68a"}
_COMPUTE = {"shape": "note", "style": "filled", "fillcolor": "#f3f4f6"}
_LOOP = {"shape": "hexagon", "style": "filled", "fillcolor": "#dcfce7"}
_FORK = {"shape": "parallelogram", "style": "filled", "fillcolor": "#fce7f3"}
_EXCEPT = {"shape": "octagon", "style": "filled", "fillcolor": "#fee2e2"}
_STYLE = {
    "start": {"shape": "circle", "style": "filled", "fillcolor": "#dbeafe"},
    "return": {"shape": "box", "peripheries": "2", "style": "rounded,filled", "fillcolor": "#dbeafe"},
    "action": _ACTION,
    "compute": _COMPUTE,
    "branch": {"shape": "diamond", "style": "filled", "fillcolor": "#e0e7ff"},
    "join": {"shape": "point"},
    # The snapshot of a loop's iterable and the reset of a while's count are
    # steps of the lowering: the loop's header shows the loop.
    "for_init": {"shape": "point"},
    "for_next": _LOOP,
    "while_init": {"shape": "point"},
    "while": _LOOP,
    "fork": _FORK,
    "fork_each": _FORK,
    "barrier": {"shape": "invtrapezium", "style": "filled", "fillcolor": "#fce7f3"},
    "sleep": {"shape": "box", "style": "rounded,dashed"},
    "except": _EXCEPT,
    "raise": {"shape": "octagon", "style": "filled", "fillcolor": "#fecaca"},
}
_ERROR_EDGE = {"style": "dashed", "color": "#dc2626", "fontcolor": "#dc2626", "label": "error"}
_CLUSTER = {
    "fn": {"style": "rounded,filled", "fillcolor": "#f5f3ff", "color": "#8b5cf6"},
    "try": {"style": "rounded,dashed", "color": "#dc2626"},
}

# `$1_x`: the local `x` of the first inlined call; `$t1`: a temporary of the
# Python frontend; `$ret1`: a return value held while a `finally` runs.
_FN_LOCAL = re.compile(r"^\$([0-9]+)_(.+)$")
_TEMPORARY = re.compile(r"^\$([0-9]+_)?t[0-9]+$")
_HELD_RETURN = re.compile(r"^\$ret[0-9]+$")


def duration(seconds: int | float) -> str:
    """`86400` → `1d`, `30` → `30s`, `90` → `90s`, `0.25` → `250ms`."""
    return P.duration(seconds).text


def _policy_lines(node: D.Action) -> list[str]:
    """Every policy value of an action call that has a policy, the defaults
    it leaves out included; an action without one gets none (the legend
    gives the defaults)."""
    if node.retry is None and node.backoff is None and node.timeout is None:
        return []
    if node.retry is None:
        retry = "retry: none (an exception fails the call)"
    else:
        attempts = "no limit" if node.retry.attempts is None else f"{node.retry.attempts} attempts"
        retry = f"retry: {attempts} on {', '.join(node.retry.on) or 'any exception'}"
    if node.backoff is None:
        backoff = "backoff: none (retries at once)"
    else:
        cap = f", max {duration(node.backoff.max)}" if node.backoff.max is not None else ""
        backoff = f"backoff: {duration(node.backoff.base)} ×{node.backoff.multiplier:g}{cap}"
    if node.timeout is None:
        timeout = f"timeout: {duration(interpreter.DEFAULT_TIMEOUT)} (default)"
    else:
        timeout = f"timeout: {duration(node.timeout)}"
    return [retry, backoff, timeout]


class _Picture:
    """The labels of one DAG's nodes, with generated names shown by what they hold."""

    def __init__(self, dag: D.Dag):
        self.dag = dag
        self.nodes = dag.nodes()
        self.regions = dag.regions
        self.fn_of_prefix = {r.prefix: r.name for r in self.regions if r.kind == "fn" and r.prefix}
        self.display = self._display_names()
        self.placeholders = {name: f"__shown_{i}__" for i, name in enumerate(self.display)}
        self.shown_as = {self.placeholders[name]: text for name, text in self.display.items()}
        self._placeholder = re.compile(r"__shown_[0-9]+__")
        # Where each call starts: the `$<n>_return = None` step the lowering
        # puts after the arguments, (node id, step index) → the fn's prefix.
        self.call_starts: dict[tuple[str, int], str] = {}
        for region in self.regions:
            if region.kind == "fn" and region.prefix:
                self.call_starts.update(self._call_start(region.prefix, self.nodes))

    @staticmethod
    def _call_start(prefix: str, nodes: list[D.Node]) -> dict[tuple[str, int], str]:
        """The first assignment of the call's result, in the DAG's order: the
        start comes before the rest of the call, though merging computations
        may have moved it into the caller's node."""
        result = A.Name(f"{prefix}_return")
        for node in nodes:
            for index, step in enumerate(getattr(node, "steps", ())):
                if isinstance(step, D.Step) and step.target == result:
                    return {(node.id, index): prefix} if step.value == A.Constant(None) else {}
        return {}

    def _display_names(self) -> dict[str, str]:
        # A temporary is shown as the call whose result it holds.
        produced_by: dict[str, str] = {}
        for node in self.nodes:
            target = getattr(node, "target", None)
            if not (isinstance(target, A.Name) and _TEMPORARY.match(target.id)):
                continue
            if isinstance(node, D.Action):
                produced_by[target.id] = f"{node.action}(…)"
            elif isinstance(node, D.Barrier):
                produced_by[target.id] = "gather(…)"
        for node in self.nodes:
            for step in getattr(node, "steps", ()):
                if isinstance(step, D.Step) and isinstance(step.target, A.Name) and _TEMPORARY.match(step.target.id):
                    value = step.value.id if isinstance(step.value, A.Name) else ""
                    if (match := _FN_LOCAL.match(value)) and match.group(2) == "return":
                        produced_by[step.target.id] = f"{self.fn_of_prefix.get(f'${match.group(1)}', 'fn')}(…)"
        self.produced_by = produced_by
        names: dict[str, str] = {}
        for node in self.nodes:
            for _, expr in D._node_exprs(node):
                for sub in walk(expr):
                    name = sub.id if isinstance(sub, A.Name) else None
                    if name is None or not name.startswith("$") or name in names:
                        continue
                    names[name] = self._display(name, produced_by)
                for sub in walk(expr):
                    if isinstance(sub, A.Lambda):
                        names.update({p: p.lstrip("$") for p in sub.params if p.startswith("$")})
        return names

    def _display(self, name: str, produced_by: dict[str, str]) -> str:
        if name in produced_by:
            return produced_by[name]
        if (match := _FN_LOCAL.match(name)) is not None:
            prefix, local = f"${match.group(1)}", match.group(2)
            if local == "return":
                return f"{self.fn_of_prefix.get(prefix, 'fn')}(…)"
            return local
        if _HELD_RETURN.match(name):
            return "returned value"
        return name.lstrip("$")

    def expr(self, expr: A.Expr) -> str:
        return self._shown(print_expr(rename(expr, self.placeholders)))

    def target(self, expr: A.Expr) -> str:
        return self._shown(print_target(rename(expr, self.placeholders)))

    def _shown(self, text: str) -> str:
        # Display names need not be identifiers (`fetch(…)`), which the printer
        # refuses: it prints placeholders, replaced here.
        return self._placeholder.sub(lambda m: self.shown_as[m.group(0)], text) if self.shown_as else text

    def generated(self, target: A.Expr | None) -> bool:
        """Whether `target` only holds a result for the lowering (a fork's
        branch result, a temporary another node reads back)."""
        if not (isinstance(target, A.Name) and target.id.startswith("$")):
            return False
        return not _FN_LOCAL.match(target.id) or bool(_TEMPORARY.match(target.id))

    def assigned(self, target: A.Expr | None, text: str) -> str:
        if target is None or self.generated(target):
            return text
        return f"{self.target(target)} = {text}"

    def step(self, step: D.Step | D.Unbind) -> str | None:
        if isinstance(step, D.Unbind):
            return None  # a fn call's fresh scope
        if step.deletes:
            return f"del {self.target(step.target)}"
        target = step.target
        if isinstance(target, A.Name) and target.id in self.produced_by:
            return None  # shown where it is read
        if isinstance(target, A.Name) and (match := _FN_LOCAL.match(target.id)) and match.group(2) == "return":
            return f"return {self.expr(step.value)}"
        if isinstance(target, A.Name) and _HELD_RETURN.match(target.id):
            return f"return {self.expr(step.value)} (after finally)"
        if isinstance(step.value, A.BinOp) and step.value.op in A.IN_PLACE_OPERATORS:
            return f"{self.target(target)} {step.value.op} {self.expr(step.value.right)}"
        return self.assigned(target, self.expr(step.value))

    def compute(self, node: D.Compute) -> str:
        """Its steps, one a line; the arguments of a fn call, bound just before
        the call starts, read as the call: `summary(article_id=id)`."""
        lines: list[tuple[str, str | None]] = []  # (text, the prefix of the call whose local it binds)
        for index, step in enumerate(node.steps):
            prefix = self.call_starts.get((node.id, index))
            if prefix is not None:
                arguments = []
                while lines and lines[-1][1] == prefix:
                    arguments.insert(0, lines.pop()[0].replace(" = ", "=", 1))
                lines.append((f"{self.fn_of_prefix[prefix]}({', '.join(arguments)})", None))
                continue
            text = self.step(step)
            if text is None:
                continue
            match = _FN_LOCAL.match(step.target.id) if isinstance(step, D.Step) and isinstance(step.target, A.Name) else None
            lines.append((text, f"${match.group(1)}" if match and match.group(2) != "return" else None))
        return "\n".join(text for text, _ in lines)

    def label(self, node: D.Node) -> str:
        match node:
            case D.Start():
                return "start"
            case D.Return(value=value):
                if isinstance(value, A.Name) and _HELD_RETURN.match(value.id):
                    return "return"
                return "return" + (f" {self.expr(value)}" if value is not None else "")
            case D.Action():
                call = self.assigned(node.target, _wrapped(node.action, [f"{k}={self.expr(v)}" for k, v in node.kwargs]))
                return "\n".join([call, *_policy_lines(node)])
            case D.Compute():
                return self.compute(node)
            case D.Branch():
                return "if"
            case D.Join() | D.ForInit() | D.WhileInit():
                return ""
            case D.ForNext():
                iterable = next((n.iter for n in self.nodes if isinstance(n, D.ForInit) and n.loop == node.loop), None)
                return f"for {self.target(node.target)} in {self.expr(iterable)}" if iterable else f"for {self.target(node.target)}"
            case D.WhileTest():
                return f"while {self.expr(node.test)}" + (f"\n(at most {node.max} times)" if node.max is not None else "")
            case D.Fork(branches=branches):
                return f"parallel ×{len(branches)}"
            case D.ForkEach():
                limit = f"\n{node.limit} at a time" if node.limit else ""
                return f"parallel for {self.target(node.target)} in {self.expr(node.iter)}{limit}"
            case D.Barrier(target=target):
                return self.assigned(target, "gather") + (" (exceptions as results)" if node.return_exceptions else "")
            case D.Sleep(seconds=seconds):
                if isinstance(seconds, A.Constant) and isinstance(seconds.value, (int, float)) and seconds.value > 0:
                    return f"sleep {duration(seconds.value)}"
                return f"sleep {self.expr(seconds)} seconds"
            case D.Except(handlers=handlers):
                # With several handlers, each edge names the one it leads to.
                return f"except {_handler_text(handlers[0])}" if len(handlers) == 1 else "except"
            case D.Raise(value=value, cause=cause):
                if isinstance(value, A.Name) and value.id.startswith("$exc"):
                    return "raise (the same exception again)"
                return f"raise {self.expr(value)}" + (f" from {self.expr(cause)}" if cause is not None else "")
        return node.kind

    def edge_label(self, node: D.Node, key: str) -> str | None:
        """The label of a non-error edge; None for the plain `next` edge."""
        if isinstance(node, D.Branch):
            if key == "else":
                return "else"
            index = int(key.removeprefix("case[").removesuffix("]"))
            return self.expr(node.cases[index].when)
        if isinstance(node, D.Except) and key.startswith("handler["):
            if len(node.handlers) == 1:
                return None
            return _handler_text(node.handlers[int(key.removeprefix("handler[").removesuffix("]"))])
        if key == "next" or key.startswith("branches"):
            return None
        return {"body": "each" if isinstance(node, (D.ForNext, D.ForkEach)) else "body"}.get(key, key)


def _wrapped(name: str, arguments: list[str], width: int = 60) -> str:
    """`name(a, b)`, broken between arguments into lines of about `width`."""
    call = f"{name}({', '.join(arguments)})"
    if len(call) <= width:
        return call
    lines = [f"{name}("]
    for argument in arguments:
        if len(lines[-1]) + len(argument) > width and not lines[-1].endswith("("):
            lines.append("    ")
        lines[-1] += argument + ", "
    return "\n".join(line.rstrip() for line in lines).removesuffix(",") + ")"


def _handler_text(handler: D.Handler) -> str:
    types = ", ".join(handler.types) or "any"
    return f"{types} as {handler.bind}" if handler.bind else types


def _legend() -> str:
    rows = [
        ("#fde68a", "action: work done by a worker"),
        ("#f3f4f6", "computation in the workflow"),
        ("#e0e7ff", "if: each edge names its condition"),
        ("#dcfce7", "loop header"),
        ("#fce7f3", "parallel: fork and gather"),
        ("#fee2e2", "except: matches an exception"),
        ("#f5f3ff", "helper (fn) call, inlined"),
    ]
    cells = "".join(f'<TR><TD BGCOLOR="{color}" BORDER="1" WIDTH="18"></TD><TD ALIGN="LEFT">{text}</TD></TR>' for color, text in rows)
    notes = [
        '<FONT COLOR="#dc2626">- - →</FONT> error: where an exception goes',
        '<FONT COLOR="#dc2626">dashed box</FONT> try: one edge for its body',
        "···→ back to the loop header",
        "action without a policy: an exception fails it,",
        f"a timeout ({duration(interpreter.DEFAULT_TIMEOUT)}) is retried without limit",
    ]
    cells += "".join(f'<TR><TD COLSPAN="2" ALIGN="LEFT">{note}</TD></TR>' for note in notes)
    return f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="2"><TR><TD COLSPAN="2"><B>legend</B></TD></TR>{cells}</TABLE>>'


def _innermost(regions: list[D.Region], node_id: str) -> int | None:
    """The index of the innermost region holding the node (inner regions come later)."""
    return max((i for i, r in enumerate(regions) if node_id in r.nodes), default=None)


def _covered_error(regions: list[D.Region], node_id: str, target_id: str) -> int | None:
    """The try region whose single error edge stands for this one, if any."""
    for i, region in enumerate(regions):
        if region.kind == "try" and region.handler == target_id and node_id in region.nodes:
            return i
    return None


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


def label(node: D.Node, dag: D.Dag) -> str:
    """A short, human-readable description of a node of `dag`."""
    return _Picture(dag).label(node)


def render(dag: D.Dag, *, legend: bool = True) -> graphviz.Digraph:
    picture = _Picture(dag)
    regions = dag.regions
    graph = graphviz.Digraph(
        name=dag.workflow,
        graph_attr={"rankdir": "TB", "label": dag.workflow, "labelloc": "t", "fontname": "Helvetica", "compound": "true"},
    )
    graph.attr("node", fontname="Helvetica", fontsize="11")
    graph.attr("edge", fontname="Helvetica", fontsize="9")
    clusters = [
        graphviz.Digraph(
            name=f"cluster_{i}",
            graph_attr={
                "label": f"{r.name}()" if r.kind == "fn" else r.name,
                "labeljust": "l", "fontname": "Helvetica", "fontsize": "10", **_CLUSTER[r.kind],
            },
        )
        for i, r in enumerate(regions)
    ]
    for node in picture.nodes:
        style = dict(_STYLE.get(node.kind, {}))
        style["label"] = picture.label(node)
        if isinstance(node, D.Compute) and not style["label"]:
            style = {"shape": "point", "label": ""}  # only the lowering's steps
        inside = _innermost(regions, node.id)
        (clusters[inside] if inside is not None else graph).node(node.id, **style)
    # A cluster is complete once the clusters inside it are: attach the inner ones first.
    for i in reversed(range(len(regions))):
        for j in range(i + 1, len(regions)):
            if regions[j].parent == i:
                clusters[i].subgraph(clusters[j])
    for i, region in enumerate(regions):
        if region.parent is None:
            graph.subgraph(clusters[i])

    back = _back_edges(dag)
    covered: dict[int, str] = {}  # try region → a node of it that sends an exception to its handler
    for node in picture.nodes:
        for key, target in node.edges():
            if key == "error":
                region = _covered_error(regions, node.id, target.id)
                if region is not None:
                    covered.setdefault(region, node.id)
                    continue
                attrs = dict(_ERROR_EDGE)
            elif key == "join":
                attrs = {"style": "dotted", "color": "#9ca3af", "arrowhead": "none"}
            else:
                text = picture.edge_label(node, key)
                attrs = {"label": text} if text is not None else {}
            if (node.id, target.id) in back:
                attrs.update({"style": "dotted", "constraint": "false"})
            graph.edge(node.id, target.id, **attrs)
    for i, source in sorted(covered.items()):
        graph.edge(source, regions[i].handler, ltail=f"cluster_{i}", **_ERROR_EDGE)
    if legend:
        with graph.subgraph(name="legend_row", graph_attr={"rank": "sink"}) as row:
            row.node("legend", label=_legend(), shape="plaintext", fontsize="9")
    return graph
