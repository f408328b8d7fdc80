"""The golden corpus: the specification shared with the Rust runtime.

- golden/compile/<case>.py → <case>.<Workflow>.rrl (the frontend's output),
  .opt.rrl (after the optimizer) and .dag.json (the canonical DAG, lowered
  from the .opt.rrl text alone).
- golden/errors/<case>.py → <case>.diagnostics.txt (the exact diagnostics).
- golden/errors/<case>.rrl → <case>.diagnostics.txt: RRL the parser rejects
  (the Rust parser must reject it the same way: tests/rust/test_differential.py).
- golden/run/<case>/case.py → <Workflow>.rrl, .opt.rrl and .dag.json as above,
  expected.json: run() as plain Python and the compiled program in the
  reference interpreter give this same outcome (as the caller receives it),
  and transcript.json: the interpreter's run recorded (docs/testing.md,
  "Transcripts"), which replays on the golden DAG to its outcome, the one
  the caller receives as expected.json.

Regenerate with `make golden` and review the diff.
"""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

import pytest

import rrl
from rappel._boundary import resolve_class
from rrl import codec
from rrl.check import check
from rrl.dag import Dag, lower
from rrl.graphviz import render
from rrl.interpreter import Machine
from rrl.limits import deep_stack
from rrl.interpreter import encode_outcome as encode_finish
from rrl.optimize import optimize
from rrl.transcript import outcome as transcript_outcome
from rrl.transcript import encode_command, replay
from rappel_compiler import compile_source

from golden_files import golden_file
from outcomes import encode_outcome, laid_out
from run_cases import GOLDEN, ROOT, RUN_CASES, import_case, module_name, workflow_class

COMPILE_CASES = sorted((GOLDEN / "compile").glob("*.py"))
ERROR_CASES = sorted((GOLDEN / "errors").glob("*.py"))
RRL_ERROR_CASES = sorted((GOLDEN / "errors").glob("*.rrl"))


@pytest.fixture(autouse=True, scope="module")
def _call_counts(tmp_path_factory):
    """Run cases that count their calls in files (golden/run/28, 49) count them in
    a directory of this session, never in what an interrupted run left behind."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("RAPPEL_GOLDEN_STATE_DIR", str(tmp_path_factory.mktemp("golden-state")))
        yield


def _relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def test_corpus_size():
    assert len(COMPILE_CASES) >= 60
    assert len(ERROR_CASES) >= 15
    assert len(RUN_CASES) >= 25


@pytest.mark.parametrize("case", COMPILE_CASES, ids=lambda p: p.stem)
def test_compile(case: Path, snapshot):
    _assert_compiles(case, lambda workflow: case.with_name(f"{case.stem}.{workflow}"), snapshot)


@deep_stack  # comparing trees recurses as deep as they nest (case 92)
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


@pytest.mark.parametrize("case", RRL_ERROR_CASES, ids=lambda p: p.stem)
def test_rrl_error(case: Path, snapshot):
    source = case.read_text(encoding="utf-8")
    with pytest.raises(rrl.DiagnosticError) as raised:
        rrl.parse(source, _relative(case))
    text = rrl.render_all(raised.value.diagnostics, source) + "\n"
    assert text == snapshot(extension_class=golden_file(case.with_name(f"{case.stem}.diagnostics.txt")))


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
    from rappel.testing import record_transcript, run_local, run_native

    module = import_case(case / "case.py")
    workflow = workflow_class(module)
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

    transcript = laid_out(await record_transcript(workflow, **copy.deepcopy(module.INPUT)))
    stored = transcript_outcome(json.loads(transcript))
    assert encode_outcome(_received(stored)) == native
    assert transcript == snapshot(extension_class=golden_file(case / "transcript.json"))
    # What `rrl replay` does with the golden files: the machine, given the
    # transcript's completions, issues its commands and ends the same way.
    finish = replay(_golden_dag(case), json.loads(transcript))
    assert encode_finish(finish) == stored


@pytest.mark.parametrize("case", RUN_CASES, ids=lambda p: p.name)
def test_transcript_replays_from_any_saved_state(case: Path):
    """The golden transcript replays on the golden DAG with the machine saved to
    JSON and restored after every completion: its state is data, all of it. Only
    the golden files take part (the case's module is not imported): values are
    read into the classes the program declares."""
    transcript = json.loads((case / "transcript.json").read_text(encoding="utf-8"))
    dag = _golden_dag(case)

    def saved_and_restored(machine: Machine) -> Machine:
        state = json.loads(json.dumps(machine.snapshot()))
        restored = Machine.restore(dag, state)
        assert restored.snapshot() == state
        assert [encode_command(c) for c in restored.outstanding] == [encode_command(c) for c in machine.outstanding]
        return restored

    finish = replay(dag, transcript, between=saved_and_restored)
    assert encode_finish(finish) == transcript_outcome(transcript)


def _received(outcome: dict) -> dict:
    """The outcome a transcript ends with (the program's value, as the runtime
    stores it) as the caller receives it: decoded into the Python classes, so
    pydantic validates a model there (golden run 72: a `float` field the
    workflow set to an int arrives as a float)."""
    return {key: codec.decode(value, resolve_class) for key, value in outcome.items()}


def _golden_dag(case: Path) -> Dag:
    [path] = case.glob("*.dag.json")
    return Dag.from_json(path.read_text(encoding="utf-8"))
