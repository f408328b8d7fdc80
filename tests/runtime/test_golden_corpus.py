"""golden_corpus, the workers' module of the golden suite: one module serves every
run case, and a corpus that could not be served by one is refused by name."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import golden_corpus
from run_cases import RUN_CASES, declared_actions, module_name


def test_every_case_is_served_under_its_program_module() -> None:
    assert set(golden_corpus.CASES) == {case.name for case in RUN_CASES}
    for case in RUN_CASES:
        assert golden_corpus.CASES[case.name].__name__ == module_name(case / "case.py")


def _copy_case(source: Path, target: Path) -> Path:
    shutil.copytree(source, target)
    return target


def test_two_cases_declaring_one_action_are_refused(tmp_path: Path) -> None:
    first = RUN_CASES[0]
    second = _copy_case(RUN_CASES[1], tmp_path / "run" / "98_same_action")
    [dag_file] = second.glob("*.dag.json")
    dag = json.loads(dag_file.read_text())
    (module, name), *_ = sorted(declared_actions(first))
    dag["actions"] = {name: {**next(iter(dag["actions"].values())), "module": module}}
    dag_file.write_text(json.dumps(dag))
    with pytest.raises(golden_corpus.CorpusError, match=rf"golden/run/{first.name} and golden/run/98_same_action both declare the action {module}:{name}"):
        golden_corpus.load([first, second])


def test_an_action_no_case_registers_is_refused(tmp_path: Path) -> None:
    case = _copy_case(RUN_CASES[0], tmp_path / "run" / "99_missing")
    [dag_file] = case.glob("*.dag.json")
    dag = json.loads(dag_file.read_text())
    dag["actions"]["never_defined"] = {**next(iter(dag["actions"].values())), "module": "golden_run_99_missing"}
    dag_file.write_text(json.dumps(dag))
    with pytest.raises(golden_corpus.CorpusError, match=r"golden_run_99_missing:never_defined \(golden/run/99_missing\)"):
        golden_corpus.load([case])
