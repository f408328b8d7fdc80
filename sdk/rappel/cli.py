"""The `rappel` command line: compile, check, visualize and format workflows, explain a
diagnostic code, and run the runtime locally (`rappel dev`).

Exit status: 0 when clean, 1 when there are diagnostics or errors, 2 on usage errors,
101 on an internal error (a bug in rappel, reported as one line; RAPPEL_BACKTRACE=1
prints its traceback). Every failure on a user's input is a message (a located diagnostic where there is a
place to point at), never a traceback. Each file is checked on its own: one that
fails does not hide the diagnostics of the others.
"""

from __future__ import annotations

import argparse
import difflib
import gc
import hashlib
import json
import os
import sys
import traceback
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import _toolchain
from ._actions import lookup_action
from ._check_cache import CheckCache, Verdict, open_cache
from ._errors import RappelError
from ._loader import ImportFailed, load_python_file
from ._prebuilt import source_hash
from ._visualize import FORMATS, graph_format, write_graph

EXIT_OK, EXIT_ERRORS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 101
MANIFEST_VERSION = 1


class UsageError(Exception):
    """A mistake in how the command was called (exit status 2)."""


# ------------------------------------------------------------------ output


class Output:
    """Diagnostics and errors go to stderr: styled with rich on a terminal, plain text
    when piped (CI logs, editors). Results go to stdout. rich is imported when
    there is something to report: a clean check does without it."""

    def __init__(self) -> None:
        self._console: Any = None
        self.errors_reported = 0

    @property
    def console(self) -> Any:
        if self._console is None:
            from rich.console import Console

            self._console = Console(stderr=True, highlight=False, soft_wrap=True)
        return self._console

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
            from rich.text import Text

            self.console.print(Text.assemble(("error", "bold red"), f": {message}"))
        else:
            sys.stderr.write(f"error: {message}\n")

    def info(self, message: str) -> None:
        print(message)


def _styled(rendered: str, severity: str) -> Any:
    from rich.text import Text

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
    error: str | None = None  # a problem with the file itself (missing, unreadable, …)

    @property
    def failed(self) -> bool:
        return self.error is not None or any(_toolchain.is_error(d) for d in self.diagnostics)


def expand_paths(displays: Iterable[str], allowed: Sequence[str]) -> list[str]:
    """The input paths with each directory replaced by the `allowed` files under it, in
    order (`rappel compile app/ -o build/ir`); hidden directories and `__pycache__` are
    skipped. A directory holding none is a usage error."""
    expanded: list[str] = []
    for display in displays:
        path = Path(display)
        if not path.is_dir():
            expanded.append(display)
            continue
        found = sorted(
            found
            for found in path.rglob("*")
            if found.suffix in allowed
            and found.is_file()
            and not any(part.startswith(".") or part == "__pycache__" for part in found.relative_to(path).parts)
        )
        if not found:
            raise UsageError(f"{display} is a directory with no {' or '.join(allowed)} files in it")
        expanded.extend(str(file) for file in found)
    return expanded


def check_paths(displays: Iterable[str], allowed: Sequence[str]) -> None:
    """Usage errors among the input paths, before any file is read."""
    for display in displays:
        path = Path(display)
        kinds = " or ".join(allowed)
        if path.is_dir():
            raise UsageError(f"{display} is a directory; pass the {kinds} files in it")
        if path.suffix not in allowed:
            raise UsageError(f"{display}: expected {kinds} file")


def _read(source: SourceFile, data: bytes | None = None, *, keep_line_endings: bool = False) -> None:
    """The file's text (from `data` when given), or why there is none. Sources are
    UTF-8 (a .py file may start with a byte order mark, as Python allows); line
    endings read as `\\n`, unless `keep_line_endings` (`rappel fmt` rewrites them)."""
    try:
        data = source.path.read_bytes() if data is None else data
    except FileNotFoundError:
        source.error = f"{source.display}: no such file"
        return
    except OSError as exc:
        source.error = f"cannot read {source.display}: {exc.strerror or exc}"
        return
    try:
        text = data.decode("utf-8-sig" if source.path.suffix == ".py" else "utf-8")
    except UnicodeDecodeError as exc:
        text = data.decode("utf-8", errors="replace")
        source.diagnostics = [_not_utf8(data, exc, source.display)]
    source.text = text if keep_line_endings else text.replace("\r\n", "\n").replace("\r", "\n")


def _not_utf8(data: bytes, exc: UnicodeDecodeError, display: str) -> Any:
    """RPL0252, located at the first byte that is not UTF-8."""
    line_start = data.rfind(b"\n", 0, exc.start) + 1
    line = data.count(b"\n", 0, exc.start) + 1
    column = len(data[line_start : exc.start].decode("utf-8", errors="replace")) + 1
    return _toolchain.diagnostic(
        "RPL0252",
        f"{display} is not valid UTF-8: byte 0x{data[exc.start]:02x} at line {line}",
        (line, column, line, column + 1),
        "save the file as UTF-8; Rappel reads .py and .rrl sources as UTF-8 whatever their coding declaration",
        display,
    )


def load(display: str, *, allowed: Sequence[str], run_checker: bool = True) -> SourceFile:
    """Compile a .py file or parse an .rrl file, collecting every diagnostic. A .py
    file is imported (its top-level code runs) so that imported names resolve."""
    check_paths([display], allowed)
    path = Path(display)
    source = SourceFile(path, display)
    _read(source)
    if source.failed:
        return source
    if path.suffix == ".py":
        source.diagnostics = _toolchain.syntax_diagnostics(source.text, display)
        if source.diagnostics:
            return source  # importing it would only say the same, without the caret
        try:
            with _toolchain.python_warnings_while_importing(path) as import_warnings:
                loaded = load_python_file(path, display)
        except ImportFailed as exc:
            source.diagnostics = exc.diagnostics
            return source
        except RappelError as exc:
            source.error = str(exc)
            return source
        compiled = _toolchain.compile_module(loaded.module, loaded.workflow_classes)
        source.programs = compiled.programs
        source.diagnostics = list(compiled.diagnostics)
        # Python's warnings for the source that only its import gives (`x is 1`), located
        # too; the compiler reported those its parse gives (`1if x else 2`).
        reported = {(d.span.line, d.message) for d in source.diagnostics if d.code == "RPL0265" and d.span}
        for line, message in import_warnings:
            found = _toolchain.python_warning(line, message, source.text, display)
            if (line, found.message) not in reported:
                reported.add((line, found.message))
                source.diagnostics.append(found)
        # Compiling ran the checker on each program already: its warnings are kept, not computed twice.
        checked = {id(compiled.programs[name]): found for name, found in compiled.checked.items()}
    else:
        source.parsed, source.diagnostics = _toolchain.parse(source.text, display)
        if source.parsed is not None:
            source.programs = {w.name: source.parsed for w in source.parsed.workflows}
        checked = {}
    if run_checker and not source.failed:
        programs = [source.parsed] if source.parsed is not None else source.programs.values()
        for program in _unique(programs):
            found = checked.get(id(program))
            source.diagnostics.extend(found if found is not None else _toolchain.check(program))
    source.diagnostics = sorted((_as_given(d, source) for d in source.diagnostics), key=lambda d: d.sort_key())
    return source


def _from_cache(display: str, cache: CheckCache) -> tuple[SourceFile | None, bytes | None]:
    """The file's verdict from the check cache (None when it holds none) and
    the bytes the file was read as (None when it could not be read)."""
    path = Path(display)
    try:
        data = path.read_bytes()
    except OSError:
        return None, None
    verdict = cache.get(path, display, data)
    if verdict is None:
        return None, data
    source = SourceFile(path, display)
    _read(source, data)
    source.diagnostics = verdict.diagnostics
    source.programs = dict.fromkeys(verdict.workflows)
    return source, data


def _checked(display: str, cache: CheckCache | None, data: bytes | None) -> SourceFile:
    """`load(display)` for `rappel check` of a file the cache had no verdict
    for (read as `data`), recorded there."""
    if cache is None or data is None:
        return load(display, allowed=(".py", ".rrl"))
    cache.before_check()
    source = load(display, allowed=(".py", ".rrl"))
    if source.error is None and not any(d.code == "RPL0251" for d in source.diagnostics):  # an import may fail for the environment
        cache.put(Path(display), display, data, Verdict(source.diagnostics, sorted(source.programs)))
    return source


# Fewer files than this per process are checked faster by one process than by
# starting another (each check of a file costs some 10-30 ms, a process ~20 ms).
FILES_PER_PROCESS = 4


def check_files(displays: Sequence[str], cache: CheckCache | None, jobs: int) -> Iterator[SourceFile]:
    """What `rappel check` found in each file, in the order given: from the
    cache where it holds a verdict, else checked, in up to `jobs` processes
    when there are enough files. Each process takes the next file to check
    when it is done with one (a file may take a hundred times another's time),
    so it imports its files in the order given, as a single process would."""
    looked_up = [_from_cache(display, cache) if cache is not None else (None, None) for display in displays]
    missed = [(display, data) for display, (hit, data) in zip(displays, looked_up) if hit is None]
    processes = min(jobs, len(missed) // FILES_PER_PROCESS)
    if processes > 1 and hasattr(os, "fork"):  # a process forked from this one has the toolchain imported already
        checked = _check_in_processes(missed, cache, processes)
    else:
        checked = (_checked(display, cache, data) for display, data in missed)
    for hit, _ in looked_up:
        yield hit if hit is not None else next(checked)


def _check_in_processes(missed: list[tuple[str, bytes | None]], cache: CheckCache | None, processes: int) -> Iterator[SourceFile]:
    """What each file was found to hold, in order, as the processes check them."""
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool
    from multiprocessing import get_context

    import rappel_compiler  # noqa: F401  imported once, before the processes start (they share it)
    import rrl.check  # noqa: F401

    sys.stdout.flush()  # a forked process would write again what is buffered
    sys.stderr.flush()
    with ProcessPoolExecutor(processes, mp_context=get_context("fork")) as pool:
        try:
            yield from pool.map(_check_one, [(display, data, cache) for display, data in missed])
        except BrokenProcessPool:
            raise RappelError(
                "a process checking the files ended abruptly (a module called os._exit() or crashed the "
                "interpreter while it was imported); check them with -j 1 to see which"
            ) from None


def _check_one(task: tuple[str, bytes | None, CheckCache | None]) -> SourceFile:
    """A file checked in another process; what crosses back is what the report
    needs (the diagnostics and the workflows' names), not the programs."""
    display, data, cache = task
    source = _checked(display, cache, data)
    source.programs, source.parsed = dict.fromkeys(source.programs), None
    return source


def _as_given(diagnostic: Any, source: SourceFile) -> Any:
    """The diagnostic located in the file as the command line names it (the compiler
    names an imported module's file by its absolute path)."""
    if diagnostic.path and Path(diagnostic.path).resolve() == source.path.resolve():
        return diagnostic.with_path(source.display)
    if diagnostic.path and Path(diagnostic.path).is_absolute() and Path(diagnostic.path).is_relative_to(Path.cwd()):
        return diagnostic.with_path(os.path.relpath(diagnostic.path))  # a helper of another module of the project
    return _toolchain.with_path(diagnostic, source.display)


def _unique(programs: Iterable[Any]) -> list[Any]:
    seen: dict[int, Any] = {}
    for program in programs:
        seen.setdefault(id(program), program)
    return list(seen.values())


def report(output: Output, source: SourceFile) -> None:
    if source.error is not None:
        output.error(source.error)
        output.errors_reported += 1
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
    args.paths = expand_paths(args.paths, (".py",))
    check_paths(args.paths, (".py",))
    out_dir = Path(args.output_dir)
    _check_output_dir(out_dir)
    sources = _load_each(output, args.paths, allowed=(".py",))
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

    manifest: dict[str, Any] = {"version": MANIFEST_VERSION, "workflows": {}}
    files: dict[str, str] = {}
    for name in sorted(artifacts):
        source, program, text = artifacts[name]
        files[f"{name}.rrl"] = text
        manifest["workflows"][name] = {
            "source": source.path.as_posix(),
            "rrl": f"{name}.rrl",
            "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
            # The client uses this artifact instead of compiling when its module's
            # source hashes the same (RAPPEL_IR_DIR; docs/operations.md).
            "source_sha256": source_hash(source.path),
            "actions": [_action_manifest(decl) for decl in program.actions],
        }
    files["manifest.json"] = json.dumps(manifest, indent=2) + "\n"
    _write_output(out_dir, files)
    output.info(f"compiled {len(artifacts)} workflow(s) to {out_dir}")
    return EXIT_OK


def _load_each(output: Output, displays: Sequence[str], *, allowed: Sequence[str]) -> list[SourceFile]:
    """Load and report each file on its own: a failure of one hides nothing of the others."""
    sources = []
    for display in displays:
        source = load(display, allowed=allowed)
        report(output, source)
        sources.append(source)
    return sources


def _check_output_dir(out_dir: Path) -> None:
    """`-o` must name a directory, or a path where one can be created."""
    blocking = _file_in_the_way(out_dir)
    if blocking is not None:
        what = "it is a file" if blocking == out_dir else f"{blocking} is a file"
        raise RappelError(
            f"cannot write to {out_dir}: {what}; -o names the directory that "
            "receives the .rrl files and manifest.json"
        )


def _file_in_the_way(directory: Path) -> Path | None:
    """The existing file at `directory` or above it that keeps it from being a directory."""
    for path in (directory, *directory.parents):
        if path.exists() and not path.is_dir():
            return path
    return None


def _write_output(out_dir: Path, files: dict[str, str]) -> None:
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        for name, text in files.items():
            (out_dir / name).write_text(text, encoding="utf-8")
    except OSError as exc:
        target = Path(exc.filename) if exc.filename else out_dir
        raise RappelError(f"cannot write to {target}: {exc.strerror or exc}") from None


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
    args.paths = expand_paths(args.paths, (".py", ".rrl"))
    check_paths(args.paths, (".py", ".rrl"))
    cache = None if args.no_cache else open_cache()
    sources = []
    for source in check_files(args.paths, cache, args.jobs):
        report(output, source)
        sources.append(source)
    if any(source.failed for source in sources):
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
    blocking = _file_in_the_way(out_path.parent)
    if blocking is not None:
        raise RappelError(f"cannot write {out_path}: {blocking} is a file")
    (source,) = _load_each(output, [args.path], allowed=(".py", ".rrl"))
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
        raise UsageError(
            f"{source.display} has no workflow named {args.workflow!r} "
            f"(found: {', '.join(names) or 'none'})"
        )
    dag = _toolchain.executable_dag(source.programs[name], name)
    try:
        write_graph(_toolchain.render_graph(dag), out_path)
    except OSError as exc:
        raise RappelError(f"cannot write {out_path}: {exc.strerror or exc}") from None
    output.info(f"wrote {out_path}")
    return EXIT_OK


def cmd_fmt(args: argparse.Namespace, output: Output) -> int:
    """Format each file in place (layout only: comments and what is written stay);
    with --check, write nothing and show the diff of each file that would change."""
    args.files = expand_paths(args.files, (".rrl",))
    check_paths(args.files, (".rrl",))  # before any file is touched
    changed, failed = [], False
    for display in args.files:
        source = SourceFile(Path(display), display)
        formatted = _formatted(source)
        if formatted is None:  # the file is left as it is
            report(output, source)
            failed = True
            continue
        if formatted == source.text:
            continue
        changed.append(display)
        if args.check:
            output.info(_format_diff(display, source.text, formatted) + f"would reformat {display}")
        else:
            try:
                source.path.write_bytes(formatted.encode("utf-8"))
            except OSError as exc:
                source.error = f"cannot write {display}: {exc.strerror or exc}"
                report(output, source)
                failed = True
                continue
            output.info(f"reformatted {display}")
    if failed or (args.check and changed):
        return EXIT_ERRORS
    if not changed:
        output.info(f"{len(args.files)} file(s) already formatted")
    return EXIT_OK


def _formatted(source: SourceFile) -> str | None:
    """The file's text as `rappel fmt` writes it, or None when it cannot be
    formatted (why is in `source`). The text is read with its line endings as
    they are (`\\r\\n` included), so that changing only those is a change."""
    _read(source, keep_line_endings=True)
    if source.failed:
        return None
    try:
        formatted, source.diagnostics = _toolchain.format_source(source.text, source.display)
    except RappelError as exc:  # a formatter bug: the file stays as it is
        source.error = str(exc)
        return None
    return None if source.failed else formatted


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


IMPORTS_MODULE = (
    "A .py file is imported, so its top-level code runs (as it does in a worker): that is "
    "how the actions, models and constants it imports are resolved."
)


def cmd_dev(args: argparse.Namespace, output: Output) -> int:
    from .config import _MODULE
    from .dev import run_dev

    if not _MODULE.match(args.module):
        raise UsageError(f"{args.module!r} is not a module name: give a dotted name such as app.workflows")
    for flag, value in (("--workers", args.workers), ("--concurrent", args.concurrent)):
        if value is not None and value < 1:
            raise UsageError(f"{flag} must be at least 1, got {value}")
    return run_dev(args.module, args.workers, args.concurrent)


def cmd_explain(args: argparse.Namespace, output: Output) -> int:
    from ._explain import explain

    sys.stdout.write(explain(args.code))
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rappel",
        description="Compile, check, visualize and format Rappel workflows.",
        epilog="Exit status: 0 when clean, 1 on diagnostics or errors, 2 on usage errors.",
    )
    parser.add_argument("--version", action=_Version, help="show program's version number and exit")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    compile_ = commands.add_parser(
        "compile",
        help="compile workflow modules to .rrl files and a manifest.json",
        description="Compile every workflow of the modules to DIR/<Workflow>.rrl and "
        "DIR/manifest.json; nothing is written when there are errors. " + IMPORTS_MODULE,
    )
    compile_.add_argument("paths", nargs="+", metavar="PATH", help="Python files with @workflow classes")
    compile_.add_argument("-o", "--output-dir", required=True, metavar="DIR", help="created if missing")
    compile_.set_defaults(handler=cmd_compile, command_parser=compile_)

    check = commands.add_parser(
        "check",
        help="report every diagnostic without writing anything",
        description="Report every diagnostic of each file, each file on its own. " + IMPORTS_MODULE,
    )
    check.add_argument("paths", nargs="+", metavar="PATH", help=".py or .rrl files")
    check.add_argument(
        "--no-cache", action="store_true",
        help="check every file again instead of reusing what an earlier check found in it (see RAPPEL_CACHE_DIR)",
    )
    check.add_argument(
        "-j", "--jobs", type=_positive, default=_cpus(), metavar="N",
        help="check files in up to N processes at once (default: the CPUs this process may use, here %(default)s); "
        "the report is the same, in the order of the files",
    )
    check.set_defaults(handler=cmd_check, command_parser=check)

    visualize = commands.add_parser(
        "visualize",
        help="render a workflow's DAG with Graphviz",
        description="Render a workflow's DAG. " + IMPORTS_MODULE,
    )
    visualize.add_argument("path", metavar="PATH", help="a .py or .rrl file")
    visualize.add_argument("--workflow", metavar="NAME", help="needed when PATH has several workflows")
    visualize.add_argument(
        "-o", "--output", required=True, metavar="FILE",
        help=f"output file; the extension picks the format ({', '.join('.' + f for f in FORMATS)})",
    )
    visualize.set_defaults(handler=cmd_visualize, command_parser=visualize)

    fmt = commands.add_parser(
        "fmt", help="format .rrl files in place (layout only: comments and written arguments stay)"
    )
    fmt.add_argument("files", nargs="+", metavar="FILE", help=".rrl files")
    fmt.add_argument(
        "--check", action="store_true",
        help="write nothing; print the diff of each file that would change and exit 1",
    )
    fmt.set_defaults(handler=cmd_fmt, command_parser=fmt)

    explain = commands.add_parser(
        "explain",
        help="print the documentation of a diagnostic code (its section of docs/errors.md)",
        description="Print what a diagnostic code means, an example and what to do about it.",
    )
    explain.add_argument("code", metavar="CODE", help="a code such as RPL0223 (or 0223)")
    explain.set_defaults(handler=cmd_explain, command_parser=explain)

    dev = commands.add_parser(
        "dev",
        help="run rappel-bridge and start-workers for a module until Ctrl-C",
        description="Run the runtime on this machine for MODULE: rappel-bridge on RAPPEL_HTTP_ADDR / "
        "RAPPEL_GRPC_ADDR (127.0.0.1:24117 / :24118 by default, where clients find it) and "
        "start-workers, whose workers import MODULE. The database is RAPPEL_DATABASE_URL, else "
        "the project's embedded PostgreSQL. Ctrl-C stops both.",
    )
    dev.add_argument("module", metavar="MODULE", help="the module that defines your actions, e.g. app.workflows")
    dev.add_argument("--workers", type=int, metavar="N", help="worker processes (default RAPPEL_WORKER_COUNT)")
    dev.add_argument(
        "--concurrent", type=int, metavar="N", help="actions per worker at once (default RAPPEL_CONCURRENT_PER_WORKER)"
    )
    dev.set_defaults(handler=cmd_dev, command_parser=dev)
    return parser


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of processes, 1 or more: {text!r}")
    return value


def _cpus() -> int:
    """The CPUs this process may run on (its affinity, where the OS tells it)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


class _Version(argparse.Action):
    """argparse's `version` action, reading the version only when asked: the
    package metadata costs every other command tens of milliseconds."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS, default: Any = argparse.SUPPRESS, help: str | None = None) -> None:
        super().__init__(option_strings=option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any, option_string: str | None = None) -> None:
        parser._print_message(f"{parser.prog} {_version()}\n", sys.stdout)
        parser.exit()


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("rappel")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "unknown"


# Python collects cycles after every 700 new container objects; parsing a module
# makes tens of thousands (libcst's nodes), and with the compiler's modules
# alive each collection walks more: a fifth of a `rappel check` went to it. A
# command is a short process, and what it drops is mostly freed at once by
# reference counting: collecting a hundred times less often costs it little memory.
COLLECTION_THRESHOLDS = (100_000, 10, 10)


def main(argv: Sequence[str] | None = None) -> int:
    thresholds = gc.get_threshold()
    gc.set_threshold(*COLLECTION_THRESHOLDS)
    try:
        return _main(argv)
    finally:  # as it was for a caller in the same process (tests)
        gc.set_threshold(*thresholds)


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    try:
        args, unknown = parser.parse_known_args(argv)
        if unknown:  # argparse would blame the top-level command; the usage that helps is the subcommand's
            args.command_parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    except SystemExit as exc:  # --help, --version, or a usage error already printed by argparse
        return int(exc.code or 0)
    output = Output()
    try:
        status = args.handler(args, output)
        if output.errors_reported > 1:
            output.error(f"aborting due to {output.errors_reported} previous errors")
        return status
    except UsageError as exc:
        args.command_parser.print_usage(sys.stderr)
        output.error(str(exc))
        return EXIT_USAGE
    except RappelError as exc:
        output.error(str(exc))
        return EXIT_ERRORS
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader stopped early (`rappel check ... | head`): stop quietly, as Unix
        # tools do, and keep Python from complaining again when it flushes at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 128 + 13  # killed by SIGPIPE
    except Exception as exc:  # a bug in rappel, not a mistake in the user's input
        output.error(f"internal error: {type(exc).__name__}: {exc}")
        if os.environ.get("RAPPEL_BACKTRACE"):
            traceback.print_exc()
        else:
            sys.stderr.write(
                "note: this is a bug in rappel, not in your code; please report it with the "
                "command and the input that caused it (RAPPEL_BACKTRACE=1 prints the traceback)\n"
            )
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
