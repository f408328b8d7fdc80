"""The Python frontend of Rappel: `@workflow` classes → RRL programs.

Rappel never replays user code: a workflow's `run()` (and the helper methods
it calls) is lowered ahead of time to an RRL program, which the runtime
executes. Whatever cannot be translated faithfully is a diagnostic (codes
RPL01xx and RPL02xx, see docs/errors.md), never silently dropped.

    result = compile_source(text, path="app/workflows.py", module="app.workflows")
    result.programs      # {"WelcomeEmailWorkflow": rrl.ast.Program, ...}
    result.diagnostics   # [rrl.Diagnostic, ...], sorted by position
"""

from .api import CompileError, CompileResult, compile_module, compile_source, compile_workflow_class
from .diagnostics import CODES
from .resolve import ActionInfo, ClassShape, ConstInfo, FieldShape, Hook, MemberInfo, ParamInfo, Resolver, TypeInfo, live_resolver

__all__ = [
    "CODES",
    "ActionInfo",
    "ClassShape",
    "CompileError",
    "CompileResult",
    "ConstInfo",
    "FieldShape",
    "Hook",
    "MemberInfo",
    "ParamInfo",
    "Resolver",
    "TypeInfo",
    "compile_module",
    "compile_source",
    "compile_workflow_class",
    "live_resolver",
]
