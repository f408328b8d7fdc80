"""Models and dataclasses as a workflow holds them: records of fields.

A runtime runs a program without its Python classes, so a model or a
dataclass value in a workflow is a record: the class's identity
(`module:qualname`, from the program's declaration, see `rrl.classes`) and
its fields in order. The value codec encodes a record exactly as it encodes
an instance of the real class (`{"model": {"class": ..., "fields": ...}}`),
so a value built in a workflow and the same value built in Python cross a
process boundary as the same JSON; decoding on the Python side rebuilds the
real class (and pydantic validates it there).

What a workflow does with a record is what it does with the real instance,
for the classes a workflow may build (constant defaults, no code of the class,
see docs/language.md "Classes"):

- `r.f` reads a field (`AttributeError` for a name that is not one);
- `==` holds for the same class and equal fields; a frozen class's records
  hash by their fields, the others are unhashable;
- `repr()` and `str()` are pydantic's (`Point(x=1, y=2)`, `x=1 y=2`) and the
  dataclass's (`Point(x=1, y=2)`, with the qualname);
- a model iterates over its `(name, value)` pairs and has `model_copy(update=...)`
  and `model_dump()`;
- `r.f = v` in a workflow rebinds `r` to a copy with the field replaced; a
  frozen class refuses it, and so does a name that is not a field.

A record is never changed in place: every change is a new record.

A value of a class the program does not declare (one that reached the
workflow inside a value typed `Any` or `dict`) is read as what the codec
carries: a model or a dataclass as an open record of its fields, a
NamedTuple as a namedtuple of its fields, an enum member as an `OpenMember`
(its value; its name is unknown).
"""

from __future__ import annotations

import collections
import dataclasses
from typing import Any, ClassVar

MODEL, DATACLASS = "model", "dataclass"


class Record:
    """The base of every record class. A declared model or dataclass is a
    subclass with the declaration's identity, bases and fields (`rrl.classes`);
    a class the program does not declare, whose values come from Python, is an
    open record class: any fields, in the order they come."""

    __slots__ = ("__rrl_values__",)

    __rrl_kind__: ClassVar[str] = ""
    # The declared fields' names in order; None for an open record class.
    __rrl_fields__: ClassVar[tuple[str, ...] | None] = None
    __rrl_frozen__: ClassVar[bool] = False

    def __init__(self, values: dict[str, Any]) -> None:
        object.__setattr__(self, "__rrl_values__", dict(values))

    @classmethod
    def __rrl_decode__(cls, values: dict[str, Any]) -> "Record":
        """A record of the fields a value's encoding carries (no defaults, no validation)."""
        return cls(values)

    # ------------------------------------------------------------- fields

    def __getattr__(self, name: str) -> Any:
        values = object.__getattribute__(self, "__rrl_values__")
        try:
            return values[name]
        except KeyError:
            raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'") from None

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"a record does not change in place; use `replaced` ({type(self).__name__}.{name})")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete the field '{name}' of {type(self).__name__}: a record keeps its fields")

    def __rrl_items__(self) -> list[tuple[str, Any]]:
        return list(object.__getattribute__(self, "__rrl_values__").items())

    def replaced(self, name: str, value: Any, *, guarded: bool = True) -> "Record":
        """A copy with the field `name` set to `value`: `r.name = value` in a
        workflow. `guarded`: refused on a frozen class, as Python refuses the
        assignment; a change inside the field's value (`r.items.append(x)`)
        is not guarded, as Python's change in place is not."""
        cls = type(self)
        values = dict(object.__getattribute__(self, "__rrl_values__"))
        if guarded:
            if cls.__rrl_frozen__:
                if cls.__rrl_kind__ == DATACLASS:
                    raise dataclasses.FrozenInstanceError(f"cannot assign to field '{name}'")
                raise TypeError(f'"{cls.__name__}" is frozen: its field "{name}" cannot be assigned')
            if name not in values:
                raise ValueError(f'"{cls.__name__}" object has no field "{name}"')
        values[name] = value
        return cls(values)

    # ------------------------------------------------------------- value semantics

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self.__rrl_items__() == other.__rrl_items__()

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def __hash__(self) -> int:
        if not type(self).__rrl_frozen__:
            raise TypeError(f"unhashable type: '{type(self).__name__}'")
        return hash((type(self), tuple(value for _, value in self.__rrl_items__())))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({_arguments(self)})"

    def __copy__(self) -> "Record":
        return self  # immutable

    def __deepcopy__(self, memo: dict) -> "Record":
        return self

    def __reduce__(self):
        raise TypeError(f"a record of {type(self).__qualname__} crosses a process boundary through the value codec, not pickle")


def _arguments(record: Record) -> str:
    return ", ".join(f"{name}={value!r}" for name, value in record.__rrl_items__())


class ModelRecord(Record):
    """A pydantic model's values."""

    __slots__ = ()
    __rrl_kind__ = MODEL

    def __str__(self) -> str:
        return " ".join(f"{name}={value!r}" for name, value in self.__rrl_items__())

    def __iter__(self):
        return iter(self.__rrl_items__())

    def model_copy(self, *, update: dict[str, Any] | None = None, deep: bool = False) -> "ModelRecord":
        """A copy with the fields of `update` replaced (not validated, as in pydantic)."""
        values = dict(self.__rrl_items__())
        values.update(update or {})
        return type(self)(values)

    def model_dump(self) -> dict[str, Any]:
        """The fields as a dict, models and dataclasses inside turned into dicts too."""
        return {name: _dumped(value) for name, value in self.__rrl_items__()}


class DataclassRecord(Record):
    """A dataclass's values."""

    __slots__ = ()
    __rrl_kind__ = DATACLASS

    def __repr__(self) -> str:
        return f"{type(self).__qualname__}({_arguments(self)})"


RECORD_BASES: dict[str, type[Record]] = {MODEL: ModelRecord, DATACLASS: DataclassRecord}


def _dumped(value: Any) -> Any:
    """`model_dump()`'s Python mode: nested records become dicts; lists, tuples,
    sets and dict values are dumped item by item."""
    if isinstance(value, Record):
        return {name: _dumped(item) for name, item in value.__rrl_items__()}
    if type(value) is list:
        return [_dumped(item) for item in value]
    if type(value) is tuple:
        return tuple(_dumped(item) for item in value)
    if type(value) is dict:
        return {key: _dumped(item) for key, item in value.items()}
    return value


def record_class(kind: str, module: str, qualname: str, bases: tuple[type[Record], ...] = (),
                 fields: tuple[str, ...] | None = None, frozen: bool = False) -> type[Record]:
    """A record class named `module:qualname`: declared (`fields` names its
    fields), or open (`fields` None)."""
    namespace = {
        "__slots__": (),
        "__module__": module,
        "__qualname__": qualname,
        "__rrl_fields__": fields,
        "__rrl_frozen__": frozen,
    }
    return type(qualname.rpartition(".")[2], bases or (RECORD_BASES[kind],), namespace)


class OpenMember:
    """A member of an enum the program does not declare (it reached the workflow
    inside a value typed `Any` or `dict`): its class and value, as the codec
    carries them. It equals a member of its class with an equal value, hashes
    by its value, and goes out as it came in; its name is unknown."""

    __slots__ = ("value",)
    __rrl_kind__: ClassVar[str] = "enum"

    def __init__(self, value: Any) -> None:
        object.__setattr__(self, "value", value)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("an enum member does not change")

    def __getattr__(self, name: str) -> Any:
        if name == "name":
            raise AttributeError(
                f"the program does not declare the enum {type(self).__module__}:{type(self).__qualname__}, "
                "so the names of its members are unknown"
            )
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self.value == other.value

    def __hash__(self) -> int:
        return hash(self.value)

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self.value!r}>"


class OpenClass:
    """What a program's resolver gives for a class the program does not declare:
    the codec reads a model or a dataclass of it as an open record, an enum
    member as an `OpenMember`, and an exception as a stand-in (see `rrl.codec`)."""

    def __init__(self, identity: str) -> None:
        self.identity = identity
        self._kinded: dict[str, type] = {}

    def named_tuple_class(self, fields: tuple[str, ...]) -> type[tuple]:
        """The class its NamedTuple values with these fields are read as."""
        key = f"namedtuple:{','.join(fields)}"
        if key not in self._kinded:
            module, _, qualname = self.identity.partition(":")
            cls = collections.namedtuple(qualname.rpartition(".")[2], fields, module=module, rename=True)
            cls.__qualname__ = qualname
            self._kinded[key] = cls
        return self._kinded[key]

    def record_class(self, kind: str) -> type:
        """The class its values of a kind (`model`, `dataclass`, `enum`) are read as."""
        if kind not in self._kinded:
            module, _, qualname = self.identity.partition(":")
            if kind == "enum":
                namespace = {"__slots__": (), "__module__": module, "__qualname__": qualname}
                self._kinded[kind] = type(qualname.rpartition(".")[2], (OpenMember,), namespace)
            else:
                self._kinded[kind] = record_class(kind, module, qualname)
        return self._kinded[kind]
