"""Lowering a workflow to its DAG, and the DAG's canonical JSON.

The DAG is what runtimes execute: the reference interpreter here
(`rrl.interpreter`) and the Rust runtime. It is a graph of nodes joined by
named edges; removing loop back edges leaves an acyclic graph. Control is a
single point per region: a region is the whole workflow, or one branch of a
`fork` / one item of a `fork_each`, which each run with their own copy of the
variables and end at the fork's `barrier`.

Node kinds (fields beyond `id`; every `error` edge says where an exception
raised by the node goes — `null` means out of the region: the workflow fails,
or the parallel branch fails):

    start     next                      binds consts and arguments
    compute   steps[target, value | delete | unbind], next, error
                                        pure steps, in order: assignments,
                                        changing calls (`target` null),
                                        deletions (`{"delete": target}`) and
                                        unbindings (`{"unbind": [names]}`)
    action    action, kwargs, target, retry, backoff, timeout, next, error
    branch    cases[when, to], else, error
    join      next                      where branches meet again
    for_init  loop, iter, next, error   snapshot the list to iterate into `loop`
    for_next  loop, target, body, done, error
                                        bind the next item, or leave the loop
    while_init loop, next               reset the iteration count
    while     loop, test, max, body, done, error
    fork      result, branches, join    run each branch at once
    fork_each result, iter, target, body, limit, join, error
                                        run `body` once per item, `limit` at a time
    barrier   target, return_exceptions, next, error
                                        collect each branch's `result` in order
    sleep     seconds, next, error      durable sleep
    except    store, handlers[types, bind, to], error
                                        an exception arrives on an error edge;
                                        it is stored, then matched in order
    raise     value, cause, error       `cause` (or null) becomes __cause__
    return    value, error              the workflow's result

An `except ... as e` handler ends, whichever way it leaves (its end, `break`,
`continue`, `return`, an exception), with the steps `e = None` and
`{"delete": "e"}`, as Python's `finally: e = None; del e`; they are left out
where control leaves the workflow (see `_Lowering.handler_body`).

Helpers (`fn`) are inlined: their variables are renamed `$<n>_<name>`, `<n>`
counting the calls. Each call starts as Python's does, with a scope of its own
(see `_Lowering.inline`): one `compute` node evaluates the arguments in the
caller, in the order they are written, and binds them to the parameters, the
parameters left out get their defaults, an `unbind` step unbinds every other
local of the fn (the names its body binds, sorted), bound by an earlier run
of the same call (in a loop) or not, and `$<n>_return` is set to None.

Expressions and targets are stored as canonical RRL text in the JSON, whose
keys are sorted; everything evaluated in order (consts, steps, action
arguments, cases, handlers) is therefore a list, never an object.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import json
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar, Iterator

from . import ast as A
from . import policies as P
from .check import assigned_names
from .limits import deep_stack
from .parser import parse_expr, parse_type
from .printer import print_expr, print_target, print_type
from .walk import bound_names, rename, walk

if TYPE_CHECKING:
    from .classes import ProgramClasses


class LoweringError(Exception):
    """The program is not fit to lower (the checker reports the reason)."""


# ------------------------------------------------------------------ nodes


def _slot(how: str, default=None, *, key: str | None = None, factory=None):
    """A node attribute, and how the canonical JSON encodes it (see `_encode`):
    `raw` (as is), `expr` / `target` (RRL text), `edge` / `edges` (node ids),
    `steps`, `kwargs`, `cases`, `handlers`, `retry`, `backoff`. `key` names it
    in the JSON when it differs from the attribute."""
    metadata = {"how": how, "key": key}
    if factory is not None:
        return field(default_factory=factory, metadata=metadata)
    return field(default=default, metadata=metadata)


# Numbers nodes in the order they are made, which is how lowering tells the
# nodes of a region (see `Region`) from the others.
_made = itertools.count()


@dataclass(eq=False)
class Node:
    id: str = field(default="", init=False)
    serial: int = field(default_factory=lambda: next(_made), init=False, repr=False)

    kind = ""
    # (json key, attribute, encoding) of every slot, derived from the
    # dataclass fields once the node classes exist (see NODE_KINDS).
    FIELDS: ClassVar[tuple[tuple[str, str, str], ...]] = ()

    def edges(self) -> Iterator[tuple[str, "Node"]]:
        """(label, target) of every outgoing edge, in canonical order."""
        for key, attr, how in self.FIELDS:
            value = getattr(self, attr)
            if how == "edge" and value is not None:
                yield key, value
            elif how == "edges":
                for i, target in enumerate(value):
                    yield f"{key}[{i}]", target
            elif how == "cases":
                for i, case in enumerate(value):
                    yield f"case[{i}]", case.to
            elif how == "handlers":
                for i, handler in enumerate(value):
                    yield f"handler[{i}]", handler.to


@dataclass
class Step:
    """`target = value`; with no target, `value` is evaluated for its effect
    (`xs.sort()`); with no value, `target` is deleted (`del d["k"]`)."""

    target: A.Expr | None
    value: A.Expr | None

    @property
    def deletes(self) -> bool:
        return self.value is None


@dataclass
class Unbind:
    """Unbind each of `names` that is bound, and leave the others unbound: the
    locals of an inlined fn, at the start of a call (unlike `del`, an unbound
    name is no error)."""

    names: tuple[str, ...]


@dataclass
class Case:
    when: A.Expr
    to: Node


@dataclass
class Handler:
    types: tuple[str, ...]  # exception classes, by the program's names; empty catches everything
    bind: str | None
    to: Node


@dataclass(eq=False)
class Start(Node):
    next: Node | None = _slot("edge")
    kind = "start"


@dataclass(eq=False)
class Compute(Node):
    steps: list[Step | Unbind] = _slot("steps", factory=list)
    next: Node | None = _slot("edge")
    error: Node | None = _slot("edge")
    kind = "compute"


@dataclass(eq=False)
class Action(Node):
    action: str = _slot("raw", "")
    kwargs: list[tuple[str, A.Expr]] = _slot("kwargs", factory=list)
    target: A.Expr | None = _slot("target")
    retry: P.Retry | None = _slot("retry")
    backoff: P.Backoff | None = _slot("backoff")
    timeout: int | float | None = _slot("raw")
    next: Node | None = _slot("edge")
    error: Node | None = _slot("edge")
    kind = "action"


@dataclass(eq=False)
class Branch(Node):
    cases: list[Case] = _slot("cases", factory=list)
    otherwise: Node | None = _slot("edge", key="else")
    error: Node | None = _slot("edge")
    kind = "branch"


@dataclass(eq=False)
class Join(Node):
    next: Node | None = _slot("edge")
    kind = "join"


@dataclass(eq=False)
class ForInit(Node):
    loop: str = _slot("raw", "")
    iter: A.Expr | None = _slot("expr")
    next: Node | None = _slot("edge")
    error: Node | None = _slot("edge")
    kind = "for_init"


@dataclass(eq=False)
class ForNext(Node):
    loop: str = _slot("raw", "")
    target: A.Expr | None = _slot("target")
    body: Node | None = _slot("edge")
    done: Node | None = _slot("edge")
    error: Node | None = _slot("edge")
    kind = "for_next"


@dataclass(eq=False)
class WhileInit(Node):
    loop: str = _slot("raw", "")
    next: Node | None = _slot("edge")
    kind = "while_init"


@dataclass(eq=False)
class WhileTest(Node):
    loop: str = _slot("raw", "")
    test: A.Expr | None = _slot("expr")
    max: int | None = _slot("raw")
    body: Node | None = _slot("edge")
    done: Node | None = _slot("edge")
    error: Node | None = _slot("edge")
    kind = "while"


@dataclass(eq=False)
class Fork(Node):
    result: str = _slot("raw", "")
    branches: list[Node] = _slot("edges", factory=list)
    join: Node | None = _slot("edge")
    kind = "fork"


@dataclass(eq=False)
class ForkEach(Node):
    result: str = _slot("raw", "")
    iter: A.Expr | None = _slot("expr")
    target: A.Expr | None = _slot("target")
    body: Node | None = _slot("edge")
    limit: int | None = _slot("raw")
    join: Node | None = _slot("edge")
    error: Node | None = _slot("edge")
    kind = "fork_each"


@dataclass(eq=False)
class Barrier(Node):
    target: A.Expr | None = _slot("target")
    return_exceptions: bool = _slot("raw", False)
    next: Node | None = _slot("edge")
    error: Node | None = _slot("edge")
    kind = "barrier"


@dataclass(eq=False)
class Sleep(Node):
    seconds: A.Expr | None = _slot("expr")
    next: Node | None = _slot("edge")
    error: Node | None = _slot("edge")
    kind = "sleep"


@dataclass(eq=False)
class Except(Node):
    store: str = _slot("raw", "")
    handlers: list[Handler] = _slot("handlers", factory=list)
    error: Node | None = _slot("edge")
    kind = "except"


@dataclass(eq=False)
class Raise(Node):
    value: A.Expr | None = _slot("expr")
    error: Node | None = _slot("edge")
    cause: A.Expr | None = _slot("expr")
    kind = "raise"


@dataclass(eq=False)
class Return(Node):
    value: A.Expr | None = _slot("expr")
    error: Node | None = _slot("edge")
    kind = "return"


NODE_KINDS: dict[str, type[Node]] = {
    cls.kind: cls
    for cls in (Start, Compute, Action, Branch, Join, ForInit, ForNext, WhileInit, WhileTest, Fork, ForkEach, Barrier, Sleep, Except, Raise, Return)
}
for _cls in NODE_KINDS.values():
    _cls.FIELDS = tuple(
        (f.metadata["key"] or f.name, f.name, f.metadata["how"]) for f in dataclasses.fields(_cls) if "how" in f.metadata
    )


# ------------------------------------------------------------------ the DAG


@dataclass
class ActionSignature:
    module: str
    params: list[dict]
    returns: str


@dataclass(frozen=True)
class Region:
    """A part of the source that the DAG spreads over several nodes: one call
    of an inlined fn (`kind` "fn", `name` the fn, `prefix` its locals' `$<n>`),
    or the body of a `try` (`kind` "try", `handler` the id of the node its
    exceptions go to). Pictures draw them as clusters; runtimes never need
    them, so the JSON leaves them out (a DAG read from JSON has none)."""

    kind: str
    name: str
    nodes: frozenset[str]  # the ids of its nodes, those of the regions inside it included
    parent: int | None  # index of the region it lies in, in `Dag.regions`
    handler: str | None = None
    prefix: str | None = None


@dataclass
class Dag:
    workflow: str
    params: list[dict]
    returns: str
    types: dict[str, A.ClassDecl]  # the declared classes the workflow needs, by name
    actions: dict[str, ActionSignature]
    consts: dict[str, A.Expr]
    start: Start
    version: int = A.VERSION
    regions: list[Region] = field(default_factory=list)  # outer regions first

    @functools.cached_property
    def classes(self) -> "ProgramClasses":
        """The classes of `types`, built once for every run of this DAG."""
        from .evaluate import Evaluator

        return Evaluator(self.types).classes

    def nodes(self) -> list[Node]:
        """Every node reachable from the start, in id order."""
        return _reachable(self.start)

    def node(self, node_id: str) -> Node:
        for n in self.nodes():
            if n.id == node_id:
                return n
        raise KeyError(node_id)

    def to_dict(self) -> dict:
        return {
            "rrl": self.version,
            "workflow": self.workflow,
            "params": self.params,
            "returns": self.returns,
            "types": {name: _encode_class(decl) for name, decl in sorted(self.types.items())},
            "actions": {
                name: {"module": sig.module, "params": sig.params, "returns": sig.returns}
                for name, sig in sorted(self.actions.items())
            },
            # A list, in declaration order: a const may be defined from earlier ones.
            "consts": [{"name": name, "value": print_expr(value)} for name, value in self.consts.items()],
            "entry": self.start.id,
            "nodes": [_encode(n) for n in self.nodes()],
        }

    @deep_stack
    def to_json(self) -> str:
        """The canonical JSON: sorted keys, two-space indent, UTF-8 text."""
        return json.dumps(self.to_dict(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"

    @classmethod
    @deep_stack
    def from_json(cls, text: str) -> "Dag":
        data = json.loads(text)
        by_id: dict[str, Node] = {}
        for raw in data["nodes"]:
            node = NODE_KINDS[raw["kind"]]()
            node.id = raw["id"]
            by_id[node.id] = node
        for raw in data["nodes"]:
            _decode(by_id[raw["id"]], raw, by_id)
        start = by_id[data["entry"]]
        return cls(
            workflow=data["workflow"],
            params=data["params"],
            returns=data["returns"],
            types={name: _decode_class(name, raw) for name, raw in data["types"].items()},
            actions={name: ActionSignature(**sig) for name, sig in data["actions"].items()},
            consts={const["name"]: parse_expr(const["value"]) for const in data["consts"]},
            start=start,
            version=data["rrl"],
        )


def _encode_param(param: A.Param) -> dict:
    """A parameter or a field: name, type and (when it has one) default."""
    entry = {"name": param.name, "type": print_type(param.type)}
    if param.default is not None:
        entry["default"] = print_expr(param.default)
    return entry


def _decode_param(raw: dict) -> A.Param:
    default = raw.get("default")
    return A.Param(raw["name"], parse_type(raw["type"]), parse_expr(default) if default is not None else None)


def _encode_class(decl: A.ClassDecl) -> dict:
    """A class declaration: its kind, its identity (`module:qualname`), its
    bases, and what its kind declares: a model's or dataclass's `frozen` and
    `fields` (null when not declared), a NamedTuple's `fields`, an enum's
    `members`."""
    out: dict = {"kind": decl.kind, "class": decl.identity, "bases": list(decl.bases)}
    if decl.kind in ("model", "dataclass"):
        out["frozen"] = decl.frozen
        out["fields"] = None if decl.fields is None else [_encode_param(f) for f in decl.fields]
    elif decl.kind == "namedtuple":
        out["fields"] = [_encode_param(f) for f in decl.fields or ()]
    elif decl.kind == "enum":
        out["members"] = [{"name": m.name, "value": print_expr(m.value)} for m in decl.members]
    return out


def _decode_class(name: str, raw: dict) -> A.ClassDecl:
    module, _, qualname = raw["class"].partition(":")
    body: tuple | None = None
    if raw.get("fields") is not None:
        body = tuple(_decode_param(f) for f in raw["fields"])
    elif "members" in raw:
        body = tuple(A.Member(m["name"], parse_expr(m["value"])) for m in raw["members"])
    return A.ClassDecl(raw["kind"], name, module, qualname, tuple(raw["bases"]), body, frozen=raw.get("frozen", False))


def _reachable(start: Node) -> list[Node]:
    seen: dict[int, Node] = {}
    order: list[Node] = []
    stack = [start]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen[id(node)] = node
        order.append(node)
        stack.extend(reversed([target for _, target in node.edges()]))
    return order


def _number(nodes: list[Node]) -> None:
    for i, node in enumerate(nodes):
        node.id = f"n{i}"


def _encode_policy(policy) -> dict | None:
    if policy is None:
        return None
    return {f.name: (list(v) if isinstance(v := getattr(policy, f.name), tuple) else v) for f in dataclasses.fields(policy) if f.name != "span"}


def _encode(node: Node) -> dict:
    out: dict = {"id": node.id, "kind": node.kind}
    for key, attr, how in node.FIELDS:
        value = getattr(node, attr)
        if how == "raw":
            out[key] = value
        elif how == "expr":
            out[key] = print_expr(value) if value is not None else None
        elif how == "target":
            out[key] = print_target(value) if value is not None else None
        elif how == "edge":
            out[key] = value.id if value is not None else None
        elif how == "edges":
            out[key] = [target.id for target in value]
        elif how == "steps":
            out[key] = [_encode_step(s) for s in value]
        elif how == "kwargs":
            # A list: arguments are evaluated in the order they are written.
            out[key] = [{"name": name, "value": print_expr(expr)} for name, expr in value]
        elif how in ("retry", "backoff"):
            out[key] = _encode_policy(value)
        elif how == "cases":
            out[key] = [{"when": print_expr(c.when), "to": c.to.id} for c in value]
        elif how == "handlers":
            out[key] = [{"types": list(h.types), "bind": h.bind, "to": h.to.id} for h in value]
    return out


def _encode_step(step: Step | Unbind) -> dict:
    if isinstance(step, Unbind):
        return {"unbind": list(step.names)}
    if step.deletes:
        return {"delete": print_target(step.target)}
    if isinstance(step.value, A.BinOp) and step.value.op in A.IN_PLACE_OPERATORS:  # `xs += ys`, which no expression spells
        return {"target": print_target(step.target), A.IN_PLACE_OPERATORS[step.value.op]: print_expr(step.value.right)}
    return {"target": print_target(step.target) if step.target is not None else None, "value": print_expr(step.value)}


def _decode_step(raw: dict) -> Step | Unbind:
    if "unbind" in raw:
        return Unbind(tuple(raw["unbind"]))
    if "delete" in raw:
        return Step(_parse_target(raw["delete"]), None)
    for operator, key in A.IN_PLACE_OPERATORS.items():
        if key in raw:
            target = _parse_target(raw["target"])
            return Step(target, A.BinOp(target, operator, parse_expr(raw[key])))
    return Step(_parse_target(raw["target"]) if raw["target"] is not None else None, parse_expr(raw["value"]))


def _parse_target(text: str) -> A.Expr:
    # Parenthesised, a bare tuple target `a, b` reads as a tuple expression.
    return parse_expr(f"({text})")


def _decode(node: Node, raw: dict, by_id: dict[str, Node]) -> None:
    for key, attr, how in node.FIELDS:
        value = raw.get(key)
        if how == "raw":
            decoded = value
        elif how == "expr":
            decoded = parse_expr(value) if value is not None else None
        elif how == "target":
            decoded = _parse_target(value) if value is not None else None
        elif how == "edge":
            decoded = by_id[value] if value is not None else None
        elif how == "edges":
            decoded = [by_id[v] for v in value]
        elif how == "steps":
            decoded = [_decode_step(s) for s in value]
        elif how == "kwargs":
            decoded = [(kwarg["name"], parse_expr(kwarg["value"])) for kwarg in value]
        elif how == "retry":
            decoded = P.Retry(value["attempts"], tuple(value["on"])) if value is not None else None
        elif how == "backoff":
            decoded = P.Backoff(**value) if value is not None else None
        elif how == "cases":
            decoded = [Case(parse_expr(c["when"]), by_id[c["to"]]) for c in value]
        elif how == "handlers":
            decoded = [Handler(tuple(h["types"]), h["bind"], by_id[h["to"]]) for h in value]
        setattr(node, attr, decoded)


# ------------------------------------------------------------------ lowering


@dataclass(frozen=True)
class _Finally:
    body: tuple[A.Stmt, ...]
    ctx: "_Ctx"  # the context of the `try` statement itself
    # The deletion of an `except ... as` name: it only matters to code that runs
    # after it, so a `return` from the workflow with no other `finally` after it skips it.
    unbinds: bool = False


@dataclass(frozen=True)
class _Loop:
    continue_to: Node
    break_to: Node
    finally_depth: int


@dataclass(frozen=True)
class _FnExit:
    result: str
    exit: Node
    finally_depth: int


@dataclass(frozen=True)
class _Ctx:
    error: Node | None = None
    loop: _Loop | None = None
    fn_exit: _FnExit | None = None
    finally_stack: tuple[_Finally, ...] = ()
    current_exception: str | None = None

    def but(self, **changes) -> "_Ctx":
        return dataclasses.replace(self, **changes)


class _Lowering:
    """Lowers statements backwards: each statement is given the node that
    follows it (its continuation) and returns its own entry node."""

    def __init__(self, program: A.Program):
        self.program = program
        self.actions = {a.name: a for a in program.actions}
        self.fns = {f.name: f for f in program.fns}
        self.counters: dict[str, int] = {}
        self.inlining: list[str] = []
        # (kind, name, first serial, last serial, handler node, prefix) of each region
        self.spans: list[tuple[str, str, int, int, Node | None, str | None]] = []

    def region(self, kind: str, name: str, first: int, *, handler: Node | None = None, prefix: str | None = None) -> None:
        """Record that the nodes made since serial `first` form a region."""
        self.spans.append((kind, name, first, next(_made), handler, prefix))

    def fresh(self, prefix: str) -> str:
        n = self.counters.get(prefix, 0) + 1
        self.counters[prefix] = n
        return f"${prefix}{n}"

    # ---------------------------------------------------------- blocks

    def block(self, stmts, ctx: _Ctx, cont: Node) -> Node:
        node = cont
        for stmt in reversed(stmts):
            node = self.stmt(stmt, ctx, node)
        return node

    def stmt(self, stmt: A.Stmt, ctx: _Ctx, cont: Node) -> Node:
        match stmt:
            case A.Assign(target=target, value=value):
                return Compute([Step(target, value)], cont, ctx.error)
            case A.ExprStmt(value=value):
                return Compute([Step(None, value)], cont, ctx.error)
            case A.Delete(targets=targets):
                return Compute([Step(target, None) for target in targets], cont, ctx.error)
            case A.CallStmt(target=target, call=call):
                return self.call(call, target, ctx, cont)
            case A.Parallel():
                return self.parallel(stmt, ctx, cont)
            case A.ParallelFor():
                return self.parallel_for(stmt, ctx, cont)
            case A.If():
                return self.if_(stmt, ctx, cont)
            case A.For():
                return self.for_(stmt, ctx, cont)
            case A.While():
                return self.while_(stmt, ctx, cont)
            case A.Try():
                return self.try_(stmt, ctx, cont)
            case A.Return(value=value):
                return self.return_(value, ctx)
            case A.Raise(exc=exc, cause=cause):
                if exc is None:
                    if ctx.current_exception is None:
                        raise LoweringError("bare `raise` outside an except block")
                    exc = A.Name(ctx.current_exception)
                return Raise(exc, ctx.error, cause)
            case A.Sleep(seconds=seconds):
                return Sleep(seconds, cont, ctx.error)
            case A.Break():
                if ctx.loop is None:
                    raise LoweringError("`break` outside a loop")
                return self.through_finally(ctx, ctx.loop.finally_depth, ctx.loop.break_to)
            case A.Continue():
                if ctx.loop is None:
                    raise LoweringError("`continue` outside a loop")
                return self.through_finally(ctx, ctx.loop.finally_depth, ctx.loop.continue_to)
        raise LoweringError(f"cannot lower {type(stmt).__name__}")

    def through_finally(self, ctx: _Ctx, depth: int, target: Node, *, leaving: bool = False) -> Node:
        """Leaving blocks early runs the `finally` bodies in between, innermost
        first. `leaving`: control leaves the workflow, where nothing can read a
        name again, so the deletions of `except ... as` names outside every
        other `finally` are left out."""
        node = target
        for fin in ctx.finally_stack[depth:]:
            if leaving and fin.unbinds:
                continue
            leaving = False
            node = self.block(fin.body, fin.ctx, node)
        return node

    # ---------------------------------------------------------- calls

    def call(self, call: A.AwaitCall, target: A.Expr | None, ctx: _Ctx, cont: Node) -> Node:
        if call.name in self.actions:
            return Action(
                call.name,
                [(k.name, k.value) for k in call.kwargs],
                target,
                P.resolve_retry(call.retry) if call.retry else None,
                P.resolve_backoff(call.backoff) if call.backoff else None,
                P.resolve_timeout(call.timeout),
                cont,
                ctx.error,
            )
        if call.name in self.fns:
            return self.inline(self.fns[call.name], call, target, ctx, cont)
        raise LoweringError(f"`{call.name}` is neither an action nor a fn")

    def inline(self, fn: A.FnDecl, call: A.AwaitCall, target: A.Expr | None, ctx: _Ctx, cont: Node) -> Node:
        if fn.name in self.inlining:
            raise LoweringError(f"fn `{fn.name}` calls itself")
        self.inlining.append(fn.name)
        prefix = self.fresh("")  # "$1", "$2", ...
        own_locals = assigned_names(fn.body)
        mapping = {name: f"{prefix}_{name.lstrip('$')}" for name in bound_names(fn) | own_locals}
        renamed = rename(fn, mapping)
        result = f"{prefix}_return"
        # As in Python, the arguments are evaluated in the caller, in the order
        # they are written, and the call gets a fresh scope: its parameters
        # bound, every other local unbound, even where an earlier run of this
        # call (in a loop) bound it.
        params = {p.name: mapping[p.name] for p in fn.params}
        steps: list[Step | Unbind] = []
        for keyword in call.kwargs:
            if keyword.name not in params:
                raise LoweringError(f"fn `{fn.name}` has no parameter `{keyword.name}`")
            steps.append(Step(A.Name(params[keyword.name]), keyword.value))
        given = {k.name for k in call.kwargs}
        steps += [Step(A.Name(params[p.name]), p.default or A.Constant(None)) for p in fn.params if p.name not in given]
        unbound = sorted(mapping[name] for name in own_locals - params.keys())
        if unbound:
            steps.append(Unbind(tuple(unbound)))
        steps.append(Step(A.Name(result), A.Constant(None)))
        after = cont
        if target is not None:
            after = Compute([Step(target, A.Name(result))], cont, ctx.error)
        first = next(_made)
        exit_join = Join(after)
        body_ctx = _Ctx(error=ctx.error, fn_exit=_FnExit(result, exit_join, len(ctx.finally_stack)), finally_stack=ctx.finally_stack)
        body = self.block(renamed.body, body_ctx, exit_join)
        self.inlining.pop()
        entry = Compute(steps, body, ctx.error)
        self.region("fn", fn.name, first, prefix=prefix)
        return entry

    def return_(self, value: A.Expr | None, ctx: _Ctx) -> Node:
        if ctx.fn_exit is not None:
            exit_ = ctx.fn_exit
            after = self.through_finally(ctx, exit_.finally_depth, exit_.exit)
            return Compute([Step(A.Name(exit_.result), value or A.Constant(None))], after, ctx.error)
        if any(not fin.unbinds for fin in ctx.finally_stack):
            holder = self.fresh("ret")
            after = self.through_finally(ctx, 0, Return(A.Name(holder), ctx.error), leaving=True)
            return Compute([Step(A.Name(holder), value or A.Constant(None))], after, ctx.error)
        return Return(value, ctx.error)

    # ---------------------------------------------------------- parallel

    def branch_call(self, call: A.AwaitCall, result: str, barrier: Node, ctx: _Ctx) -> Node:
        # A branch is a region of its own: an exception that escapes it fails
        # the branch (the barrier decides what that means), not the workflow.
        return self.call(call, A.Name(result), _Ctx(), barrier)

    def parallel(self, stmt: A.Parallel, ctx: _Ctx, cont: Node) -> Node:
        result = self.fresh("r")
        barrier = Barrier(stmt.target, stmt.return_exceptions, cont, ctx.error)
        branches = [self.branch_call(call, result, barrier, ctx) for call in stmt.calls]
        return Fork(result, branches, barrier)

    def parallel_for(self, stmt: A.ParallelFor, ctx: _Ctx, cont: Node) -> Node:
        result = self.fresh("r")
        barrier = Barrier(stmt.target, stmt.return_exceptions, cont, ctx.error)
        body = self.branch_call(stmt.call, result, barrier, ctx)
        return ForkEach(result, stmt.iter, stmt.loop_target, body, stmt.limit, barrier, ctx.error)

    # ---------------------------------------------------------- control flow

    def if_(self, stmt: A.If, ctx: _Ctx, cont: Node) -> Node:
        join = Join(cont)
        cases = []
        node: A.If | None = stmt
        otherwise: Node = join
        while node is not None:
            cases.append(Case(node.test, self.block(node.body, ctx, join)))
            if len(node.orelse) == 1 and isinstance(node.orelse[0], A.If):
                node = node.orelse[0]
            else:
                otherwise = self.block(node.orelse, ctx, join) if node.orelse else join
                node = None
        return Branch(cases, otherwise, ctx.error)

    def for_(self, stmt: A.For, ctx: _Ctx, cont: Node) -> Node:
        loop = self.fresh("loop")
        after = Join(cont)
        header = ForNext(loop, stmt.target, None, None, ctx.error)
        body_ctx = ctx.but(loop=_Loop(header, after, len(ctx.finally_stack)))
        header.body = self.block(stmt.body, body_ctx, header)
        header.done = self.block(stmt.orelse, ctx, after)
        return ForInit(loop, stmt.iter, header, ctx.error)

    def while_(self, stmt: A.While, ctx: _Ctx, cont: Node) -> Node:
        loop = self.fresh("loop")
        after = Join(cont)
        header = WhileTest(loop, stmt.test, stmt.max_iterations, None, None, ctx.error)
        body_ctx = ctx.but(loop=_Loop(header, after, len(ctx.finally_stack)))
        header.body = self.block(stmt.body, body_ctx, header)
        header.done = self.block(stmt.orelse, ctx, after)
        return WhileInit(loop, header)

    def try_(self, stmt: A.Try, ctx: _Ctx, cont: Node) -> Node:
        after = Join(cont)
        inner = ctx
        normal_exit: Node = after
        if stmt.finalbody:
            # The exception path: catch everything, run a copy of the
            # finally body, raise the same exception again.
            store = self.fresh("exc")
            reraise = Raise(A.Name(store), ctx.error)
            catcher = Except(store, [Handler((), None, self.block(stmt.finalbody, ctx, reraise))], ctx.error)
            inner = ctx.but(error=catcher, finally_stack=(*ctx.finally_stack, _Finally(stmt.finalbody, ctx)))
            normal_exit = self.block(stmt.finalbody, ctx, after)
        first = next(_made)
        if not stmt.handlers:
            body = self.block(stmt.body + stmt.orelse, inner, normal_exit)
            self.region("try", "try", first, handler=inner.error)
            return body
        store = self.fresh("exc")
        handlers = []
        for handler in stmt.handlers:
            handler_ctx = inner.but(current_exception=store)
            handlers.append(Handler(handler.types, handler.name, self.handler_body(handler, handler_ctx, normal_exit)))
        dispatch = Except(store, handlers, inner.error)
        orelse = self.block(stmt.orelse, inner, normal_exit)
        body_first = next(_made)
        body = self.block(stmt.body, inner.but(error=dispatch), orelse)
        self.region("try", "try", body_first, handler=dispatch)
        if stmt.finalbody:
            self.region("try", "try (finally)", first, handler=inner.error)
        return body

    def handler_body(self, handler: A.ExceptHandler, ctx: _Ctx, cont: Node) -> Node:
        """Python deletes the `as` name when the handler ends, however it ends,
        as if the body were `try: body` / `finally: e = None; del e` (the
        assignment makes the deletion safe when the body deleted `e` itself).
        It is lowered as that `finally`, except where control leaves the
        workflow: after a `return` (see `through_finally`), or an exception
        that nothing in the workflow catches, nothing can read the name."""
        if handler.name is None:
            return self.block(handler.body, ctx, cont)
        name = A.Name(handler.name)
        unbind = (A.Assign(name, A.Constant(None)), A.Delete((name,)))
        body_ctx = ctx.but(finally_stack=(*ctx.finally_stack, _Finally(unbind, ctx, unbinds=True)))
        if ctx.error is not None:
            store = self.fresh("exc")
            reraise = Raise(A.Name(store), ctx.error)
            body_ctx = body_ctx.but(error=Except(store, [Handler((), None, self.block(unbind, ctx, reraise))], ctx.error))
        return self.block(handler.body, body_ctx, self.block(unbind, ctx, cont))


# ------------------------------------------------------------------ passes


def _predecessors(start: Node) -> dict[int, int]:
    counts: dict[int, int] = {id(start): 1}
    for node in _reachable(start):
        for _, target in node.edges():
            counts[id(target)] = counts.get(id(target), 0) + 1
    return counts


def _redirect(start: Node, replace: dict[int, Node]) -> None:
    """Point every edge that targets a key of `replace` at its value."""

    def resolve(target: Node) -> Node:
        while id(target) in replace:
            target = replace[id(target)]
        return target

    for node in _reachable(start):
        for key, attr, how in node.FIELDS:
            value = getattr(node, attr)
            if how == "edge" and value is not None:
                setattr(node, attr, resolve(value))
            elif how == "edges":
                setattr(node, attr, [resolve(t) for t in value])
            elif how == "cases":
                for case in value:
                    case.to = resolve(case.to)
            elif how == "handlers":
                for handler in value:
                    handler.to = resolve(handler.to)


def remove_trivial_joins(start: Start) -> None:
    """A join that only one edge reaches joins nothing."""
    counts = _predecessors(start)
    replace = {id(n): n.next for n in _reachable(start) if isinstance(n, Join) and counts.get(id(n), 0) <= 1}
    _redirect(start, replace)


def merge_compute_chains(start: Start) -> None:
    """Fuse a compute node into the compute node before it when nothing else
    reaches it and both send exceptions to the same place: fewer nodes, the
    same steps in the same order."""
    changed = True
    while changed:
        changed = False
        counts = _predecessors(start)
        for node in _reachable(start):
            nxt = node.next if isinstance(node, Compute) else None
            if isinstance(nxt, Compute) and nxt is not node and counts.get(id(nxt)) == 1 and nxt.error is node.error:
                node.steps.extend(nxt.steps)
                node.next = nxt.next
                changed = True
                break


_GENERATED = re.compile(r"^\$(r|loop|exc|ret|)([0-9]+)(_.*)?$")


def _node_exprs(node: Node) -> Iterator[tuple[str, A.Expr]]:
    for _, attr, how in node.FIELDS:
        value = getattr(node, attr)
        if how in ("expr", "target") and value is not None:
            yield attr, value
        elif how == "steps":
            for s in value:
                if isinstance(s, Unbind):
                    yield from (("steps", A.Name(name)) for name in s.names)
                    continue
                if s.target is not None:
                    yield "steps", s.target
                if s.value is not None:
                    yield "steps", s.value
        elif how == "kwargs":
            for _, expr in value:
                yield "kwargs", expr
        elif how == "cases":
            for c in value:
                yield "cases", c.when


def _renamed(expr: A.Expr | None, mapping: dict[str, str]) -> A.Expr | None:
    return rename(expr, mapping) if expr is not None else None


def _renamed_step(step: Step | Unbind, mapping: dict[str, str]) -> Step | Unbind:
    if isinstance(step, Unbind):
        return Unbind(tuple(mapping.get(name, name) for name in step.names))
    return Step(_renamed(step.target, mapping), _renamed(step.value, mapping))


def number_generated_names(start: Start) -> dict[str, str]:
    """Lowering runs backwards, so generated names (`$1_x`, `$r2`, `$loop3`,
    ...) are numbered last-first; renumber them in the order the DAG reads.
    Returns the renaming."""
    order: dict[tuple[str, str], int] = {}
    mapping: dict[str, str] = {}

    def see(name: str) -> None:
        match = _GENERATED.match(name)
        if match is None or name in mapping:
            return
        prefix, number, rest = match.groups()
        key = (prefix, number)
        if key not in order:
            order[key] = sum(1 for p, _ in order if p == prefix) + 1
        mapping[name] = f"${prefix}{order[key]}{rest or ''}"

    nodes = _reachable(start)
    for node in nodes:
        for attr in ("loop", "result", "store"):
            if isinstance(getattr(node, attr, None), str):
                see(getattr(node, attr))
        for _, expr in _node_exprs(node):
            for sub in walk(expr):
                if isinstance(sub, A.Name):
                    see(sub.id)
        for handler in getattr(node, "handlers", ()):
            if handler.bind:
                see(handler.bind)
    for node in nodes:
        for _, attr, how in node.FIELDS:
            value = getattr(node, attr)
            if how == "raw" and attr in ("loop", "result", "store"):
                setattr(node, attr, mapping.get(value, value))
            elif how in ("expr", "target") and value is not None:
                setattr(node, attr, rename(value, mapping))
            elif how == "steps":
                setattr(node, attr, [_renamed_step(s, mapping) for s in value])
            elif how == "kwargs":
                setattr(node, attr, [(k, rename(e, mapping)) for k, e in value])
            elif how == "cases":
                for case in value:
                    case.when = rename(case.when, mapping)
            elif how == "handlers":
                for handler in value:
                    handler.bind = mapping.get(handler.bind, handler.bind)
    return mapping


DAG_PASSES = (remove_trivial_joins, merge_compute_chains, number_generated_names)


# ------------------------------------------------------------------ entry point


def _action_signature(decl: A.ActionDecl) -> ActionSignature:
    return ActionSignature(decl.module, [_encode_param(p) for p in decl.params], print_type(decl.returns))


def _used_names(start: Node) -> set[str]:
    """The names the nodes read, and the exception classes they catch or retry on."""
    used = set()
    for node in _reachable(start):
        for _, expr in _node_exprs(node):
            used.update(sub.id for sub in walk(expr) if isinstance(sub, A.Name))
        for handler in getattr(node, "handlers", ()):
            used.update(handler.types)
        if isinstance(node, Action) and node.retry is not None:
            used.update(node.retry.on)
    return used


def _names_in(node) -> set[str]:
    """The names an expression, a type or a declaration mentions."""
    return {sub.name if isinstance(sub, A.NamedType) else sub.id for sub in walk(node) if isinstance(sub, (A.Name, A.NamedType))}


def _needed_classes(program: A.Program, used: set[str]) -> dict[str, A.ClassDecl]:
    """The declared classes among `used`, with every class they need in turn:
    their bases, the types of their fields, and what their defaults and member
    values name (`Color.RED`)."""
    declared = program.class_decls()
    needed: dict[str, A.ClassDecl] = {}
    pending = sorted(used & declared.keys())
    while pending:
        name = pending.pop()
        if name in needed:
            continue
        decl = needed[name] = declared[name]
        pending += sorted(((set(decl.bases) | _names_in(decl)) & declared.keys()) - needed.keys())
    return dict(sorted(needed.items()))


@deep_stack
def lower(program: A.Program, workflow: str | None = None) -> Dag:
    """Lower one workflow of `program` (the only one when `workflow` is None)."""
    workflows = {w.name: w for w in program.workflows}
    if workflow is None:
        if len(workflows) != 1:
            raise LoweringError(f"the program declares {len(workflows)} workflows; name the one to lower")
        (decl,) = workflows.values()
    elif workflow in workflows:
        decl = workflows[workflow]
    else:
        raise LoweringError(f"no workflow named `{workflow}` in the program")

    lowering = _Lowering(program)
    start = Start(None)
    start.next = lowering.block(decl.body, _Ctx(), Return(None, None))
    renames: dict[str, str] = {}
    for dag_pass in DAG_PASSES:
        renames = dag_pass(start) or renames
    _number(_reachable(start))

    used = _used_names(start)
    consts = {c.name: c.value for c in program.consts}
    pending = [name for name in used if name in consts]
    while pending:  # consts may be defined in terms of other consts (and of types: `Color.RED`)
        for sub in walk(consts[pending.pop()]):
            if isinstance(sub, A.Name) and sub.id not in used:
                used.add(sub.id)
                if sub.id in consts:
                    pending.append(sub.id)
    used_actions = {n.action for n in _reachable(start) if isinstance(n, Action)}
    actions = [a for a in program.actions if a.name in used_actions]
    # Values of the classes in the workflow's and its actions' signatures come in and go out.
    for signature in (decl, *actions):
        used |= _names_in(signature.returns).union(*(_names_in(p) for p in signature.params))
    return Dag(
        workflow=decl.name,
        params=[_encode_param(p) for p in decl.params],
        returns=print_type(decl.returns),
        types=_needed_classes(program, used),
        actions={a.name: _action_signature(a) for a in actions},
        consts={c.name: c.value for c in program.consts if c.name in used},
        start=start,
        version=program.version,
        regions=_regions(lowering.spans, _reachable(start), renames),
    )


def _regions(spans, nodes: list[Node], renames: dict[str, str]) -> list[Region]:
    """The regions that still hold a node once the passes have run, outer
    regions first, each knowing the region it lies in."""
    kept = []
    for kind, name, first, last, handler, prefix in spans:
        ids = frozenset(n.id for n in nodes if first <= n.serial <= last)
        if ids:
            if prefix is not None:  # the `$<n>` the DAG's renumbering gave the call
                prefix = renames.get(f"{prefix}_return", f"{prefix}_return").removesuffix("_return")
            kept.append((first, -last, Region(kind, name, ids, None, handler.id if handler else None, prefix)))
    kept.sort(key=lambda entry: entry[:2])
    regions: list[Region] = []
    for first, neg_last, region in kept:
        parent = max((i for i, outer in enumerate(regions) if region.nodes <= outer.nodes), default=None)
        regions.append(dataclasses.replace(region, parent=parent))
    return regions
