"""Every way the CLI can fail on a user's input is a clear message and exit status 1
(diagnostics, errors) or 2 (usage), never a traceback; each file is checked on its
own; `check` never passes a module that would fail to import."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import rappel
from rappel import cli

REPO = Path(__file__).resolve().parents[2]
ERRORS_DOC = (REPO / "docs" / "errors.md").read_text(encoding="utf-8")

IMPORT_HELP = (
    "`rappel check` and `rappel compile` import the module, which runs its top-level code: "
    'fix the error, or move code that must not run on import under `if __name__ == "__main__":`'
)

GOOD = """
from rappel import Workflow, action, workflow


@action
async def double(n: int) -> int:
    return n * 2


@workflow
class Good(Workflow):
    async def run(self, n: int) -> int:
        return await double(n=n)
"""


class Project:
    """Files in a temporary working directory, under module names no other test uses."""

    def __init__(self, root: Path):
        self.root = root
        self.prefix = "clifail_" + re.sub(r"\W", "_", root.name)

    def module(self, name: str) -> str:
        return f"{self.prefix}_{name}"

    def write(self, name: str, text: str, suffix: str = ".py") -> str:
        """Write `<prefix>_<name><suffix>` and return it as given on a command line.
        `{prefix}` in `text` names this project's other modules."""
        filename = f"{self.module(name)}{suffix}"
        (self.root / filename).write_text(textwrap.dedent(text).lstrip("\n").replace("{prefix}", self.prefix))
        return filename


@pytest.fixture
def project(tmp_path, monkeypatch, isolated_registry):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))
    made = Project(tmp_path)
    yield made
    for name in [n for n in sys.modules if n.startswith(made.prefix)]:
        del sys.modules[name]


def run_cli(*argv: str) -> int:
    return cli.main(list(argv))


# ------------------------------------------------------------------ import failures


def test_an_exception_at_import_is_located_in_the_users_code(project, capsys):
    path = project.write("divides", """
        def ratio():
            return 1 / 0


        RATIO = ratio()
    """)
    assert run_cli("check", path) == 1
    assert capsys.readouterr().err == (
        f"error[RPL0251]: could not import {path}: ZeroDivisionError: division by zero\n"
        f" --> {path}:2:12\n"
        "  |\n"
        "2 |     return 1 / 0\n"
        "  |            ^^^^^\n"
        f"  = help: {IMPORT_HELP}\n\n"
    )


def test_a_failure_in_an_imported_module_is_located_there(project, capsys):
    helper = project.write("settings", """
        import os

        TIMEOUT = int(os.environ.get("CLIFAIL_UNSET_VARIABLE", "ten"))
    """)
    path = project.write("uses_settings", "from {prefix}_settings import TIMEOUT\n")
    assert run_cli("check", path) == 1
    err = capsys.readouterr().err
    assert err.startswith(
        f"error[RPL0251]: could not import {path}: ValueError: invalid literal for int() with base 10: 'ten'\n"
        f" --> {helper}:3:11\n"
    )
    assert '3 | TIMEOUT = int(os.environ.get("CLIFAIL_UNSET_VARIABLE", "ten"))' in err


def test_a_syntax_error_in_an_imported_module_is_located_there(project, capsys):
    helper = project.write("broken", "def f(:\n    pass\n")
    path = project.write("imports_broken", "import {prefix}_broken\n")
    assert run_cli("check", path) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error[RPL0253]: could not import {path}: invalid Python syntax: invalid syntax\n --> {helper}:1:7\n")
    assert "1 | def f(:\n  |       ^" in err


def test_exit_and_keyboard_interrupt_at_import(project, capsys):
    path = project.write("exits", "import sys\n\nsys.exit(3)\n")
    assert run_cli("check", path) == 1
    assert capsys.readouterr().err.startswith(f"error[RPL0251]: could not import {path}: SystemExit: 3\n --> {path}:3:1\n")


def test_workflow_on_something_else_is_located_at_the_decorator(project, capsys):
    path = project.write("not_a_workflow", """
        from rappel import workflow


        @workflow
        class Plain:
            async def run(self) -> int:
                return 1
    """)
    assert run_cli("check", path) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error[RPL0251]: could not import {path}: TypeError: @workflow decorates a subclass of rappel.Workflow")
    assert f" --> {path}:4:2\n" in err and "4 | @workflow\n  |  ^^^^^^^^\n" in err


def test_a_broken_workflow_of_an_imported_module_fails_the_import(project, capsys):
    other = project.write("other_flows", """
        import random
        from rappel import Workflow, workflow


        @workflow
        class Dice(Workflow):
            async def run(self) -> float:
                return random.random()
    """)
    path = project.write("imports_flows", "from {prefix}_other_flows import Dice\n")
    assert run_cli("check", path) == 1  # as `import` would: Dice compiles while it is imported
    err = capsys.readouterr().err
    assert "error[RPL0102]: random.random() is not deterministic" in err and f"{other}:8:16" in err


# ------------------------------------------------------------------ errors while decorating


def test_a_bad_run_is_a_located_diagnostic_and_hides_nothing(project, capsys):
    path = project.write("shapes", """
        from rappel import Workflow, workflow


        @workflow
        class Sync(Workflow):
            def run(self) -> None:
                return None


        @workflow
        class Star(Workflow):
            async def run(self, *ids: str) -> None:
                return None


        @workflow
        class Positional(Workflow):
            async def run(self, n: int, /) -> int:
                return n


        @workflow
        class Missing(Workflow):
            pass
    """)
    assert run_cli("check", path) == 1
    err = capsys.readouterr().err
    found = re.findall(r"error\[(RPL\d+)\]: (.*)\n *--> (\S+)", err)
    assert found == [
        ("RPL0229", "Sync.run() must be `async def`", f"{path}:6:9"),
        ("RPL0229", "Star.run() cannot take `*ids`: parameters are passed by name", f"{path}:12:25"),
        ("RPL0229", "Positional.run() cannot take positional-only parameters (`/`): parameters are passed by name", f"{path}:18:33"),
        ("RPL0229", "workflow `Missing` has no `async def run(self, ...)` method", f"{path}:23:7"),
    ]
    assert err.endswith("error: aborting due to 4 previous errors\n")


# ------------------------------------------------------------------ workflows the source hides


@pytest.mark.parametrize(
    "header, decorator",
    [
        ("from rappel import *", "workflow"),
        ("import rappel\nfrom rappel import Workflow\nwf = rappel.workflow", "wf"),
        ("from {prefix}_reexports import *", "workflow"),
        ("from rappel import Workflow, workflow\n\n\ndef register(cls):\n    return workflow(cls)", "register"),
    ],
    ids=["star-import", "alias", "star-import-of-another-module", "wrapper"],
)
def test_check_sees_every_workflow_import_compiles(project, capsys, header, decorator):
    project.write("reexports", "from rappel import Workflow, action, workflow\n")
    path = project.write("hidden", f"""
import time
{header}


@{decorator}
class Clock(Workflow):
    async def run(self) -> float:
        return time.time()
""")
    assert run_cli("check", path) == 1
    err = capsys.readouterr().err
    assert err.startswith("error[RPL0101]: time.time() is not deterministic and cannot run inside a workflow\n")
    assert f"--> {path}:" in err
    # What `check` reports is what the workflow's first use raises.
    project_module = project.module("hidden")
    sys.modules.pop(project_module, None)
    with pytest.raises(rappel.WorkflowCompileError, match=r"RPL0101"):
        __import__(project_module).Clock.visualize()


def test_workflows_defined_inside_a_function_are_checked(project, capsys):
    path = project.write("factory", """
        import os
        from rappel import Workflow, workflow


        def make():
            @workflow
            class Made(Workflow):
                async def run(self) -> str:
                    return os.getenv("HOME")

            return Made


        Made = make()
    """)
    assert run_cli("check", path) == 1
    err = capsys.readouterr().err
    assert err.startswith("error[RPL0103]: os.getenv() is not deterministic")
    assert f"--> {path}:9:20" in err


def test_the_star_import_of_the_sdk_compiles(project, capsys):
    path = project.write("star", GOOD.replace("from rappel import Workflow, action, workflow", "from rappel import *"))
    assert run_cli("check", path) == 0
    assert capsys.readouterr().out == "checked 1 file(s), 1 workflow(s): no errors\n"


def test_the_sdk_star_import_binds_what_the_compiler_assumes():
    from rappel_compiler.dialect import SDK_EXPORTS

    assert SDK_EXPORTS == set(rappel.__all__)


# ------------------------------------------------------------------ several files


def test_each_file_is_checked_on_its_own(project, capsys):
    failing = project.write("fails", "raise RuntimeError('no database in CI')\n")
    good = project.write("good", GOOD)
    sync = project.write("sync", """
        from rappel import Workflow, workflow


        @workflow
        class Sync(Workflow):
            def run(self) -> None:
                return None
    """)
    assert run_cli("check", failing, "missing.py", good, sync) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    err = captured.err
    assert f"error[RPL0251]: could not import {failing}: RuntimeError: no database in CI\n --> {failing}:1:1" in err
    assert "error: missing.py: no such file\n" in err
    assert f"error[RPL0229]: Sync.run() must be `async def`\n --> {sync}:6:9" in err
    assert err.endswith("error: aborting due to 3 previous errors\n")
    assert run_cli("check", good) == 0


# ------------------------------------------------------------------ files


def test_source_files_must_be_utf8(project, capsys):
    path = Path(project.module("latin") + ".py")
    path.write_bytes('# -*- coding: latin-1 -*-\n\nGREETING = "café"\n'.encode("latin-1"))
    flow = Path("flow.rrl")
    flow.write_bytes(b"rrl 1\n\nworkflow W() -> str:\n    return \"\xff\"\n")
    assert run_cli("check", str(path), str(flow)) == 1
    err = capsys.readouterr().err
    assert f"error[RPL0252]: {path} is not valid UTF-8: byte 0xe9 at line 3\n --> {path}:3:16\n" in err
    assert "error[RPL0252]: flow.rrl is not valid UTF-8: byte 0xff at line 4\n --> flow.rrl:4:13\n" in err


def test_a_byte_order_mark_is_not_code(project, capsys):
    path = Path(project.module("bom") + ".py")
    path.write_text("\ufeff" + GOOD, encoding="utf-8")
    assert run_cli("check", str(path)) == 0, capsys.readouterr().err


def test_directories_and_unreadable_files(project, capsys, monkeypatch):
    Path("flows").mkdir()
    assert run_cli("check", "flows") == 2
    assert capsys.readouterr().err == (
        "usage: rappel check [-h] [--no-cache] [-j N] PATH [PATH ...]\n"
        "error: flows is a directory with no .py or .rrl files in it\n"
    )
    secret = Path("secret.rrl")
    secret.write_text("rrl 1\n")

    def denied(self):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", denied)
    assert run_cli("check", str(secret)) == 1
    assert capsys.readouterr().err == "error: cannot read secret.rrl: Permission denied\n"


def test_a_directory_stands_for_the_files_under_it(project, capsys):
    # `rappel compile app/ -o build/ir`, as a CI step writes it.
    app = Path("app")
    (app / "nested").mkdir(parents=True)
    (app / "__pycache__").mkdir()
    (app / ".hidden").mkdir()
    first = project.write("first", GOOD)
    second = project.write("second", GOOD.replace("class Good", "class Other"))
    Path(first).rename(app / first)
    Path(second).rename(app / "nested" / second)
    (app / "__pycache__" / "stale.py").write_text("raise SystemExit('never imported')\n")
    (app / ".hidden" / "skipped.py").write_text("raise SystemExit('never imported')\n")
    (app / "nested" / "__init__.py").write_text("")
    assert run_cli("compile", "app", "-o", "build/ir") == 0, capsys.readouterr().err
    assert sorted(p.name for p in Path("build/ir").iterdir()) == ["Good.rrl", "Other.rrl", "manifest.json"]


def test_fmt_reports_file_problems_like_every_command(project, capsys, monkeypatch):
    Path("flows").mkdir()
    assert run_cli("fmt", "flows") == 2
    assert capsys.readouterr().err.endswith("error: flows is a directory with no .rrl files in it\n")
    latin = Path("latin.rrl")
    latin.write_bytes(b"rrl 1\nconst A = \"caf\xe9\"\n")
    messy = Path("messy.rrl")
    messy.write_text("rrl 1\nconst A=1\n")
    assert run_cli("fmt", str(latin), str(messy)) == 1
    captured = capsys.readouterr()
    assert "error[RPL0252]: latin.rrl is not valid UTF-8: byte 0xe9 at line 2\n --> latin.rrl:2:15\n" in captured.err
    assert captured.out == "reformatted messy.rrl\n"  # each file on its own
    assert latin.read_bytes() == b"rrl 1\nconst A = \"caf\xe9\"\n"
    messy.write_text("rrl 1\nconst A=1\n")

    def refused(self, data):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "write_bytes", refused)
    assert run_cli("fmt", str(messy)) == 1
    assert capsys.readouterr().err == "error: cannot write messy.rrl: Permission denied\n"


# ------------------------------------------------------------------ output paths


def test_compile_output_must_be_a_directory(project, capsys):
    path = project.write("good", GOOD)
    Path("build").write_text("not a directory")
    assert run_cli("compile", path, "-o", "build") == 1
    assert capsys.readouterr().err == (
        "error: cannot write to build: it is a file; -o names the directory that receives "
        "the .rrl files and manifest.json\n"
    )
    assert run_cli("compile", path, "-o", "build/rrl") == 1
    assert "error: cannot write to build/rrl: build is a file;" in capsys.readouterr().err
    assert Path("build").read_text() == "not a directory"


def test_compile_into_an_unwritable_directory(project, capsys, monkeypatch):
    path = project.write("good", GOOD)
    locked = Path("locked")
    locked.mkdir()
    locked.chmod(0o555)
    if os.access(locked, os.W_OK):  # root writes anyway: make the filesystem refuse instead
        real_mkdir = Path.mkdir

        def refuse(self, *args, **kwargs):
            if self.parent == locked:
                raise PermissionError(13, "Permission denied", str(self))
            return real_mkdir(self, *args, **kwargs)

        monkeypatch.setattr(Path, "mkdir", refuse)
    assert run_cli("compile", path, "-o", "locked/out") == 1
    assert capsys.readouterr().err == "error: cannot write to locked/out: Permission denied\n"


def test_compile_onto_an_output_file_that_is_a_directory(project, capsys):
    path = project.write("good", GOOD)
    Path("build/manifest.json").mkdir(parents=True)
    assert run_cli("compile", path, "-o", "build") == 1
    assert capsys.readouterr().err == "error: cannot write to build/manifest.json: Is a directory\n"


def test_visualize_into_a_path_inside_a_file(project, capsys):
    path = project.write("good", GOOD)
    Path("graphs").write_text("")
    assert run_cli("visualize", path, "-o", "graphs/good.dot") == 1
    assert capsys.readouterr().err == "error: cannot write graphs/good.dot: graphs is a file\n"
    Path("good.dot").mkdir()
    assert run_cli("visualize", path, "-o", "good.dot") == 1
    assert capsys.readouterr().err == "error: cannot write good.dot: Is a directory\n"


# ------------------------------------------------------------------ usage


def test_version(capsys):
    assert run_cli("--version") == 0
    assert capsys.readouterr().out == f"rappel {rappel_version()}\n"


def rappel_version() -> str:
    from importlib.metadata import version

    return version("rappel")


@pytest.mark.parametrize(
    "argv, usage, message",
    [
        (["check", "--bogus", "a.py"], "usage: rappel check", "rappel check: error: unrecognized arguments: --bogus"),
        (["compile", "a.py"], "usage: rappel compile", "the following arguments are required: -o/--output-dir"),
        (["check", "notes.txt"], "usage: rappel check", "error: notes.txt: expected .py or .rrl file"),
        (["fmt", "a.rrl", "flow.py"], "usage: rappel fmt", "error: flow.py: expected .rrl file"),
        (["visualize", "a.py", "-o", "a.pdf"], "usage: rappel visualize", "unknown graph format 'pdf'"),
        ([], "usage: rappel [-h] [--version] COMMAND", "the following arguments are required: COMMAND"),
    ],
)
def test_usage_errors_show_the_subcommands_usage(capsys, argv, usage, message):
    assert run_cli(*argv) == 2
    err = capsys.readouterr().err
    assert err.startswith(usage) and message in err


def test_help_says_that_python_files_are_imported(capsys):
    for command in ("check", "compile", "visualize"):
        assert run_cli(command, "--help") == 0
        assert "its top-level code runs" in " ".join(capsys.readouterr().out.split())


# ------------------------------------------------------------------ the documented examples


def _doc_example(code: str) -> tuple[str, str]:
    section = re.search(rf"^### {code} — .*?$(.*?)(?=^##)", ERRORS_DOC, re.S | re.M).group(1)
    sources = re.findall(r"```python\n(.*?)```", section, re.S)
    (expected,) = re.findall(r"```text\n(.*?)\n```", section, re.S)
    return (sources[0] if sources else ""), expected


def test_the_documented_import_failure(project, capsys):
    source, expected = _doc_example("RPL0251")
    Path("app").mkdir()
    Path("app/flows.py").write_text(source)
    sys.modules.pop("flows", None)
    assert run_cli("check", "app/flows.py") == 1
    assert capsys.readouterr().err == expected + "\n\n"
    sys.modules.pop("flows", None)


def test_the_documented_encoding_error(capsys, tmp_path, monkeypatch):
    _, expected = _doc_example("RPL0252")
    monkeypatch.chdir(tmp_path)
    Path("app").mkdir()
    Path("app/flows.py").write_bytes('# -*- coding: latin-1 -*-\n\nGREETING = "café"\n'.encode("latin-1"))
    assert run_cli("check", "app/flows.py") == 1
    assert capsys.readouterr().err == expected + "\n\n"


# ------------------------------------------------------------------ a real process


def test_a_real_run_prints_diagnostics_not_tracebacks(project):
    failing = project.write("fails", "import json\n\nCONFIG = json.loads('{')\n")
    good = project.write("good", GOOD)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run(
        [sys.executable, "-m", "rappel.cli", "check", failing, good, "nowhere.rrl"],
        capture_output=True, text=True, env=env, cwd=project.root, timeout=120,
    )
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert f"error[RPL0251]: could not import {failing}: JSONDecodeError: Expecting property name" in done.stderr
    assert f" --> {failing}:3:10\n" in done.stderr
    assert "error: nowhere.rrl: no such file" in done.stderr
    version = subprocess.run([sys.executable, "-m", "rappel.cli", "--version"], capture_output=True, text=True, env=env, timeout=120)
    assert (version.returncode, version.stdout) == (0, f"rappel {rappel_version()}\n")


def test_a_reader_that_stops_early_ends_the_command_quietly(project):
    good = project.write("good", GOOD)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    # `rappel compile` prints each written file on stdout; a reader that closed its end
    # at once makes every print fail with EPIPE
    command = f"{sys.executable} -m rappel.cli compile {good} -o out | true"
    done = subprocess.run(["bash", "-o", "pipefail", "-c", command], capture_output=True, text=True, env=env, cwd=project.root, timeout=120)
    assert "Traceback" not in done.stderr
    assert "BrokenPipeError" not in done.stderr


# ------------------------------------------------------------------ rappel's own bugs


def test_an_internal_error_is_one_line_naming_it_a_bug(project, monkeypatch, capsys):
    good = project.write("good", GOOD)

    def broken(*args, **kwargs):
        raise AssertionError("an invariant of the compiler does not hold")

    monkeypatch.setattr(cli._toolchain, "compile_module", broken)
    monkeypatch.delenv("RAPPEL_BACKTRACE", raising=False)
    assert run_cli("check", good) == 101
    err = capsys.readouterr().err
    assert err.startswith("error: internal error: AssertionError: an invariant of the compiler does not hold\n")
    assert "bug in rappel" in err and "Traceback" not in err
    monkeypatch.setenv("RAPPEL_BACKTRACE", "1")
    assert run_cli("check", good) == 101
    assert "Traceback (most recent call last)" in capsys.readouterr().err


# ------------------------------------------------------------------ deep and broken input


GENERATED = """
from rappel import Workflow, action, workflow


@action
async def score_of(key: str) -> int:
    return len(key)


@workflow
class Generated(Workflow):
    async def run(self, key: str) -> int:
        score = await score_of(key)
        return {expression}
"""


def test_long_flat_chains_compile_and_deep_nesting_is_a_diagnostic(project, capsys):
    long_sum = project.write("long_sum", GENERATED.replace("{expression}", " + ".join(["score"] * 1000)))
    assert run_cli("compile", long_sum, "-o", "out") == 0
    assert "$t9 = $t8 + score" in next(Path("out").glob("*.rrl")).read_text()
    capsys.readouterr()
    flipped = project.write("flipped", GENERATED.replace("{expression}", "-" * 600 + "score"))
    assert run_cli("check", flipped) == 1
    assert "error[RPL0262]: expression too deep to compile" in capsys.readouterr().err


def test_python_that_python_cannot_parse_for_its_depth(project, capsys):
    deep = project.write("deep", GENERATED.replace("{expression}", " + ".join(["score"] * 20_000)))
    assert run_cli("check", deep) == 1
    err = capsys.readouterr().err
    assert "error[RPL0262]: expression too deep to compile: the module nests too deeply to be parsed" in err
    assert f"--> {deep}:13:1" in err


BAD_DEDENT = "rrl 1\n\nworkflow W(x: int) -> int:\n    if x > 0:\n        x = x - 1\n  return x\n"


@pytest.mark.parametrize("command", [["check"], ["fmt"], ["fmt", "--check"]])
def test_a_bad_dedent_in_rrl_is_rpl0004(project, capsys, command):
    path = project.write("dedent", BAD_DEDENT, suffix=".rrl")
    assert run_cli(*command, path) == 1
    err = capsys.readouterr().err
    assert "error[RPL0004]: this line is dedented to a column where no open block starts" in err
    assert f"--> {path}:6:1" in err
    assert Path(path).read_text() == BAD_DEDENT


def test_rrl_nested_too_deeply_is_rpl0005(project, capsys):
    path = project.write("deep", "rrl 1\n\nworkflow W(x: int) -> int:\n    return " + " + ".join(["x"] * 600) + "\n", suffix=".rrl")
    for command in (["check"], ["fmt"]):
        assert run_cli(*command, path) == 1
        assert "error[RPL0005]: this is nested too deeply: more than 500 levels" in capsys.readouterr().err
