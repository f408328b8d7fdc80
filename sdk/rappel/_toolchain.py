"""The SDK's only point of contact with the compiler (`rappel_compiler`) and the RRL
toolchain (`rrl`).

Both packages are imported lazily, on first use, so that importing `rappel` stays
cheap and a missing piece of the toolchain is a clear `RappelError` at the point of
use rather than an ImportError at import time. Every contract the SDK relies on is
spelled out here, in one place.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from ._errors import RappelError, WorkflowCompileError


class ToolchainUnavailable(RappelError):
    """A compiler or language entry point the SDK needs is not installed."""


def _entry_point(module_name: str, attribute: str) -> Any:
    try:
        found = getattr(importlib.import_module(module_name), attribute, None)
        if found is None or isinstance(found, ModuleType):
            # `rrl.check` may be a submodule holding the function of the same name.
            found = getattr(importlib.import_module(f"{module_name}.{attribute}"), attribute)
        return found
    except (ImportError, AttributeError) as exc:
        raise ToolchainUnavailable(
            f"{module_name}.{attribute} is not available in this installation of rappel; "
            "reinstall it with `pip install -e .`"
        ) from exc


def has_entry_point(module_name: str, attribute: str) -> bool:
    try:
        _entry_point(module_name, attribute)
    except ToolchainUnavailable:
        return False
    return True


# ------------------------------------------------------------------ compiler


def compile_workflow_class(cls: type) -> Any:
    """`rappel_compiler.compile_workflow_class(cls) -> rrl.ast.Program`, raising
    `rappel_compiler.CompileError` (`.diagnostics`, `.rendered`) on rejected code."""
    compile_class = _entry_point("rappel_compiler", "compile_workflow_class")
    compile_error = _entry_point("rappel_compiler", "CompileError")
    try:
        return compile_class(cls)
    except compile_error as exc:
        # The compiler's own exception adds nothing for the user but a second copy
        # of the same diagnostics in the traceback.
        raise WorkflowCompileError(exc.rendered, exc.diagnostics) from None


@dataclass
class ModuleCompilation:
    programs: dict[str, Any] = field(default_factory=dict)  # workflow name -> Program
    diagnostics: list[Any] = field(default_factory=list)


def compile_module(module: ModuleType) -> ModuleCompilation:
    """`rappel_compiler.compile_module(module) -> CompileResult(programs, diagnostics)`."""
    result = _entry_point("rappel_compiler", "compile_module")(module)
    return ModuleCompilation(dict(result.programs), list(result.diagnostics))


# ------------------------------------------------------------------ language


def parse(text: str, path: str) -> tuple[Any | None, list[Any]]:
    """`rrl.parse(text, path) -> Program`; syntax errors come back as diagnostics."""
    parse_fn = _entry_point("rrl", "parse")
    diagnostic_error = _entry_point("rrl.diagnostics", "DiagnosticError")
    try:
        return parse_fn(text, path), []
    except diagnostic_error as exc:
        return None, list(exc.diagnostics)


def check(program: Any) -> list[Any]:
    """`rrl.check(program) -> list[Diagnostic]`."""
    return list(_entry_point("rrl", "check")(program))


def optimize(program: Any) -> Any:
    """`rrl.optimize(program) -> Program`."""
    return _entry_point("rrl", "optimize")(program)


def print_program(program: Any) -> str:
    """`rrl.print_program(program) -> str`, the canonical text."""
    return _entry_point("rrl", "print_program")(program)


def program_actions(program: Any) -> list[Any]:
    """The `rrl.ast.ActionDecl`s (`.name`, `.module`) a program declares."""
    return list(program.actions)


def lower(program: Any, workflow: str | None = None) -> Any:
    """`rrl.dag.lower(program, workflow=None) -> rrl.dag.Dag`; `workflow` picks one
    when the program declares several."""
    return _entry_point("rrl.dag", "lower")(program, workflow)


def executable_dag(program: Any, workflow: str | None = None) -> Any:
    """The DAG the runtime executes: the optimized program, lowered (what
    `rappel compile` writes is the optimized program too)."""
    return lower(optimize(program), workflow)


async def execute(dag: Any, args: dict[str, Any], host: Any) -> Any:
    """`await rrl.interpreter.execute(dag, args, host)`; raises the workflow's exception."""
    return await _entry_point("rrl.interpreter", "execute")(dag, args, host)


def render_graph(dag: Any) -> Any:
    """`rrl.graphviz.render(dag) -> graphviz.Digraph`."""
    return _entry_point("rrl.graphviz", "render")(dag)


# ------------------------------------------------------------------ diagnostics


def render_diagnostic(diagnostic: Any, source: str | None) -> str:
    """`rrl.diagnostics.render(diag, source) -> str` (rustc-shaped text)."""
    return _entry_point("rrl.diagnostics", "render")(diagnostic, source)


def is_error(diagnostic: Any) -> bool:
    return getattr(diagnostic, "severity", "error") == "error"


def with_path(diagnostic: Any, path: str) -> Any:
    """The diagnostic located in `path` unless it already names a file."""
    if getattr(diagnostic, "path", None):
        return diagnostic
    return diagnostic.with_path(path)
