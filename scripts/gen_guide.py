"""Generate the tables of docs/guide.md from the accepted-subset table,
compiler/rappel_compiler/dialect.py (`make guide`).

Each table sits between a `<!-- generated: NAME -->` line and the next
`<!-- end generated -->` line; the text around them is written by hand.
tests/compiler/test_guide.py fails when the committed tables are stale.

    python scripts/gen_guide.py [--check]
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "guide.md"

sys.path[:0] = [str(ROOT / "compiler"), str(ROOT / "language")]  # run from a checkout, installed or not

from rappel_compiler import dialect  # noqa: E402
from rappel_compiler.diagnostics import DEFAULT_HELP  # noqa: E402

_REGION = re.compile(r"(<!-- generated: (\w+) -->\n)(.*?)(<!-- end generated -->)", re.S)


def _code(text: str) -> str:
    return ", ".join(f"`{name}`" for name in sorted(text))


def constructs() -> str:
    rows = ["| Python | in a workflow | what to write instead, or a note |", "| --- | --- | --- |"]
    for row in dialect.CONSTRUCTS:
        if row.code is None:
            rows.append(f"| {row.shown} | yes | {row.instead} |")
        else:
            instead = row.instead or DEFAULT_HELP[row.code]
            rows.append(f"| {row.shown} | no: {row.code} | {instead} |")
    return "\n".join(rows)


def refused_calls() -> str:
    by_category: dict[dialect.Forbidden, list[str]] = defaultdict(list)
    for name, category in dialect.NON_DETERMINISTIC.items():
        by_category[category].append(name.removeprefix("builtins."))
    rows = ["| code | names (a module covers all it holds: `os` covers `os.environ`) | what to do instead |", "| --- | --- | --- |"]
    for category, names in sorted(by_category.items(), key=lambda item: item[0].code):
        rows.append(f"| {category.code} | {_code(names)} | {category.help} |")
    for name, instead in sorted(dialect.UNSUPPORTED_CALLS.items()):
        rows.append(f"| RPL0202 | `{name}` | {instead} |")
    for name, instead in sorted(dialect.UNSUPPORTED_CLASSES.items()):
        rows.append(f"| RPL0225 | `{name}` | {instead} |")
    return "\n".join(rows)


def builtins() -> str:
    methods = {
        "str": dialect.rrl_builtins.STR_METHODS,
        "list": dialect.rrl_builtins.LIST_METHODS | dialect.rrl_builtins.MUTATING_LIST_METHODS,
        "dict": dialect.rrl_builtins.DICT_METHODS | dialect.rrl_builtins.MUTATING_DICT_METHODS,
        "models": dialect.rrl_builtins.MODEL_METHODS,
        "dates and times": dialect.rrl_builtins.DATETIME_METHODS | dialect.rrl_builtins.TIME_METHODS
        | dialect.rrl_builtins.TIMEDELTA_METHODS,
    }
    rows = ["| what | names |", "| --- | --- |", f"| functions | {_code(dialect.BUILTIN_FUNCTIONS)} |"]
    rows += [f"| methods of {kind} | {_code(names)} |" for kind, names in methods.items()]
    rows.append(f"| static methods | {_code(f'{cls}.{name}' for cls, name in dialect.STATIC_METHODS)} |")
    rows.append(f"| exceptions | {_code(dialect.RRL_EXCEPTIONS)} |")
    return "\n".join(rows)


def unencodable_types() -> str:
    by_kind: dict[str, list[str]] = defaultdict(list)
    for name, kind in dialect.UNENCODABLE_TYPES.items():
        by_kind[kind].append(name.removeprefix("builtins."))
    rows = ["| a parameter or result of type (a module: every class in it) | is | what to do instead |", "| --- | --- | --- |"]
    for kind, help_text in dialect.UNENCODABLE_HELP.items():
        if by_kind.get(kind):
            rows.append(f"| {_code(by_kind[kind])} | {kind} | {help_text} |")
    return "\n".join(rows)


TABLES = {"constructs": constructs, "refused_calls": refused_calls, "builtins": builtins, "unencodable_types": unencodable_types}


def render(text: str) -> str:
    """`text` with every generated table written afresh."""

    def table(match: re.Match) -> str:
        name = match.group(2)
        if name not in TABLES:
            raise SystemExit(f"docs/guide.md names an unknown generated table {name!r} (known: {', '.join(TABLES)})")
        return f"{match.group(1)}{TABLES[name]()}\n{match.group(4)}"

    return _REGION.sub(table, text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only say whether docs/guide.md is up to date")
    args = parser.parse_args()
    text = GUIDE.read_text(encoding="utf-8")
    fresh = render(text)
    if args.check:
        if fresh != text:
            print("docs/guide.md is stale: run `make guide` and commit the result", file=sys.stderr)
            return 1
        return 0
    GUIDE.write_text(fresh, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
