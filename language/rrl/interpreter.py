"""The reference interpreter: executes a workflow's DAG (not its AST).

This module is the specification of execution that every runtime matches:

- Order. Control is one point per region (the workflow, or one branch of a
  fork). A node runs, then control follows its `next` edge (or the edge its
  kind selects). Pure nodes run inline; an `action` awaits its call.
- Values. Variables live in one environment per region. `start` binds the
  consts in declaration order, then the arguments (missing ones take their
  default). A fork gives each branch a copy of the environment; a branch's
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
  for `fork_each`) and wait for all to settle. The `barrier` then binds the
  list of results in branch order; with `return_exceptions` a failed branch's
  exception takes its slot, otherwise the first failed branch in order raises
  its exception from the barrier.
- Actions. Each attempt gets the call's timeout (default 300 s); running over
  it fails the attempt with RappelTimeout("action <name> timed out after
  <timeout:g>s (attempt <n>)"), with attributes action, timeout and attempt. Without a retry policy, an
  exception fails the call at once and a timeout is retried without limit.
  With `retry(attempts=n, on=[...])`, an attempt that fails with a matching
  exception (any, when `on` is empty; RappelTimeout counts) is retried until
  n attempts were made (no limit for `attempts=None`). Before retry k (k = 1,
  2, ...) the runtime sleeps min(base * multiplier**(k-1), max) seconds when
  a backoff is given, and not at all otherwise.
  A policy value out of range (`rrl.policies`: a timeout of 0, say) fails
  the call with ValueError before its first attempt.
- Sleep. `sleep` waits the given number of seconds (negative counts as 0).
- Loops. `for_init` snapshots the iterable as a list; `while` with `max`
  raises RuntimeError once the body ran `max` times and the test holds again.
"""

from __future__ import annotations

import asyncio
from typing import Any

from . import ast as A
from . import dag as D
from . import policies as P
from .evaluate import Evaluator, Host

DEFAULT_TIMEOUT = 300.0


class _Escape(Exception):
    """An exception leaving a region through a null error edge."""

    def __init__(self, exc: BaseException):
        super().__init__(exc)
        self.exc = exc


class _Interpreter:
    def __init__(self, dag: D.Dag, host: Host):
        self.dag = dag
        self.host = host
        self.eval = Evaluator(dag.classes)

    async def run(self, args: dict[str, Any]) -> Any:
        env: dict[str, Any] = {}
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
        try:
            return await self.region(self.dag.start.next, env, stop=None)
        except _Escape as escape:
            failure = escape.exc
        raise failure  # outside the handler: keeps the exception's own __cause__

    async def region(self, node: D.Node, env: dict, stop: D.Node | None) -> Any:
        """Run from `node` until `stop` (a barrier) or a `return`."""
        exc: BaseException | None = None
        while node is not stop:
            try:
                if isinstance(node, D.Except):
                    node = self.dispatch(node, exc, env)
                    continue
                if isinstance(node, D.Return):
                    return self.eval.eval(node.value, env) if node.value is not None else None
                if isinstance(node, (D.Fork, D.ForkEach)):
                    outcomes = await self.fork(node, env)
                    node = node.join  # from here on, errors leave through the barrier
                    node = self.barrier(node, outcomes, env)
                    continue
                node = await self.step(node, env)
            except _Escape:
                raise
            except Exception as raised:
                exc = raised
                if getattr(node, "error", None) is None:
                    raise _Escape(raised) from None
                node = node.error
        return None

    def dispatch(self, node: D.Except, exc: BaseException, env: dict) -> D.Node:
        env[node.store] = exc
        for handler in node.handlers:
            if not handler.types or any(self.eval.matches(exc, t) for t in handler.types):
                if handler.bind:
                    env[handler.bind] = exc
                return handler.to
        raise exc

    async def step(self, node: D.Node, env: dict) -> D.Node:
        """Run one node; return the node control goes to."""
        ev = self.eval
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
                value = await self.call_action(node, kwargs)
                if node.target is not None:
                    ev.bind(node.target, value, env)
                return node.next
            case D.Branch(cases=cases):
                for case in cases:
                    if ev.eval(case.when, env):
                        return case.to
                return node.otherwise
            case D.ForInit():
                env[node.loop] = (list(ev.eval(node.iter, env)), 0)
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
                await self.host.sleep(max(0.0, float(seconds)))
                return node.next
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
        raise RuntimeError(f"unknown DAG node kind {node.kind!r}")

    async def fork(self, node: D.Fork | D.ForkEach, env: dict) -> list[tuple[bool, Any]]:
        if isinstance(node, D.Fork):
            return await asyncio.gather(*(self.branch(b, dict(env), node) for b in node.branches))
        items = list(self.eval.eval(node.iter, env))
        limit = asyncio.Semaphore(node.limit) if node.limit else None

        async def one(item):
            scope = dict(env)
            self.eval.bind(node.target, item, scope)
            if limit is None:
                return await self.branch(node.body, scope, node)
            async with limit:
                return await self.branch(node.body, scope, node)

        return await asyncio.gather(*(one(item) for item in items))

    async def branch(self, entry: D.Node, env: dict, fork: D.Fork | D.ForkEach) -> tuple[bool, Any]:
        """Run one branch of a fork: (True, result) or (False, exception)."""
        try:
            await self.region(entry, env, stop=fork.join)
        except _Escape as escape:
            return False, escape.exc
        return True, env.get(fork.result)

    def barrier(self, barrier: D.Barrier, outcomes: list[tuple[bool, Any]], env: dict) -> D.Node:
        values = []
        for ok, value in outcomes:
            if not ok and not barrier.return_exceptions:
                raise value
            values.append(value)
        if barrier.target is not None:
            self.eval.bind(barrier.target, values, env)
        return barrier.next

    async def call_action(self, node: D.Action, kwargs: dict) -> Any:
        problems = P.range_problems(node.retry, node.backoff, node.timeout)
        if problems:  # a DAG the checker did not see; `run_action` raises the same
            raise ValueError(problems[0][1])
        signature = self.dag.actions[node.action]
        timeout = node.timeout if node.timeout is not None else DEFAULT_TIMEOUT
        retry, backoff = node.retry, node.backoff
        attempt = 1
        while True:
            try:
                return await self.host.call_action(node.action, signature.module, dict(kwargs), timeout, attempt)
            except Exception as exc:
                if not self._should_retry(exc, attempt, retry):
                    raise
            if backoff is not None:
                delay = backoff.base * backoff.multiplier ** (attempt - 1)
                await self.host.sleep(min(delay, backoff.max) if backoff.max is not None else delay)
            attempt += 1

    def _should_retry(self, exc: Exception, attempt: int, retry: P.Retry | None) -> bool:
        timed_out = self.eval.matches(exc, "RappelTimeout")
        if retry is None:
            return timed_out
        if retry.attempts is not None and attempt >= retry.attempts:
            return False
        return not retry.on or any(self.eval.matches(exc, t) for t in retry.on)


def _parse(text: str) -> A.Expr:
    from .parser import parse_expr

    return parse_expr(text)


async def execute(dag: D.Dag, args: dict[str, Any], host: Host) -> Any:
    """Run the workflow of `dag` with keyword `args`; return its result or
    raise the exception it fails with."""
    return await _Interpreter(dag, host).run(args)
