"""`rappel check` of many files shares them among processes (`-j`, by default
the CPUs it may use), each taking the next file when it is done with one: the
report is the one a single process gives, file by file in the order given.
Each check runs in a fresh process, as from a shell."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

FLOW = textwrap.dedent(
    """
    import os
    import sys
    import time

    from rappel import Workflow, action, workflow

    sys.stderr.write(f"imported {{__name__}} in process {{os.getpid()}}\\n")
    time.sleep(0.2)  # long enough that no process checks every file before another starts


    @action
    async def step_{n}(value: int) -> int:
        return value + {n}


    @workflow
    class Flow{n}(Workflow):
        async def run(self, value: int) -> int:
            result = await step_{n}(value=value)
    {body}
    """
)

BODIES = {
    "clean": "        return result\n",
    "warning": "        return result\n        result = 2\n",
    "error": "        return reslt\n",
    "nondeterministic": "        import time\n        return result + int(time.time())\n",
}


@pytest.fixture
def project(tmp_path: Path) -> list[str]:
    """Ten modules: clean ones, and ones with a warning, errors, a failing import."""
    names = []
    kinds = ["clean", "warning", "error", "clean", "nondeterministic", "clean", "error", "clean", "warning", "clean"]
    for n, kind in enumerate(kinds):
        name = f"flow_{n}_{kind}.py"
        (tmp_path / name).write_text(FLOW.format(n=n, body=BODIES[kind]))
        names.append(name)
    (tmp_path / "flow_10_broken.py").write_text("import no_such_dependency_abc\n")
    return [*names, "flow_10_broken.py"]


def check(directory: Path, *argv: str, cache: Path | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["RAPPEL_CACHE_DIR"] = str(cache) if cache is not None else "off"
    return subprocess.run([sys.executable, "-m", "rappel.cli", "check", *argv], cwd=directory, env=env, capture_output=True, text=True)


IMPORTED = re.compile(r"imported \w+ in process (\d+)\n")


def processes(stderr: str) -> set[str]:
    return set(IMPORTED.findall(stderr))


def test_files_checked_in_several_processes_report_as_one_process_does(project, tmp_path):
    alone = check(tmp_path, "-j", "1", *project)
    shared = check(tmp_path, "-j", "2", *project)
    assert len(processes(alone.stderr)) == 1
    assert len(processes(shared.stderr)) == 2
    assert alone.returncode == shared.returncode == 1
    assert IMPORTED.sub("", shared.stderr) == IMPORTED.sub("", alone.stderr)
    assert shared.stdout == alone.stdout
    report = IMPORTED.sub("", alone.stderr)
    places = [report.index(f"--> {name}") for name in project if "clean" not in name]
    assert places == sorted(places)  # in the order of the files
    assert "error: aborting due to 5 previous errors" in report


def test_few_files_are_checked_in_one_process(project, tmp_path):
    assert len(processes(check(tmp_path, "-j", "4", *project[:7]).stderr)) == 1  # fewer than 4 files a process


def test_the_check_cache_serves_and_learns_from_several_processes(project, tmp_path):
    cache = tmp_path / "cache"
    first = check(tmp_path, "-j", "2", *project, cache=cache)
    assert len(processes(first.stderr)) == 2
    again = check(tmp_path, "-j", "2", *project, cache=cache)  # only the failed import is checked again
    assert processes(again.stderr) == set()
    assert again.returncode == first.returncode == 1
    assert again.stderr == IMPORTED.sub("", first.stderr)


def test_jobs_must_be_a_positive_number(tmp_path):
    for value in ("0", "two"):
        refused = check(tmp_path, "-j", value, "flow.py")
        assert refused.returncode == 2
        assert f"expected a whole number of processes, 1 or more: '{value}'" in refused.stderr


def test_a_process_that_ends_abruptly_is_an_error_not_a_hang(project, tmp_path):
    (tmp_path / "flow_3_clean.py").write_text("import os\nos._exit(3)\n")
    ended = check(tmp_path, "-j", "2", *project)
    assert ended.returncode == 1
    assert "error: a process checking the files ended abruptly" in ended.stderr
    assert "check them with -j 1 to see which" in ended.stderr
