"""The golden run cases as importable modules: how tests/golden and the runtime
suite (tests/runtime) name, import and read them.

A case's module name is the one its compiled program declares its actions
`from` (golden/run/05_y/case.py → golden_run_05_y), so a worker that imports a
case under that name runs the actions the program dispatches.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "golden"
RUN_CASES = sorted(p for p in (GOLDEN / "run").iterdir() if (p / "case.py").is_file())


def module_name(case: Path) -> str:
    """A valid, stable module name for a case (case names start with digits):
    golden/compile/04_x.py → golden_compile_04_x, golden/run/05_y/case.py → golden_run_05_y."""
    if case.name == "case.py":
        return f"golden_{case.parent.parent.name}_{case.parent.name}"
    return f"golden_{case.parent.name}_{case.stem}"


def own_modules(case_file: Path) -> Path | None:
    """The directory of a case's own modules (golden/run/05_y/case/, golden/compile/
    04_x/): beside the case file, named like it without `.py`. The case is imported as
    a package whose `__path__` it is, so `from golden_run_05_y.text import f` imports
    golden/run/05_y/case/text.py (the compiler finds it there from the source alone)."""
    directory = case_file.with_suffix("")
    return directory if directory.is_dir() else None


def import_case(case_file: Path) -> ModuleType:
    """The case's module, imported once under `module_name(case_file)`."""
    name = module_name(case_file)
    if name in sys.modules:
        return sys.modules[name]
    modules = own_modules(case_file)
    search = [str(modules)] if modules is not None else None
    spec = importlib.util.spec_from_file_location(name, case_file, submodule_search_locations=search)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module


def workflow_class(module: ModuleType) -> type:
    """The one workflow a run case defines."""
    classes = [
        value
        for value in vars(module).values()
        if isinstance(value, type) and value.__module__ == module.__name__ and "__rappel_original_run__" in value.__dict__
    ]
    assert len(classes) == 1, f"{module.__name__}: a run case has exactly one workflow"
    return classes[0]


def declared_actions(case: Path) -> set[tuple[str, str]]:
    """The actions the case's golden program dispatches, as (module, name)."""
    [dag] = case.glob("*.dag.json")
    return {(a["module"], name) for name, a in json.loads(dag.read_text(encoding="utf-8"))["actions"].items()}
