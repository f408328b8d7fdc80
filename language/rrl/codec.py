"""The value codec: how an RRL value crosses a process boundary, as JSON.

Action arguments and results, workflow arguments and results, and the
exceptions among them travel between the runtime, Postgres and workers in
this encoding. docs/language.md ("Values and the codec") is its
specification; this module is the reference implementation, and the Rust
runtime implements the same encoding.

The encoding survives any JSON parser and store: it never depends on the
order of an object's members (every JSON object is codec structure, never
user data), every number in it is an integer of at most 2**53 - 1, and
every other number is a tagged string. So a user dict with a key "$type" is
just a dict, `1` and `1.0` stay distinct, and jsonb can reorder what it likes.

Classes (models, dataclasses, NamedTuples, enums, exceptions) are named by `module:qualname`.
Decoding needs them back: the caller passes a resolver from that name to the
class, so this module imports nothing of the user's. A workflow's models and
dataclasses are records (`rrl.records`), which encode as the real classes'
instances do; the resolver of a program (`rrl.classes`) decodes into records.
"""

from __future__ import annotations

import base64
import builtins
import dataclasses
import datetime as dt
import decimal
import enum
import functools
import json
import re
import types as pytypes
import typing
import uuid
import weakref
from typing import Any, Callable

from .records import OpenClass, OpenMember, Record

# Integers up to this magnitude are plain JSON numbers: exact in every JSON
# parser (an IEEE double holds them), beyond it they are decimal strings.
SAFE_INT = 2**53 - 1

Resolver = Callable[[str], type]
"""`module:qualname` → the class; raises (any exception) when it cannot."""


class CodecError(ValueError):
    """A value the codec cannot encode, or data that is not an encoding.

    `path` locates the offending part inside the value, as Python would reach
    it (`.field`, `[3]`, `['key']`); `where(root)` renders it after a root name.
    """

    def __init__(self, reason: str, path: list[str] | None = None):
        super().__init__(reason)
        self.reason = reason
        self.path = path if path is not None else []

    def where(self, root: str) -> str:
        return root + "".join(self.path)

    def __str__(self) -> str:
        return f"{self.where('value')} {self.reason}"


class EncodeError(CodecError):
    """The value holds something the codec has no encoding for."""


class DecodeError(CodecError):
    """The data is not a valid encoding, or a class it names cannot be rebuilt."""


class UnresolvedException:
    """Mixed into the stand-in for an exception whose class the receiver cannot
    rebuild: the stand-in has the original's name, module, message and args,
    derives from the classes of its chain that do resolve (builtins at least,
    so `except ValueError` still matches), and encodes back to the same chain."""

    __slots__ = ()
    __rappel_chain__: tuple[str, ...] = ()

    def __str__(self) -> str:
        return self.__dict__.get("_rappel_message", "")


# ------------------------------------------------------------------ public API


def encode(value: Any) -> Any:
    """The JSON data of `value`: None, bool, int, str, list and dict only."""
    try:
        return _encode(value)
    except RecursionError:
        raise EncodeError("is nested too deeply, or contains itself") from None


def decode(data: Any, resolve: Resolver) -> Any:
    """The value `data` (JSON data, as `json.loads` returns it) encodes."""
    try:
        return _Decoder(resolve).value(data)
    except RecursionError:
        raise DecodeError("is nested too deeply") from None


def dumps(value: Any) -> str:
    """The canonical JSON text of `value`: compact, object members sorted, UTF-8
    characters unescaped. Equal texts mean equal encodings."""
    return json.dumps(encode(value), ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def loads(text: str | bytes, resolve: Resolver) -> Any:
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise DecodeError(f"is not JSON: {exc}") from None
    return decode(data, resolve)


def class_name(cls: type) -> str:
    """A class's identity in the encoding: `module:qualname`."""
    return f"{cls.__module__}:{cls.__qualname__}"


# Classes the codec encodes besides enums, models, dataclasses and exceptions,
# by `module:qualname`. The Python frontend accepts them in action and run()
# signatures (RPL0245 rejects the rest).
VALUE_CLASSES = frozenset(
    class_name(cls)
    for cls in (
        type(None), bool, int, float, str, bytes, list, tuple, dict, set, frozenset,
        dt.datetime, dt.date, dt.time, dt.timedelta, uuid.UUID, decimal.Decimal,
    )
)


def encodes_instances_of(cls: type) -> bool:
    """Whether the codec encodes instances of `cls`: the classes above, enums,
    pydantic models, dataclasses, exceptions, and TypedDicts (whose instances
    are dicts). Subclasses of the builtin classes are not encoded."""
    return class_name(cls) in VALUE_CLASSES or _class_kind(cls) != _OTHER or typing.is_typeddict(cls)


# ------------------------------------------------------------------ encoding


def _encode(value: Any) -> Any:
    kind = type(value)
    if kind is str:
        return _encode_str(value)
    if kind is int:
        return value if -SAFE_INT <= value <= SAFE_INT else {"int": _int_text(value)}
    if value is None or kind is bool:
        return value
    if kind is list:
        return _encode_items(value)
    encoder = _ENCODERS.get(kind)
    if encoder is not None:
        return encoder(value)
    return _encode_instance(value)


def _encode_str(value: str) -> Any:
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise EncodeError(
                f"is a str with a lone surrogate ({value[exc.start]!r}), which is not valid Unicode"
            ) from None
    if "\x00" in value:
        # Postgres (jsonb, text) cannot store U+0000: keep the parts around it.
        return {"str": value.split("\x00")}
    return value


def _int_text(value: int) -> str:
    try:
        return str(value)
    except ValueError:  # beyond sys.get_int_max_str_digits()
        raise EncodeError("is an int too large to write in decimal") from None


def _encode_items(items) -> list:
    out = []
    for index, item in enumerate(items):
        try:
            out.append(_encode(item))
        except EncodeError as exc:
            exc.path.insert(0, f"[{index}]")
            raise
    return out


def _encode_float(value: float) -> dict:
    return {"float": repr(value)}


def _encode_dict(value: dict) -> dict:
    pairs = []
    for key, item in value.items():
        encoded_key = _encode_key(key)
        try:
            pairs.append([encoded_key, _encode(item)])
        except EncodeError as exc:
            exc.path.insert(0, f"[{key!r}]")
            raise
    return {"dict": pairs}


def _encode_key(key: Any) -> Any:
    if not _is_key(key):
        raise EncodeError(
            f"has a key {_shown(key)} of type {_type_name(key)}; dict keys and set items are None, "
            "bool, int, float, str, bytes, dates and times, UUID, Decimal, enum members, "
            "and tuples and frozensets of these"
        )
    return _encode(key)


def _encode_set(value: set | frozenset) -> dict:
    items = [_encode_key(item) for item in value]
    # Sets have no order of their own: the items are sorted by their canonical text.
    items.sort(key=lambda item: json.dumps(item, ensure_ascii=False, separators=(",", ":"), sort_keys=True))
    return {"set" if type(value) is set else "frozenset": items}


def _encode_datetime(value: dt.datetime) -> dict:
    if value.tzinfo is None:
        return {"datetime": value.isoformat()}
    offset = value.utcoffset()
    if offset is None:
        raise EncodeError(f"is a datetime whose tzinfo {value.tzinfo!r} gives no UTC offset")
    text = value.replace(tzinfo=dt.timezone(offset)).isoformat()
    zone = getattr(value.tzinfo, "key", None) if _is_zoneinfo(value.tzinfo) else None
    # An IANA zone travels by name (RFC 9557), so arithmetic keeps following its rules.
    return {"datetime": f"{text}[{zone}]" if zone else text}


def _is_zoneinfo(tzinfo: dt.tzinfo) -> bool:
    return type(tzinfo).__module__ == "zoneinfo" and type(tzinfo).__name__ == "ZoneInfo"


def _encode_time(value: dt.time) -> dict:
    if value.tzinfo is not None and type(value.tzinfo) is not dt.timezone:
        offset = value.utcoffset()
        if offset is None:
            raise EncodeError(f"is a time whose tzinfo {value.tzinfo!r} gives no UTC offset")
        value = value.replace(tzinfo=dt.timezone(offset))
    return {"time": value.isoformat()}


_ENCODERS: dict[type, Callable[[Any], Any]] = {
    float: _encode_float,
    tuple: lambda value: {"tuple": _encode_items(value)},
    dict: _encode_dict,
    set: _encode_set,
    frozenset: _encode_set,
    bytes: lambda value: {"bytes": base64.b64encode(value).decode("ascii")},
    dt.datetime: _encode_datetime,
    dt.date: lambda value: {"date": value.isoformat()},
    dt.time: _encode_time,
    dt.timedelta: lambda value: {"timedelta": [value.days, value.seconds, value.microseconds]},
    uuid.UUID: lambda value: {"uuid": str(value)},
    decimal.Decimal: lambda value: {"decimal": str(value)},
}

_KEY_SCALARS = frozenset({type(None), bool, int, float, str, bytes, dt.datetime, dt.date, dt.time, dt.timedelta, uuid.UUID, decimal.Decimal})


def _is_key(value: Any) -> bool:
    kind = type(value)
    if kind in _KEY_SCALARS or isinstance(value, (enum.Enum, OpenMember)):
        return True
    if kind is tuple or kind is frozenset or _class_kind(kind) == _NAMED_TUPLE:
        return all(_is_key(item) for item in value)
    return False


# What each class is to the codec, worked out once per class.
_ENUM, _MODEL, _DATACLASS, _NAMED_TUPLE, _EXCEPTION, _OTHER = "enum", "model", "dataclass", "namedtuple", "exception", "other"
_kinds: weakref.WeakKeyDictionary[type, str] = weakref.WeakKeyDictionary()


def _class_kind(cls: type) -> str:
    kind = _kinds.get(cls)
    if kind is None:
        if issubclass(cls, (Record, OpenMember)):
            kind = cls.__rrl_kind__ or _OTHER
        elif issubclass(cls, enum.Enum):
            kind = _ENUM
        elif issubclass(cls, BaseException):
            kind = _EXCEPTION
        elif _is_pydantic_model(cls):
            kind = _MODEL
        elif dataclasses.is_dataclass(cls):
            kind = _DATACLASS
        elif is_named_tuple_class(cls):
            kind = _NAMED_TUPLE
        else:
            kind = _OTHER
        _kinds[cls] = kind
    return kind


def is_named_tuple_class(cls: type) -> bool:
    """A NamedTuple (class syntax, `typing.NamedTuple(...)` or
    `collections.namedtuple(...)`): a tuple subclass with its `_fields`."""
    return issubclass(cls, tuple) and cls is not tuple and isinstance(getattr(cls, "_fields", None), tuple)


def _is_pydantic_model(cls: type) -> bool:
    # By duck typing, so that encoding never imports pydantic.
    return any(base.__name__ == "BaseModel" and base.__module__.startswith("pydantic") for base in cls.__mro__)


def _encode_instance(value: Any) -> Any:
    cls = type(value)
    kind = _class_kind(cls)
    if kind == _EXCEPTION:
        return _encode_exception(value, set())
    if kind == _OTHER:
        raise EncodeError(_unencodable(value))
    name = _importable_name(cls)
    if kind == _ENUM:
        try:
            return {"enum": {"class": name, "value": _encode(value.value)}}
        except EncodeError as exc:
            exc.path.insert(0, ".value")
            raise
    if isinstance(value, Record):
        fields = value.__rrl_items__()
    elif kind == _NAMED_TUPLE:
        fields = list(zip(cls._fields, value))
    elif kind == _MODEL:
        fields = [(name, getattr(value, name)) for name in cls.model_fields]
        fields += (getattr(value, "__pydantic_extra__", None) or {}).items()
    else:
        fields = [(field.name, getattr(value, field.name)) for field in dataclasses.fields(value)]
    return {kind: {"class": name, "fields": _encode_fields(fields)}}


def _encode_fields(fields: list[tuple[str, Any]]) -> list:
    pairs = []
    for name, item in fields:
        try:
            pairs.append([name, _encode(item)])
        except EncodeError as exc:
            exc.path.insert(0, f".{name}")
            raise
    return pairs


def _importable_name(cls: type) -> str:
    if "<locals>" in cls.__qualname__:
        raise EncodeError(
            f"is {_a(cls.__qualname__)}, a class defined inside a function, which another process "
            "cannot import; define the class at module level"
        )
    return class_name(cls)


def _unencodable(value: Any) -> str:
    shown = _type_name(value)
    if isinstance(value, type):
        return f"is a class ({value.__module__}.{value.__qualname__}), not a value"
    if isinstance(value, _FUNCTIONS):
        return f"is a function ({shown}), which cannot cross a process boundary"
    if isinstance(value, _RUNNING):
        return f"is {_a(shown)}, a running computation, which cannot cross a process boundary"
    for base, hint in _CONVERTIBLE:
        if isinstance(value, base):
            return f"is {_a(shown)}, which the codec does not encode; convert it with {hint}"
    return f"is {_a(shown)}, which the codec cannot encode"


def _a(noun: str) -> str:
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


_FUNCTIONS = (pytypes.FunctionType, pytypes.BuiltinFunctionType, pytypes.MethodType, functools.partial)
_RUNNING = (pytypes.GeneratorType, pytypes.AsyncGeneratorType, pytypes.CoroutineType)
_CONVERTIBLE = (
    (dict, "dict(...)"), (list, "list(...)"), (tuple, "tuple(...)"), (str, "str(...)"),
    (int, "int(...)"), (float, "float(...)"), ((bytearray, memoryview), "bytes(...)"),
)


def _type_name(value: Any) -> str:
    cls = type(value)
    return cls.__qualname__ if cls.__module__ == "builtins" else f"{cls.__module__}.{cls.__qualname__}"


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


# ------------------------------------------------------------------ exceptions

_chains: weakref.WeakKeyDictionary[type, tuple[str, ...]] = weakref.WeakKeyDictionary()


def exception_chain(cls: type) -> tuple[str, ...]:
    """The names of an exception class and its bases: every class of its MRO
    that is an exception, except builtin classes already implied by an
    earlier builtin one (KeyError implies LookupError, Exception and
    BaseException). It ends with a builtin class."""
    chain = _chains.get(cls)
    if chain is not None:
        return chain
    if issubclass(cls, UnresolvedException):
        chain = cls.__rappel_chain__
    else:
        names: list[str] = []
        kept: list[type] = []
        for base in cls.__mro__:
            if not issubclass(base, BaseException):
                continue
            if base.__module__ == "builtins":
                if any(issubclass(k, base) for k in kept):
                    continue
                kept.append(base)
            names.append(class_name(base))
        chain = tuple(names)
    _chains[cls] = chain
    return chain


def _encode_exception(exc: BaseException, active: set[int]) -> dict:
    # An exception is always encodable: an exception is how a failure is
    # reported, and losing the failure is worse than losing a detail of it.
    active = active | {id(exc)}
    cause = exc.__cause__
    payload = {
        "class": list(exception_chain(type(exc))),
        "message": _encode_str(_message(exc)),
        "args": [_encode_or_repr(arg) for arg in exc.args],
        "attributes": _encode_attributes(exc),
        "cause": None if cause is None or id(cause) in active else _encode_exception(cause, active),
    }
    rebuild = _rebuild(exc)
    if rebuild is not None:
        payload["rebuild"] = rebuild
    return {"exception": payload}


def _rebuild(exc: BaseException) -> dict | None:
    """How to rebuild an exception that `__reduce__` (pickle's protocol) says is
    not rebuilt from its class and its args: OSError keeps its filename there,
    pydantic's ValidationError names a class method. None for the usual case."""
    cls = type(exc)
    try:
        reduced = exc.__reduce__()
        function, arguments = reduced[0], tuple(reduced[1])
    except Exception:
        return None
    if function is cls:
        method = None
    elif getattr(function, "__self__", None) is cls and getattr(cls, getattr(function, "__name__", ""), None) == function:
        method = function.__name__
    else:
        return None
    if method is None and arguments == exc.args:
        return None
    return {"method": method, "args": [_encode_or_repr(arg) for arg in arguments]}


def _message(exc: BaseException) -> str:
    try:
        return str(exc)
    except Exception:
        return f"<exception str() failed: {type(exc).__qualname__}>"


def _encode_or_repr(value: Any) -> Any:
    try:
        return _encode(value)
    except (EncodeError, RecursionError):
        return _encode_str(_safe_repr(value))


def _safe_repr(value: Any) -> str:
    try:
        text = repr(value)
    except Exception:
        text = f"<{_type_name(value)} object>"
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _encode_attributes(exc: BaseException) -> list:
    pairs = []
    for name, value in getattr(exc, "__dict__", {}).items():
        if name.startswith("_"):
            continue
        try:
            pairs.append([name, _encode(value)])
        except (EncodeError, RecursionError):
            continue  # an attribute the codec cannot carry (a response object) stays behind
    return pairs


# ------------------------------------------------------------------ decoding


class _Decoder:
    """One decoding; a tagged object `{"<tag>": payload}` goes to `tag_<tag>`."""

    def __init__(self, resolve: Resolver):
        self.resolve = resolve

    def value(self, data: Any) -> Any:
        kind = type(data)
        if kind is str or data is None or kind is bool:
            return data
        if kind is int:
            if -SAFE_INT <= data <= SAFE_INT:
                return data
            raise DecodeError(f"is the number {data}, beyond ±(2**53 - 1): write it {{\"int\": \"{data}\"}}")
        if kind is list:
            return self.items(data)
        if kind is dict:
            if len(data) != 1:
                raise DecodeError(f"is an object with {len(data)} members; an encoded value has exactly one, its tag")
            ((tag, payload),) = data.items()
            handler = getattr(self, f"tag_{tag}", None) if tag.isidentifier() else None
            if handler is None:
                raise DecodeError(f"has the unknown tag {tag!r}")
            return handler(payload)
        if kind is float:
            raise DecodeError(f"is the JSON number {data!r}; floats are written {{\"float\": \"{data!r}\"}}")
        raise DecodeError(f"is a {kind.__name__}, not JSON data")

    def items(self, payload: Any) -> list:
        out = []
        for index, item in enumerate(_list(payload)):
            try:
                out.append(self.value(item))
            except DecodeError as exc:
                exc.path.insert(0, f"[{index}]")
                raise
        return out

    def tag_tuple(self, payload: Any) -> tuple:
        return tuple(self.items(payload))

    def tag_set(self, payload: Any) -> set:
        return set(self.keys(payload))

    def tag_frozenset(self, payload: Any) -> frozenset:
        return frozenset(self.keys(payload))

    def tag_date(self, payload: Any) -> dt.date:
        return _parsed(dt.date.fromisoformat, _text(payload), "date")

    def tag_time(self, payload: Any) -> dt.time:
        text = _text(payload)
        return _exact_offset(_parsed(dt.time.fromisoformat, text, "time"), text)

    def tag_uuid(self, payload: Any) -> uuid.UUID:
        return _parsed(uuid.UUID, _text(payload), "UUID")

    def tag_decimal(self, payload: Any) -> decimal.Decimal:
        return _parsed(decimal.Decimal, _text(payload), "Decimal")

    def keys(self, payload: Any) -> list:
        keys = self.items(payload)
        for key in keys:
            if not _is_key(key):
                raise DecodeError(f"has an item of type {_type_name(key)}, which cannot be a set item")
        if len(set(keys)) != len(keys):
            raise DecodeError("has the same item twice")
        return keys

    def tag_int(self, payload: Any) -> int:
        text = _text(payload)
        if not text.lstrip("-").isdigit() or text.startswith(("0", "-0")) or not text.isascii():
            raise DecodeError(f"is not a canonical decimal int: {text!r}")
        value = _parsed(int, text, "int")
        if -SAFE_INT <= value <= SAFE_INT:
            raise DecodeError(f"is {text}, which is written as a plain JSON number")
        return value

    def tag_float(self, payload: Any) -> float:
        text = _text(payload)
        if text not in ("nan", "inf", "-inf") and not all(c in "0123456789.e+-" for c in text):
            raise DecodeError(f"is not a float: {text!r}")
        return _parsed(float, text, "float")

    def text_value(self, data: Any, segment: str) -> str:
        """A string where the codec writes one as a value: plain, or with U+0000 in it."""
        if type(data) is dict and set(data) == {"str"}:
            return self.part(data["str"], segment, self.tag_str)
        return _text(data)

    def tag_str(self, payload: Any) -> str:
        parts = _list(payload)
        if len(parts) < 2 or not all(type(p) is str and "\x00" not in p for p in parts):
            raise DecodeError("is not a str with U+0000: the parts between its NULs, at least two")
        return "\x00".join(parts)

    def tag_dict(self, payload: Any) -> dict:
        return self.pairs(payload, self.key, lambda key: f"[{key!r}]")

    def key(self, data: Any) -> Any:
        key = self.value(data)
        if not _is_key(key):
            raise DecodeError(f"has a key of type {_type_name(key)}, which cannot be a dict key")
        return key

    def pairs(self, payload: Any, key: Callable[[Any], Any], segment: Callable[[Any], str]) -> dict:
        """`[[key, value], ...]` as a dict: keys read by `key`, each at most once."""
        out: dict = {}
        for index, pair in enumerate(_list(payload)):
            if type(pair) is not list or len(pair) != 2:
                raise DecodeError("is not a [key, value] pair", [f"[{index}]"])
            name = key(pair[0])
            if name in out:
                raise DecodeError(f"has {_shown(name)} twice")
            try:
                out[name] = self.value(pair[1])
            except DecodeError as exc:
                exc.path.insert(0, segment(name))
                raise
        return out

    def tag_bytes(self, payload: Any) -> bytes:
        try:
            return base64.b64decode(_text(payload), validate=True)
        except ValueError:
            raise DecodeError("is not base64 (RFC 4648, with padding)") from None

    def tag_datetime(self, payload: Any) -> dt.datetime:
        text = _text(payload)
        zone = None
        if text.endswith("]") and "[" in text:
            text, _, zone = text[:-1].partition("[")
        value = _exact_offset(_parsed(dt.datetime.fromisoformat, text, "datetime"), text)
        if zone is not None:
            if value.tzinfo is None:
                raise DecodeError(f"names the zone {zone!r} but has no UTC offset")
            import zoneinfo

            try:
                value = value.astimezone(zoneinfo.ZoneInfo(zone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                raise DecodeError(f"names the unknown time zone {zone!r}") from None
        return value

    def tag_timedelta(self, payload: Any) -> dt.timedelta:
        parts = _list(payload)
        if len(parts) != 3 or not all(type(p) is int for p in parts):
            raise DecodeError("is not a timedelta: [days, seconds, microseconds]")
        days, seconds, microseconds = parts
        if not (0 <= seconds < 86400 and 0 <= microseconds < 1_000_000):
            raise DecodeError("is not a normalized timedelta (0 <= seconds < 86400, 0 <= microseconds < 10**6)")
        try:
            return dt.timedelta(days, seconds, microseconds)
        except OverflowError:
            raise DecodeError(f"is a timedelta of {days} days, beyond Python's range") from None

    # ---------------------------------------------------------- classes

    def cls(self, name: Any, what: str) -> type:
        name = _text(name)
        try:
            cls = self.resolve(name)
        except Exception as exc:
            raise DecodeError(f"names the {what} class {name}, which cannot be loaded here: {_safe_repr(exc)}") from None
        if isinstance(cls, OpenClass):  # a class a program does not declare
            return cls.record_class(what)
        if not isinstance(cls, type):
            raise DecodeError(f"names {name}, which is not a class")
        return cls

    def record(self, cls: type[Record], kind: str, fields: dict[str, Any]) -> Record:
        """A model or dataclass of a program: the fields as they come (Python
        validated them; a model's extra fields come too)."""
        if cls.__rrl_kind__ != kind:
            raise DecodeError(f"names {class_name(cls)}, which is not a {kind}")
        return cls.__rrl_decode__(fields)

    def tag_enum(self, payload: Any) -> enum.Enum:
        fields = _object(payload, ("class", "value"))
        cls = self.cls(fields["class"], "enum")
        try:
            value = self.value(fields["value"])
        except DecodeError as exc:
            exc.path.insert(0, ".value")
            raise
        if issubclass(cls, OpenMember):
            return cls(value)
        if not issubclass(cls, enum.Enum):
            raise DecodeError(f"names {class_name(cls)}, which is not an Enum")
        try:
            return cls(value)
        except Exception as exc:
            raise DecodeError(f"is not a member of {class_name(cls)}: {_safe_repr(exc)}") from None

    def fields(self, payload: Any) -> dict[str, Any]:
        return self.pairs(payload, _field_name, lambda name: f".{name}")

    def tag_model(self, payload: Any) -> Any:
        members = _object(payload, ("class", "fields"))
        cls = self.cls(members["class"], "model")
        fields = self.fields(members["fields"])
        if issubclass(cls, Record):
            return self.record(cls, "model", fields)
        if not _is_pydantic_model(cls):
            raise DecodeError(f"names {class_name(cls)}, which is not a pydantic model")
        try:
            # Decoding validates, as constructing the model would.
            if getattr(cls, "__pydantic_root_model__", False):
                return cls.model_validate(fields.get("root"))
            return cls.model_validate(fields, **_by_name(cls))
        except Exception as exc:
            raise DecodeError(f"does not validate as {class_name(cls)}: {exc}") from None

    def tag_dataclass(self, payload: Any) -> Any:
        members = _object(payload, ("class", "fields"))
        cls = self.cls(members["class"], "dataclass")
        fields = self.fields(members["fields"])
        if issubclass(cls, Record):
            return self.record(cls, "dataclass", fields)
        if not dataclasses.is_dataclass(cls):
            raise DecodeError(f"names {class_name(cls)}, which is not a dataclass")
        declared = dataclasses.fields(cls)
        if set(fields) != {f.name for f in declared}:
            raise DecodeError(f"does not have the fields of {class_name(cls)}: {sorted(fields)}")
        try:
            value = cls(**{f.name: fields[f.name] for f in declared if f.init})
            for f in declared:
                if not f.init:
                    object.__setattr__(value, f.name, fields[f.name])
        except Exception as exc:
            raise DecodeError(f"cannot be rebuilt as {class_name(cls)}: {_safe_repr(exc)}") from None
        return value

    def tag_namedtuple(self, payload: Any) -> tuple:
        """A NamedTuple: its class rebuilt from the fields, by position (a
        class the program does not declare: an open NamedTuple of the fields
        as they come)."""
        members = _object(payload, ("class", "fields"))
        name = _text(members["class"])
        fields = self.fields(members["fields"])
        try:
            cls = self.resolve(name)
        except Exception as exc:
            raise DecodeError(f"names the namedtuple class {name}, which cannot be loaded here: {_safe_repr(exc)}") from None
        if isinstance(cls, OpenClass):
            cls = cls.named_tuple_class(tuple(fields))
        if not (isinstance(cls, type) and is_named_tuple_class(cls)):
            raise DecodeError(f"names {name}, which is not a NamedTuple")
        if tuple(fields) != cls._fields:
            raise DecodeError(f"does not have the fields of {class_name(cls)} in their order: {list(fields)}")
        return cls._make(fields.values())

    def tag_exception(self, payload: Any) -> BaseException:
        members = _object(payload, ("class", "message", "args", "attributes", "cause"), ("rebuild",))
        chain = _list(members["class"])
        if not chain or not all(type(name) is str and ":" in name for name in chain):
            raise DecodeError("has no class chain of module:qualname names", [".class"])
        message = self.text_value(members["message"], ".message")
        args = tuple(self.part(members["args"], ".args", self.items))
        attributes = self.fields(members["attributes"])
        rebuild = None
        if "rebuild" in members:
            rebuild = _object(members["rebuild"], ("method", "args"))
            method = rebuild["method"]
            if method is not None and type(method) is not str:
                raise DecodeError("has a rebuild method that is not a name", [".rebuild"])
            rebuild = (method, tuple(self.part(rebuild["args"], ".rebuild.args", self.items)))
        cause = members["cause"]
        if cause is not None:
            cause = self.part(cause, ".__cause__", self.value)
            if not isinstance(cause, BaseException):
                raise DecodeError("has a cause that is not an exception", [".__cause__"])
        exc = self.rebuilt_exception(chain[0], args, attributes, rebuild)
        if exc is None:
            exc = self.stand_in(tuple(chain), args, attributes, message)
        exc.__cause__ = cause
        return exc

    def part(self, data: Any, segment: str, read: Callable[[Any], Any]) -> Any:
        try:
            return read(data)
        except DecodeError as exc:
            exc.path.insert(0, segment)
            raise

    def rebuilt_exception(
        self, name: str, args: tuple, attributes: dict, rebuild: tuple[str | None, tuple] | None
    ) -> BaseException | None:
        """The exception as its own class, built the way unpickling builds one but
        without running `__init__`: `cls.__new__(cls, *args)` (or the `rebuild`
        method or arguments), then its args and attributes set. None when the class
        cannot be loaded or the exception cannot be built."""
        try:
            cls = self.resolve(name)
            if not (isinstance(cls, type) and issubclass(cls, BaseException)):
                return None
            method, arguments = rebuild if rebuild is not None else (None, args)
            exc = cls.__new__(cls, *arguments) if method is None else getattr(cls, method)(*arguments)
            if type(exc) is not cls:
                return None
            if exc.args != args:
                exc.args = args
            for attribute, value in attributes.items():
                setattr(exc, attribute, value)
        except Exception:
            return None
        return exc

    def stand_in(self, chain: tuple[str, ...], args: tuple, attributes: dict, message: str) -> BaseException:
        cls = _stand_in_class(chain, self.resolve)
        exc = cls.__new__(cls, *args)
        exc.args = args
        exc.__dict__.update(attributes)
        exc._rappel_message = message
        return exc


def _by_name(cls: type) -> dict[str, bool]:
    """Fields are encoded by name, not alias; pydantic >= 2.11 validates by name on request."""
    global _VALIDATES_BY_NAME
    if _VALIDATES_BY_NAME is None:
        import inspect

        _VALIDATES_BY_NAME = "by_name" in inspect.signature(cls.model_validate).parameters
    return {"by_name": True} if _VALIDATES_BY_NAME else {}


_VALIDATES_BY_NAME: bool | None = None

_stand_ins: dict[tuple, type] = {}


def _stand_in_class(chain: tuple[str, ...], resolve: Resolver) -> type:
    """A class standing for `chain[0]`, deriving from every class of the chain
    that loads here (builtins always do), most derived first."""
    loaded: list[type] = []
    for name in chain[1:]:
        module, _, qualname = name.partition(":")
        try:
            cls = getattr(builtins, qualname) if module == "builtins" else resolve(name)
        except Exception:
            continue
        if isinstance(cls, type) and issubclass(cls, BaseException):
            loaded.append(cls)
    bases = [cls for cls in loaded if not any(other is not cls and issubclass(other, cls) for other in loaded)]
    key = (chain, tuple(bases))
    cached = _stand_ins.get(key)
    if cached is not None:
        return cached
    module, _, qualname = chain[0].partition(":")
    namespace = {"__module__": module, "__qualname__": qualname, "__rappel_chain__": chain}
    name = qualname.rpartition(".")[2]
    for candidate in (bases, bases[:1], [Exception]):
        try:
            cls = type(name, (UnresolvedException, *(candidate or [Exception])), namespace)
            break
        except TypeError:  # bases that cannot be combined (instance layouts, MRO)
            continue
    _stand_ins[key] = cls
    return cls


def _list(payload: Any) -> list:
    if type(payload) is not list:
        raise DecodeError(f"has {_shown(payload)} where a JSON array belongs")
    return payload


def _field_name(data: Any) -> str:
    if type(data) is not str:
        raise DecodeError(f"has the field name {_shown(data)}, which is not a string")
    return data


def _text(payload: Any) -> str:
    if type(payload) is not str:
        raise DecodeError(f"has {_shown(payload)} where a JSON string belongs")
    return payload


def _object(payload: Any, members: tuple[str, ...], optional: tuple[str, ...] = ()) -> dict:
    if type(payload) is not dict or not set(members) <= set(payload) <= set(members + optional):
        raise DecodeError(f"has {_shown(payload)} where an object with members {', '.join(members)} belongs")
    return payload


# A UTC offset with microseconds, as isoformat() writes it: `+05:30:15.000250`.
_FRACTIONAL_OFFSET = re.compile(r"([+-])(\d\d):(\d\d):(\d\d)\.(\d{6})$")


def _exact_offset(value: dt.datetime | dt.time, text: str) -> dt.datetime | dt.time:
    """`value` with the offset `text` ends with, microseconds included: CPython's
    fromisoformat reads an offset under a second (`+00:00:00.000005`) as UTC."""
    match = _FRACTIONAL_OFFSET.search(text)
    if match is None or value.tzinfo is None:
        return value
    sign, hours, minutes, seconds, microseconds = match.groups()
    offset = dt.timedelta(hours=int(hours), minutes=int(minutes), seconds=int(seconds), microseconds=int(microseconds))
    offset = -offset if sign == "-" else offset
    return value if value.utcoffset() == offset else value.replace(tzinfo=dt.timezone(offset))


def _parsed(parse: Callable[[str], Any], text: str, what: str) -> Any:
    try:
        return parse(text)
    except (ValueError, TypeError, OverflowError, ArithmeticError):
        raise DecodeError(f"is not a valid {what}: {text!r}") from None
