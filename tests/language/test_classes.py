"""The classes a program declares, built without the user's code (`rrl.classes`,
`rrl.records`): a value built in a workflow is what Python builds, as the codec
sees it and as the workflow uses it."""

from __future__ import annotations

import asyncio
import dataclasses
import enum

import pytest
from pydantic import BaseModel, ConfigDict

import rrl
from rrl import codec
from rrl.classes import ClassError, RappelError, RappelTimeout
from rrl.dag import lower
from rrl.evaluate import Evaluator
from rrl.interpreter import execute
from rrl.records import OpenMember, Record

DECLARATIONS = """\
exception AppError(Exception) from app.errors
exception Missing(AppError, KeyError) from app.errors
exception ConnectionResetError(ConnectionError) from builtins

enum Tier(str, Enum) from app.models:
    FREE = "free"
    PRO = "pro"
    GRATIS = "free"

enum Base(int, Enum) from app.models:
    pass

enum Size(Base) from app.models:
    S = 1
    L = 3

model Plan from app.models:
    name: str
    tier: Tier = Tier.FREE
    seats: int = 2 * 5
    tags: list[str] = []

frozen model Key from app.models:
    name: str

dataclass Point from app.geo import Shapes.Point:
    x: float
    y: float = 0.0

frozen dataclass Cell from app.geo:
    row: int
    col: int = 0

model Opaque from app.models
"""


def evaluate(expression: str, declarations: str = DECLARATIONS):
    """The value of `expression` in a workflow of a program declaring `declarations`."""
    text = f"rrl 1\n\n{declarations}\nworkflow W() -> Any:\n    return {expression}\n"

    class NoHost:
        async def sleep(self, seconds):
            pass

    return asyncio.run(execute(lower(rrl.parse(text)), {}, NoHost()))


# The same classes in Python, under the declared identities.
class Tier(str, enum.Enum):
    FREE = "free"
    PRO = "pro"


class Plan(BaseModel):
    name: str
    tier: Tier = Tier.FREE
    seats: int = 10
    tags: list[str] = []


class Key(BaseModel):
    model_config = ConfigDict(frozen=True)
    name: str


@dataclasses.dataclass
class Point:
    x: float
    y: float = 0.0


@dataclasses.dataclass(frozen=True)
class Cell:
    row: int
    col: int = 0


for _cls, _module, _qualname in ((Tier, "app.models", "Tier"), (Plan, "app.models", "Plan"), (Key, "app.models", "Key"), (Point, "app.geo", "Shapes.Point"), (Cell, "app.geo", "Cell")):
    _cls.__module__, _cls.__qualname__ = _module, _qualname


@pytest.mark.parametrize(
    ("built", "python"),
    [
        ('Plan(name="team")', Plan(name="team")),
        ('Plan(name="x", tier=Tier.PRO, tags=["a"])', Plan(name="x", tier=Tier.PRO, tags=["a"])),
        ('Key(name="k")', Key(name="k")),
        ("Point(x=1.5)", Point(1.5)),
        ("[Cell(row=2), Tier.GRATIS]", [Cell(2), Tier.FREE]),
    ],
)
def test_a_value_built_in_a_workflow_encodes_as_the_same_value_built_in_python(built, python):
    assert codec.dumps(evaluate(built)) == codec.dumps(python)


@pytest.mark.parametrize(
    "expression",
    [
        'repr(Plan(name="a"))',
        'str(Plan(name="a"))',
        "repr(Point(x=1.0))",
        "str(Point(x=1.0, y=2.0))",
        'Plan(name="a") == Plan(name="a", seats=10)',
        'Plan(name="a") == Plan(name="b")',
        "Point(x=1.0) == Point(x=1.0, y=0.0)",
        'dict(Plan(name="a"))["seats"]',
        'Plan(name="a").model_copy(update={"seats": 3}).seats',
        'Plan(name="a").model_dump()',
        'type(Point(x=1.0)).__name__',
        '{Cell(row=1): "one"}[Cell(row=1, col=0)]',
        '{Key(name="k"): 1}[Key(name="k")]',
        'f"{Point(x=1.0)}|{Plan(name=\'p\')}"',
        "Tier.GRATIS is Tier.FREE and Tier.FREE == \"free\"",
        "[str(Tier.PRO), Tier(\"pro\").name]",
    ],
)
def test_a_value_built_in_a_workflow_behaves_as_in_python(expression):
    namespace = {"Plan": Plan, "Point": Point, "Cell": Cell, "Key": Key, "Tier": Tier}
    python = eval(expression.replace("Tier.GRATIS", "Tier.FREE"), namespace)
    assert codec.dumps(evaluate(expression)) == codec.dumps(python)


@pytest.mark.parametrize(
    ("statements", "error"),
    [
        ('p = Plan(name="a")\n    p.seats = 3\n    return p.seats', None),
        ('p = Plan(name="a")\n    p.nope = 3\n    return p', (ValueError, '"Plan" object has no field "nope"')),
        ('k = Key(name="a")\n    k.name = "b"\n    return k', (TypeError, '"Key" is frozen: its field "name" cannot be assigned')),
        ("c = Cell(row=1)\n    c.row = 2\n    return c", (dataclasses.FrozenInstanceError, "cannot assign to field 'row'")),
        ('return Plan(name="a").nope', (AttributeError, "'Plan' object has no attribute 'nope'")),
        ("p = Point(x=1.0, y=2.0)\n    del p.y\n    return p.y", None),
        ('p = Plan(name="a")\n    del p.seats\n    return p.seats', (AttributeError, "'Plan' object has no attribute 'seats'")),
    ],
)
def test_fields_are_assigned_and_deleted_as_python_would(statements, error):
    namespace = {"Plan": Plan, "Point": Point, "Cell": Cell, "Key": Key}
    body = f"rrl 1\n\n{DECLARATIONS}\nworkflow W() -> Any:\n    {statements}\n"

    class NoHost:
        async def sleep(self, seconds):
            pass

    run = lambda: asyncio.run(execute(lower(rrl.parse(body)), {}, NoHost()))  # noqa: E731
    if error is None:
        native = {}
        exec("def f():\n    " + statements, namespace, native)
        assert codec.dumps(run()) == codec.dumps(native["f"]())
    else:
        with pytest.raises(error[0], match=error[1]):
            run()


def test_a_construction_the_checker_did_not_see_fails_as_python_does():
    # The checker refuses these (RPL0340, RPL0341); a DAG nobody checked fails at run time.
    with pytest.raises(TypeError, match=r"Plan\(\) got an unexpected keyword argument 'nmae'"):
        evaluate('Plan(nmae="a")')
    with pytest.raises(TypeError, match=r"Shapes.Point\(\) missing 1 required argument: 'x'"):
        evaluate("Point(y=1.0)")
    with pytest.raises(TypeError, match=r"takes its fields by name, not 1 positional argument"):
        evaluate("Point(1.0)")
    with pytest.raises(TypeError, match="does not declare the fields of Opaque"):
        evaluate("Opaque()")


def test_exceptions_follow_the_declared_hierarchy():
    missing = evaluate('Missing("k")')
    assert isinstance(missing, KeyError) and type(missing).__mro__[1].__name__ == "AppError"
    assert codec.encode(missing)["exception"]["class"] == ["app.errors:Missing", "app.errors:AppError", "builtins:KeyError"]
    assert type(evaluate('ConnectionResetError("r")')) is ConnectionResetError  # Python's own, not user code
    timeout = evaluate('RappelTimeout("late")')
    assert type(timeout) is RappelTimeout and isinstance(timeout, RappelError)
    assert codec.encode(timeout)["exception"]["class"] == ["rappel:RappelTimeout", "rappel:RappelError", "builtins:Exception"]


def test_an_enum_may_derive_from_a_declared_enum_without_members():
    assert evaluate("[Size.L.value, Size(1).name, Size.S + 1, isinstance(Size.S, Base)]") == [3, "S", 2, True]


def test_a_declaration_a_class_cannot_come_from_is_a_class_error():
    with pytest.raises(ClassError, match="derives from itself"):
        evaluate("A()", "exception A(B) from m\nexception B(A) from m\n")
    with pytest.raises(ClassError, match="not an enum without members"):
        evaluate("E.X", "enum F(Enum) from m:\n    Y = 1\n\nenum E(F) from m:\n    X = 1\n")


def test_named_tuple_defaults_are_computed_before_the_workflow_runs():
    # Python computes them when it defines the class, so a default that fails
    # fails the program even when the workflow never builds the class (as in Rust).
    with pytest.raises(ClassError, match=r"the default of the field `y` of `P`: integer division or modulo by zero"):
        evaluate("1 if True else P(1)", "namedtuple P from m:\n    x: int\n    y: int = 1 // 0\n")


def test_values_of_undeclared_classes_are_read_as_the_codec_carries_them():
    classes = Evaluator({}).classes
    data = {"dict": [
        ["model", {"model": {"class": "lib:Receipt", "fields": [["id", "r-1"], ["total", 3]]}}],
        ["dataclass", {"dataclass": {"class": "lib:Pair", "fields": [["a", 1]]}}],
        ["enum", {"enum": {"class": "lib:Color", "value": "red"}}],
        ["error", {"exception": {"class": ["lib:Boom", "builtins:LookupError"], "message": "b", "args": ["b"], "attributes": [], "cause": None}}],
    ]}
    values = codec.decode(data, classes.resolve)
    assert isinstance(values["model"], Record) and (values["model"].id, values["model"].total) == ("r-1", 3)
    assert isinstance(values["enum"], OpenMember) and values["enum"].value == "red"
    assert values["enum"] == codec.decode({"enum": {"class": "lib:Color", "value": "red"}}, classes.resolve)
    with pytest.raises(AttributeError, match="does not declare the enum lib:Color"):
        values["enum"].name
    assert isinstance(values["error"], LookupError) and type(values["error"]).__name__ == "Boom"
    assert codec.encode(values) == data  # and they go out as they came in
