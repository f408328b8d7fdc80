"""`rrl check` (the Rust validation) against the Python checker: it reports
no problem in a program the checker accepts, and for the structural rules
it implements (declarations, the bases, fields and members of declared
classes, awaits and their arguments, `break`, `continue`, bare `raise`,
recursion) exactly what the checker reports; for
names, a subset (it does not follow control flow). Each of its diagnostics
is one of the checker's, with the same code, position and message."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import rrl
from rrl.check import check

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[1] / "language"))

from support import ROOT, rrl_binary  # noqa: E402

pytestmark = pytest.mark.skipif(shutil.which("cargo") is None, reason="the Rust toolchain (cargo) is not installed")

STRUCTURAL = {
    "RPL0303", "RPL0304", "RPL0305", "RPL0306", "RPL0311", "RPL0312", "RPL0319", "RPL0320", "RPL0321", "RPL0326",
    "RPL0338", "RPL0339", "RPL0342", "RPL0343",
}

BROKEN = {
    "declarations": """rrl 1

model User from app.models
model Order from app.models
model O from app.models import Order
exception my_thing(Exception) from app.errors

const O = 1
const my_thing = 2
const X = undefined_const

action fetch(id: str, page: int = 1) -> dict from app.actions
action fetch(id: str) -> dict from app.actions
fn fetch() -> None:
    pass

workflow W(a: int, a: str) -> int:
    return a
""",
    "classes": """rrl 1

exception Bare from app.errors
exception Wrong(Color, ValueError) from app.errors
exception Typo(Exceptoin) from app.errors

enum Color(str, Enum) from app.models:
    RED = "red"
    RED = "again"
    GREEN = f"x"
    BLUE = -Color.RED

enum Mixed(Enum, str, int) from app.models
enum Sub(Color) from app.models
enum Empty from app.models:
    pass
enum Flags(int, Empty) from app.models:
    ONE = 1 + 2 * 3
    TWO = [1, (2, {"a": Flags.ONE})]
    THREE = [*xs]

model A(B) from app.models:
    x: int = 1
    x: str
    y: list = [other]

model B(A) from app.models
model C(Missing, Point) from app.models
model Loop(Loop) from app.models

dataclass Point(A) from app.models:
    z: dict = {"k": Color.PURPLE, **other}

workflow W(a: int) -> int:
    return a
""",
    "awaits": """rrl 1

action fetch(id: str, page: int = 1) -> dict from app.actions

fn helper(n: int, m: int = 0) -> int:
    return n

workflow W(a: int) -> int:
    r = await fetch(page=2, page=3, nope=1)
    await nothing(x=1)
    await W(a=1)
    h = await helper(m=1, z=2)
    both = parallel:
        await fetch(id="a")
        await fetch()
    each = parallel for x in [1] limit 2:
        await helper(n=x, n=x)
    return a
""",
    "jumps": """rrl 1

workflow W(a: int) -> int:
    if a:
        break
    for i in range(a):
        continue
    try:
        raise
    except ValueError:
        raise
    while a max 3:
        if a:
            break
    raise
""",
    "recursion": """rrl 1

fn loop_a(n: int) -> int:
    x = await loop_b(n=n)
    return x

fn loop_b(n: int) -> int:
    y = await loop_a(n=n)
    return y

fn selfish() -> None:
    await selfish()

fn fine() -> int:
    return 1

workflow W(a: int) -> int:
    x = await fine()
    return x
""",
    "names": """rrl 1

const LIMIT = 3

workflow W(a: int) -> int:
    total = missing + a
    for i in range(LIMIT):
        total = total + i + other
    f = lambda v: v + unknown
    return len([q for q in items if q > total]) + total
""",
}


def rust_diagnostics(text: str, tmp_path: Path) -> list[tuple]:
    path = tmp_path / "input.rrl"
    path.write_text(text, encoding="utf-8")
    result = subprocess.run([str(rrl_binary()), "check", "--json", str(path)], capture_output=True, timeout=60)
    lines = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert (result.returncode == 0) == (not lines), result.stderr.decode()
    return [(d["code"], d["line"], d["column"], d["message"]) for d in lines]


def python_diagnostics(text: str) -> list[tuple]:
    return [(d.code, d.span.line, d.span.column, d.message) for d in check(rrl.parse(text)) if d.severity == "error"]


def programs() -> dict[str, str]:
    from test_docs import LANGUAGE_EXAMPLES

    found = dict(BROKEN)
    found.update({f"example-{n}": text for n, text in enumerate(LANGUAGE_EXAMPLES)})
    found.update({str(p.relative_to(ROOT)): p.read_text(encoding="utf-8") for p in sorted((ROOT / "golden").rglob("*.rrl"))[::4] if "errors" not in p.parts})
    return found


@pytest.mark.parametrize("name", list(programs()))
def test_rrl_check_agrees_with_the_checker(name: str, tmp_path):
    text = programs()[name]
    ours = rust_diagnostics(text, tmp_path)
    theirs = python_diagnostics(text)
    assert set(ours) <= set(theirs)
    assert [d for d in ours if d[0] in STRUCTURAL] == [d for d in theirs if d[0] in STRUCTURAL]
    if name in BROKEN:
        assert ours, "the broken program must be refused"
