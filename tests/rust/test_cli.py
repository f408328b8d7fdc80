"""The `rrl` command line: exit status, what goes to stdout and stderr, and
that `rrl fmt` and `rrl dag` behave as `rappel fmt` and `rrl.dag` do."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import rrl
from rrl.dag import lower
from rrl.diagnostics import DiagnosticError

sys.path.insert(0, str(Path(__file__).parent))

from support import ROOT, rrl_binary  # noqa: E402

pytestmark = pytest.mark.skipif(shutil.which("cargo") is None, reason="the Rust toolchain (cargo) is not installed")

TWO_WORKFLOWS = """rrl 1

action fetch(id: str) -> dict from app.actions

workflow First(id: str) -> dict:
    first = await fetch(id=id)
    return first

workflow Second(id: str) -> dict:
    r = await fetch(id=id)
    return r
"""


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(rrl_binary()), *args], capture_output=True, text=True, timeout=60)


def test_check_reports_a_syntax_error_with_its_caret(tmp_path):
    path = tmp_path / "bad.rrl"
    path.write_text("rrl 1\n\nworkflow W() -> int:\n    return 1 +\n")
    result = run("check", str(path))
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.startswith(f"error[RPL0001]: unexpected end of line\n --> {path}:4:15\n  |\n4 |     return 1 +\n")
    golden = sorted((ROOT / "golden/run").glob("*/*.opt.rrl"))[0]
    assert run("check", str(golden)).stdout == "checked 1 file(s), 1 workflow(s): no errors\n"


def test_check_tells_a_program_that_imports_its_classes_to_declare_them(tmp_path):
    path = tmp_path / "old.rrl"
    text = "rrl 1\n\nfrom app.models import User\n\nexception Busy(Exception) from app.errors:\n    pass\n"
    path.write_text(text)
    result = run("check", str(path))
    with pytest.raises(DiagnosticError) as python:
        rrl.parse(text, str(path))
    assert result.returncode == 1
    assert result.stderr.startswith(str(python.value) + "\n")
    assert "declares the classes it names instead of importing them" in result.stderr
    body = text.replace("from app.models import User\n", "")
    path.write_text(body)
    with pytest.raises(DiagnosticError) as python:
        rrl.parse(body, str(path))
    assert run("check", str(path)).stderr.startswith(str(python.value) + "\n")
    assert python.value.diagnostics[0].code == "RPL0011"


def test_usage_errors_exit_2(tmp_path):
    (tmp_path / "a.txt").write_text("")
    assert run("check", str(tmp_path / "a.txt")).returncode == 2
    assert run("check", str(tmp_path)).returncode == 2
    assert run("fmt").returncode == 2
    assert run("nonsense").returncode == 2
    assert run("check", str(tmp_path / "missing.rrl")).returncode == 1


def test_fmt_check_shows_a_diff_and_writes_nothing(tmp_path):
    path = tmp_path / "flow.rrl"
    text = "rrl 1\nconst X = ( 1+2 )  # three\n"
    path.write_text(text)
    result = run("fmt", "--check", str(path))
    assert result.returncode == 1
    assert f"-const X = ( 1+2 )  # three\n+\n+const X = 1 + 2  # three\n" in result.stdout
    assert result.stdout.endswith(f"would reformat {path}\n")
    assert path.read_text() == text
    assert run("fmt", str(path)).stdout == f"reformatted {path}\n"
    assert path.read_text() == "rrl 1\n\nconst X = 1 + 2  # three\n"
    assert run("fmt", "--check", str(path)).stdout == "1 file(s) already formatted\n"


def test_dag_names_the_workflow_when_there_are_several(tmp_path):
    path = tmp_path / "two.rrl"
    path.write_text(TWO_WORKFLOWS)
    assert run("dag", str(path)).returncode == 2
    result = run("dag", str(path), "--workflow", "Second")
    assert result.returncode == 0
    assert result.stdout == lower(rrl.parse(TWO_WORKFLOWS), "Second").to_json()
    assert json.loads(result.stdout)["workflow"] == "Second"
    assert run("dag", str(path), "--workflow", "Third").returncode == 2


def replay_case(tmp_path: Path, change=None) -> tuple[Path, Path]:
    """The golden case 05's program, and its transcript (changed by `change`)."""
    case = ROOT / "golden/run/05_gather_return_exceptions"
    transcript = json.loads((case / "transcript.json").read_text(encoding="utf-8"))
    if change is not None:
        change(transcript)
    path = tmp_path / "t.json"
    path.write_text(json.dumps(transcript), encoding="utf-8")
    return case / "ValidateAmountsWorkflow.rrl", path


def test_replay_prints_the_outcome_of_a_transcript_it_reproduces(tmp_path):
    program, transcript = replay_case(tmp_path)
    result = run("replay", str(program), "--transcript", str(transcript))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == json.loads((program.parent / "expected.json").read_text(encoding="utf-8"))


def test_replay_names_the_first_difference_and_its_step(tmp_path):
    def change(transcript):
        transcript["events"][2]["commands"].append({"sleep": {"id": "9", "seconds": {"float": "1.0"}}})

    program, transcript = replay_case(tmp_path, change)
    result = run("replay", str(program), "--transcript", str(transcript))
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr == (
        f"error: {transcript} does not replay on {program} (workflow ValidateAmountsWorkflow)\n"
        '  events[2].commands[0]: the transcript has {"sleep": {"id": "9", "seconds": {"float": "1.0"}}}; the machine issued no more\n'
        '  = step: the commands issued after the completion at events[1], `returned` of "0[0].0", attempt 1\n'
    )


def test_replay_refuses_bad_files_and_usage(tmp_path):
    program, transcript = replay_case(tmp_path)
    missing = run("replay", str(program), "--transcript", str(tmp_path / "nope.json"))
    assert missing.returncode == 1 and missing.stderr == f"error: {tmp_path / 'nope.json'}: no such file\n"
    broken_json = tmp_path / "broken.json"
    broken_json.write_text("{\"events\": [", encoding="utf-8")
    broken = run("replay", str(program), "--transcript", str(broken_json))
    assert broken.returncode == 1 and broken.stderr.startswith(f"error: {broken_json} is not JSON: ")
    bad_program = tmp_path / "bad.rrl"
    bad_program.write_text("rrl 1\n\nworkflow W() -> int:\n    return 1 +\n")
    syntax = run("replay", str(bad_program), "--transcript", str(transcript))
    assert syntax.returncode == 1 and syntax.stderr.startswith("error[RPL0001]: unexpected end of line")
    for args in (
        [str(program)],
        ["--transcript", str(transcript)],
        [str(program), "--transcript"],
        [str(program), "--transcript", str(transcript), "--workflow", "Nope"],
        [str(program), "--transcript", str(transcript), "--verbose"],
        [str(tmp_path), "--transcript", str(transcript)],
    ):
        result = run("replay", *args)
        assert result.returncode == 2 and result.stdout == "", args
        assert result.stderr.startswith("usage: rrl COMMAND"), args
