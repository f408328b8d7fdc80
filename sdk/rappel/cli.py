"""The `rappel` command line: compile, check, visualize and format workflows.

Exit status: 0 when clean, 1 when there are diagnostics or errors, 2 on usage errors.
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import json
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.text import Text

from . import _toolchain
from ._actions import lookup_action
from ._errors import RappelError
from ._loader import import_python_file
from ._visualize import FORMATS, graph_format, write_graph

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2
MANIFEST_VERSION = 1


class UsageError(Exception):
    """A mistake in how the command was called (exit status 2)."""


# ------------------------------------------------------------------ output


class Output:
    """Diagnostics and errors go to stderr: styled with rich on a terminal, plain text
    when piped (CI logs, editors). Results go to stdout."""

    def __init__(self) -> None:
        self.console = Console(stderr=True, highlight=False, soft_wrap=True)
        self.errors_reported = 0

    def diagnostic(self, diagnostic: Any, source: str | None) -> None:
        rendered = _toolchain.render_diagnostic(diagnostic, source)
        self.errors_reported += _toolchain.is_error(diagnostic)
        if self.console.is_terminal:
            self.console.print(_styled(rendered, getattr(diagnostic, "severity", "error")))
            self.console.print()
        else:
            sys.stderr.write(rendered + "\n\n")

    def error(self, message: str) -> None:
        if self.console.is_terminal:
            self.console.print(Text.assemble(("error", "bold red"), f": {message}"))
        else:
            sys.stderr.write(f"error: {message}\n")

    def info(self, message: str) -> None:
        print(message)


def _styled(rendered: str, severity: str) -> Text:
    color = "yellow" if severity == "warning" else "red"
    text = Text(rendered)
    text.highlight_regex(r"(?m)^(error|warning)(\[\w+\])?: .*$", "bold")
    text.highlight_regex(r"(?m)^(error|warning)(\[\w+\])?", f"bold {color}")
    text.highlight_regex(r"(?m)^\s*-->|^\s*\d*\s\|", "bold blue")
    text.highlight_regex(r"(?m)\^+\s*$", f"bold {color}")
    text.highlight_regex(r"(?m)^\s*= help", "bold cyan")
    return text


# ------------------------------------------------------------------ sources


@dataclass
class SourceFile:
    """One input file and what the toolchain made of it."""

    path: Path
    display: str
    text: str = ""
    programs: dict[str, Any] = field(default_factory=dict)  # workflow name -> Program
    diagnostics: list[Any] = field(default_factory=list)
    parsed: Any = None  # the whole program of an .rrl file

    @property
    def failed(self) -> bool:
        return any(_toolchain.is_error(d) for d in self.diagnostics)


def _read(path: Path, display: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RappelError(f"{display}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RappelError(f"cannot read {display}: {exc}") from None


def load(display: str, *, allowed: Sequence[str], run_checker: bool = True) -> SourceFile:
    """Compile a .py file or parse an .rrl file, collecting every diagnostic."""
    path = Path(display)
    suffix = path.suffix
    if suffix not in allowed:
        raise UsageError(f"{display}: expected {' or '.join(allowed)} file")
    source = SourceFile(path, display, _read(path, display))
    if suffix == ".py":
        source.diagnostics = _toolchain.syntax_diagnostics(source.text, display)
        if source.diagnostics:
            return source  # importing it would only say the same, without the caret
        module = import_python_file(path, display)
        compiled = _toolchain.compile_module(module)
        source.programs = compiled.programs
        source.diagnostics = list(compiled.diagnostics)
    else:
        source.parsed, source.diagnostics = _toolchain.parse(source.text, display)
        if source.parsed is not None:
            source.programs = {w.name: source.parsed for w in source.parsed.workflows}
    if run_checker and not source.failed:
        programs = [source.parsed] if source.parsed is not None else source.programs.values()
        for program in _unique(programs):
            source.diagnostics.extend(_toolchain.check(program))
    source.diagnostics = [_toolchain.with_path(d, display) for d in source.diagnostics]
    return source


def _unique(programs: Iterable[Any]) -> list[Any]:
    seen: dict[int, Any] = {}
    for program in programs:
        seen.setdefault(id(program), program)
    return list(seen.values())


def report(output: Output, source: SourceFile) -> None:
    for diagnostic in source.diagnostics:
        path = getattr(diagnostic, "path", None)
        text = source.text if path in (None, source.display) else _other_source(path)
        output.diagnostic(diagnostic, text)


def _other_source(path: str) -> str | None:
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


# ------------------------------------------------------------------ commands


def cmd_compile(args: argparse.Namespace, output: Output) -> int:
    sources = [load(p, allowed=(".py",)) for p in args.paths]
    for source in sources:
        report(output, source)
    if any(source.failed for source in sources):
        return EXIT_ERRORS

    artifacts: dict[str, tuple[SourceFile, Any, str]] = {}
    for source in sources:
        for name, program in source.programs.items():
            if name in artifacts:
                raise RappelError(
                    f"workflow {name} is defined in both {artifacts[name][0].display} "
                    f"and {source.display}; workflow names must be unique"
                )
            optimized = _toolchain.optimize(program)
            artifacts[name] = (source, optimized, _toolchain.print_program(optimized))

    out_dir = Path(args.output_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    manifest: dict[str, Any] = {"version": MANIFEST_VERSION, "workflows": {}}
    for name in sorted(artifacts):
        source, program, text = artifacts[name]
        (out_dir / f"{name}.rrl").write_text(text, encoding="utf-8")
        manifest["workflows"][name] = {
            "source": source.path.as_posix(),
            "rrl": f"{name}.rrl",
            "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
            "actions": [_action_manifest(decl) for decl in program.actions],
        }
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    output.info(f"compiled {len(artifacts)} workflow(s) to {out_dir}")
    return EXIT_OK


def _action_manifest(decl: Any) -> dict[str, Any]:
    """An action the program calls: its RRL signature (what the runtime sends)
    and the Python function the workers will run."""
    from rrl.printer import print_expr, print_type

    return {
        "name": decl.name,
        "module": decl.module,
        "function": lookup_action(decl.name, decl.module).qualname,
        "parameters": [
            {
                "name": p.name,
                "type": print_type(p.type),
                "has_default": p.default is not None,
                **({"default": print_expr(p.default)} if p.default is not None else {}),
            }
            for p in decl.params
        ],
        "returns": print_type(decl.returns),
    }


def cmd_check(args: argparse.Namespace, output: Output) -> int:
    sources = [load(p, allowed=(".py", ".rrl")) for p in args.paths]
    for source in sources:
        report(output, source)
    failed = [s for s in sources if s.failed]
    if failed:
        return EXIT_ERRORS
    workflows = sum(len(s.programs) for s in sources)
    output.info(f"checked {len(sources)} file(s), {workflows} workflow(s): no errors")
    return EXIT_OK


def cmd_visualize(args: argparse.Namespace, output: Output) -> int:
    out_path = Path(args.output)
    try:
        graph_format(out_path)
    except RappelError as exc:
        raise UsageError(str(exc)) from None
    source = load(args.path, allowed=(".py", ".rrl"))
    report(output, source)
    if source.failed:
        return EXIT_ERRORS
    names = sorted(source.programs)
    if args.workflow is None:
        if len(names) != 1:
            raise UsageError(
                f"{source.display} defines {len(names)} workflows; choose one with "
                f"--workflow ({', '.join(names) or 'none found'})"
            )
        name = names[0]
    elif args.workflow in source.programs:
        name = args.workflow
    else:
        raise RappelError(
            f"{source.display} has no workflow named {args.workflow!r} "
            f"(found: {', '.join(names) or 'none'})"
        )
    dag = _toolchain.executable_dag(source.programs[name], name)
    write_graph(_toolchain.render_graph(dag), out_path)
    output.info(f"wrote {out_path}")
    return EXIT_OK


def cmd_fmt(args: argparse.Namespace, output: Output) -> int:
    """Format each file in place (layout only: comments and what is written stay);
    with --check, write nothing and show the diff of each file that would change."""
    for display in args.files:  # before any file is touched
        if Path(display).suffix != ".rrl":
            raise UsageError(f"{display}: expected .rrl file")
    changed, failed = [], False
    for display in args.files:
        path = Path(display)
        try:
            text = _read_exactly(path, display)
            formatted, diagnostics = _toolchain.format_source(text, display)
        except RappelError as exc:
            output.error(str(exc))
            failed = True
            continue
        if diagnostics:  # the file is left as it is
            report(output, SourceFile(path, display, text, diagnostics=diagnostics))
            failed = True
            continue
        if formatted == text:
            continue
        changed.append(display)
        if args.check:
            output.info(_format_diff(display, text, formatted) + f"would reformat {display}")
        else:
            path.write_bytes(formatted.encode("utf-8"))
            output.info(f"reformatted {display}")
    if failed or (args.check and changed):
        return EXIT_ERRORS
    if not changed:
        output.info(f"{len(args.files)} file(s) already formatted")
    return EXIT_OK


def _read_exactly(path: Path, display: str) -> str:
    """The file's text with its line endings as they are (`\r\n` included)."""
    try:
        return path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise RappelError(f"{display}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RappelError(f"cannot read {display}: {exc}") from None


def _format_diff(display: str, text: str, formatted: str) -> str:
    """A unified diff from the file to its formatted text. Line endings are
    compared apart: a file with `\r\n` says so in the header."""
    note = ", CRLF -> LF" if "\r\n" in text else ""
    before = text.replace("\r\n", "\n").splitlines(keepends=True)
    after = formatted.splitlines(keepends=True)
    lines = difflib.unified_diff(before, after, display, f"{display} (formatted{note})")
    out = []
    for line in lines:
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    if note and not out:  # only the line endings change
        out = [f"--- {display}\n", f"+++ {display} (formatted{note})\n"]
    return "".join(out)


# ------------------------------------------------------------------ entry point


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rappel",
        description="Compile, check, visualize and format Rappel workflows.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    compile_ = commands.add_parser(
        "compile", help="compile workflow modules to .rrl files and a manifest.json"
    )
    compile_.add_argument("paths", nargs="+", metavar="PATH", help="Python files with @workflow classes")
    compile_.add_argument("-o", "--output-dir", required=True, metavar="DIR")
    compile_.set_defaults(handler=cmd_compile)

    check = commands.add_parser("check", help="report every diagnostic without writing anything")
    check.add_argument("paths", nargs="+", metavar="PATH", help=".py or .rrl files")
    check.set_defaults(handler=cmd_check)

    visualize = commands.add_parser("visualize", help="render a workflow's DAG with Graphviz")
    visualize.add_argument("path", metavar="PATH", help="a .py or .rrl file")
    visualize.add_argument("--workflow", metavar="NAME", help="needed when PATH has several workflows")
    visualize.add_argument(
        "-o", "--output", required=True, metavar="FILE",
        help=f"output file; the extension picks the format ({', '.join('.' + f for f in FORMATS)})",
    )
    visualize.set_defaults(handler=cmd_visualize)

    fmt = commands.add_parser(
        "fmt", help="format .rrl files in place (layout only: comments and written arguments stay)"
    )
    fmt.add_argument("files", nargs="+", metavar="FILE", help=".rrl files")
    fmt.add_argument(
        "--check", action="store_true",
        help="write nothing; print the diff of each file that would change and exit 1",
    )
    fmt.set_defaults(handler=cmd_fmt)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, or a usage error already printed by argparse
        return int(exc.code or 0)
    output = Output()
    try:
        status = args.handler(args, output)
        if output.errors_reported > 1:
            output.error(f"aborting due to {output.errors_reported} previous errors")
        return status
    except UsageError as exc:
        parser.print_usage(sys.stderr)
        output.error(str(exc))
        return EXIT_USAGE
    except RappelError as exc:
        output.error(str(exc))
        return EXIT_ERRORS
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
