"""The golden corpus: the specification shared with the Rust runtime.

- golden/compile/<case>.py → <case>.<Workflow>.rrl (the frontend's output),
  .opt.rrl (after the optimizer) and .dag.json (the canonical DAG, lowered
  from the .opt.rrl text alone).
- golden/errors/<case>.py → <case>.diagnostics.txt (the exact diagnostics).
- golden/run/<case>/case.py → <Workflow>.rrl, .opt.rrl and .dag.json as above,
  and expected.json: run() as plain Python and the compiled program in the
  reference interpreter give this same outcome.

Regenerate with `make golden` and review the diff.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import shutil
import sys
from pathlib import Path

import pytest

import rrl
from rrl.check import check
from rrl.dag import Dag, lower
from rrl.graphviz import render
from rrl.optimize import optimize
from rappel_compiler import compile_source

from golden_files import golden_file
from outcomes import encode_outcome

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "golden"
COMPILE_CASES = sorted((GOLDEN / "compile").glob("*.py"))
ERROR_CASES = sorted((GOLDEN / "errors").glob("*.py"))
RUN_CASES = sorted(p for p in (GOLDEN / "run").iterdir() if (p / "case.py").is_file())


def _relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def module_name(case: Path) -> str:
    """A valid, stable module name for a case (case names start with digits):
    golden/compile/04_x.py → golden_compile_04_x, golden/run/05_y/case.py → golden_run_05_y."""
    if case.name == "case.py":
        return f"golden_{case.parent.parent.name}_{case.parent.name}"
    return f"golden_{case.parent.name}_{case.stem}"


def test_corpus_size():
    assert len(COMPILE_CASES) >= 60
    assert len(ERROR_CASES) >= 15
    assert len(RUN_CASES) >= 25


@pytest.mark.parametrize("case", COMPILE_CASES, ids=lambda p: p.stem)
def test_compile(case: Path, snapshot):
    _assert_compiles(case, lambda workflow: case.with_name(f"{case.stem}.{workflow}"), snapshot)


def _assert_compiles(case: Path, golden_stem, snapshot) -> None:
    """The case compiles cleanly; its RRL, optimized RRL and DAG JSON are the
    golden files `<golden_stem(workflow)>.rrl / .opt.rrl / .dag.json`."""
    source = case.read_text(encoding="utf-8")
    result = compile_source(source, path=_relative(case), module=module_name(case))
    assert not result.diagnostics, rrl.render_all(result.diagnostics, source)
    assert result.programs, "the case declares no workflow"
    for name, program in sorted(result.programs.items()):
        stem = golden_stem(name)
        text = rrl.print_program(program)
        assert rrl.parse(text) == program, "parse(print(program)) must be the program"
        errors = [d for d in check(program) if d.severity == "error"]
        assert not errors, rrl.render_all(errors, text)
        assert text == snapshot(extension_class=golden_file(stem.with_name(f"{stem.name}.rrl")))

        optimized = optimize(program)
        optimized_text = rrl.print_program(optimized)
        assert rrl.parse(optimized_text) == optimized
        assert optimized_text == snapshot(extension_class=golden_file(stem.with_name(f"{stem.name}.opt.rrl")))

        dag = lower(rrl.parse(optimized_text))
        dag_json = dag.to_json()
        assert Dag.from_json(dag_json).to_json() == dag_json
        assert dag_json == snapshot(extension_class=golden_file(stem.with_name(f"{stem.name}.dag.json")))
        _assert_renders(dag)


def _assert_renders(dag: Dag) -> None:
    """Every DAG visualizes: DOT always, SVG where Graphviz's dot is installed."""
    graph = render(dag)
    for node in dag.nodes():
        assert f"\t{node.id} [" in graph.source
    if shutil.which("dot"):
        assert b"<svg" in graph.pipe(format="svg")


@pytest.mark.parametrize("case", ERROR_CASES, ids=lambda p: p.stem)
def test_error(case: Path, snapshot):
    source = case.read_text(encoding="utf-8")
    result = compile_source(source, path=_relative(case), module=module_name(case))
    assert result.diagnostics, "an error case must be rejected"
    text = rrl.render_all(result.diagnostics, source) + "\n"
    assert text == snapshot(extension_class=golden_file(case.with_name(f"{case.stem}.diagnostics.txt")))


def _import_case(case_file: Path):
    name = module_name(case_file)
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, case_file)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _workflow_class(module):
    classes = [
        value
        for value in vars(module).values()
        if isinstance(value, type) and value.__module__ == module.__name__ and "__rappel_original_run__" in value.__dict__
    ]
    assert len(classes) == 1, "a run case has exactly one workflow"
    return classes[0]


async def _outcome(runner, workflow, kwargs) -> dict:
    try:
        return {"result": await runner(workflow, **kwargs)}
    except Exception as exc:  # the workflow's own failure is the outcome
        return {"error": exc}


@pytest.mark.parametrize("case", RUN_CASES, ids=lambda p: p.name)
def test_run_compiles(case: Path, snapshot):
    """What the runtime will load for a run case: <case>/<Workflow>.opt.rrl and its DAG."""
    _assert_compiles(case / "case.py", lambda workflow: case / workflow, snapshot)


@pytest.mark.parametrize("case", RUN_CASES, ids=lambda p: p.name)
async def test_run(case: Path, snapshot):
    from rappel.testing import run_local, run_native

    module = _import_case(case / "case.py")
    workflow = _workflow_class(module)
    # What runs is the golden program: compiled from the live module (its classes read
    # as imported), it declares what the source alone says.
    from rappel._workflow import program_of

    assert rrl.print_program(program_of(workflow)) == (case / f"{workflow.__name__}.rrl").read_text(encoding="utf-8")
    # Each run gets its own copy: a workflow may change its input in place.
    native = encode_outcome(await _outcome(run_native, workflow, copy.deepcopy(module.INPUT)))
    local = encode_outcome(await _outcome(run_local, workflow, copy.deepcopy(module.INPUT)))
    assert local == native, "the compiled program must behave as run() does"
    assert next(iter(json.loads(native))) == module.EXPECTS, native
    assert native == snapshot(extension_class=golden_file(case / "expected.json"))
