"""The frontend's entry points: a source file, a live module, or a workflow
class being decorated."""

from __future__ import annotations

import ast
import functools
import inspect
import sys
import types
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field

import libcst as cst

from rrl import ast as A
from rrl.diagnostics import Diagnostic, DiagnosticError, render_all
from rrl.limits import deep_stack

from .compiler import DiagnosticSink, WorkflowCompiler
from .diagnostics import DEFAULT_HELP, Reject
from .index import ModuleIndex
from .limits import SOURCE_MAX_DEPTH, source_too_deep, too_deep_to_compile
from .resolve import Resolver, live_resolver
from .source import SourceModule, load, read_file


@dataclass
class CompileResult:
    programs: dict[str, A.Program] = field(default_factory=dict)  # workflow class name → program
    diagnostics: list[Diagnostic] = field(default_factory=list)  # sorted by position, `path` set
    # workflow class name → `rrl.check.check(program)`, run as the last step of compiling it: its warnings
    # (a program with errors is not in `programs`). Absent for a program compiled on its own (`compile_workflow_class`).
    checked: dict[str, list[Diagnostic]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not any(d.severity == "error" for d in self.diagnostics)


class CompileError(DiagnosticError):
    """A workflow class could not be compiled. `.diagnostics` are sorted by
    position; `.rendered` is their rustc-style text."""

    def __init__(self, diagnostics, source: str | None = None):
        super().__init__(diagnostics, source)
        self.rendered = render_all(self.diagnostics, source)


@deep_stack
def compile_source(
    source: str,
    *,
    path: str,
    module: str,
    resolve: Resolver | None = None,
    only: str | None = None,
    is_package: bool = False,
) -> CompileResult:
    """Compile every `@workflow` class of a module's source (or only the class
    named `only`). Imported names are looked up with `resolve`."""
    if not all(part.isidentifier() for part in module.split(".")):
        raise ValueError(f"{module!r} is not a dotted Python module name; RRL names actions and types by it")
    src = _parse(source, path, module, is_package)
    if isinstance(src, CompileResult):
        return src
    index = ModuleIndex(src, resolver=resolve)
    result = _compile(src, index, resolve, only=only, rejects=_unresolved_workflows(index) if only is None else [])
    return _with_python_warnings(result, source, path)


def _parse(source: str, path: str, module: str, is_package: bool) -> SourceModule | CompileResult:
    """The parsed module, or its syntax error, or where it nests too deeply."""
    tree, syntax = _python_tree(source, path)
    if tree is None:
        return CompileResult({}, syntax)
    deep = source_too_deep(tree, source)
    if deep is not None:
        message = f"expression too deep to compile: the module nests more than {SOURCE_MAX_DEPTH} levels here"
        return CompileResult({}, [Diagnostic("RPL0262", message, deep, DEFAULT_HELP["RPL0262"], path)])
    try:
        return load(source, path, module, is_package, python_tree=tree)
    except RecursionError:
        return CompileResult({}, [_too_deep_for_python(source, path)])
    except cst.ParserSyntaxError as exc:  # valid for this Python, not for libcst
        span = A.Span(exc.raw_line, exc.raw_column + 1, exc.raw_line, exc.raw_column + 2)
        return CompileResult({}, [_syntax_diagnostic(f"invalid Python syntax: {exc.message}", span, path)])


def _unresolved_workflows(index: ModuleIndex) -> list[Reject]:
    """From source alone, a class whose decorator may be `@workflow` without the
    compiler seeing it must not pass as a plain class: it is reported instead. A
    class without bases, or a model, dataclass or exception, is no Workflow subclass."""
    rejects = []
    for info in index.classes.values():
        decorator = info.unresolved_decorator
        if decorator is not None and (info.bases or info.foreign_bases) and info.kind in ("class", "workflow_base"):
            shown = index.src.text(decorator.decorator)
            rejects.append(Reject("RPL0250", f"cannot tell whether `@{shown}` makes `{info.name}` a workflow", decorator.decorator))
    return rejects


def syntax_diagnostics(source: str, path: str) -> list[Diagnostic]:
    """The module's Python syntax error as a located diagnostic (none when it
    parses), in Python's own words; the CLI asks before importing a module."""
    return _python_tree(source, path)[1]


def _python_tree(source: str, path: str) -> tuple[ast.Module | None, list[Diagnostic]]:
    """Python's own parse of the module, or its syntax error as a diagnostic."""
    try:
        return _python_ast(source)[0], []
    except (RecursionError, MemoryError):  # Python itself cannot parse a module this deep
        return None, [_too_deep_for_python(source, path)]
    except SyntaxError as exc:
        line, column = exc.lineno or 1, exc.offset or 1
        end_line = exc.end_lineno or line
        end_column = exc.end_offset if exc.end_offset and end_line == line and exc.end_offset > column else column + 1
        return None, [_syntax_diagnostic(f"invalid Python syntax: {exc.msg}", A.Span(line, column, end_line, end_column), path)]


@functools.lru_cache(maxsize=1)
def _python_ast(source: str) -> tuple[ast.Module, tuple[tuple[int, str], ...]]:
    """Python's parse of `source`, kept for the next call: `rappel check` asks
    for a module's syntax errors before it imports the module, then compiles the
    same text (the compiler reads the tree and never changes it). With it, the
    warnings Python's parser gives (line, message), which `python_warnings`
    reports: they are kept rather than printed, each once, where they are."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        tree = compile(source, "<module>", "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)
    return tree, tuple((w.lineno, str(w.message)) for w in caught if issubclass(w.category, PYTHON_WARNINGS))


# What Python's compiler warns of in a module's source (`1if x else 2`, `"\d"`, `x is 1`):
# SyntaxWarning, and DeprecationWarning for an invalid escape sequence before Python 3.12.
PYTHON_WARNINGS = (SyntaxWarning, DeprecationWarning)


def python_warnings(source: str, path: str) -> list[Diagnostic]:
    """The warnings Python's parser gives for `source`, as located diagnostics
    (none when it does not parse: its syntax error says more)."""
    try:
        found = _python_ast(source)[1]
    except (SyntaxError, RecursionError, MemoryError):
        return []
    return [python_warning(line, message, source, path) for line, message in found]


def python_warning(line: int, message: str, source: str, path: str) -> Diagnostic:
    """RPL0265 on the line Python names (it gives no column): from its first sign to its end."""
    lines = source.splitlines()
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    column = len(text) - len(text.lstrip()) + 1
    span = A.Span(line, column, line, max(len(text) + 1, column + 1))
    return Diagnostic("RPL0265", f"Python warns: {message}", span, _python_warning_help(message), path, severity="warning")


def _python_warning_help(message: str) -> str:
    if message.startswith("invalid decimal literal") or message.startswith("invalid hexadecimal literal"):
        return "put a space between the number and the word after it (`1 if x else 2`)"
    if message.startswith("invalid escape sequence"):
        return "write the backslash twice (`\\\\d`), or use a raw string (`r\"\\d\"`)"
    if message.startswith('"is" with a literal') or message.startswith('"is not" with a literal'):
        return "compare values with `==` (`!=`); `is` compares identity"
    return DEFAULT_HELP["RPL0265"]


def _with_python_warnings(result: CompileResult, source: str, path: str) -> CompileResult:
    found = python_warnings(source, path)
    if found:
        result.diagnostics = sorted([*found, *result.diagnostics], key=Diagnostic.sort_key)
    return result


def _too_deep_for_python(source: str, path: str) -> Diagnostic:
    """Python gives no place: the longest line is where such nesting is written."""
    lines = source.splitlines() or [""]
    line = max(range(len(lines)), key=lambda n: len(lines[n])) + 1
    span = A.Span(line, 1, line, len(lines[line - 1]) + 1)
    return Diagnostic("RPL0262", "expression too deep to compile: the module nests too deeply to be parsed", span, DEFAULT_HELP["RPL0262"], path)


def _syntax_diagnostic(message: str, span: A.Span, path: str) -> Diagnostic:
    return Diagnostic("RPL0253", message, span, DEFAULT_HELP["RPL0253"], path)


@deep_stack
def compile_module(module: types.ModuleType, workflow_classes: Iterable[type] = ()) -> CompileResult:
    """Compile every workflow of an imported module: the classes its source decorates
    with `@workflow`, the module's classes the decorator marked while it ran (a
    decorator bound by another module's star import, an alias, a wrapper), and
    `workflow_classes`: the classes `@workflow` saw while the module was imported,
    which finds those the source holds elsewhere (inside a function) or not at all."""
    path = inspect.getsourcefile(module)
    if path is None:
        raise OSError(f"cannot find the source file of module {module.__name__}")
    src = _parse(read_file(path), path, module.__name__, hasattr(module, "__path__"))
    if isinstance(src, CompileResult):
        return src
    resolver = live_resolver(module)
    index = ModuleIndex(src, resolver=resolver)
    namespace = vars(module)
    for info in index.classes.values():
        if not info.is_workflow and _is_live_class(namespace.get(info.name), module, info.name):
            info.is_workflow = True
    result = _with_python_warnings(_compile(src, index, resolver, only=None), src.source, path)
    compiled = {info.name for info in index.classes.values() if info.is_workflow}
    for cls in workflow_classes:
        if cls.__module__ != module.__name__ or (cls.__qualname__ in compiled and namespace.get(cls.__qualname__) is cls):
            continue  # another module's, or one of the module's classes compiled above
        try:
            result.programs[cls.__name__] = compile_workflow_class(cls)
            result.checked.pop(cls.__name__, None)  # checked on its own: the checker's word on another class of that name
        except CompileError as exc:
            result.diagnostics = sorted([*result.diagnostics, *exc.diagnostics], key=Diagnostic.sort_key)
    return result


def _is_live_class(value: object, module: types.ModuleType, qualname: str) -> bool:
    """`value` is the module's class `qualname`, decorated by `@workflow` (which
    sets `__rappel_original_run__` on the class itself)."""
    return (
        inspect.isclass(value)
        and value.__module__ == module.__name__
        and value.__qualname__ == qualname
        and "__rappel_original_run__" in vars(value)
    )


@deep_stack
def compile_workflow_class(cls: type) -> A.Program:
    """Compile one workflow class, typically on its first use (or while
    `@workflow` decorates it, when its run() has the wrong shape: the module is
    then only partly executed, so names defined later in the file come from the
    source); imported names are resolved from the live module."""
    module = sys.modules.get(cls.__module__)
    path = inspect.getsourcefile(module) if module is not None else inspect.getsourcefile(cls)
    if path is None:
        raise OSError(f"cannot find the source file of {cls.__qualname__}")
    source = read_file(path)
    src = load(source, path, cls.__module__, hasattr(module, "__path__"))
    node, enclosing = _find_class(src, cls)
    resolver = live_resolver(module) if module is not None else None
    if node is None:
        diagnostic = Diagnostic("RPL0229", f"cannot find the source of the workflow class `{cls.__qualname__}`", None, "define workflow classes in a .py file that ships with its source", path)
        raise CompileError([diagnostic], source)
    body = list(src.tree.body)
    for fn in enclosing:  # a workflow defined inside a function sees that function's names too
        body += list(fn.body.body) if isinstance(fn.body, cst.IndentedBlock) else []
    index = ModuleIndex(src, body=body, resolver=resolver)
    index.classes[cls.__name__] = index._class(node)
    index._classify()
    index.classes[cls.__name__].is_workflow = True
    result = _compile(src, index, resolver, only=cls.__name__)
    if result.diagnostics:
        raise CompileError(result.diagnostics, source)
    return result.programs[cls.__name__]


def _compile(src: SourceModule, index: ModuleIndex, resolver: Resolver | None, only: str | None, rejects: list[Reject] = ()) -> CompileResult:
    sink = DiagnosticSink(src)
    for reject in rejects:
        sink.add(reject)
    programs: dict[str, A.Program] = {}
    checked: dict[str, list[Diagnostic]] = {}
    workflows = [info for info in index.classes.values() if info.is_workflow and (only is None or info.name == only)]
    if only is not None and not workflows:
        sink.add(Reject("RPL0229", f"there is no @workflow class named `{only}`"))
    for info in workflows:
        compiler = WorkflowCompiler(src, index, resolver, info, sink)
        try:
            program = compiler.compile()
        except RecursionError:  # a construct nested deeper than the bounds foresee
            sink.add(too_deep_to_compile(src.span(info.node.name)))
            continue
        if program is not None:
            programs[info.name] = program
            checked[info.name] = compiler.checked
    diagnostics = sorted(sink.diagnostics, key=Diagnostic.sort_key)
    return CompileResult(programs, diagnostics, checked)


def _find_class(src: SourceModule, cls: type) -> tuple[cst.ClassDef | None, list[cst.FunctionDef]]:
    """The ClassDef of `cls` by qualified name, and the functions enclosing it."""
    target = cls.__qualname__
    found: list[tuple[cst.ClassDef, list]] = []

    def walk(body, prefix: str, functions: list) -> None:
        for stmt in body:
            if isinstance(stmt, cst.ClassDef):
                qualname = prefix + stmt.name.value
                if qualname == target:
                    found.append((stmt, functions))
                walk(_block(stmt.body), qualname + ".", functions)
            elif isinstance(stmt, cst.FunctionDef):
                walk(_block(stmt.body), prefix + stmt.name.value + ".<locals>.", functions + [stmt])
            elif isinstance(stmt, (cst.If, cst.Try, cst.For, cst.While, cst.With)):
                for child in _compound_bodies(stmt):
                    walk(child, prefix, functions)

    walk(src.tree.body, "", [])
    if not found:
        return None, []
    if len(found) > 1:
        try:
            line = inspect.getsourcelines(cls)[1]
        except (OSError, TypeError):
            line = 0
        found.sort(key=lambda f: abs((src.span(f[0]) or A.Span(0, 0, 0, 0)).line - line))
    return found[0]


def _block(suite) -> list:
    return list(suite.body) if isinstance(suite, cst.IndentedBlock) else []


def _compound_bodies(stmt) -> list[list]:
    bodies = [_block(stmt.body)]
    orelse = getattr(stmt, "orelse", None)
    while orelse is not None:
        bodies.append(_block(orelse.body))
        orelse = getattr(orelse, "orelse", None) if isinstance(orelse, cst.If) else None
    for handler in getattr(stmt, "handlers", ()):
        bodies.append(_block(handler.body))
    final = getattr(stmt, "finalbody", None)
    if final is not None:
        bodies.append(_block(final.body))
    return bodies
