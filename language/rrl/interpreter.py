"""The reference interpreter: executes a workflow's DAG (not its AST).

This module is the specification of execution that every runtime matches:

- Machine. An instance is a deterministic state machine over the DAG that
  does no I/O (`Machine`). `start(args)` and `complete(completion)` each run
  the instance as far as it can go and return the commands it issues, in
  order: `Dispatch` (run an attempt of an action), `Sleep` (a durable
  sleep's timer), `Backoff` (the timer before a retry) and, last of all,
  `Finish` (the workflow's result or exception). Each dispatch and timer is
  answered by one completion, in any order: `Returned`, `Raised` or
  `TimedOut` for an attempt, `Slept` or `BackedOff` for a timer. Given the
  program, the arguments and the ordered completions, the machine always
  issues the same commands and reaches the same state; that list is all a
  durable runtime keeps of an instance (`rrl.transcript` records it). The
  machine needs nothing from its surroundings: the program declares its
  classes. The state is data: `snapshot()` writes it as JSON (values in the
  codec's encoding) at any step, and `Machine.restore` reads it back into the
  program's classes.
- Ids. Every region (below) numbers the operations it waits on (action
  calls, sleeps and parallel blocks) from 0, in the order it reaches them.
  The root region's operation k has the id `k`; branch i (from 0, its slot
  in the results) of the parallel block with id P is the region `P[i]`,
  whose operation k has the id `P[i].k`. So `2[1].0` is the first call of
  the second branch of the workflow's third operation. An id depends only
  on the path through the program, never on timing; the attempts of a call
  share its id and are numbered from 1. A completion names its command by
  id (and attempt); one that answers no outstanding command (unknown, or
  already applied) is refused with `CompletionError` and changes nothing.
- Order. Control is one point per region (the workflow, or one branch of a
  fork). A node runs, then control follows its `next` edge (or the edge its
  kind selects). Pure nodes run inline; an `action`, a `sleep` and a fork
  suspend the region until their completions arrive. Regions run depth
  first: a fork runs branch 0 until it waits or ends, then branch 1, and so
  on, so a batch of commands lists branch 0's first.
- Values. Variables live in one environment per region. `start` binds the
  consts in declaration order, then the arguments (missing ones take their
  default); an error there finishes the workflow with it. A fork gives each
  branch a copy of the environment; a branch's
  writes stay in the branch, and only its `result` comes back. A `delete`
  step unbinds a name (reading it again raises UnboundLocalError), or
  rebinds the variable at the root of `x[k]` / `x.f` to a copy without it.
  An `unbind` step unbinds each of its names that is bound and is no error
  for one that is not: an inlined fn's call starts with it, so its locals
  start unbound at every call, as Python's fresh scope for each call does.
- Classes. The DAG's `types` declare every class the workflow names (see
  `rrl.classes`): a workflow builds instances from the declarations (`T(...)`:
  a model or dataclass from its fields and constant defaults, running no code
  of the class), tests `isinstance` and matches `except` and `retry(on=...)`
  types by the declared hierarchy, and reads enum members (`T.NAME`). Values
  from outside (arguments, action results and exceptions) are read into the
  program's classes by the codec. A class is never a value.
- Exceptions. An exception raised while a node runs follows the node's
  `error` edge to an `except` node, which stores it and picks the first
  handler whose types match (no types: any). Unmatched, it follows the
  `except` node's own `error` edge. A `null` edge leaves the region: the
  workflow fails with that exception, or the branch does.
- Parallel. `fork` / `fork_each` start every branch (at most `limit` at once
  for `fork_each`: when a branch ends, the first one not started starts)
  and wait for all to settle. `fork_each` evaluates its iterable to a list
  and binds its target to every item, each in a copy of the environment,
  before any branch starts; an error there is the `fork_each` node's. The
  `barrier` then binds the list of results in branch order; with
  `return_exceptions` a failed branch's exception takes its slot, otherwise
  the first failed branch in order raises its exception from the barrier.
- Actions. The kwargs are evaluated in order, then the call dispatches
  attempt 1 with the call's timeout in seconds as a float (default 300.0).
  A `TimedOut` completion fails the attempt with RappelTimeout("action
  <name> timed out after <timeout:g>s (attempt <n>)"), with attributes
  action, timeout and attempt. Without a retry policy, an exception fails
  the call at once and a timeout is retried without limit. With
  `retry(attempts=n, on=[...])`, an attempt that fails with a matching
  exception (any, when `on` is empty; RappelTimeout counts) is retried until
  n attempts were made (no limit for `attempts=None`); an ActionNotFound
  (no worker has the action) is never retried. Before retry k (k =
  1, 2, ...) a `Backoff` timer waits min(float(base) * float(multiplier) **
  (k-1), max) seconds (`**` is C's pow; infinity when it overflows) when a backoff is
  given and that is more than 0; otherwise the next attempt is dispatched at
  once. A policy value out of range (`rrl.policies`: a timeout of 0, say)
  fails the call with ValueError before its first attempt.
- Sleep. `sleep` issues a timer of max(0.0, float(seconds)) seconds (so a
  negative number or NaN counts as 0).
- Loops. `for_init` snapshots the iterable as a list; `while` with `max`
  raises RuntimeError once the body ran `max` times and the test holds again.

`execute` drives a machine in-process: it runs dispatched attempts
concurrently through its host (enforcing each attempt's timeout), sleeps
timers on the host's clock and feeds the completions back as they arrive.
"""

from __future__ import annotations

import asyncio
import itertools
import math
from dataclasses import dataclass, field
from typing import Any, Protocol

from . import ast as A
from . import codec
from . import dag as D
from . import policies as P
from .classes import ActionNotFound, RappelTimeout
from .evaluate import Evaluator, in_order
from .limits import deep_stack

DEFAULT_TIMEOUT = 300.0


class Host(Protocol):
    """What `execute` needs from its surroundings: running action attempts and
    sleeping. Everything else a program needs, the classes it names included,
    the program declares. The reference host runs actions in-process
    (`rappel.testing.run_local`); the Rust runtime dispatches them to workers."""

    async def call_action(self, call: "Dispatch") -> Any:
        """Run one attempt of an action; return its result or raise its
        exception. The caller enforces `call.timeout` (it cancels the call).
        The arguments, the result and the exception are the program's values
        (`rrl.classes.ProgramClasses`): they cross the value codec to the
        action and back, as they cross to a worker."""

    async def sleep(self, seconds: float) -> None:
        """Durable sleep; the reference host advances a virtual clock."""


# ------------------------------------------------------------------ commands


@dataclass(frozen=True)
class Dispatch:
    """Run attempt `attempt` (from 1) of the call `id`: the action, the module
    that defines it, its keyword arguments, and the seconds it may run."""

    id: str
    attempt: int
    action: str
    module: str
    kwargs: dict[str, Any]
    timeout: float


@dataclass(frozen=True)
class Sleep:
    """Wake the durable sleep `id` after `seconds`."""

    id: str
    seconds: float


@dataclass(frozen=True)
class Backoff:
    """Wait `seconds` before attempt `attempt` of the call `id`."""

    id: str
    attempt: int
    seconds: float


@dataclass(frozen=True)
class Finish:
    """The workflow ended: with `error` when it is not None, else with `result`.
    (The machine keeps a branch's outcome as one too.)"""

    result: Any = None
    error: BaseException | None = None


Command = Dispatch | Sleep | Backoff | Finish


# ------------------------------------------------------------------ completions


@dataclass(frozen=True)
class Returned:
    id: str
    attempt: int
    value: Any


@dataclass(frozen=True)
class Raised:
    id: str
    attempt: int
    exception: BaseException


@dataclass(frozen=True)
class TimedOut:
    id: str
    attempt: int


@dataclass(frozen=True)
class Slept:
    id: str


@dataclass(frozen=True)
class BackedOff:
    id: str
    attempt: int


Completion = Returned | Raised | TimedOut | Slept | BackedOff


class CompletionError(Exception):
    """A completion that answers no outstanding command: unknown, already
    applied, or of the wrong kind. The machine's state is unchanged."""


# ------------------------------------------------------------------ state


@dataclass
class _Call:
    """An action call in progress: its attempt `attempt` is dispatched, or
    waits for its backoff timer."""

    id: str
    kwargs: dict[str, Any]
    attempt: int = 1
    backing_off: bool = False


@dataclass
class _Timer:
    """A durable sleep in progress."""

    id: str
    seconds: float


@dataclass
class _Parallel:
    """A fork in progress: `started` branches started so far, and each
    branch's outcome once it settled."""

    id: str
    items: list | None  # a fork_each's items; None for a fork
    started: int = 0
    outcomes: list[Finish | None] = field(default_factory=list)

    def running(self) -> int:
        return self.started - sum(outcome is not None for outcome in self.outcomes)

    def settled(self) -> bool:
        return all(outcome is not None for outcome in self.outcomes)


@dataclass
class Region:
    """The workflow (path "") or one branch of a fork, while it runs. `node`
    is where control waits on `wait`; `ops` counts the operations it began."""

    path: str
    env: dict[str, Any]
    node: str
    ops: int = 0
    wait: _Call | _Timer | _Parallel | None = None


def _operation_id(region: str, index: int) -> str:
    return f"{region}.{index}" if region else str(index)


def _region_of(operation: str) -> str:
    return operation.rpartition(".")[0]


def _branch_path(operation: str, index: int) -> str:
    return f"{operation}[{index}]"


def _branch_of(path: str) -> tuple[str, int]:
    """`P[i]` → (P, i)."""
    operation, _, index = path.rpartition("[")
    return operation, int(index[:-1])


# ------------------------------------------------------------------ the machine


class Machine:
    """One workflow instance as a deterministic state machine (see the module
    docstring), with the classes its program declares (`dag.classes`)."""

    def __init__(self, dag: D.Dag):
        self.dag = dag
        self.eval = Evaluator(dag.classes)
        self.nodes = {node.id: node for node in dag.nodes()}
        self.regions: dict[str, Region] = {}
        self.outcome: Finish | None = None
        self._issued: list[Command] = []

    # ---------------------------------------------------------- public API

    @deep_stack
    def start(self, args: dict[str, Any]) -> list[Command]:
        """Start the instance with keyword `args`; the commands it issues."""
        if self.regions or self.outcome is not None:
            raise RuntimeError("the machine has already started")
        root = Region("", {}, self.dag.start.id)
        self.regions[""] = root
        try:
            self._bind_arguments(root.env, args)
        except Exception as exc:
            self._settle(root, False, exc)
        else:
            self._resume(root, self.dag.start.next)
        return self._flush()

    @deep_stack
    def complete(self, completion: Completion) -> list[Command]:
        """Apply one completion; the commands the instance issues next."""
        region, node, wait = self._answered(completion)
        match completion:
            case Returned(value=value):
                region.wait = None
                try:
                    if node.target is not None:
                        self.eval.bind(node.target, value, region.env)
                except Exception as exc:
                    self._resume(region, node, exc)
                else:
                    self._resume(region, node.next)
            case Raised() | TimedOut():
                self._failed_attempt(region, node, wait, completion)
            case BackedOff():
                wait.backing_off = False
                self._dispatch(node, wait)
            case Slept():
                region.wait = None
                self._resume(region, node.next)
        return self._flush()

    @property
    def outstanding(self) -> list[Dispatch | Sleep | Backoff]:
        """What the instance waits for: the commands no completion answered yet."""
        waiting = []
        for region in self.regions.values():
            node, wait = self.nodes[region.node], region.wait
            if isinstance(wait, _Call):
                waiting.append(self._backoff(node, wait) if wait.backing_off else self._attempt(node, wait))
            elif isinstance(wait, _Timer):
                waiting.append(Sleep(wait.id, wait.seconds))
        return waiting

    # ---------------------------------------------------------- snapshots

    def snapshot(self) -> dict:
        """The state as JSON data, its values in the codec's encoding; `restore`
        reads it back. (This layout is Python's own; no other runtime reads it.)"""
        return {
            "regions": [_encode_region(region) for region in self.regions.values()],
            "outcome": None if self.outcome is None else encode_outcome(self.outcome),
        }

    @classmethod
    def restore(cls, dag: D.Dag, state: dict) -> "Machine":
        """The machine `snapshot` saw, its values read into the program's classes
        (records, declared exceptions and enum members, as the codec reads a
        completion's)."""
        machine = cls(dag)
        resolve = dag.classes.resolve
        for data in state["regions"]:
            region = _decode_region(data, resolve)
            machine.regions[region.path] = region
        if state["outcome"] is not None:
            machine.outcome = decode_outcome(state["outcome"], resolve)
        return machine

    # ---------------------------------------------------------- running

    def _flush(self) -> list[Command]:
        issued, self._issued = self._issued, []
        return issued

    def _bind_arguments(self, env: dict, args: dict[str, Any]) -> None:
        for name, expr in self.dag.consts.items():
            env[name] = self.eval.eval(expr, env)
        known = {p["name"] for p in self.dag.params}
        unknown = sorted(set(args) - known)
        if unknown:
            raise TypeError(f"{self.dag.workflow}.run() got an unexpected keyword argument '{unknown[0]}'")
        for param in self.dag.params:
            if param["name"] in args:
                env[param["name"]] = args[param["name"]]
            elif "default" in param:
                env[param["name"]] = self.eval.eval(_parse(param["default"]), env)
            else:
                raise TypeError(f"{self.dag.workflow}.run() missing 1 required argument: '{param['name']}'")

    def _resume(self, region: Region, node: D.Node | None, raised: BaseException | None = None) -> None:
        """Run `region` from `node` (which raised `raised`, if given); each
        branch that settles lets its fork start the next branch, and the
        last one continues the fork's region at its barrier."""
        while True:
            self._run(region, node, raised)
            if region.path in self.regions or not region.path:
                return  # it waits, or the workflow finished
            operation, _ = _branch_of(region.path)
            parent = self.regions[_region_of(operation)]
            self._start_branches(parent)
            if not parent.wait.settled():
                return
            region, node, raised = parent, self.nodes[parent.node].join, None

    def _run(self, region: Region, node: D.Node | None, raised: BaseException | None = None) -> None:
        """Run `region` until it waits or settles."""
        stop = self._stop(region)
        while True:
            if raised is not None:
                node = self._route(region, node, raised)
                raised = None
                if node is None:
                    return
            if node is None or node is stop:
                self._settle(region, True, None)
                return
            try:
                following = self._step(region, node)
            except Exception as exc:
                raised = exc
                continue
            if following is _WAITS:
                region.node = node.id
                return
            if following is _SETTLED:
                return
            node = following

    def _route(self, region: Region, node: D.Node, exc: BaseException) -> D.Node | None:
        """Where `exc`, raised by `node`, goes: the handler of the first
        `except` node on its way that matches; None when it leaves the region
        (which has settled with it)."""
        while True:
            catcher = getattr(node, "error", None)
            if catcher is None:
                self._settle(region, False, exc)
                return None
            try:
                handler = self._handler(catcher, exc, region.env)
            except Exception as raised:  # a bad type in a handler
                exc = raised
                handler = None
            if handler is not None:
                return handler
            node = catcher

    def _handler(self, node: D.Except, exc: BaseException, env: dict) -> D.Node | None:
        env[node.store] = exc
        for handler in node.handlers:
            if not handler.types or any(self.eval.matches(exc, t) for t in handler.types):
                if handler.bind:
                    env[handler.bind] = exc
                return handler.to
        return None

    def _step(self, region: Region, node: D.Node) -> Any:
        """Run one node: the node control goes to, or `_WAITS` / `_SETTLED`."""
        ev, env = self.eval, region.env
        match node:
            case D.Start() | D.Join():
                return node.next
            case D.Compute(steps=steps):
                for s in steps:
                    if isinstance(s, D.Unbind):
                        for name in s.names:
                            env.pop(name, None)
                        continue
                    if s.deletes:
                        ev.unbind(s.target, env)
                        continue
                    value = ev.eval(s.value, env)
                    if s.target is not None:
                        ev.bind(s.target, value, env)
                return node.next
            case D.Action():
                kwargs = {name: ev.eval(expr, env) for name, expr in node.kwargs}
                problems = P.range_problems(node.retry, node.backoff, node.timeout)
                if problems:  # a DAG the checker did not see; `run_action` raises the same
                    raise ValueError(problems[0][1])
                call = _Call(self._next_operation(region), kwargs)
                region.wait = call
                self._dispatch(node, call)
                return _WAITS
            case D.Branch(cases=cases):
                for case in cases:
                    if ev.eval(case.when, env):
                        return case.to
                return node.otherwise
            case D.ForInit():
                env[node.loop] = (list(in_order(ev.eval(node.iter, env))), 0)
                return node.next
            case D.ForNext():
                items, index = env[node.loop]
                if index >= len(items):
                    del env[node.loop]
                    return node.done
                env[node.loop] = (items, index + 1)
                ev.bind(node.target, items[index], env)
                return node.body
            case D.WhileInit():
                env[node.loop] = 0
                return node.next
            case D.WhileTest():
                if not ev.eval(node.test, env):
                    return node.done
                if node.max is not None and env[node.loop] >= node.max:
                    raise RuntimeError(f"while loop ran past its bound of {node.max} iterations")
                env[node.loop] += 1
                return node.body
            case D.Sleep():
                seconds = ev.eval(node.seconds, env)
                if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
                    raise TypeError(f"sleep takes a number of seconds, not {type(seconds).__name__}")
                timer = _Timer(self._next_operation(region), max(0.0, float(seconds)))
                region.wait = timer
                self._issued.append(Sleep(timer.id, timer.seconds))
                return _WAITS
            case D.Fork() | D.ForkEach():
                return self._fork(region, node)
            case D.Barrier():
                return self._barrier(region, node)
            case D.Return():
                value = ev.eval(node.value, env) if node.value is not None else None
                self._settle(region, True, value)
                return _SETTLED
            case D.Raise():
                value = ev.eval(node.value, env)
                if not isinstance(value, BaseException):
                    raise TypeError("exceptions must derive from BaseException")
                if node.cause is not None:
                    cause = ev.eval(node.cause, env)
                    if cause is not None and not isinstance(cause, BaseException):
                        raise TypeError("exception causes must derive from BaseException")
                    value.__cause__ = cause  # also suppresses the context, as `raise ... from` does
                raise value
            case D.Except():
                raise RuntimeError(f"control reached the except node {node.id} without an exception")
        raise RuntimeError(f"unknown DAG node kind {node.kind!r}")

    def _next_operation(self, region: Region) -> str:
        operation = _operation_id(region.path, region.ops)
        region.ops += 1
        return operation

    def _stop(self, region: Region) -> D.Node | None:
        """Where a branch ends: its fork's barrier (None for the workflow)."""
        if not region.path:
            return None
        operation, _ = _branch_of(region.path)
        return self.nodes[self.regions[_region_of(operation)].node].join

    def _settle(self, region: Region, ok: bool, value: Any) -> None:
        """The region ended: a branch with its `result` variable (or its
        exception), the workflow with its return value (or exception)."""
        if not region.path:
            self.outcome = Finish(result=value) if ok else Finish(error=value)
            self.regions.clear()
            self._issued.append(self.outcome)
            return
        del self.regions[region.path]
        operation, index = _branch_of(region.path)
        parent = self.regions[_region_of(operation)]
        if ok:
            value = region.env.get(self.nodes[parent.node].result)
        parent.wait.outcomes[index] = Finish(result=value) if ok else Finish(error=value)

    # ---------------------------------------------------------- parallel

    def _fork(self, region: Region, node: D.Fork | D.ForkEach) -> Any:
        items = None
        if isinstance(node, D.ForkEach):
            items = list(in_order(self.eval.eval(node.iter, region.env)))
            for item in items:  # every target binds before any branch starts
                self.eval.bind(node.target, item, dict(region.env))
        count = len(node.branches) if isinstance(node, D.Fork) else len(items)
        parallel = _Parallel(self._next_operation(region), items, outcomes=[None] * count)
        region.wait = parallel
        region.node = node.id
        self._start_branches(region)
        return node.join if parallel.settled() else _WAITS

    def _start_branches(self, region: Region) -> None:
        """Start branches in order while the fork's limit allows; a branch
        runs until it waits or settles before the next one starts."""
        node, parallel = self.nodes[region.node], region.wait
        limit = getattr(node, "limit", None)
        while parallel.started < len(parallel.outcomes) and not (limit and parallel.running() >= limit):
            index = parallel.started
            parallel.started += 1
            branch = Region(_branch_path(parallel.id, index), dict(region.env), region.node)
            if isinstance(node, D.Fork):
                entry = node.branches[index]
            else:
                entry = node.body
                self.eval.bind(node.target, parallel.items[index], branch.env)
            self.regions[branch.path] = branch
            self._run(branch, entry)

    def _barrier(self, region: Region, barrier: D.Barrier) -> D.Node | None:
        parallel, region.wait = region.wait, None
        values = []
        for outcome in parallel.outcomes:
            if outcome.error is not None and not barrier.return_exceptions:
                raise outcome.error
            values.append(outcome.result if outcome.error is None else outcome.error)
        if barrier.target is not None:
            self.eval.bind(barrier.target, values, region.env)
        return barrier.next

    # ---------------------------------------------------------- actions

    def _timeout(self, node: D.Action) -> float:
        return float(node.timeout) if node.timeout is not None else DEFAULT_TIMEOUT

    def _attempt(self, node: D.Action, call: _Call) -> Dispatch:
        module = self.dag.actions[node.action].module
        return Dispatch(call.id, call.attempt, node.action, module, dict(call.kwargs), self._timeout(node))

    def _backoff(self, node: D.Action, call: _Call) -> Backoff:
        return Backoff(call.id, call.attempt, backoff_delay(node.backoff, call.attempt - 1))

    def _dispatch(self, node: D.Action, call: _Call) -> None:
        self._issued.append(self._attempt(node, call))

    def _failed_attempt(self, region: Region, node: D.Action, call: _Call, completion: Raised | TimedOut) -> None:
        try:
            if isinstance(completion, Raised):
                exc = completion.exception
            else:
                exc = self._timeout_error(node, call.attempt)
            retried = self._retries(node.retry, exc, call.attempt)
        except Exception as raised:  # a bad `retry(on=...)` type
            exc, retried = raised, False
        if not retried:
            region.wait = None
            self._resume(region, node, exc)
            return
        call.attempt += 1
        wait = self._backoff(node, call)
        if wait.seconds > 0:
            call.backing_off = True
            self._issued.append(wait)
        else:
            self._dispatch(node, call)

    def _timeout_error(self, node: D.Action, attempt: int) -> BaseException:
        timeout = self._timeout(node)
        message = f"action {node.action} timed out after {timeout:g}s (attempt {attempt})"
        return RappelTimeout(message, action=node.action, timeout=timeout, attempt=attempt)

    def _retries(self, retry: P.Retry | None, exc: BaseException, attempt: int) -> bool:
        """Whether failed attempt `attempt` is followed by another."""
        if isinstance(exc, ActionNotFound):  # a deployment error: retrying cannot help
            return False
        if retry is None:
            return self.eval.matches(exc, "RappelTimeout")
        if retry.attempts is not None and attempt >= retry.attempts:
            return False
        return not retry.on or any(self.eval.matches(exc, t) for t in retry.on)

    # ---------------------------------------------------------- completions

    def _answered(self, completion: Completion) -> tuple[Region, D.Node, Any]:
        """The region, node and wait that `completion` answers, or CompletionError."""
        if not isinstance(completion, (Returned, Raised, TimedOut, Slept, BackedOff)):
            raise TypeError(f"not a completion: {completion!r}")
        region = self.regions.get(_region_of(completion.id))
        wait = region.wait if region is not None else None
        if isinstance(completion, (Returned, Raised, TimedOut, BackedOff)):
            expected = isinstance(wait, _Call) and wait.attempt == completion.attempt
            expected = expected and wait.backing_off == isinstance(completion, BackedOff)
        else:
            expected = isinstance(wait, _Timer)
        if not expected or wait.id != completion.id:
            raise CompletionError(f"{completion!r} answers no outstanding command")
        return region, self.nodes[region.node], wait


def encode_outcome(finish: Finish) -> dict:
    """`{"result": value}` or `{"error": exception}`, in the codec's encoding."""
    if finish.error is not None:
        return {"error": codec.encode(finish.error)}
    return {"result": codec.encode(finish.result)}


def decode_outcome(data: dict, resolve: codec.Resolver) -> Finish:
    if "error" in data:
        return Finish(error=codec.decode(data["error"], resolve))
    return Finish(result=codec.decode(data["result"], resolve))


def _encode_region(region: Region) -> dict:
    wait = region.wait
    if isinstance(wait, _Call):
        encoded = {"call": {"id": wait.id, "kwargs": codec.encode(wait.kwargs), "attempt": wait.attempt, "backing_off": wait.backing_off}}
    elif isinstance(wait, _Timer):
        encoded = {"sleep": {"id": wait.id, "seconds": codec.encode(wait.seconds)}}
    elif isinstance(wait, _Parallel):
        outcomes = [None if outcome is None else encode_outcome(outcome) for outcome in wait.outcomes]
        encoded = {"parallel": {"id": wait.id, "items": codec.encode(wait.items), "started": wait.started, "outcomes": outcomes}}
    else:
        encoded = None
    return {"path": region.path, "node": region.node, "ops": region.ops, "env": codec.encode(region.env), "wait": encoded}


def _decode_region(data: dict, resolve: codec.Resolver) -> Region:
    region = Region(data["path"], codec.decode(data["env"], resolve), data["node"], data["ops"])
    match data["wait"]:
        case {"call": call}:
            kwargs = codec.decode(call["kwargs"], resolve)
            region.wait = _Call(call["id"], kwargs, call["attempt"], call["backing_off"])
        case {"sleep": sleep}:
            region.wait = _Timer(sleep["id"], codec.decode(sleep["seconds"], resolve))
        case {"parallel": parallel}:
            outcomes = [None if outcome is None else decode_outcome(outcome, resolve) for outcome in parallel["outcomes"]]
            items = codec.decode(parallel["items"], resolve)
            region.wait = _Parallel(parallel["id"], items, parallel["started"], outcomes)
    return region


_WAITS = object()  # the region waits for a completion
_SETTLED = object()  # the region ended


def backoff_delay(backoff: P.Backoff | None, retry: int) -> float:
    """Seconds to wait before retry `retry` (1, 2, ...): 0.0 without a backoff."""
    if backoff is None:
        return 0.0
    try:
        delay = float(backoff.base) * float(backoff.multiplier) ** (retry - 1)
    except OverflowError:
        delay = math.inf
    return min(delay, float(backoff.max)) if backoff.max is not None else delay


def _parse(text: str) -> A.Expr:
    from .parser import parse_expr

    return parse_expr(text)


# ------------------------------------------------------------------ the in-process driver


async def execute(dag: D.Dag, args: dict[str, Any], host: Host) -> Any:
    """Run the workflow of `dag` with keyword `args`; return its result or
    raise the exception it fails with. Attempts and timers run concurrently
    on `host`; completions are fed back as they arrive (those that arrive
    together, in the order their commands were issued)."""
    machine = Machine(dag)
    running: dict[asyncio.Task, int] = {}
    issued = itertools.count()
    commands = machine.start(args)
    try:
        while True:
            for command in commands:
                if isinstance(command, Finish):
                    if command.error is not None:
                        raise command.error
                    return command.result
                running[asyncio.ensure_future(perform(host, command))] = next(issued)
            done, _ = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
            commands = []
            for task in sorted(done, key=running.__getitem__):
                del running[task]
                commands += machine.complete(task.result())
    finally:
        for task in running:
            task.cancel()


async def perform(host: Host, command: Dispatch | Sleep | Backoff) -> Completion:
    """Carry out a dispatch or a timer on `host`: the completion that answers it."""
    if isinstance(command, Dispatch):
        return await run_attempt(host, command)
    await host.sleep(command.seconds)
    return Slept(command.id) if isinstance(command, Sleep) else BackedOff(command.id, command.attempt)


async def run_attempt(host: Host, call: Dispatch) -> Returned | Raised | TimedOut:
    """Run one attempt on `host` within its timeout. A TimeoutError the
    action raises itself is an exception like any other, not a timeout. Once
    the timeout passed, the attempt timed out whatever it does next: an action
    that swallows its cancellation and returns (or raises) late has its late
    outcome discarded."""
    scope = asyncio.timeout(call.timeout)
    try:
        async with scope:
            value = await host.call_action(call)
    except Exception as exc:
        if scope.expired():
            return TimedOut(call.id, call.attempt)
        return Raised(call.id, call.attempt, exc)
    if scope.expired():
        return TimedOut(call.id, call.attempt)
    return Returned(call.id, call.attempt, value)
