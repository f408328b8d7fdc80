import json
import shutil
import sys
import textwrap
from pathlib import Path

import pytest

import rappel
import rrl

from rappel import cli


REPO = Path(__file__).resolve().parents[2]

WORKFLOW_SOURCE = textwrap.dedent(
    """
    from rappel import Workflow, action, workflow

    @action
    async def {action}(n: int, label: str = "x") -> int:
        return n * 2

    @workflow
    class {workflow}(Workflow):
        async def run(self, n: int) -> int:
            doubled = await {action}(n=n)
            return doubled
    """
)

RRL_TEMPLATE = textwrap.dedent(
    """
    rrl 1

    action {action}(n: int, label: str = "x") -> int from {module}

    workflow {workflow}(n: int) -> int:
        doubled = await {action}(n=n)
        return doubled
    """
).lstrip()


@pytest.fixture
def workflow_file(tmp_path, monkeypatch, isolated_registry):
    """A workflow module on disk (unique names per test) and its RRL program."""
    stem = f"cli_case_{tmp_path.name.replace('-', '_')}"
    names = {"action": f"{stem}_double", "workflow": "Doubler", "module": stem}
    path = tmp_path / f"{stem}.py"
    path.write_text(WORKFLOW_SOURCE.format(**names))
    monkeypatch.delitem(sys.modules, stem, raising=False)
    program = rrl.parse(RRL_TEMPLATE.format(**names), "<expected>")
    return path, names, program


def run_cli(*argv: str) -> int:
    return cli.main(list(argv))


def test_usage_errors_exit_2(capsys):
    assert run_cli() == 2
    assert run_cli("compile", "app.py") == 2  # -o is required
    assert "required" in capsys.readouterr().err
    assert run_cli("fmt", "notes.txt") == 2
    assert "expected .rrl file" in capsys.readouterr().err


def test_fmt_checks_every_path_before_it_writes(tmp_path, capsys):
    messy = tmp_path / "messy.rrl"
    messy.write_text("rrl 1\nconst A=1\n")
    assert run_cli("fmt", str(messy), "notes.txt") == 2
    assert "notes.txt: expected .rrl file" in capsys.readouterr().err
    assert messy.read_text() == "rrl 1\nconst A=1\n"


def test_import_failures_point_at_the_failing_line(tmp_path, capsys):
    app = tmp_path / "app"
    app.mkdir()
    (app / "workflows.py").write_text("import no_such_dependency_abc\n")
    assert run_cli("check", str(app / "workflows.py")) == 1
    err = capsys.readouterr().err
    assert err == (
        f"error[RPL0251]: could not import {app / 'workflows.py'}: "
        "ModuleNotFoundError: No module named 'no_such_dependency_abc'\n"
        f" --> {app / 'workflows.py'}:1:1\n"
        "  |\n"
        "1 | import no_such_dependency_abc\n"
        "  | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
        "  = help: is `no_such_dependency_abc` installed in the environment rappel runs in? "
        "`rappel check` and `rappel compile` import the module, which runs its top-level code: "
        'fix the error, or move code that must not run on import under `if __name__ == "__main__":`\n\n'
    )


def test_missing_files_are_errors(capsys):
    assert run_cli("fmt", "does/not/exist.rrl") == 1
    assert "does/not/exist.rrl: no such file" in capsys.readouterr().err


def test_package_modules_are_imported_by_dotted_name(tmp_path, monkeypatch, capsys):
    package = tmp_path / "shop_pkg_cli"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "helpers.py").write_text("VALUE = 1\n")
    (package / "flows.py").write_text("from .helpers import VALUE\n")
    for name in ("shop_pkg_cli", "shop_pkg_cli.helpers", "shop_pkg_cli.flows"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    monkeypatch.setattr(sys, "path", list(sys.path))
    assert run_cli("check", str(package / "flows.py")) == 0
    assert sys.modules["shop_pkg_cli.flows"].VALUE == 1


def test_a_mistake_in_a_helper_of_another_module_points_into_its_file(tmp_path, monkeypatch, capsys, isolated_registry):
    package = tmp_path / "shop_pkg_helpers"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "text.py").write_text("import time\n\n\ndef stamp(s: str) -> str:\n    return s + str(time.time())\n")
    (package / "flows.py").write_text(
        "from rappel import Workflow, workflow\n\nfrom .text import stamp\n\n\n@workflow\nclass Stamped(Workflow):\n"
        "    async def run(self, s: str) -> str:\n        return stamp(s)\n"
    )
    for name in ("shop_pkg_helpers", "shop_pkg_helpers.text", "shop_pkg_helpers.flows"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    monkeypatch.setattr(sys, "path", list(sys.path))
    monkeypatch.chdir(tmp_path)
    assert run_cli("check", "shop_pkg_helpers/flows.py") == 1
    err = capsys.readouterr().err
    assert "time.time() is not deterministic" in err
    assert "--> shop_pkg_helpers/text.py:5:20" in err
    assert "5 |     return s + str(time.time())" in err


def test_compile_writes_rrl_and_manifest(workflow_file, tmp_path, capsys):
    path, names, program = workflow_file
    out = tmp_path / "build"
    assert run_cli("compile", str(path), "-o", str(out)) == 0
    assert capsys.readouterr().out == f"compiled 1 workflow(s) to {out}\n"

    text = (out / "Doubler.rrl").read_text()
    assert text == rrl.print_program(program)
    manifest = json.loads((out / "manifest.json").read_text())
    import hashlib

    assert manifest == {
        "version": 1,
        "workflows": {
            "Doubler": {
                "source": path.as_posix(),
                "rrl": "Doubler.rrl",
                "sha256": hashlib.sha256(text.encode()).hexdigest(),
                "source_sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
                "actions": [
                    {
                        "name": names["action"],
                        "module": names["module"],
                        "function": names["action"],
                        "parameters": [
                            {"name": "n", "type": "int", "has_default": False},
                            {"name": "label", "type": "str", "has_default": True, "default": '"x"'},
                        ],
                        "returns": "int",
                    }
                ],
            }
        },
    }


def test_the_client_uses_prebuilt_ir_whose_source_hash_matches(workflow_file, tmp_path, monkeypatch):
    from rappel._durable import rrl_text

    path, names, _ = workflow_file
    out = tmp_path / "build"
    assert run_cli("compile", str(path), "-o", str(out)) == 0
    doubler = sys.modules[names["module"]].Doubler
    monkeypatch.delenv("RAPPEL_IR_DIR", raising=False)
    compiled = rrl_text(doubler)
    assert compiled == (out / "Doubler.rrl").read_text()  # one program, one version

    # Marked, to tell the prebuilt text from a compiled one.
    prebuilt = compiled + "# prebuilt\n"
    (out / "Doubler.rrl").write_text(prebuilt)
    monkeypatch.setenv("RAPPEL_IR_DIR", str(out))
    assert rrl_text(doubler) == prebuilt

    # Another source than the one compiled in CI: compile, never run a stale artifact.
    path.write_text(path.read_text() + "\n# edited\n")
    del doubler.__rappel_rrl__
    assert rrl_text(doubler) == compiled

    (out / "manifest.json").unlink()
    del doubler.__rappel_rrl__
    with pytest.raises(rappel.ConfigError, match=f"RAPPEL_IR_DIR='{out}' has no readable manifest.json"):
        rrl_text(doubler)


def test_a_workflow_with_matching_prebuilt_ir_is_never_compiled(workflow_file, tmp_path, monkeypatch):
    import importlib

    from rappel._durable import rrl_text

    path, names, _ = workflow_file
    out = tmp_path / "build"
    assert run_cli("compile", str(path), "-o", str(out)) == 0

    def reimport():
        monkeypatch.delitem(sys.modules, names["module"])
        return importlib.import_module(names["module"]).Doubler

    monkeypatch.setenv("RAPPEL_IR_DIR", str(out))
    doubler = reimport()
    assert doubler.__dict__["__rappel_program__"] is None  # @workflow compiles on first use
    assert rrl_text(doubler) == (out / "Doubler.rrl").read_text()
    assert doubler.__dict__["__rappel_program__"] is None  # still: the prebuilt text served

    monkeypatch.delenv("RAPPEL_IR_DIR")
    doubler = reimport()
    assert rrl_text(doubler) == (out / "Doubler.rrl").read_text()
    assert doubler.__dict__["__rappel_program__"] is not None  # compiled for that first use


def _write_workflow(workflow_file, body: str, header: str = "") -> Path:
    path, names, _ = workflow_file
    source = WORKFLOW_SOURCE.format(**names)
    old = "        doubled = await {action}(n=n)\n        return doubled\n".format(**names)
    assert old in source
    source = source.replace(old, body)
    path.write_text(header + source)
    return path


def test_compile_reports_every_diagnostic_and_writes_nothing(workflow_file, tmp_path, capsys):
    path = _write_workflow(workflow_file, "        t = time.time()\n        print(t)\n        return n\n", "import time\n")
    out = tmp_path / "build"
    assert run_cli("compile", str(path), "-o", str(out)) == 1
    assert not out.exists()
    err = capsys.readouterr().err
    assert f"error[RPL0101]: time.time() is not deterministic and cannot run inside a workflow\n  --> {path}:12:13\n" in err
    assert "t = time.time()" in err and "^^^^^^^^^^^" in err
    assert "= help: move it into an @action and await that action" in err
    assert f"error[RPL0105]: print() performs I/O and cannot run inside a workflow\n  --> {path}:13:9\n" in err
    assert err.endswith("error: aborting due to 2 previous errors\n")


def test_warnings_alone_do_not_fail(workflow_file, capsys):
    path = _write_workflow(workflow_file, "        return n\n        n = 2\n")
    assert run_cli("check", str(path)) == 0
    captured = capsys.readouterr()
    assert captured.err.count("warning[RPL0310]: unreachable code after `return`") == 1  # compiling checked it already
    assert captured.out == "checked 1 file(s), 1 workflow(s): no errors\n"


def test_python_warnings_are_located_once(workflow_file, capsys):
    # `1if` is warned of by Python's parser (the compiler's parse, then the import's),
    # `n is 1` only when the import compiles the module: each is shown once, located.
    path = _write_workflow(workflow_file, "        flag = n is 1\n        return 1if flag else 2\n")
    assert run_cli("check", str(path)) == 1  # `is` with a literal is refused in a workflow
    err = capsys.readouterr().err
    assert "SyntaxWarning" not in err and "<module>" not in err
    assert err.count("warning[RPL0265]: Python warns: invalid decimal literal\n") == 1
    assert f"  --> {path}:12:9\n" in err
    assert err.count('warning[RPL0265]: Python warns: "is" with a literal. Did you mean "=="?\n') == 1


def test_python_syntax_errors_point_into_the_file(workflow_file, capsys):
    path = _write_workflow(workflow_file, "        return n +\n")
    assert run_cli("check", str(path)) == 1
    assert capsys.readouterr().err == (
        "error[RPL0253]: invalid Python syntax: invalid syntax\n"
        f"  --> {path}:11:19\n"
        "   |\n"
        "11 |         return n +\n"
        "   |                   ^\n"
        "   = help: fix the syntax error; the module must be valid Python\n\n"
    )


def test_errors_fail_check(workflow_file, capsys):
    path = _write_workflow(workflow_file, "        return y\n")
    assert run_cli("check", str(path)) == 1
    assert f"--> {path}:11:16" in capsys.readouterr().err


def test_visualize_writes_dot(workflow_file, tmp_path, capsys):
    path, names, _ = workflow_file
    out = tmp_path / "graphs" / "doubler.dot"
    assert run_cli("visualize", str(path), "--workflow", "Doubler", "-o", str(out)) == 0
    assert names["action"] in out.read_text()
    assert run_cli("visualize", str(path), "-o", str(out)) == 0  # one workflow: no --workflow needed
    assert run_cli("visualize", str(path), "--workflow", "Nope", "-o", str(out)) == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: rappel visualize")
    assert "has no workflow named 'Nope' (found: Doubler)" in err
    assert run_cli("visualize", str(path), "-o", str(tmp_path / "graph.pdf")) == 2


def test_fmt_rewrites_and_checks(tmp_path, capsys):
    messy = tmp_path / "messy.rrl"
    messy.write_text("rrl 1\nworkflow W(n: int) -> int:  # doubles\n    return   n+1  # one more\n")
    assert run_cli("fmt", "--check", str(messy)) == 1
    assert capsys.readouterr().out == (
        f"--- {messy}\n"
        f"+++ {messy} (formatted)\n"
        "@@ -1,3 +1,4 @@\n"
        " rrl 1\n"
        "+\n"
        " workflow W(n: int) -> int:  # doubles\n"
        "-    return   n+1  # one more\n"
        "+    return n + 1  # one more\n"
        f"would reformat {messy}\n"
    )
    assert "return   n+1" in messy.read_text()  # --check writes nothing
    assert run_cli("fmt", str(messy)) == 0
    assert capsys.readouterr().out == f"reformatted {messy}\n"
    assert messy.read_text() == "rrl 1\n\nworkflow W(n: int) -> int:  # doubles\n    return n + 1  # one more\n"
    assert run_cli("fmt", "--check", str(messy)) == 0
    assert capsys.readouterr().out == "1 file(s) already formatted\n"


def test_fmt_normalises_line_endings_and_the_final_newline(tmp_path, capsys):
    crlf = tmp_path / "crlf.rrl"
    crlf.write_bytes(b"rrl 1\r\n\r\nworkflow W() -> int:\r\n    return 1  # one\r\n")
    unterminated = tmp_path / "unterminated.rrl"
    unterminated.write_bytes(b"rrl 1\n\nworkflow W() -> int:\n    return 1")
    assert run_cli("fmt", "--check", str(crlf), str(unterminated)) == 1
    assert capsys.readouterr().out == (
        f"--- {crlf}\n+++ {crlf} (formatted, CRLF -> LF)\nwould reformat {crlf}\n"
        f"--- {unterminated}\n+++ {unterminated} (formatted)\n@@ -1,4 +1,4 @@\n rrl 1\n \n workflow W() -> int:\n"
        "-    return 1\n\\ No newline at end of file\n+    return 1\n"
        f"would reformat {unterminated}\n"
    )
    assert run_cli("fmt", str(crlf), str(unterminated)) == 0
    assert crlf.read_bytes() == b"rrl 1\n\nworkflow W() -> int:\n    return 1  # one\n"
    assert unterminated.read_bytes() == b"rrl 1\n\nworkflow W() -> int:\n    return 1\n"


def test_fmt_leaves_a_file_that_does_not_parse_as_it_is(tmp_path, capsys):
    broken = tmp_path / "broken.rrl"
    broken.write_text("rrl 1\n# keep me\nworkflow X( -> int:\n")
    good = tmp_path / "good.rrl"
    good.write_text("rrl 1\nconst A=1\n")
    assert run_cli("fmt", str(broken), str(good)) == 1
    assert broken.read_text() == "rrl 1\n# keep me\nworkflow X( -> int:\n"
    assert good.read_text() == "rrl 1\n\nconst A = 1\n"  # the other files are formatted
    assert f"--> {broken}:3:11" in capsys.readouterr().err


def test_fmt_reports_syntax_errors_plainly_when_piped(tmp_path, capsys):
    broken = tmp_path / "broken.rrl"
    broken.write_text("rrl 1\nworkflow X( -> int:\n")
    assert run_cli("fmt", str(broken)) == 1
    err = capsys.readouterr().err
    assert err.startswith("error[RPL0001]: `(` opened at 2:11 is never closed\n")
    assert f"--> {broken}:2:11" in err
    assert "\x1b[" not in err  # no colour codes outside a terminal


def test_terminal_output_is_styled():
    rendered = "error[RPL0101]: bad\n --> a.py:1:1\n  |\n1 | x\n  | ^\n  = help: h"
    text = cli._styled(rendered, "error")
    styles = {str(span.style) for span in text.spans}
    assert "bold red" in styles and "bold blue" in styles and "bold cyan" in styles


# ------------------------------------------------------------------ real toolchain

HAND_WRITTEN = "rrl 1\n\naction double(n: int) -> int from app.actions\n\nworkflow Doubler(n: int) -> int:\n    x = await double(n=n)\n    return x\n"


def test_check_rrl_files(tmp_path, capsys):
    good = tmp_path / "good.rrl"
    good.write_text(HAND_WRITTEN)
    bad = tmp_path / "bad.rrl"
    bad.write_text(HAND_WRITTEN.replace("return x", "return y"))
    assert run_cli("check", str(good)) == 0
    assert capsys.readouterr().out == "checked 1 file(s), 1 workflow(s): no errors\n"
    assert run_cli("check", str(good), str(bad)) == 1
    err = capsys.readouterr().err
    assert f"--> {bad}:7:12" in err and "    return y" in err


def test_visualize_rrl_files(tmp_path):
    source = tmp_path / "flows.rrl"
    source.write_text(HAND_WRITTEN + HAND_WRITTEN.split("\n\n", 2)[2].replace("Doubler", "Other"))
    out = tmp_path / "doubler.dot"
    assert run_cli("visualize", str(source), "-o", str(out)) == 2  # two workflows: which one?
    assert run_cli("visualize", str(source), "--workflow", "Doubler", "-o", str(out)) == 0
    assert out.read_text().startswith("digraph")


def test_compile_the_example_end_to_end(tmp_path, capsys):
    example = REPO / "examples" / "welcome_email.py"
    out = tmp_path / "build"
    assert run_cli("compile", str(example), "-o", str(out)) == 0, capsys.readouterr().err
    manifest = json.loads((out / "manifest.json").read_text())
    entry = manifest["workflows"]["WelcomeEmailWorkflow"]
    actions = {a["name"]: a for a in entry["actions"]}
    assert actions["fetch_users"]["parameters"] == [
        {"name": "user_ids", "type": "list[str]", "has_default": False}
    ]
    assert actions["send_email"]["returns"] == "EmailResult"
    assert run_cli("check", str(out / "WelcomeEmailWorkflow.rrl")) == 0
    assert run_cli("fmt", "--check", str(out / "WelcomeEmailWorkflow.rrl")) == 0
    dot = tmp_path / "welcome.dot"
    assert run_cli("visualize", str(example), "--workflow", "WelcomeEmailWorkflow", "-o", str(dot)) == 0
    assert dot.read_text().startswith("digraph")
    if shutil.which("dot"):
        svg = tmp_path / "welcome.svg"
        assert run_cli("visualize", str(out / "WelcomeEmailWorkflow.rrl"), "-o", str(svg)) == 0
        assert "<svg" in svg.read_text()


def test_files_whose_module_name_is_not_an_identifier_are_refused(tmp_path, capsys):
    path = tmp_path / "60_orders.py"
    path.write_text("VALUE = 1\n")
    assert run_cli("check", str(path)) == 1
    assert f"could not import {path}: '60_orders' is not a Python module name" in capsys.readouterr().err


def test_explain_prints_the_section_of_a_code(capsys):
    assert run_cli("explain", "RPL0223") == 0
    out = capsys.readouterr().out
    assert out.startswith("### RPL0223 — a name that is not defined\n")
    assert "error[RPL0223]: name `offset` is not defined" in out
    assert "RPL0224" not in out  # the next section is left out
    # the code may be written in lower case, or as its number alone
    for spelling in ("rpl0223", "0223", "223"):
        assert run_cli("explain", spelling) == 0
        assert capsys.readouterr().out == out


def test_explain_knows_every_code_the_toolchain_reports(capsys):
    from rappel._explain import errors_page, sections
    from rappel_compiler import CODES

    documented = sections(errors_page())
    assert set(CODES) <= set(documented)
    for code, section in documented.items():
        assert section.startswith(f"### {code} — ")
        assert "\n## " not in section and "\n### " not in section


def test_explain_prints_a_page_for_every_code_in_the_sources(capsys):
    """Every code the Python toolchain or the Rust runtime can report (a literal
    `RPLnnnn` anywhere in their sources, retired and import codes included) has a
    page that `rappel explain` prints."""
    import re

    sources = [*(REPO / "compiler").rglob("*.py"), *(REPO / "language").rglob("*.py"), *(REPO / "sdk").rglob("*.py"),
               *(REPO / "runtime-rs").glob("*/src/**/*.rs")]
    codes = {code for path in sources for code in re.findall(r"\bRPL\d{4}\b", path.read_text(encoding="utf-8"))}
    assert len(codes) > 80
    for code in sorted(codes):
        assert run_cli("explain", code) == 0, code
        assert capsys.readouterr().out.startswith(f"### {code} — "), code


def test_explain_refuses_unknown_codes_naming_the_nearest(capsys):
    assert run_cli("explain", "RPL0299") == 1
    assert capsys.readouterr().err == (
        "error: RPL0299 is not a rappel error code; the nearest documented codes are "
        "RPL0301, RPL0302, RPL0303 (every code is listed in docs/errors.md)\n"
    )
    assert run_cli("explain", "E0425") == 1
    assert "`E0425` is not an error code: codes look like RPL0223" in capsys.readouterr().err


def test_the_error_reference_ships_in_the_package():
    import tomllib

    config = tomllib.loads((REPO / "pyproject.toml").read_text())
    assert "errors.md" in config["tool"]["setuptools"]["package-data"]["rappel"]
    shipped = REPO / "sdk" / "rappel" / "errors.md"
    assert shipped.read_text() == (REPO / "docs" / "errors.md").read_text()
