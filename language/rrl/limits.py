"""How deep a program may nest, and the stack the toolchain runs on.

RRL bounds the nesting of a program's tree (`MAX_DEPTH`), as the Rust parser
does (runtime-rs/rrl/src/syntax/parser.rs, `too_deep`): a deeper program is
RPL0005, located at the first node (in source order) below the bound, never a
`RecursionError`. Below the bound, each pass may recurse once or a few times
per level of the tree, which is more than Python's default recursion limit of
1000 allows; `deep_stack` runs a pass with the recursion limit and the thread
stack that a tree of `MAX_DEPTH` levels needs (and that the compiler needs for
the Python source it accepts, see rappel_compiler.limits).
"""

from __future__ import annotations

import contextvars
import functools
import sys
import threading
from typing import Callable, TypeVar

from . import ast as A
from .diagnostics import Diagnostic
from .walk import children

# A node without children is at depth 1; a node at 1 + the depth of its
# deepest child (the program is a node too).
MAX_DEPTH = 500
TOO_DEEP_CODE = "RPL0005"
TOO_DEEP_MESSAGE = f"this is nested too deeply: more than {MAX_DEPTH} levels"
TOO_DEEP_HELP = "assign parts of the expression to variables first, or move inner blocks into a fn"


def too_deep(program: A.Node) -> Diagnostic | None:
    """The first node nested deeper than `MAX_DEPTH`, in depth-first source
    order, as RPL0005; located at its span, or at its nearest ancestor's when it
    has none. Iterative: it must work on trees too deep to recurse over."""
    stack: list[tuple[A.Node, int, A.Span | None]] = [(program, 1, None)]
    while stack:
        node, depth, inherited = stack.pop()
        span = node.span or inherited
        if depth > MAX_DEPTH:
            return Diagnostic(TOO_DEEP_CODE, TOO_DEEP_MESSAGE, span, help=TOO_DEEP_HELP)
        below = children(node)
        below.reverse()
        stack.extend([(child, depth + 1, span) for child in below])
    return None


def depth(node: A.Node) -> int:
    """How many levels `node`'s tree has (1 for a node without children)."""
    deepest = 0
    stack: list[tuple[A.Node, int]] = [(node, 1)]
    while stack:
        current, level = stack.pop()
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in children(current))
    return deepest


# ------------------------------------------------------------------ the stack

# Python frames a pass may need: a few per level of a tree of MAX_DEPTH levels,
# and the compiler's libcst passes over a Python source of
# rappel_compiler.limits.SOURCE_MAX_DEPTH levels (about 3.5 per level). Even if
# each frame recursed through C code, an 8 MiB stack holds this many (measured
# on CPython 3.11: 12,000 do), so a runaway recursion is still a RecursionError.
RECURSION_LIMIT = 10_000
# The stack of the thread that runs a pass for another thread than the main one.
STACK_SIZE = 64 * 1024 * 1024

_local = threading.local()
_limit_lock = threading.Lock()
_raised = 0  # how many deep_stack calls are running (the limit is process-wide)
_saved_limit = 0

T = TypeVar("T")


def deep_stack(fn: Callable[..., T]) -> Callable[..., T]:
    """Run `fn` with Python's recursion limit raised to `RECURSION_LIMIT`, on a
    stack that holds that many frames: the one place where the toolchain
    changes either. Every entry point that walks a tree goes through it; calls
    from inside one (a pass calling another) run directly.

    The main thread runs it in place when the OS gives it a stack of
    `MAIN_STACK_NEEDED` or more (8 MiB is the default on Linux and macOS):
    there `@workflow` compiles a class while its module is being imported, and
    another thread would deadlock on the import lock if the compiler imported a
    module that imports that one. Any other thread (its stack may be 512 KiB)
    hands the call to a thread with a `STACK_SIZE` stack and waits for it."""

    @functools.wraps(fn)
    def run(*args, **kwargs):
        if getattr(_local, "deep", False):
            return fn(*args, **kwargs)
        if _main_stack_is_large():
            _raise_limit()
            _local.deep = True
            try:
                return fn(*args, **kwargs)
            finally:
                _local.deep = False
                _restore_limit()
        return _on_large_stack(fn, args, kwargs)

    return run


# A tree of MAX_DEPTH levels through every pass, and the compiler on sources of
# rappel_compiler.limits.SOURCE_MAX_DEPTH levels, stay well within this.
MAIN_STACK_NEEDED = 8 * 1024 * 1024


@functools.cache
def _os_stack_limit() -> float:
    try:
        import resource
    except ImportError:  # Windows: the main thread's stack is 1 MiB
        return 0
    soft, _ = resource.getrlimit(resource.RLIMIT_STACK)
    return float("inf") if soft == resource.RLIM_INFINITY else soft


def _main_stack_is_large() -> bool:
    return threading.current_thread() is threading.main_thread() and _os_stack_limit() >= MAIN_STACK_NEEDED


def _on_large_stack(fn, args, kwargs):
    outcome: list = []
    context = contextvars.copy_context()  # the caller's context variables, as a direct call sees them

    def body():
        _local.deep = True
        try:
            outcome.append((True, context.run(fn, *args, **kwargs)))
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            outcome.append((False, exc))

    _raise_limit()
    try:
        with _limit_lock:  # stack_size applies to the threads started after it
            previous = threading.stack_size(STACK_SIZE)
            try:
                worker = threading.Thread(target=body, name=f"rrl-deep-{fn.__name__}", daemon=True)
                worker.start()
            finally:
                threading.stack_size(previous)
        worker.join()
    finally:
        _restore_limit()
    ok, value = outcome[0]
    if ok:
        return value
    raise value


def _raise_limit() -> None:
    global _raised, _saved_limit
    with _limit_lock:
        if _raised == 0:
            _saved_limit = sys.getrecursionlimit()
            sys.setrecursionlimit(max(_saved_limit, RECURSION_LIMIT))
        _raised += 1


def _restore_limit() -> None:
    global _raised
    with _limit_lock:
        _raised -= 1
        if _raised == 0 and sys.getrecursionlimit() == max(_saved_limit, RECURSION_LIMIT):
            sys.setrecursionlimit(_saved_limit)
