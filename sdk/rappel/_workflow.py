"""`Workflow` and `@workflow`: durable control flow compiled to RRL on first use."""

from __future__ import annotations

import contextlib
import functools
import inspect
import os
from collections.abc import Callable, Coroutine, Iterable, Iterator, Mapping, Sequence
from contextvars import ContextVar
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from . import _toolchain
from ._actions import ActionCall, get_action_definition
from ._client import WorkflowHandle, current_backend
from ._errors import RappelError
from ._execution import run_with_policy
from ._policies import ActionPolicy, BackoffPolicy, RetryPolicy, Seconds
from ._visualize import write_graph

RunMethod = Callable[..., Coroutine[Any, Any, Any]]


class Workflow:
    """Base class of workflows. Subclass it, write `async def run(self, ...)` and
    decorate the class with `@workflow`.

    `await MyWorkflow().run(...)` starts a durable instance and waits for its result;
    `await MyWorkflow().start(...)` returns a `WorkflowHandle` without waiting,
    `await MyWorkflow.start_many([{...}, ...])` starts many in a few requests, and
    `MyWorkflow.handle(instance_id)` finds one again later.
    """

    # Set by @workflow on the decorated class itself (never inherited meaningfully).
    __rappel_program__: ClassVar[Any] = None
    __rappel_original_run__: ClassVar[RunMethod | None] = None

    async def run(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(
            f"{type(self).__name__} must define `async def run(self, ...)` and be "
            "decorated with @workflow"
        )

    async def start(self, *args: Any, **kwargs: Any) -> WorkflowHandle:
        """Start an instance with run()'s arguments; return its handle at once.

        `idempotency_key="..."` (keyword only) starts at most one instance per
        key and workflow: a later start with the same key returns the first
        one's handle, whatever its arguments. A run() with a parameter of that
        name keeps it: the keyword is then run()'s argument, not a key.
        """
        cls = type(self)
        _require_decorated(cls)
        key = None
        if IDEMPOTENCY_KEY in kwargs and IDEMPOTENCY_KEY not in run_signature(cls).parameters:
            key = kwargs.pop(IDEMPOTENCY_KEY)
            if not isinstance(key, str):
                raise TypeError(f"{cls.__name__}.start(): idempotency_key must be a str, got {type(key).__name__}")
        return await _start_one(current_backend(), cls, bind_run_arguments(cls, args, kwargs), key)

    @classmethod
    async def start_many(
        cls,
        arguments: Iterable[Mapping[str, Any]],
        *,
        idempotency_keys: Sequence[str | None] | None = None,
    ) -> list[WorkflowHandle]:
        """Start one instance per item of `arguments`, each a dict of run()'s
        keyword arguments, and return their handles in the same order:

            handles = await Welcome.start_many([{"user_id": u} for u in ids])
            results = await asyncio.gather(*(h.result() for h in handles))

        The durable backend sends them to the bridge in as few requests as it
        can (up to 10,000 starts, one transaction, each); every item is bound
        and encoded first, so a bad one raises before anything starts.
        `idempotency_keys`, as long as `arguments`, gives each start a key as
        `start(..., idempotency_key=...)` does (None: that one has none).
        """
        _require_decorated(cls)
        if isinstance(arguments, Mapping):
            raise TypeError(
                f"{cls.__name__}.start_many() takes a list of argument dicts, one per instance, "
                f"got one dict: write {cls.__name__}.start_many([{{...}}])"
            )
        bound: list[dict[str, Any]] = []
        for index, item in enumerate(arguments):
            if not isinstance(item, Mapping):
                raise TypeError(
                    f"{cls.__name__}.start_many(): arguments[{index}] is a {type(item).__name__}, "
                    "not a dict of run()'s keyword arguments"
                )
            try:
                bound.append(bind_run_arguments(cls, (), dict(item)))
            except TypeError as exc:
                raise TypeError(f"{cls.__name__}.start_many(): arguments[{index}]: {exc}") from None
        keys = _batch_keys(cls, idempotency_keys, len(bound))
        if not bound:
            return []
        backend = current_backend()
        start_many = getattr(backend, "start_many", None)
        if start_many is not None:
            return await start_many(cls, bound, keys)
        return [await _start_one(backend, cls, args, key) for args, key in zip(bound, keys, strict=True)]

    @classmethod
    def handle(cls, instance_id: str) -> WorkflowHandle:
        """The handle of an instance of this workflow started earlier, by this
        process or another: `await Wf.handle(id).result()`."""
        _require_decorated(cls)
        return current_backend().handle(cls, instance_id)

    async def run_action(
        self,
        call: ActionCall,
        *,
        retry: RetryPolicy | None = None,
        backoff: BackoffPolicy | None = None,
        timeout: Seconds | None = None,
    ) -> Any:
        """Run an action under an explicit policy:

            await self.run_action(charge(order), retry=RetryPolicy(attempts=5),
                                  backoff=BackoffPolicy(base_delay=2), timeout=60)

        Without `retry`, an exception fails at once and a timeout is retried without
        limit; `timeout` defaults to 300 seconds per attempt.
        """
        if not isinstance(call, ActionCall):
            raise TypeError(_not_a_call_message(call))
        policy = ActionPolicy.build(retry, backoff, timeout)
        return await run_with_policy(call, policy)

    @classmethod
    def visualize(cls, path: str | os.PathLike[str] | None = None, format: str | None = None) -> Any:
        """The workflow's DAG as a `graphviz.Digraph`; with `path`, also written to a
        .dot, .svg or .png file (`format` overrides the file extension)."""
        graph = _toolchain.render_graph(dag_of(cls))
        if path is not None:
            write_graph(graph, Path(path), format)
        elif format is not None:
            graph.format = format
        return graph


def _require_decorated(cls: type) -> None:
    if "__rappel_original_run__" not in cls.__dict__:
        raise RappelError(f"{cls.__name__} is not decorated with @workflow")


async def _start_one(backend: Any, cls: type, arguments: dict[str, Any], key: str | None) -> WorkflowHandle:
    """One start; the keyword only with a key, so a backend of one's own written
    before idempotency keys still takes the others."""
    if key is None:
        return await backend.start(cls, arguments)
    return await backend.start(cls, arguments, idempotency_key=key)


def _batch_keys(cls: type, keys: Sequence[str | None] | None, count: int) -> list[str | None]:
    """start_many()'s idempotency keys, one per start, checked."""
    if keys is None:
        return [None] * count
    if isinstance(keys, str):
        raise TypeError(
            f"{cls.__name__}.start_many(): idempotency_keys is one str; give one key per "
            "instance, e.g. [f\"order-{id}\" for id in ids]"
        )
    keys = list(keys)
    if len(keys) != count:
        raise ValueError(
            f"{cls.__name__}.start_many(): {len(keys)} idempotency_keys for {count} instances; "
            "give one per instance (None where an instance has none)"
        )
    for index, key in enumerate(keys):
        if key is not None and not isinstance(key, str):
            raise TypeError(
                f"{cls.__name__}.start_many(): idempotency_keys[{index}] must be a str or None, "
                f"got {type(key).__name__}"
            )
    return keys


def _not_a_call_message(call: object) -> str:
    definition = get_action_definition(call)
    if definition is not None:
        name = definition.name
        return f"run_action() needs a call of the action, e.g. run_action({name}(...)), not {name} itself"
    if inspect.iscoroutine(call):
        call.close()  # it will never run; avoid a "never awaited" warning on top
        return (
            "run_action() needs an action call, but got a coroutine: is the function "
            "decorated with @action?"
        )
    return f"run_action() needs an action call such as fetch_user(id), got {call!r}"


W = TypeVar("W", bound=type[Workflow])

# The start() keyword naming an idempotency key (unless run() has a parameter
# of that name).
IDEMPOTENCY_KEY = "idempotency_key"


def workflow(cls: W) -> W:
    """Make a Workflow subclass durable: `run()` starts an instance and waits.

    The class is compiled to RRL when something first needs its program
    (`run`, `start`, `visualize`, `run_local`), not when it is defined: a module
    of many workflows imports as fast as any other. Unsupported or
    non-deterministic code in run() raises WorkflowCompileError, with the
    compiler's located diagnostics, at that first use; `rappel check` and
    `rappel compile` report every problem of a file ahead of time (CI).

    Defining the class checks only what costs nothing: a run() that is not
    `async def run(self, ...)` with named parameters is compiled at once, so
    that its located diagnostic (RPL0229) is raised here, at import time.
    """
    if not (inspect.isclass(cls) and issubclass(cls, Workflow)):
        raise TypeError(f"@workflow decorates a subclass of rappel.Workflow, got {cls!r}")
    original = original_run(cls)

    @functools.wraps(original)
    async def run(self: Workflow, *args: Any, **kwargs: Any) -> Any:
        handle = await self.start(*args, **kwargs)
        return await handle.result()

    run.__rappel_original_run__ = original  # type: ignore[attr-defined]
    cls.run = run  # type: ignore[method-assign]
    cls.__rappel_original_run__ = original
    cls.__rappel_program__ = None
    # The compiler always sees the decorated class, whether now or on first use:
    # `__rappel_original_run__` is the body to compile.
    deferred = _deferred.get()
    if deferred is not None and deferred[0] in (None, cls.__module__):
        deferred[1].append(cls)
        return cls
    problem = _run_problem(cls, original) if _compile_at_definition else None
    if problem is not None:
        program_of(cls)  # the compiler's located RPL0229 diagnostic, raised here
        raise TypeError(problem)  # in case the compiler let it through
    return cls


def _run_problem(cls: type[Workflow], original: RunMethod) -> str | None:
    """What makes `original` unusable as a workflow's run(), if anything."""
    if original is Workflow.run:
        return f"{cls.__name__} must define `async def run(self, ...)`"
    if not inspect.iscoroutinefunction(original):
        return f"{cls.__name__}.run must be `async def`"
    for param in inspect.signature(original).parameters.values():
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD, param.POSITIONAL_ONLY):
            return (
                f"{cls.__name__}.run cannot take {param}: workflow inputs are stored by "
                "parameter name, so every parameter needs a name (no *args, **kwargs or /)"
            )
    return None


# ------------------------------------------------------------------ compilation

# False in worker processes (`compile_on_first_use()`): they run actions only, so
# `@workflow` checks nothing there and the compiler (libcst, lark) is never
# imported, not even for a run() of the wrong shape.
_compile_at_definition = True


def compile_on_first_use() -> None:
    """From now on in this process, `@workflow` checks nothing when a class is
    defined, not even the shape of its run(): a class is compiled (and judged)
    only when something first needs its program (`program_of`)."""
    global _compile_at_definition
    _compile_at_definition = False


# Under `deferred_compilation()`: the module whose workflows are deferred (None: all
# of them), and the list that collects them.
_deferred: ContextVar[tuple[str | None, list[type[Workflow]]] | None] = ContextVar("rappel_deferred_workflows", default=None)


@contextlib.contextmanager
def deferred_compilation(module: str | None = None) -> Iterator[list[type[Workflow]]]:
    """Define the workflows of `module` (of every module when None) without compiling
    them, and collect them in the list this yields. The CLI compiles whole modules
    itself, so that every problem of a file is reported as a diagnostic, rather than
    the first one as an import error."""
    classes: list[type[Workflow]] = []
    token = _deferred.set((module, classes))
    try:
        yield classes
    finally:
        _deferred.reset(token)


def original_run(cls: type[Workflow]) -> RunMethod:
    """The run() the user wrote: unwrapped if @workflow replaced it, else as is."""
    run = cls.run
    return getattr(run, "__rappel_original_run__", run)


def program_of(cls: type[Workflow]) -> Any:
    """The compiled RRL program of `cls`, compiling now if it was deferred."""
    program = cls.__dict__.get("__rappel_program__")
    if program is None:
        program = _toolchain.compile_workflow_class(cls)
        cls.__rappel_program__ = program
    return program


def dag_of(cls: type[Workflow]) -> Any:
    """The DAG of `cls`, lowered from its program on first use and cached on the class."""
    dag = cls.__dict__.get("__rappel_dag__")
    if dag is None:
        dag = _toolchain.executable_dag(program_of(cls))
        cls.__rappel_dag__ = dag  # type: ignore[attr-defined]
    return dag


def run_signature(cls: type[Workflow]) -> inspect.Signature:
    """The signature of the run() the user wrote, computed once per class (every
    start binds its arguments with it)."""
    original = original_run(cls)
    cached = cls.__dict__.get("__rappel_run_signature__")
    if cached is not None and cached[0] is original:
        return cached[1]
    signature = inspect.signature(original)
    cls.__rappel_run_signature__ = (original, signature)  # type: ignore[attr-defined]
    return signature


def bind_run_arguments(
    cls: type[Workflow], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> dict[str, Any]:
    """run()'s arguments by parameter name, defaults included: the instance's input."""
    signature = run_signature(cls)
    try:
        bound = signature.bind(None, *args, **kwargs)
    except TypeError as exc:
        raise TypeError(f"{cls.__name__}.run(): {exc}") from None
    bound.apply_defaults()
    arguments = dict(bound.arguments)
    arguments.pop(next(iter(signature.parameters)))  # self
    return arguments
