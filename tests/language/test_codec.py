"""The value codec (rrl.codec): every kind's encoding, exact round trips, and the
errors for what cannot cross a process boundary. docs/language.md ("Values and
the codec") is the specification these tests pin."""

from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import decimal
import enum
import importlib
import json
import math
import random
import socket
import typing
import uuid
import zoneinfo

import pytest
from pydantic import BaseModel, ConfigDict, Field, RootModel, ValidationError, field_validator

from rrl import codec

MODULE = __name__


def resolve(name: str) -> type:
    module, _, qualname = name.partition(":")
    found = importlib.import_module(module)
    for part in qualname.split("."):
        found = getattr(found, part)
    return found


def round_trip(value):
    text = codec.dumps(value)
    return text, codec.loads(text, resolve)


class Color(enum.Enum):
    RED = "red"
    BLUE = "blue"


class Level(enum.IntEnum):
    LOW = 1
    HIGH = 2


class Perm(enum.Flag):
    READ = 1
    WRITE = 2


@dataclasses.dataclass(frozen=True)
class Point:
    x: int
    y: float = 0.0


@dataclasses.dataclass
class Basket:
    items: list
    total: int = dataclasses.field(init=False)

    def __post_init__(self):
        self.total = len(self.items)


class Address(BaseModel):
    city: str
    zip: str | None = None


class Person(BaseModel):
    name: str = Field(alias="full-name")
    born: dt.date
    address: Address
    tags: set[str] = set()


class Loose(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: int


class Scores(RootModel[list[int]]):
    pass


validations: list[str] = []


class Checked(BaseModel):
    code: str

    @field_validator("code")
    @classmethod
    def upper(cls, value: str) -> str:
        validations.append(value)
        return value.upper()


class Declined(ValueError):
    def __init__(self, code: int):
        super().__init__(f"declined with code {code}")
        self.code = code


class Mixed(Declined, KeyError):
    pass


class Conn:
    pass


Pair = collections.namedtuple("Pair", "a b")


class Span(typing.NamedTuple):
    start: int
    end: int = 0


# ------------------------------------------------------------------ encodings


ENCODINGS = [
    (None, "null"),
    (True, "true"),
    (0, "0"),
    (-7, "-7"),
    (2**53 - 1, "9007199254740991"),
    (-(2**53 - 1), "-9007199254740991"),
    (2**53, '{"int":"9007199254740992"}'),
    (-(2**64), '{"int":"-18446744073709551616"}'),
    (1.0, '{"float":"1.0"}'),
    (0.1, '{"float":"0.1"}'),
    (1e16, '{"float":"1e+16"}'),
    (1.5e-7, '{"float":"1.5e-07"}'),
    (123456789012345.6, '{"float":"123456789012345.6"}'),
    (float("inf"), '{"float":"inf"}'),
    (float("-inf"), '{"float":"-inf"}'),
    ("", '""'),
    ("héllo ✓ \n", '"héllo ✓ \\n"'),
    ("a\x00b\x00", '{"str":["a","b",""]}'),
    ([], "[]"),
    ([1, [2.5]], '[1,[{"float":"2.5"}]]'),
    ((), '{"tuple":[]}'),
    ((1, "a"), '{"tuple":[1,"a"]}'),
    ({}, '{"dict":[]}'),
    ({"b": 1, "a": 2}, '{"dict":[["b",1],["a",2]]}'),
    ({"$type": "x", "dict": []}, '{"dict":[["$type","x"],["dict",[]]]}'),
    ({1: "i", 1.5: "f", None: "n", (1, "t"): "t"}, '{"dict":[[1,"i"],[{"float":"1.5"},"f"],[null,"n"],[{"tuple":[1,"t"]},"t"]]}'),
    ({3, 1, "a"}, '{"set":["a",1,3]}'),
    (frozenset({(2, 1)}), '{"frozenset":[{"tuple":[2,1]}]}'),
    (b"\x00\xffhi", '{"bytes":"AP9oaQ=="}'),
    (dt.datetime(2024, 5, 6, 7, 8, 9), '{"datetime":"2024-05-06T07:08:09"}'),
    (dt.datetime(2024, 5, 6, 7, 8, 9, 10, tzinfo=dt.timezone.utc), '{"datetime":"2024-05-06T07:08:09.000010+00:00"}'),
    (
        dt.datetime(2024, 10, 27, 2, 30, fold=1, tzinfo=zoneinfo.ZoneInfo("Europe/Paris")),
        '{"datetime":"2024-10-27T02:30:00+01:00[Europe/Paris]"}',
    ),
    (dt.datetime(2024, 5, 6, 7, 8, 9, tzinfo=dt.timezone(dt.timedelta(microseconds=5))), '{"datetime":"2024-05-06T07:08:09+00:00:00.000005"}'),
    (dt.date(2024, 2, 29), '{"date":"2024-02-29"}'),
    (dt.time(23, 59, 1, 5), '{"time":"23:59:01.000005"}'),
    (dt.time(1, 2, tzinfo=dt.timezone(-dt.timedelta(hours=5, seconds=1, microseconds=250))), '{"time":"01:02:00-05:00:01.000250"}'),
    (dt.timedelta(days=-1, seconds=3, microseconds=4), '{"timedelta":[-1,3,4]}'),
    (uuid.UUID("12345678-1234-5678-1234-567812345678"), '{"uuid":"12345678-1234-5678-1234-567812345678"}'),
    (decimal.Decimal("-1.50"), '{"decimal":"-1.50"}'),
    (decimal.Decimal("1E+3"), '{"decimal":"1E+3"}'),
    (Color.RED, f'{{"enum":{{"class":"{MODULE}:Color","value":"red"}}}}'),
    (Level.HIGH, f'{{"enum":{{"class":"{MODULE}:Level","value":2}}}}'),
    (Perm.READ | Perm.WRITE, f'{{"enum":{{"class":"{MODULE}:Perm","value":3}}}}'),
    (Point(1, 2.0), f'{{"dataclass":{{"class":"{MODULE}:Point","fields":[["x",1],["y",{{"float":"2.0"}}]]}}}}'),
    (Address(city="Oslo"), f'{{"model":{{"class":"{MODULE}:Address","fields":[["city","Oslo"],["zip",null]]}}}}'),
    (Pair(1, "b"), f'{{"namedtuple":{{"class":"{MODULE}:Pair","fields":[["a",1],["b","b"]]}}}}'),
    (Span(1), f'{{"namedtuple":{{"class":"{MODULE}:Span","fields":[["start",1],["end",0]]}}}}'),
]


@pytest.mark.parametrize("value, text", ENCODINGS, ids=lambda v: repr(v)[:40] if not isinstance(v, str) else None)
def test_encoding_and_exact_round_trip(value, text):
    encoded, back = round_trip(value)
    assert encoded == text
    assert back == value
    assert type(back) is type(value)


@pytest.mark.parametrize("offset", [dt.timedelta(microseconds=5), -dt.timedelta(microseconds=999_999), dt.timedelta(hours=-23, seconds=-59, microseconds=-1)])
def test_utc_offsets_keep_their_seconds_and_microseconds(offset):
    zone = dt.timezone(offset)
    for value in (dt.datetime(2024, 5, 6, 7, 8, 9, tzinfo=zone), dt.time(7, 8, 9, tzinfo=zone)):
        assert round_trip(value)[1].utcoffset() == offset


def test_floats_keep_their_identity():
    for value in [-0.0, 5e-324, 1.7976931348623157e308, 0.1 + 0.2, 1 / 3]:
        _, back = round_trip(value)
        assert type(back) is float and back == value and math.copysign(1, back) == math.copysign(1, value)
    _, back = round_trip(float("nan"))
    assert math.isnan(back)
    _, (one, one_float) = round_trip([1, 1.0])
    assert type(one) is int and type(one_float) is float


def test_huge_ints_are_exact():
    for value in [2**53, -(2**53), 2**63, 2**64 + 1, -(10**80) - 1]:
        _, back = round_trip(value)
        assert back == value and type(back) is int


def test_order_of_dicts_survives_and_sets_are_sorted():
    keys = [f"k{i}" for i in range(50)]
    random.Random(5).shuffle(keys)
    _, back = round_trip({key: i for i, key in enumerate(keys)})
    assert list(back) == keys
    # A set's encoding does not depend on the order it was built in.
    assert codec.dumps(set(keys)) == codec.dumps(set(sorted(keys)))


def test_enum_members_keep_their_class():
    _, back = round_trip({Level.LOW: [Color.BLUE]})
    ((key, value),) = back.items()
    assert key is Level.LOW and value == [Color.BLUE]


def test_models_are_validated_when_decoded():
    person = Person.model_validate({"full-name": "Ada", "born": "1815-12-10", "address": {"city": "London"}, "tags": {"math"}})
    text, back = round_trip(person)
    assert back == person
    assert '["name","Ada"]' in text  # fields travel by name, not alias
    validations.clear()
    _, checked = round_trip(Checked(code="ab"))
    assert checked.code == "AB" and validations == ["ab", "AB"]


def test_extra_fields_and_root_models():
    loose = Loose(id=1, note="kept")
    _, back = round_trip(loose)
    assert back == loose and back.note == "kept"
    _, scores = round_trip(Scores([3, 1]))
    assert scores == Scores([3, 1])


def test_dataclasses_are_rebuilt_by_their_constructor():
    basket = Basket(["a", "b"])
    text, back = round_trip(basket)
    assert back == basket and back.total == 2
    assert '["total",2]' in text


def test_named_tuples_are_tuples_with_their_class():
    text, back = round_trip({Span(1, 2): [Pair(Span(3), (4,))]})
    ((key, value),) = back.items()
    assert type(key) is Span and key == (1, 2) and type(value[0].a) is Span
    assert codec.dumps({(1, 2): 1}) != codec.dumps({Span(1, 2): 1})  # the class travels


def test_named_tuples_of_undeclared_classes_keep_their_fields():
    from rrl.records import OpenClass

    opened = {}

    def open_resolve(name):
        return opened.setdefault(name, OpenClass(name))

    back = codec.loads(codec.dumps(Span(1, 2)), open_resolve)
    assert back == (1, 2) and back.end == 2 and back._fields == ("start", "end")
    assert type(back).__qualname__ == "Span" and codec.dumps(back) == codec.dumps(Span(1, 2))


# ------------------------------------------------------------------ exceptions


def test_exception_chain_message_args_attributes_and_cause():
    try:
        try:
            raise Declined(42)
        except Declined as inner:
            raise LookupError("lookup failed") from inner
    except LookupError as exc:
        error = exc
    data = codec.encode(error)["exception"]
    assert data["class"] == ["builtins:LookupError"]
    cause = data["cause"]["exception"]
    assert cause["class"] == [f"{MODULE}:Declined", "builtins:ValueError"]
    assert cause["message"] == "declined with code 42"
    assert cause["args"] == ["declined with code 42"]
    assert cause["attributes"] == [["code", 42]]
    _, back = round_trip(error)
    assert type(back) is LookupError and type(back.__cause__) is Declined
    assert back.__cause__.code == 42 and str(back.__cause__) == "declined with code 42"


def test_chain_keeps_every_base_a_handler_could_name():
    chain = codec.exception_chain(Mixed)
    assert chain == (f"{MODULE}:Mixed", f"{MODULE}:Declined", "builtins:ValueError", "builtins:KeyError")
    assert codec.exception_chain(KeyError) == ("builtins:KeyError",)


def test_exceptions_always_encode():
    error = ValueError(Conn(), "fine")
    error.conn = Conn()
    error.retries = 3
    data = codec.encode(error)["exception"]
    assert data["args"][0].startswith("<test_codec.Conn object")
    assert data["attributes"] == [["retries", 3]]
    looped = ValueError("a")
    looped.__cause__ = KeyError("b")
    looped.__cause__.__cause__ = looped
    assert codec.encode(looped)["exception"]["cause"]["exception"]["cause"] is None


def test_an_exception_whose_class_cannot_be_loaded_becomes_a_stand_in():
    data = codec.encode(Declined(7))
    data["exception"]["class"] = ["app.gone:PaymentDeclined", f"{MODULE}:Declined", "builtins:ValueError"]
    back = codec.decode(data, resolve)
    assert isinstance(back, codec.UnresolvedException)
    assert isinstance(back, Declined) and isinstance(back, ValueError)
    assert type(back).__name__ == "PaymentDeclined" and type(back).__module__ == "app.gone"
    assert str(back) == "declined with code 7" and back.code == 7
    assert codec.encode(back) == data
    assert type(codec.decode(data, resolve)) is type(back)


def test_exceptions_rebuilt_by_reduce_keep_what_their_args_miss():
    with pytest.raises(ValidationError) as caught:
        Address(city=5)
    data = codec.encode(caught.value)["exception"]
    assert data["rebuild"]["method"] == "from_exception_data"
    _, back = round_trip(caught.value)
    assert type(back) is ValidationError and back.errors() == caught.value.errors()
    _, missing = round_trip(FileNotFoundError(2, "No such file", "x.txt"))
    assert type(missing) is FileNotFoundError and missing.filename == "x.txt" and missing.args == (2, "No such file")
    assert "rebuild" not in codec.encode(KeyError("k"))["exception"]


class Unbuildable(LookupError):
    def __new__(cls, *args):
        raise RuntimeError("cannot be built here")


def test_an_exception_that_cannot_be_built_becomes_a_stand_in():
    error = LookupError.__new__(Unbuildable, "gone")
    error.args = ("gone",)
    _, back = round_trip(error)
    assert type(back) is not Unbuildable and isinstance(back, LookupError)
    assert str(back) == "gone" and back.args == ("gone",)


# ------------------------------------------------------------------ what cannot be encoded


@dataclasses.dataclass
class Holder:
    items: list


UNENCODABLE = [
    (Conn(), "value", f"is a {MODULE}.Conn, which the codec cannot encode"),
    ({"items": [1, 2, 3, Holder([Conn()])]}, "value['items'][3].items[0]", "is a test_codec.Conn"),
    (lambda: 1, "value", "is a function"),
    (print, "value", "is a function"),
    ((x for x in []), "value", "a running computation"),
    (Conn, "value", "is a class (test_codec.Conn), not a value"),
    (collections.defaultdict(list), "value", "convert it with dict(...)"),
    (bytearray(b"x"), "value", "convert it with bytes(...)"),
    ({Point(1): 1}, "value", "has a key Point(x=1, y=0.0) of type test_codec.Point"),
    ({"s": "\ud800"}, "value['s']", "lone surrogate"),
    (socket.socket, "value", "is a class"),
]


@pytest.mark.parametrize("value, path, reason", UNENCODABLE, ids=lambda v: type(v).__name__)
def test_unencodable_values_name_the_path(value, path, reason):
    with pytest.raises(codec.EncodeError) as caught:
        codec.dumps(value)
    assert caught.value.where("value") == path
    assert reason in caught.value.reason


def test_classes_defined_in_a_function_cannot_cross():
    @dataclasses.dataclass
    class Local:
        x: int

    with pytest.raises(codec.EncodeError, match="defined inside a function"):
        codec.dumps([Local(1)])


def test_cycles_are_errors():
    xs: list = []
    xs.append(xs)
    with pytest.raises(codec.EncodeError, match="contains itself"):
        codec.dumps(xs)


# ------------------------------------------------------------------ decoding


@pytest.mark.parametrize(
    "text, message",
    [
        ("1.5", "floats are written"),
        ("9007199254740992", "beyond"),
        ('{"int":"12"}', "plain JSON number"),
        ('{"int":"0012345678901234567890"}', "canonical"),
        ('{"nope":1}', "unknown tag"),
        ('{"tuple":[],"dict":[]}', "exactly one"),
        ('{"dict":[[1,2],[1,3]]}', "twice"),
        ('{"dict":[[[1],2]]}', "cannot be a dict key"),
        ('{"set":[1,1]}', "same item twice"),
        ('{"str":["no nul"]}', "at least two"),
        ('{"bytes":"***"}', "base64"),
        ('{"timedelta":[0,90000,0]}', "normalized"),
        (f'{{"enum":{{"class":"{MODULE}:Color","value":"green"}}}}', "not a member"),
        ('{"model":{"class":"nowhere.at.all:Thing","fields":[]}}', "cannot be loaded"),
        (f'{{"model":{{"class":"{MODULE}:Address","fields":[["city",5]]}}}}', "does not validate"),
        (f'{{"dataclass":{{"class":"{MODULE}:Point","fields":[["x",1]]}}}}', "does not have the fields"),
        (f'{{"namedtuple":{{"class":"{MODULE}:Span","fields":[["end",1],["start",2]]}}}}', "in their order"),
        (f'{{"namedtuple":{{"class":"{MODULE}:Point","fields":[["x",1]]}}}}', "not a NamedTuple"),
        ('{"datetime":"2024-01-01T00:00:00[Mars/Base]"}', "no UTC offset"),
        ("[1, {\"tuple\": 5}]", "JSON array"),
    ],
)
def test_decoding_rejects_what_is_not_an_encoding(text, message):
    with pytest.raises(codec.DecodeError, match=message):
        codec.loads(text, resolve)


def test_members_of_structures_may_come_in_any_order():
    # jsonb reorders object members: the encoding never depends on their order.
    data = codec.encode([Declined(3), Point(1)])
    reordered = json.loads(json.dumps(data), object_pairs_hook=lambda pairs: dict(reversed(pairs)))
    back = codec.decode(reordered, resolve)
    assert back[0].code == 3 and back[1] == Point(1)


def test_decoding_names_the_path():
    with pytest.raises(codec.DecodeError) as caught:
        codec.loads('{"dict":[["a",[1,{"float":"x"}]]]}', resolve)
    assert caught.value.where("result") == "result['a'][1]"


def test_the_resolver_is_the_only_way_to_classes():
    asked = []

    def recording(name):
        asked.append(name)
        return resolve(name)

    codec.loads(codec.dumps([Color.RED, Point(1), Address(city="x")]), recording)
    assert asked == [f"{MODULE}:Color", f"{MODULE}:Point", f"{MODULE}:Address"]
    assert codec.VALUE_CLASSES >= {"datetime:datetime", "uuid:UUID", "decimal:Decimal", "builtins:frozenset"}


def test_the_examples_of_the_specification():
    """docs/language.md, "Values and the codec": every `value` → `encoding` example
    of the table of kinds, and the canonical text example."""
    import pathlib
    import re

    text = (pathlib.Path(__file__).resolve().parents[2] / "docs" / "language.md").read_text(encoding="utf-8")
    section = text[text.index("## Values and the codec"):]
    examples = re.findall(r"`([^`]+)` → `([^`]+)`", section)
    assert len(examples) >= 14
    for python, encoding in examples:
        value = eval(python, {"timedelta": dt.timedelta})  # noqa: S307 - the doc's own examples
        assert codec.encode(value) == json.loads(encoding), python
    assert '{"dict":[["b",[1,{"float":"2.5"}]],["a",null]]}' in section
    assert codec.dumps({"b": [1, 2.5], "a": None}) == '{"dict":[["b",[1,{"float":"2.5"}]],["a",null]]}'
