"""The frontend's public API is pinned: the SDK and the CLI build on it."""

from __future__ import annotations

import inspect

import rappel_compiler
import rrl


def test_exports():
    assert sorted(rappel_compiler.__all__) == [
        "ActionInfo",
        "CODES",
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


def test_signatures():
    assert str(inspect.signature(rappel_compiler.compile_source)) == (
        "(source: 'str', *, path: 'str', module: 'str', resolve: 'Resolver | None' = None, "
        "only: 'str | None' = None, is_package: 'bool' = False) -> 'CompileResult'"
    )
    assert list(inspect.signature(rappel_compiler.compile_module).parameters) == ["module", "workflow_classes"]
    assert list(inspect.signature(rappel_compiler.compile_workflow_class).parameters) == ["cls"]
    assert issubclass(rappel_compiler.CompileError, rrl.DiagnosticError)
    assert [f for f in rappel_compiler.ParamInfo.__dataclass_fields__] == ["name", "annotation", "has_default", "default"]
    assert [f for f in rappel_compiler.ActionInfo.__dataclass_fields__] == ["name", "module", "params", "returns"]
    assert [f for f in rappel_compiler.TypeInfo.__dataclass_fields__] == ["module", "name", "kind", "hooks", "encodable", "shape"]
    assert [f for f in rappel_compiler.ClassShape.__dataclass_fields__] == ["bases", "fields", "members", "frozen", "problem", "properties"]
    assert [f for f in rappel_compiler.FieldShape.__dataclass_fields__] == ["name", "annotation", "default"]
    assert [f for f in rappel_compiler.ConstInfo.__dataclass_fields__] == ["value"]
    assert [f for f in rappel_compiler.MemberInfo.__dataclass_fields__] == ["type", "name"]
    assert [f for f in rappel_compiler.Hook.__dataclass_fields__] == ["what", "field"]


def test_the_compiler_does_not_import_the_sdk():
    import subprocess
    import sys

    code = "import sys, rappel_compiler; print('rappel' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "False"
