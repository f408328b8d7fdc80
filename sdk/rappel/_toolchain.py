"""The SDK's one point of contact with the compiler (`rappel_compiler`) and the
RRL toolchain (`rrl`).

Both are imported on first use: workers and clients that never compile keep
`import rappel` cheap (libcst and lark load only when a workflow is compiled).
"""

from __future__ import annotations

import contextlib
import os
import warnings
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

from ._errors import RappelError, WorkflowCompileError


def compile_workflow_class(cls: type) -> Any:
    """The class's `run()` as an `rrl.ast.Program`; rejected code raises
    `WorkflowCompileError` carrying the compiler's diagnostics."""
    import rappel_compiler

    try:
        return rappel_compiler.compile_workflow_class(cls)
    except rappel_compiler.CompileError as exc:
        # The compiler's own exception adds nothing for the user but a second copy
        # of the same diagnostics in the traceback.
        raise WorkflowCompileError(exc.rendered, exc.diagnostics) from None


def compile_module(module: ModuleType, workflow_classes: Iterable[type] = ()):
    """Every workflow of an imported module: `CompileResult(programs, diagnostics)`.
    `workflow_classes`: those `@workflow` saw while the module was imported."""
    import rappel_compiler

    return rappel_compiler.compile_module(module, workflow_classes)


def syntax_diagnostics(source: str, path: str) -> list[Any]:
    """A Python module's syntax error as a located diagnostic (none when it parses)."""
    from rappel_compiler.api import syntax_diagnostics

    return syntax_diagnostics(source, path)


@contextlib.contextmanager
def python_warnings_while_importing(path: Path) -> Iterator[list[tuple[int, str]]]:
    """While the module at `path` is imported: the SyntaxWarnings Python gives for
    its source, as (line, message), kept for `rappel check` to report where they
    are rather than printed; any other warning is shown as it would be."""
    found: list[tuple[int, str]] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", SyntaxWarning)
        try:
            yield found
        finally:
            for w in caught:
                if issubclass(w.category, SyntaxWarning) and _same_file(w.filename, path):
                    found.append((w.lineno, str(w.message)))
                else:
                    warnings.showwarning(w.message, w.category, w.filename, w.lineno, w.file, w.line)


def _same_file(name: str, path: Path) -> bool:
    try:
        return os.path.samefile(name, path)
    except OSError:
        return False


def python_warning(line: int, message: str, source: str, path: str) -> Any:
    """A warning Python gives for a module's source (RPL0265), located on its line."""
    from rappel_compiler.api import python_warning

    return python_warning(line, message, source, path)


def parse(text: str, path: str) -> tuple[Any | None, list[Any]]:
    """An `.rrl` text as a Program; syntax errors come back as diagnostics."""
    import rrl

    try:
        return rrl.parse(text, path), []
    except rrl.DiagnosticError as exc:
        return None, list(exc.diagnostics)


def format_source(text: str, path: str) -> tuple[str | None, list[Any]]:
    """An `.rrl` text as `rappel fmt` writes it; syntax errors come back as
    diagnostics, a formatter bug as a `RappelError`."""
    import rrl
    from rrl.layout import FormatError
    from rrl.layout import format_source as format_rrl

    try:
        return format_rrl(text, path), []
    except rrl.DiagnosticError as exc:
        return None, list(exc.diagnostics)
    except FormatError as exc:
        raise RappelError(str(exc)) from None


def check(program: Any) -> list[Any]:
    from rrl.check import check

    return check(program)


def optimize(program: Any) -> Any:
    from rrl.optimize import optimize

    return optimize(program)


def print_program(program: Any) -> str:
    from rrl import print_program

    return print_program(program)


def lower(program: Any, workflow: str | None = None) -> Any:
    """The program's DAG; `workflow` picks one when it declares several."""
    from rrl.dag import lower

    return lower(program, workflow)


def executable_dag(program: Any, workflow: str | None = None) -> Any:
    """The DAG the runtime executes, made the way the runtime makes it: from
    the optimized program's text (what `rappel compile` writes), lowered, and
    read back from its canonical JSON. Whatever the text or the JSON failed
    to carry would show here, in every test, not in production."""
    import rrl
    from rrl.dag import Dag

    text = print_program(optimize(program))
    lowered = lower(rrl.parse(text), workflow)
    dag = Dag.from_json(lowered.to_json())
    dag.regions = lowered.regions  # for pictures: the JSON does not carry them, the node ids match
    return dag


async def execute(dag: Any, args: dict[str, Any], host: Any) -> Any:
    """Run a DAG in the reference interpreter; raises the workflow's exception."""
    from rrl.interpreter import execute

    return await execute(dag, args, host)


async def record_transcript(dag: Any, args: dict[str, Any], host: Any) -> dict[str, Any]:
    """The transcript of a run of the DAG in the reference interpreter."""
    from rrl.transcript import record

    return await record(dag, args, host)


def render_graph(dag: Any) -> Any:
    """The DAG as a `graphviz.Digraph`."""
    from rrl.graphviz import render

    return render(dag)


def render_diagnostic(diagnostic: Any, source: str | None) -> str:
    """rustc-shaped text of one diagnostic."""
    from rrl import render

    return render(diagnostic, source)


def diagnostic(code: str, message: str, span: tuple[int, int, int, int] | None, help: str, path: str) -> Any:
    """A diagnostic the SDK reports itself (RPL0251, RPL0252); `span` is 1-based
    (line, column, end line, end column)."""
    from rrl import Diagnostic
    from rrl.ast import Span

    return Diagnostic(code, message, Span(*span) if span else None, help, path)


def is_error(diagnostic: Any) -> bool:
    return diagnostic.severity == "error"


def with_path(diagnostic: Any, path: str) -> Any:
    """The diagnostic located in `path` unless it already names a file."""
    return diagnostic if diagnostic.path else diagnostic.with_path(path)
