"""Every golden run case in one module, for the workers of the runtime suite:
`RAPPEL_USER_MODULE=golden_corpus` (with tests/runtime and tests/golden on the
path) serves every case. Each case is imported under its own module name, the one
its program's actions are declared `from`.

Importing it checks that the corpus can be served by one worker: no two cases
declare the same `module:name` action, and every declared action is registered
by the module it names.
"""

from __future__ import annotations

import sys
from pathlib import Path
from types import ModuleType

# run_cases lives in tests/golden.
if str(Path(__file__).resolve().parents[1] / "golden") not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "golden"))

from rappel._actions import registered_actions  # noqa: E402
from run_cases import RUN_CASES, declared_actions, import_case  # noqa: E402


class CorpusError(Exception):
    """The golden run cases cannot share one worker."""


def load(cases: list[Path]) -> dict[str, ModuleType]:
    """Import every case; its module by case name. Refuses (CorpusError) two cases
    that declare the same action, and an action no imported case registers."""
    declared_by: dict[tuple[str, str], str] = {}
    modules = {}
    for case in cases:
        for action in sorted(declared_actions(case)):
            if action in declared_by:
                raise CorpusError(f"golden/run/{declared_by[action]} and golden/run/{case.name} both declare the action {action[0]}:{action[1]}")
            declared_by[action] = case.name
        modules[case.name] = import_case(case / "case.py")
    registered = {(d.module, d.name) for d in registered_actions()}
    missing = sorted(set(declared_by) - registered)
    if missing:
        listed = ", ".join(f"{m}:{n} (golden/run/{declared_by[(m, n)]})" for m, n in missing)
        raise CorpusError(f"declared but not registered by an imported case: {listed}")
    return modules


CASES = load(RUN_CASES)
