"""Every ```python example of README.md and docs/ runs as written.

Each block is written to a module of its own and imported; then every
`test_*` function it defines is called (awaited when async; a `tmp_path`
parameter gets a fresh directory). docs/errors.md is left to
tests/compiler/test_errors_doc.py: its examples are code the compiler rejects.

A block may say what it takes as given in an HTML comment on the line just
before its fence, `<!-- example: OPTION; OPTION -->`:

- `with NAME`: the block runs after `from NAME import *`, NAME being
  examples/welcome_email.py or a module of tests/sdk/doc_contexts/;
- `given: CODE`: CODE runs first (a name the surrounding text defines);
- `in a test`: the block is the body of an async test (statements with a
  top-level `await`), run under `rappel.testing.local_backend()`: the way an
  example that needs the durable runtime's database and workers runs here;
- `not run: WHY`: the block is not run, and WHY says why.
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
import re
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CONTEXTS = [ROOT / "examples", Path(__file__).resolve().parent / "doc_contexts"]
DOCUMENTS = [ROOT / "README.md", *sorted(p for p in (ROOT / "docs").glob("*.md") if p.name != "errors.md")]

_BLOCK = re.compile(r"^(?P<indent>[ \t]*)```python\n(?P<code>.*?)^(?P=indent)```", re.S | re.M)
_DIRECTIVE = re.compile(r"<!-- example: (.*?) -->\s*$")


@dataclass
class Example:
    document: str
    line: int
    code: str
    options: list[str]

    @property
    def id(self) -> str:
        return f"{self.document}:{self.line}"

    def option(self, prefix: str) -> str | None:
        return next((o.removeprefix(prefix).strip() for o in self.options if o.startswith(prefix)), None)


def examples() -> list[Example]:
    found = []
    for path in DOCUMENTS:
        text = path.read_text(encoding="utf-8")
        for match in _BLOCK.finditer(text):
            before = text[: match.start()].rstrip("\n").rsplit("\n", 1)[-1]
            directive = _DIRECTIVE.search(before)
            options = [o.strip() for o in directive.group(1).split(";")] if directive else []
            line = text.count("\n", 0, match.start()) + 1
            code = textwrap.dedent(match.group("code"))
            found.append(Example(str(path.relative_to(ROOT)), line, code, options))
    return found


EXAMPLES = examples()


def module_text(example: Example) -> str:
    lines = []
    if (context := example.option("with ")) is not None:
        lines.append(f"from {context} import *  # noqa: F403")
    if (given := example.option("given:")) is not None:
        lines.append(given)
    if "in a test" in example.options:
        lines += ["from rappel.testing import local_backend", "", "", "async def test_example():", "    with local_backend():"]
        lines.append(textwrap.indent(example.code, " " * 8))
    else:
        lines.append(example.code)
    return "\n".join(lines) + "\n"


_OPTIONS = ("with ", "given:", "in a test", "not run:")


def test_the_docs_have_examples():
    assert len(EXAMPLES) >= 10
    unknown = [(e.id, o) for e in EXAMPLES for o in e.options if not o.startswith(_OPTIONS)]
    assert unknown == [], f"unknown example options (known: {', '.join(_OPTIONS)})"
    assert [e.id for e in EXAMPLES if e.option("not run:") == ""] == [], "say why an example is not run"


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.id for e in EXAMPLES])
def test_example_runs_as_written(example: Example, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    if example.option("not run:") is not None:
        pytest.skip(example.option("not run:"))
    name = "doc_example_" + re.sub(r"\W", "_", example.id)
    (tmp_path / f"{name}.py").write_text(module_text(example), encoding="utf-8")
    for directory in (tmp_path, *CONTEXTS):
        monkeypatch.syspath_prepend(str(directory))
    # The example and its context are imported afresh for each example.
    fresh = {name, *(o.removeprefix("with ").strip() for o in example.options if o.startswith("with "))}
    try:
        module = importlib.import_module(name)
        tests = [f for n, f in vars(module).items() if n.startswith("test_") and inspect.isfunction(f)]
        for test in tests:
            arguments = {"tmp_path": tmp_path / test.__name__} if "tmp_path" in inspect.signature(test).parameters else {}
            for directory in arguments.values():
                directory.mkdir()
            result = test(**arguments)
            if inspect.iscoroutine(result):
                asyncio.run(result)
    finally:
        for module_name in fresh:
            sys.modules.pop(module_name, None)


def test_the_readme_example_is_the_welcome_email_example():
    """The README shows the actions and the workflow of examples/welcome_email.py as they are there."""
    (first, *_) = [e for e in EXAMPLES if e.document == "README.md"]
    definitions = first.code[first.code.index("@action") :]
    assert definitions in (ROOT / "examples" / "welcome_email.py").read_text(encoding="utf-8")
    assert "self.run_action(" in definitions and "RetryPolicy(" in definitions
