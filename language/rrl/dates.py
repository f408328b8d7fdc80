"""The builtins and methods of dates, times, bytes and hashes, as the
reference evaluator runs them (`rrl.builtins`: `datetime`, `date`,
`timedelta`, `hexdigest`, `digest`, their methods and class methods).

They are Python's, with two rules every evaluator follows:

- A datetime's `tzinfo` is its UTC offset, a timedelta (or None): the
  frontend lowers `timezone.utc` and `timezone(offset)` to the offset.
- `str.encode()` encodes to UTF-8 only.
- `datetime.fromisoformat()` and `date.fromisoformat()` read the text
  `isoformat()` writes (with `T` or a space between date and time), not
  every ISO 8601 form Python 3.11 reads.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import operator
import re
from typing import Any

from . import builtins as B

_DATE = r"\d{4}-\d{2}-\d{2}"
_OFFSET = r"(?:[+-]\d{2}:\d{2}(?::\d{2}(?:\.\d{6})?)?)?"
_ISO_DATETIME = re.compile(rf"{_DATE}[T ]\d{{2}}:\d{{2}}:\d{{2}}(?:\.\d{{6}})?{_OFFSET}", re.ASCII)
_ISO_DATE = re.compile(_DATE, re.ASCII)


def _tp_name(value: Any) -> str:
    """The name of the value's class in CPython's messages: `datetime.date`,
    `decimal.Decimal` (C types name their module), `int`."""
    cls = type(value)
    return f"{cls.__module__}.{cls.__name__}" if cls.__module__ in ("datetime", "decimal") else cls.__name__


def _timezone(tzinfo: Any) -> dt.timezone | None:
    if tzinfo is None:
        return None
    if not isinstance(tzinfo, dt.timedelta):
        raise TypeError(f"tzinfo must be a timedelta (the UTC offset) or None, not {_tp_name(tzinfo)}")
    return dt.timezone(tzinfo)


def _integers(values: dict[str, Any]) -> None:
    for value in values.values():
        operator.index(value)  # `'str' object cannot be interpreted as an integer`


def make_datetime(year, month, day, hour=0, minute=0, second=0, microsecond=0, tzinfo=None):
    _integers(dict(year=year, month=month, day=day, hour=hour, minute=minute, second=second, microsecond=microsecond))
    return dt.datetime(year, month, day, hour, minute, second, microsecond, tzinfo=_timezone(tzinfo))


def make_date(year, month, day):
    _integers(dict(year=year, month=month, day=day))
    return dt.date(year, month, day)


def make_timedelta(days=0, seconds=0, microseconds=0, milliseconds=0, minutes=0, hours=0, weeks=0):
    for name, value in dict(days=days, seconds=seconds, microseconds=microseconds, milliseconds=milliseconds,
                            minutes=minutes, hours=hours, weeks=weeks).items():
        if not isinstance(value, (int, float)):
            raise TypeError(f"unsupported type for timedelta {name} component: {_tp_name(value)}")
    return dt.timedelta(days, seconds, microseconds, milliseconds, minutes, hours, weeks)


def _algorithm(name: Any) -> str:
    if name not in B.HASH_ALGORITHMS:
        raise ValueError(f"unsupported hash type {name!r}: use one of {', '.join(B.HASH_ALGORITHMS)}")
    return name


def _hashed(algorithm: Any, data: Any):
    algorithm = _algorithm(algorithm)
    if isinstance(data, str):
        raise TypeError("Strings must be encoded before hashing")
    if not isinstance(data, bytes):
        raise TypeError(f"object supporting the buffer API required, not {_tp_name(data)}")
    return hashlib.new(algorithm, data)


def hexdigest(algorithm, data) -> str:
    return _hashed(algorithm, data).hexdigest()


def digest(algorithm, data) -> bytes:
    return _hashed(algorithm, data).digest()


FUNCTIONS = {
    "datetime": make_datetime,
    "date": make_date,
    "timedelta": make_timedelta,
    "hexdigest": hexdigest,
    "digest": digest,
}
# Errors name them as RRL does: `datetime() missing 1 required positional argument: 'day'`.
for _name, _function in FUNCTIONS.items():
    _function.__name__ = _function.__qualname__ = _name


def _text(method: str, args: tuple, kwargs: dict) -> str:
    """The one str argument of a class method."""
    if kwargs:
        raise TypeError(f"{method}() takes no keyword arguments")
    if len(args) != 1:
        raise TypeError(f"{method}() takes exactly one argument ({len(args)} given)")
    if not isinstance(args[0], str):
        raise TypeError(f"{method}() argument must be str, not {_tp_name(args[0])}")
    return args[0]


def datetime_fromisoformat(*args, **kwargs):
    text = _text("fromisoformat", args, kwargs)
    if not _ISO_DATETIME.fullmatch(text):
        raise ValueError(f"Invalid isoformat string: {text!r}")
    return dt.datetime.fromisoformat(text)


def date_fromisoformat(*args, **kwargs):
    text = _text("fromisoformat", args, kwargs)
    if not _ISO_DATE.fullmatch(text):
        raise ValueError(f"Invalid isoformat string: {text!r}")
    return dt.date.fromisoformat(text)


def bytes_fromhex(*args, **kwargs):
    """Pairs of hex digits, ASCII whitespace between pairs (Python also reads
    other Unicode digits and spaces, which RRL does not)."""
    text = _text("fromhex", args, kwargs)
    return bytes.fromhex("".join(char if char.isascii() else "?" for char in text))  # "?" is not a hex digit


STATIC_METHODS = {
    ("datetime", "fromisoformat"): datetime_fromisoformat,
    ("date", "fromisoformat"): date_fromisoformat,
    ("bytes", "fromhex"): bytes_fromhex,
}

_NO_ARGUMENTS = frozenset({"weekday", "isoweekday", "date", "time", "utcoffset", "total_seconds", "hex", "isoformat"})
_REPLACE_FIELDS = {
    dt.datetime: ("year", "month", "day", "hour", "minute", "second", "microsecond", "tzinfo"),
    dt.date: ("year", "month", "day"),
    dt.time: ("hour", "minute", "second", "microsecond", "tzinfo"),
}


def receiver_ok(value: Any, method: str) -> bool:
    """Whether `method` is one of this module's methods of `value`."""
    if isinstance(value, dt.datetime):
        return method in B.DATETIME_METHODS
    if isinstance(value, dt.date):
        return method in B.DATE_METHODS
    if isinstance(value, dt.time):
        return method in B.TIME_METHODS
    if isinstance(value, dt.timedelta):
        return method in B.TIMEDELTA_METHODS
    if isinstance(value, bytes):
        return method in B.BYTES_METHODS
    return isinstance(value, str) and method in B.ENCODE_METHODS


def call_method(receiver: Any, method: str, args: list, kwargs: dict) -> Any:
    """`receiver.method(*args, **kwargs)` for a receiver `receiver_ok` accepts."""
    owner = type(receiver).__name__
    if method in _NO_ARGUMENTS and (args or kwargs):
        raise TypeError(f"{owner}.{method}() takes no arguments ({len(args) + len(kwargs)} given)")
    if method == "replace":
        fields = _REPLACE_FIELDS[type(receiver)]
        if args:
            raise TypeError(f"{owner}.replace() takes keyword arguments only in a workflow")
        for name, value in kwargs.items():
            if name not in fields:
                raise TypeError(f"'{name}' is an invalid keyword argument for replace()")
            if name != "tzinfo":
                _integers({name: value})
        if "tzinfo" in kwargs:
            kwargs = {**kwargs, "tzinfo": _timezone(kwargs["tzinfo"])}
        return receiver.replace(**kwargs)
    if method == "encode":
        if len(args) + len(kwargs) > 1 or (kwargs and "encoding" not in kwargs):
            raise TypeError("str.encode() takes only the encoding in a workflow")
        encoding = args[0] if args else kwargs.get("encoding", "utf-8")
        if not isinstance(encoding, str) or encoding.lower().replace("_", "-") not in ("utf-8", "utf8"):
            raise ValueError(f"encode() in a workflow supports the encoding 'utf-8' only, not {encoding!r}")
        return receiver.encode("utf-8")
    return getattr(receiver, method)(*args, **kwargs)
