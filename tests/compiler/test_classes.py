"""Classes in workflow code: enum members, class constants, isinstance, `raise
Class`, class values (RPL0230, RPL0232) and construction that runs code (RPL0231)."""

from __future__ import annotations

import dataclasses
import enum
from typing import Annotated, ClassVar

import pytest

from rappel_compiler import ConstInfo, Hook, MemberInfo, TypeInfo
from rappel_compiler.resolve import ClassShape, FieldShape, describe

from .support import MODULE, body_of, codes, diagnostics_text, expect, rrl_text

ENUM = """
import enum


class Color(enum.Enum):
    RED = "red"
    GREEN = "green"

    def label(self) -> str:
        return self.value.title()
"""

SHOP_COLOR = TypeInfo("shop.models", "Color", "enum", shape=lambda: ClassShape(bases=("Enum",), members=(("RED", "red"),)))
LiveColor = enum.Enum("Color", {"RED": "red"}, module="shop.models")  # what the resolver found
SHOP = {
    "shop.models.Color": SHOP_COLOR,
    "shop.models.Color.RED": MemberInfo(SHOP_COLOR, "RED"),
    "shop.models.Order": TypeInfo("shop.models", "Order", "model"),
    "shop.models.Ticket": TypeInfo(
        "shop.models", "Ticket", "model", (Hook("its field `id` has `default_factory=shop.models.new_id`", "id"),),
        shape=lambda: ClassShape(fields=(FieldShape("title", "str"), FieldShape("id", "str"))),
    ),
    "shop.models.Limits": TypeInfo("shop.models", "Limits", "class"),
    "shop.models.Limits.MAX": ConstInfo(3),
    "shop.models.Limits.PREFERRED": ConstInfo([LiveColor.RED]),
    "shop.errors.Declined": TypeInfo("shop.errors", "Declined", "exception"),
    "shop.errors.RETRYABLE": ConstInfo((TypeInfo("shop.errors", "Declined", "exception"), TypeInfo("builtins", "TimeoutError", "exception"))),
}


def shop(body: str, **kwargs) -> str:
    return body_of(body, resolve=SHOP.get, **kwargs)


def returning(prelude: str, expression: str) -> str:
    """A module: `prelude`, then a workflow whose run() returns `expression`."""
    return prelude + f"\n\n@workflow\nclass Flow(Workflow):\n    async def run(self) -> object:\n        return {expression}\n"


# ------------------------------------------------------------------ enum members


def test_enum_members_of_the_module_are_values():
    text = rrl_text(
        ENUM
        + """
DEFAULT = Color.GREEN


@workflow
class Flow(Workflow):
    async def run(self, name: str) -> list:
        color = Color(name)
        return [color == Color.RED, color is Color.RED, color is not DEFAULT, color.value, Color.RED.name, Color.__name__]
"""
    )
    assert text == expect(
        """
        rrl 1

        enum Color(Enum) from app.flows:
            RED = "red"
            GREEN = "green"

        const DEFAULT = Color.GREEN

        workflow Flow(name: str) -> list:
            color = Color(name)
            return [color == Color.RED, color is Color.RED, color is not DEFAULT, color.value, Color.RED.name, "Color"]
        """
    )


def test_enum_members_of_other_modules_are_values():
    assert shop(
        """
        from shop.models import Color, Limits
        import shop.models


        @workflow
        class Flow(Workflow):
            async def run(self, color: Color) -> list:
                return [color is shop.models.Color.RED, Color.RED, Limits.MAX, Limits.PREFERRED]
        """
    ) == expect(
        """
        return [color is Color.RED, Color.RED, MAX, PREFERRED]
        """
    )


def test_is_compares_constants_naming_enum_members():
    assert body_of(
        ENUM
        + """
FAVOURITE = Color.RED


class Rules:
    FALLBACK = FAVOURITE


@workflow
class Flow(Workflow):
    PREFERRED = Color.GREEN

    async def run(self, color: Color) -> list:
        return [color is FAVOURITE, color is self.PREFERRED, color is not Rules.FALLBACK]
"""
    ) == expect(
        """
        return [color is FAVOURITE, color is PREFERRED, color is not FALLBACK]
        """
    )
    assert codes(returning(ENUM + "\nLOOP_A = LOOP_B\nLOOP_B = LOOP_A\n", "LOOP_A is LOOP_B")) == ["RPL0221"]


def test_is_compares_only_singletons():
    assert codes(
        """
        @workflow
        class Flow(Workflow):
            async def run(self, a: str) -> bool:
                return a is "x"
        """
    ) == ["RPL0221"]


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("Color.PURPLE", "`Color.PURPLE` is not a member of the enum `Color`"),
        ("Color.label", "`Color.label` is not a member of the enum `Color`"),
        ("Color._value2member_map_", "`Color._value2member_map_` is not a member of the enum `Color`"),
    ],
)
def test_only_members_of_an_enum_are_read(expression: str, message: str):
    text = diagnostics_text(returning(ENUM, expression))
    assert f"error[RPL0232]: {message}" in text


def test_enum_construction_takes_one_value():
    text = diagnostics_text(returning(ENUM, 'Color(value="red")'))
    assert "error[RPL0206]: the enum Color() takes one argument, the value of a member" in text


# ------------------------------------------------------------------ class constants


def test_class_constants_are_consts():
    text = rrl_text(
        """
from dataclasses import dataclass
from typing import ClassVar

from pydantic import BaseModel


class Limits:
    MAX_RETRIES = 3
    BACKOFF = MAX_RETRIES * 2


class Tighter(Limits):
    MAX_RETRIES = 1


@dataclass
class Point:
    x: int
    y: int = 0


class Order(BaseModel):
    CURRENCY: ClassVar[str] = "EUR"
    total: int = 0


class Declined(Exception):
    code = "card_declined"


@workflow
class Flow(Workflow):
    LABEL = "flow"

    async def run(self) -> list:
        return [Limits.MAX_RETRIES, Tighter.MAX_RETRIES, Tighter.BACKOFF, Point.y, Order.CURRENCY, Declined.code,
                Flow.LABEL, Point.__name__, ValueError.__name__]
"""
    )
    assert text == expect(
        """
        rrl 1

        const MAX_RETRIES = 3
        const BACKOFF = MAX_RETRIES * 2
        const MAX_RETRIES_2 = 1
        const y = 0
        const CURRENCY = "EUR"
        const code = "card_declined"
        const LABEL = "flow"

        workflow Flow() -> list:
            return [MAX_RETRIES, MAX_RETRIES_2, BACKOFF, y, CURRENCY, code, LABEL, "Point", "ValueError"]
        """
    )


@pytest.mark.parametrize(
    ("expression", "shown"),
    [
        ("Limits.compute", "Limits.compute"),
        ("Order.total", "Order.total"),  # a pydantic field is no attribute of its class
        ("Point.x", "Point.x"),  # a dataclass field without a default neither
        ("Limits._secret", "Limits._secret"),
        ("ValueError.args", "ValueError.args"),
    ],
)
def test_other_class_attributes_are_rejected(expression: str, shown: str):
    prelude = """
from dataclasses import dataclass

from pydantic import BaseModel


class Limits:
    _secret = 1

    def compute(self) -> int:
        return 1


@dataclass
class Point:
    x: int


class Order(BaseModel):
    total: int = 0
"""
    text = diagnostics_text(returning(prelude, expression))
    assert f"error[RPL0232]: `{shown}` is not a constant of the class" in text


def test_attributes_of_imported_classes_that_are_not_constants():
    assert codes(
        """
        from shop.models import Limits


        @workflow
        class Flow(Workflow):
            async def run(self) -> object:
                return Limits.compute
        """,
        resolve=SHOP.get,
    ) == ["RPL0232"]


# ------------------------------------------------------------------ raise, isinstance, except


def test_raising_a_class_raises_an_instance():
    assert body_of(
        """
        from shop.errors import Declined


        @workflow
        class Flow(Workflow):
            async def run(self, n: int) -> None:
                if n:
                    raise Declined from ValueError
                raise LookupError
        """,
        resolve=SHOP.get,
    ) == expect(
        """
        if n:
            raise Declined() from ValueError()
        raise LookupError()
        """
    )


def test_raising_a_class_that_is_no_exception():
    text = diagnostics_text(
        """
        from dataclasses import dataclass


        @dataclass
        class Point:
            x: int


        @workflow
        class Flow(Workflow):
            async def run(self) -> None:
                raise Point
        """
    )
    assert "error[RPL0238]: `Point` is not an exception class, so it cannot be raised" in text


@pytest.mark.parametrize(("spec", "code"), [("(int, None)", "RPL0318"), ("(int, str) | None", "RPL0318")])
def test_isinstance_reads_types_as_python_does(spec: str, code: str):
    # None is a type only in a union; a tuple cannot be part of one (Python's TypeError).
    assert codes(
        f"""
        @workflow
        class Flow(Workflow):
            async def run(self, x: int) -> bool:
                return isinstance(x, {spec})
        """
    ) == [code]


def test_isinstance_names_classes():
    assert shop(
        """
        from dataclasses import dataclass

        from shop.errors import RETRYABLE
        from shop.models import Order


        @dataclass
        class Point:
            x: int


        KINDS = (Point, KeyError)


        @workflow
        class Flow(Workflow):
            async def run(self, x: object) -> list:
                return [isinstance(x, Point), isinstance(x, (Order, (int, float))), isinstance(x, str | Point | None),
                        isinstance(x, KINDS), isinstance(x, RETRYABLE)]
        """
    ) == expect(
        """
        return [isinstance(x, Point), isinstance(x, (Order, int, float)), isinstance(x, (str, Point, NoneType)), isinstance(x, (Point, KeyError)), isinstance(x, (Declined, TimeoutError))]
        """
    )


EXCEPT = """
    from shop.errors import RETRYABLE

    LOCAL = (KeyError, IndexError)


    @workflow
    class Flow(Workflow):
        async def run(self) -> int:
            try:
                return 1
            except {handled}:
                return 2
            except LOCAL:
                return 3
    """


def test_except_takes_constants_naming_exception_classes():
    assert shop(EXCEPT.format(handled="RETRYABLE")) == expect(
        """
        try:
            return 1
        except (Declined, TimeoutError):
            return 2
        except (KeyError, IndexError):
            return 3
        """
    )


def test_except_does_not_flatten_nested_tuples():
    # Python raises TypeError when it matches `except ((A, B), C)`: the frontend refuses it.
    assert codes(EXCEPT.format(handled="(LOCAL, ValueError)"), resolve=SHOP.get) == ["RPL0238"]


# ------------------------------------------------------------------ classes are not values


@pytest.mark.parametrize(
    "statement",
    [
        "kinds = [ValueError, KeyError]",
        "kind = Point",
        "kind = Color",
        "kind = Order",
        "kind = RappelTimeout",
        "await record(kind=Point)",
        "kinds = RETRYABLE",
        "kinds = LOCAL_KINDS",
    ],
)
def test_a_class_is_not_a_value(statement: str):
    source = f"""
        from dataclasses import dataclass
        import enum

        from rappel import RappelTimeout
        from shop.errors import RETRYABLE
        from shop.models import Order


        class Color(enum.Enum):
            RED = 1


        @dataclass
        class Point:
            x: int


        LOCAL_KINDS = (Point, KeyError)


        @action
        async def record(kind: object) -> None:
            pass


        @workflow
        class Flow(Workflow):
            async def run(self) -> None:
                {statement}
        """
    assert codes(source, resolve=SHOP.get) == ["RPL0230"]


def test_a_class_value_names_what_to_write_instead():
    text = diagnostics_text(
        """
        @workflow
        class Flow(Workflow):
            async def run(self) -> list:
                return [ValueError, KeyError]
        """
    )
    assert text == expect(
        """
        error[RPL0230]: `ValueError` is a class, and a class is not a value in a workflow
         --> app/flows.py:9:17
          |
        9 |         return [ValueError, KeyError]
          |                 ^^^^^^^^^^
          = help: name the class where Python uses it: `raise ValueError(...)`, `except ValueError:` or `isinstance(e, ValueError)`; several classes go in a tuple there, or in a module constant (`RETRYABLE = (ConnectionError, TimeoutError)`); to remember which error it was, keep its name: `type(e).__name__`
        """
    ).rstrip("\n")


# ------------------------------------------------------------------ construction that runs code


HOOKED = """
from dataclasses import dataclass, field
from typing import Annotated
import random
import uuid

from pydantic import AfterValidator, BaseModel, Field, PrivateAttr, field_validator, model_validator


def new_id() -> str:
    return uuid.uuid4().hex


@dataclass
class Plain:
    tags: list[str] = field(default_factory=list)
    size: int = 3
    label: str = "x"


class PlainModel(BaseModel):
    items: dict[str, int] = Field(default_factory=dict)
    name: str = Field("n", description="a name")
    required: int = Field(..., gt=0)


@dataclass
class Factory:
    jitter: float = field(default_factory=random.random)


class LambdaFactory(BaseModel):
    id: str = Field(default_factory=lambda: new_id())


@dataclass
class PostInit:
    x: int

    def __post_init__(self) -> None:
        self.x = abs(self.x)


class Validated(BaseModel):
    x: int

    @field_validator("x")
    @classmethod
    def positive(cls, value: int) -> int:
        return abs(value)


class ModelValidated(BaseModel):
    x: int

    @model_validator(mode="after")
    def check(self) -> "ModelValidated":
        return self


class Initialised(BaseModel):
    x: int

    def __init__(self, **data) -> None:
        super().__init__(**data)


class Annotated_(BaseModel):
    x: Annotated[int, AfterValidator(abs)]


class Private(BaseModel):
    _seen: list = PrivateAttr(default_factory=lambda: [new_id()])


@dataclass
class Computed:
    made: str = new_id()


class Child(PostInit):
    pass
"""


@pytest.mark.parametrize(
    ("call", "hook"),
    [
        ("Factory()", "its field `jitter` has `default_factory=random.random` (line 33)"),
        ("LambdaFactory()", "its field `id` has `default_factory=lambda: new_id()` (line 37)"),
        ("PostInit(x=1)", "it defines `__post_init__` (line 44)"),
        ("Validated(x=1)", "it has the validator `positive` (line 53)"),
        ("ModelValidated(x=1)", "it has the validator `check` (line 61)"),
        ("Initialised(x=1)", "it defines `__init__` (line 68)"),
        ("Annotated_(x=1)", "its field `x` is validated by `AfterValidator(abs)` (line 73)"),
        ("Private()", "its field `_seen` has `default_factory=lambda: [new_id()]` (line 77)"),
        ("Computed()", "its field `made` has a default computed by `new_id()` (line 82)"),
        ("Child(x=1)", "it defines `__post_init__` (line 44)"),
    ],
)
def test_construction_that_runs_code_is_rejected(call: str, hook: str):
    text = diagnostics_text(returning(HOOKED, call))
    label = call.partition("(")[0]
    assert f"error[RPL0231]: `{label}(...)` runs code of its class when it is built: {hook}\n" in text


def test_construction_with_constant_defaults_is_accepted():
    assert "return [Plain(size=1), PlainModel(required=1)]" in rrl_text(
        HOOKED
        + """

@workflow
class Flow(Workflow):
    async def run(self) -> list:
        return [Plain(size=1), PlainModel(required=1)]
"""
    )


def test_a_default_that_is_not_computed_runs_no_code():
    # Passing a field skips its default_factory (by name, or by position for a dataclass).
    text = rrl_text(
        HOOKED
        + """

@workflow
class Flow(Workflow):
    async def run(self, ticket_id: str) -> list:
        return [Factory(0.5), LambdaFactory(id=ticket_id), Computed(made=ticket_id)]
"""
    )
    assert "return [Factory(jitter=0.5), LambdaFactory(id=ticket_id), Computed(made=ticket_id)]" in text
    assert codes(
        """
        from shop.models import Ticket


        @workflow
        class Flow(Workflow):
            async def run(self, ticket_id: str) -> object:
                return Ticket(title="t", id=ticket_id)
        """,
        resolve=SHOP.get,
    ) == []


def test_imported_classes_that_run_code_are_rejected():
    text = diagnostics_text(
        """
        from shop.models import Ticket


        @workflow
        class Flow(Workflow):
            async def run(self) -> object:
                return Ticket(title="t")
        """,
        resolve=SHOP.get,
    )
    assert "error[RPL0231]: `Ticket(...)` runs code of its class when it is built: its field `id` has `default_factory=shop.models.new_id`" in text


def test_a_local_class_inherits_the_hooks_of_an_imported_base():
    text = diagnostics_text(
        """
        from shop.models import Ticket


        class Urgent(Ticket):
            level: int = 1


        @workflow
        class Flow(Workflow):
            async def run(self) -> object:
                return Urgent(title="t")
        """,
        resolve=SHOP.get,
    )
    assert "its field `id` has `default_factory=shop.models.new_id` (in its base `Ticket`)" in text


def test_an_enum_with_missing_runs_code_when_built():
    text = diagnostics_text(
        """
        import enum


        class Color(enum.Enum):
            RED = "red"

            @classmethod
            def _missing_(cls, value):
                return cls.RED


        @workflow
        class Flow(Workflow):
            async def run(self) -> object:
                return Color("x")
        """
    )
    assert "error[RPL0231]: `Color(...)` runs code of its class when it is built: it defines `_missing_` (line 13)" in text


# ------------------------------------------------------------------ live classes


def test_live_enums_and_members():
    class Level(enum.IntEnum):
        LOW = 1

    assert describe(Level) == TypeInfo(__name__, "test_live_enums_and_members.<locals>.Level", "enum")
    assert describe(Level.LOW) == MemberInfo(describe(Level), "LOW")
    assert describe([Level.LOW, 2]) == ConstInfo([Level.LOW, 2])
    assert describe((KeyError, TimeoutError)) == ConstInfo((describe(KeyError), describe(TimeoutError)))


def test_live_construction_hooks():
    pydantic = pytest.importorskip("pydantic")

    @dataclasses.dataclass(frozen=True)
    class Frozen:
        x: int = 0
        tags: list = dataclasses.field(default_factory=list)

    @dataclasses.dataclass
    class Drawn:
        x: float = dataclasses.field(default_factory=lambda: 0.5)
        when: object = dataclasses.field(default=object())

        def __post_init__(self) -> None:
            pass

    @dataclasses.dataclass
    class OwnInit:
        x: int

        def __init__(self, x: int) -> None:
            self.x = x

    class Plain(pydantic.BaseModel):
        x: int = 0
        tags: list[str] = []
        CAP: ClassVar[int] = 3

    class Hooked(pydantic.BaseModel):
        x: Annotated[int, pydantic.AfterValidator(abs)] = 0
        y: int = pydantic.Field(default_factory=lambda: 1)
        _p: int = pydantic.PrivateAttr(default_factory=lambda: 2)

        @pydantic.field_validator("y")
        @classmethod
        def check(cls, value: int) -> int:
            return value

        def model_post_init(self, context) -> None:
            pass

    class Level(enum.Enum):
        LOW = 1

        @classmethod
        def _missing_(cls, value):
            return cls.LOW

    local = f"{__name__}.test_live_construction_hooks.<locals>"
    assert describe(Frozen).hooks == ()
    assert describe(Plain).hooks == ()
    assert describe(Drawn).hooks == (
        Hook("it defines `__post_init__`"),
        Hook(f"its field `x` has `default_factory={local}.Drawn.<lambda>`", "x"),
        Hook("its field `when` has a default that is not a constant value (object)", "when"),
    )
    assert describe(OwnInit).hooks == (Hook("it defines `__init__`"),)
    assert describe(Hooked).hooks == (
        Hook("it defines `model_post_init`"),
        Hook("it has the validator `check`"),
        Hook("its field `x` is validated by `AfterValidator(...)`"),
        Hook(f"its field `y` has `default_factory={local}.Hooked.<lambda>`", "y"),
        Hook(f"its field `_p` has `default_factory={local}.Hooked.<lambda>`"),
    )
    assert describe(Level).hooks == (Hook("it defines `_missing_`"),)


def test_a_const_does_not_hide_a_builtin_function():
    text = rrl_text(
        """
from dataclasses import dataclass


@dataclass
class Export:
    region: str
    format: str = "parquet"


@workflow
class Flow(Workflow):
    async def run(self, n: float) -> str:
        return format(n, ".1f") + Export.format
"""
    )
    assert 'const format_2 = "parquet"' in text and 'return format(n, ".1f") + format_2' in text


# ------------------------------------------------------------------ declarations of imported classes


def test_classes_rrl_cannot_declare_are_reported_where_the_workflow_names_them():
    shapes = {
        "shop.models.Aliased": TypeInfo("shop.models", "Aliased", "model", shape=lambda: ClassShape(problem="its field `user_id` has an alias, which a workflow's construction does not read")),
        "shop.models.Local": TypeInfo("shop.models", "make.<locals>.Local", "dataclass", shape=lambda: ClassShape()),
        "shop.models.Unread": TypeInfo("shop.models", "Unread", "enum"),
    }
    text = diagnostics_text(
        """
        from shop.models import Aliased, Local, Unread


        @workflow
        class Flow(Workflow):
            async def run(self, a: Aliased, b: Local) -> Unread:
                return Unread("x")
        """,
        resolve=shapes.get,
    )
    assert "error[RPL0260]: the model `shop.models.Aliased` cannot be declared in RRL: its field `user_id` has an alias" in text
    assert "error[RPL0260]: the class `make.<locals>.Local` is defined inside a function: no other process can load it" in text
    assert "error[RPL0260]: the frontend cannot read the members of the enum `shop.models.Unread`" in text


def test_live_shapes_of_imported_classes():
    from dataclasses import dataclass, field

    pydantic = pytest.importorskip("pydantic")

    class Level(str, enum.Enum):
        LOW = "low"
        LOWEST = "low"

    class Model(pydantic.BaseModel):
        model_config = pydantic.ConfigDict(frozen=True)
        name: str
        level: Level = Level.LOW
        tags: list[str] = pydantic.Field(default_factory=list)
        stamp: float = pydantic.Field(default_factory=lambda: 0.5)

    class Child(Model):
        extra: int = 0

    class Aliased(pydantic.BaseModel):
        user_id: int = pydantic.Field(alias="userId")

    @dataclass
    class Point:
        x: int
        y: int = field(default=0)
        seen: list = field(default_factory=list)

    class Failure(KeyError, ConnectionResetError):
        pass

    from rappel_compiler.resolve import NO_DEFAULT

    assert describe(Level).shape() == ClassShape(bases=("str", "Enum"), members=(("LOW", "low"), ("LOWEST", "low")))
    child = describe(Child).shape()
    assert [b.name for b in child.bases] == [Model.__qualname__] and child.frozen
    assert [(f.name, f.default) for f in child.fields] == [("name", NO_DEFAULT), ("level", Level.LOW), ("tags", []), ("stamp", NO_DEFAULT), ("extra", 0)]
    assert "alias" in describe(Aliased).shape().problem
    assert [(f.name, f.default) for f in describe(Point).shape().fields] == [("x", NO_DEFAULT), ("y", 0), ("seen", [])]
    bases = describe(Failure).shape().bases
    assert bases[0] == "KeyError" and (bases[1].module, bases[1].name) == ("builtins", "ConnectionResetError")

    import functools

    class Computed(Model):
        @property
        def shout(self) -> str:
            return self.name.upper()

        @pydantic.computed_field
        @property
        def size(self) -> int:
            return len(self.name)

        @functools.cached_property
        def slow(self) -> int:
            return 1

    assert describe(Computed).shape().properties == ("shout", "size", "slow")
    assert describe(Model).shape().properties == ()


def test_a_local_model_is_frozen_like_its_imported_base():
    frozen_base = TypeInfo("shop.models", "Frozen", "model", shape=lambda: ClassShape(fields=(FieldShape("id", "str"),), frozen=True))
    text = rrl_text(
        """
        from shop.models import Frozen


        class Tagged(Frozen):
            tag: str = "x"


        @workflow
        class Flow(Workflow):
            async def run(self) -> object:
                return Tagged(id="1")
        """,
        resolve={"shop.models.Frozen": frozen_base}.get,
    )
    assert "frozen model Tagged(Frozen) from app.flows:\n    id: str\n    tag: str = \"x\"\n" in text


def test_a_class_named_like_a_builtin_is_declared_under_another_name():
    text = rrl_text(
        """
        class TimeoutError(Exception):
            pass


        @workflow
        class Flow(Workflow):
            async def run(self, n: int) -> str:
                try:
                    if n:
                        raise TimeoutError("mine")
                    return "ok"
                except TimeoutError:
                    return "caught"
        """
    )
    assert "exception TimeoutError_2(Exception) from app.flows import TimeoutError\n" in text
    assert 'raise TimeoutError_2("mine")' in text and "except TimeoutError_2:" in text


def test_an_enum_where_python_iterates_over_it_is_its_members():
    body = body_of(
        """
        import enum

        from shop.models import Color as ShopColor


        class Color(enum.Enum):
            RED = "red"
            CRIMSON = "red"
            GREEN = "green"


        @workflow
        class Flow(Workflow):
            async def run(self, name: str) -> list:
                for color in Color:
                    name = name + color.value
                return [list(Color), len(Color), [c.name for c in ShopColor], Color[name], ShopColor["RED"], Color.__members__]
        """,
        resolve=SHOP.get,
    )
    members = "[Color.RED, Color.GREEN]"
    assert body == (
        f"for color in {members}:\n"
        "    name = name + color.value\n"
        f"return [list({members}), len({members}), [c.name for c in [ShopColor.RED]], "
        '{"RED": Color.RED, "CRIMSON": Color.CRIMSON, "GREEN": Color.GREEN}[name], {"RED": ShopColor.RED}["RED"], '
        '{"RED": Color.RED, "CRIMSON": Color.CRIMSON, "GREEN": Color.GREEN}]\n'
    )


def test_a_flag_iterates_over_its_members_of_one_bit():
    body = body_of(
        """
        import enum


        class Right(enum.Flag):
            NONE = 0
            READ = 1
            WRITE = 2
            BOTH = 3


        @workflow
        class Flow(Workflow):
            async def run(self) -> list:
                return list(Right)
        """
    )
    assert body == "return list([Right.READ, Right.WRITE])\n"


def test_a_typed_dict_builds_a_plain_dict():
    body = body_of(
        """
        from typing import TypedDict


        class Audit(TypedDict):
            who: str
            count: int


        @workflow
        class Flow(Workflow):
            async def run(self, who: str, other: dict) -> list:
                return [Audit(who=who, count=1), Audit(other), Audit(other, count=2)]
        """
    )
    assert body == 'return [{"who": who, "count": 1}, dict(other), {**dict(other), "count": 2}]\n'


def test_named_tuples_are_built_by_position_and_by_name():
    source = """
        from typing import NamedTuple, TypedDict


        class Point(NamedTuple):
            x: int
            y: int = 0


        class Audit(TypedDict):
            who: str


        @action
        async def move(p: Point) -> int:
            return p.x


        @workflow
        class Flow(Workflow):
            async def run(self, audit: Audit) -> list:
                moved = await move(p=Point(1, y=2))
                point = Point(moved)
                return [point._replace(y=3), point._asdict(), point._fields, isinstance(audit, Audit)]
        """
    text = diagnostics_text(source)
    assert "plain class" not in text and "NamedTuple" not in text
    assert [line for line in text.splitlines() if line.startswith("error[")] == [
        "error[RPL0260]: `Audit` is a TypedDict, whose values are plain dicts: Python cannot test them against it",
    ]


def test_named_tuples_made_by_calls_are_read_from_the_call():
    text = rrl_text(
        """
        import collections
        import typing


        Pair = collections.namedtuple("Pair", "left, right", defaults=[None])
        Size = typing.NamedTuple("Size", [("width", int), ("height", int)])


        @workflow
        class Flow(Workflow):
            async def run(self, x: int) -> list:
                return [Pair(x), Size(x, height=2)]
        """
    )
    assert f"namedtuple Pair from {MODULE}:\n    left: Any\n    right: Any = None\n" in text
    assert f"namedtuple Size from {MODULE}:\n    width: int\n    height: int\n" in text


def test_a_named_tuple_made_under_another_name_cannot_be_imported():
    text = diagnostics_text(
        """
        import collections


        Other = collections.namedtuple("Renamed", ["a"])


        @workflow
        class Flow(Workflow):
            async def run(self, x: int) -> int:
                return Other(x).a
        """
    )
    assert 'error[RPL0260]: the NamedTuple `Other` cannot be declared in RRL: its typename is not `"Other"`, so no other process can import it by its name' in text


def test_live_typed_dicts_and_named_tuples():
    from typing import NamedTuple, TypedDict

    from rappel_compiler.resolve import type_info

    class Audit(TypedDict):
        who: str

    class Point(NamedTuple):
        x: int

    assert type_info(Audit).kind == "typeddict" and type_info(Audit).encodable
    assert type_info(Point).kind == "namedtuple" and type_info(Point).encodable
    assert [(f.name, f.annotation) for f in type_info(Point).shape().fields] == [("x", "int")]


ORDER = """
from dataclasses import dataclass

from pydantic import BaseModel


class Order(BaseModel):
    id: str
    total: float


@dataclass
class Line:
    sku: str
    quantity: int


@action
async def load_order(order_id: str) -> Order:
    return Order(id=order_id, total=1.0)


@action
async def load_orders(ids: list[str]) -> list[Order]:
    return []
"""


@pytest.mark.parametrize(
    ("statements", "message"),
    [
        ("order = await load_order(order_id)\n        return order.totl", "the model `Order` has no field `totl`"),
        ("line = Line(sku=order_id, quantity=1)\n        return line.qty", "the dataclass `Line` has no field `qty`"),
    ],
)
def test_a_field_the_class_of_a_value_lacks_is_named(statements: str, message: str):
    text = diagnostics_text(ORDER + f"""
@workflow
class Flow(Workflow):
    async def run(self, order_id: str) -> object:
        {statements}
""")
    assert f"error[RPL0263]: {message}" in text


@pytest.mark.parametrize(
    "statements",
    [
        # bound to something else too: its class is not certain
        "order = await load_order(order_id)\n        if order.total > 1:\n            order = Line(sku=order_id, quantity=1)\n        return order.sku if isinstance(order, Line) else order.id",
        # a comprehension or loop variable, an optional parameter
        "orders = await load_orders([order_id])\n        return [o.id for o in orders]",
        "orders = await load_orders([order_id])\n        for order in orders:\n            return order.id\n        return None",
        "return maybe.totl if maybe else None",  # not judged: the parameter may be None
    ],
)
def test_a_value_whose_class_is_not_certain_is_not_judged(statements: str):
    assert codes(ORDER + f"""
@workflow
class Flow(Workflow):
    async def run(self, order_id: str, maybe: Order | None = None) -> object:
        {statements}
""") == []
