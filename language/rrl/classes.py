"""The classes of a program, built from its declarations alone.

A program declares every Python class it names (docs/language.md, "Classes"):
exceptions with their bases, models and dataclasses with their fields, enums
with their members. The reference interpreter builds a Python class for each,
without importing the user's code, so that a workflow's values are exactly
what the value codec carries, and any runtime can run the program:

- an exception class derives from its declared bases (declared classes, or
  builtin exceptions), so `except` and `isinstance` follow the declared
  hierarchy; a class declared `from builtins` is Python's own;
- a model or a dataclass is a record class (`rrl.records`);
- a NamedTuple is a `collections.namedtuple` class with the declared fields
  and defaults: its values are tuples, as in Python;
- an enum is a Python enum of the declared flavor (`Enum`, `IntEnum`,
  `StrEnum`, `Flag`, `IntFlag`, optionally after a `str`, `int` or `float`
  mixin), with the declared members in order (a member whose value repeats
  an earlier one's is an alias of it, as in Python).

Each class has the declared identity (`__module__`, `__qualname__`), which is
how the codec names it. `ProgramClasses.resolve` is the codec's resolver for
values entering the program: declared classes, builtin exceptions and the
engine's own exceptions, and, for any other name, an `OpenClass` (a model or
dataclass of it is read as an open record, an exception as a stand-in).

The engine's exceptions, `RappelError` and `RappelTimeout` (defined in
`rrl.engine`, exported here too): every program knows them
(`rappel:RappelTimeout` is what a timed-out attempt raises), and the SDK
exports these same classes. So is `ActionNotFound`, a `RappelError` a worker
raises for an action it cannot find, which no retry policy retries; programs
catch it as a `RappelError`.
"""

from __future__ import annotations

import builtins
import collections
import dataclasses
import enum
from typing import Any, Callable

from . import ast as A
from . import builtins as B
# The engine's exceptions, defined apart (`import rappel` needs them, not the AST).
from .engine import ENGINE_EXCEPTIONS, ActionNotFound, RappelError, RappelTimeout
from .records import DATACLASS, MODEL, OpenClass, Record, record_class


# The enum flavors an enum declaration may derive from, and the mixins before them.
ENUM_FLAVORS: dict[str, type[enum.Enum]] = {
    cls.__name__: cls for cls in (enum.Enum, enum.IntEnum, enum.StrEnum, enum.Flag, enum.IntFlag)
}
ENUM_MIXINS: dict[str, type] = {"str": str, "int": int, "float": float}


def builtin_exception(name: str) -> type[BaseException] | None:
    """The exception class an RRL builtin exception name stands for."""
    if name not in B.EXCEPTIONS:
        return None
    return RappelTimeout if name == "RappelTimeout" else getattr(builtins, name)


class ClassError(TypeError):
    """A declaration the interpreter cannot build a class from (the checker
    reports the reason for a program it checked)."""


class ProgramClasses:
    """The classes of one program's declarations (`types`: name → declaration).
    `constant` evaluates a default or an enum member's value; `build_all` builds
    every class before the program runs, as Python defines a module's classes
    (and computes their defaults) when it imports it, before any call."""

    def __init__(self, types: dict[str, A.ClassDecl], constant: Callable[[A.Expr], Any]):
        self.decls = dict(types)
        self.constant = constant
        self.by_identity = {decl.identity: name for name, decl in self.decls.items()}
        self._built: dict[str, type] = {}
        self._building: set[str] = set()
        self._open: dict[str, OpenClass] = {}

    # ------------------------------------------------------------- lookups

    def named(self, name: str) -> type | None:
        """The class a name of the program stands for: a declared class or a
        builtin exception; None for any other name."""
        if name in self.decls:
            return self.build(name)
        return builtin_exception(name)

    def declaration(self, name: str) -> A.ClassDecl | None:
        return self.decls.get(name)

    def resolve(self, identity: str) -> Any:
        """The codec's resolver for values entering the program: `module:qualname`
        → the declared class, a builtin exception, an engine exception, or an
        `OpenClass` for a class the program does not declare."""
        if identity in self.by_identity:
            return self.build(self.by_identity[identity])
        if identity in ENGINE_EXCEPTIONS:
            return ENGINE_EXCEPTIONS[identity]
        module, _, qualname = identity.partition(":")
        found = getattr(builtins, qualname, None) if module == "builtins" else None
        if isinstance(found, type) and issubclass(found, BaseException):
            return found
        if identity not in self._open:
            self._open[identity] = OpenClass(identity)
        return self._open[identity]

    # ------------------------------------------------------------- building

    def build_all(self) -> None:
        for name in self.decls:
            self.build(name)

    def build(self, name: str) -> type:
        built = self._built.get(name)
        if built is not None:
            return built
        decl = self.decls[name]
        if name in self._building:
            raise ClassError(f"the class `{name}` derives from itself")
        self._building.add(name)
        try:
            if decl.kind == "exception":
                built = self._exception(decl)
            elif decl.kind == "enum":
                built = self._enum(decl)
            elif decl.kind == "namedtuple":
                built = self._named_tuple(decl)
            else:
                built = self._record(decl)
        finally:
            self._building.discard(name)
        self._built[name] = built
        return built

    def _base(self, decl: A.ClassDecl, base: str) -> type:
        cls = self.named(base)
        if cls is None:
            raise ClassError(f"the base `{base}` of `{decl.name}` is not declared")
        return cls

    def _exception(self, decl: A.ClassDecl) -> type:
        if decl.identity in ENGINE_EXCEPTIONS:
            return ENGINE_EXCEPTIONS[decl.identity]
        if decl.module == "builtins":  # Python's own, not user code
            cls = getattr(builtins, decl.qualname, None)
            if not (isinstance(cls, type) and issubclass(cls, BaseException)):
                raise ClassError(f"`builtins.{decl.qualname}` is not a builtin exception")
            return cls
        bases = tuple(self._base(decl, b) for b in decl.bases) or (Exception,)
        if not all(issubclass(b, BaseException) for b in bases):
            raise ClassError(f"the exception `{decl.name}` derives from a class that is not an exception")
        try:
            return type(decl.qualname.rpartition(".")[2], bases, {"__module__": decl.module, "__qualname__": decl.qualname})
        except TypeError as exc:  # bases that cannot be combined
            raise ClassError(f"the exception `{decl.name}` cannot derive from {', '.join(decl.bases)}: {exc}") from None

    def _record(self, decl: A.ClassDecl) -> type[Record]:
        bases = tuple(self._base(decl, b) for b in decl.bases)
        if not all(isinstance(b, type) and issubclass(b, Record) and b.__rrl_kind__ == decl.kind for b in bases):
            raise ClassError(f"the {decl.kind} `{decl.name}` derives from a class that is not a {decl.kind}")
        fields = None if decl.fields is None else tuple(f.name for f in decl.fields)
        return record_class(decl.kind, decl.module, decl.qualname, bases, fields, decl.frozen)

    def _named_tuple(self, decl: A.ClassDecl) -> type[tuple]:
        """A namedtuple class: `Point(1, y=2)`, `p.x`, `p[0]`, `p._replace(x=3)`
        and everything a tuple does are Python's own. Its defaults are computed
        once, as Python computes a NamedTuple's class attributes."""
        if decl.bases:
            raise ClassError(f"the NamedTuple `{decl.name}` derives from {', '.join(decl.bases)}: a NamedTuple has no base")
        fields = decl.fields or ()
        defaulted = [f for f in fields if f.default is not None]
        if any(f.default is None for f in fields[len(fields) - len(defaulted):]):
            raise ClassError(f"the NamedTuple `{decl.name}` has a field without a default after one with a default")
        defaults = []
        for field in defaulted:
            try:
                defaults.append(self.constant(field.default))
            except Exception as exc:  # `1 // 0`: Python fails defining the class
                raise ClassError(f"the default of the field `{field.name}` of `{decl.name}`: {exc}") from None
        try:
            cls = collections.namedtuple(decl.qualname.rpartition(".")[2], [f.name for f in fields],
                                         defaults=defaults, module=decl.module)
        except ValueError as exc:  # a field name Python refuses (`_x`, a keyword)
            raise ClassError(f"cannot build the NamedTuple `{decl.name}`: {exc}") from None
        cls.__qualname__ = decl.qualname
        return cls

    def _enum(self, decl: A.ClassDecl) -> type[enum.Enum]:
        mixins = [ENUM_MIXINS[b] for b in decl.bases if b in ENUM_MIXINS]
        others = [b for b in decl.bases if b not in ENUM_MIXINS]
        if len(mixins) > 1 or len(others) != 1:
            raise ClassError(f"the enum `{decl.name}` derives from {', '.join(decl.bases) or 'nothing'}: "
                             "an enum derives from one enum class, after at most one of str, int and float")
        base = ENUM_FLAVORS.get(others[0]) or self._base(decl, others[0])
        if not (isinstance(base, type) and issubclass(base, enum.Enum)) or list(base):
            raise ClassError(f"the enum `{decl.name}` derives from `{others[0]}`, which is not an enum without members")
        members = [(m.name, self.constant(m.value)) for m in decl.members]
        name = decl.qualname.rpartition(".")[2]
        try:
            return base(name, members, module=decl.module, qualname=decl.qualname, type=mixins[0] if mixins else None)
        except (TypeError, ValueError) as exc:
            raise ClassError(f"cannot build the enum `{decl.name}`: {exc}") from None

    # ------------------------------------------------------------- instances

    def construct(self, name: str, args: list, kwargs: dict, default: Callable[[A.Expr], Any]) -> Any:
        """`name(*args, **kwargs)` in a workflow. A model or a dataclass takes its
        fields by name; a field left out takes its declared default (`default`
        evaluates it). No code of the class runs, and nothing is validated."""
        cls = self.named(name)
        if cls is None:
            raise NameError(f"name '{name}' is not defined")
        if not (isinstance(cls, type) and issubclass(cls, Record)):
            return cls(*args, **kwargs)  # an exception, an enum member, a NamedTuple: Python's own
        decl = self.decls[name]
        label = f"{decl.qualname}()"
        if decl.fields is None:
            raise TypeError(f"{label}: the program does not declare the fields of {decl.name}, so it cannot build one")
        if args:
            raise TypeError(f"{label} takes its fields by name, not {len(args)} positional argument{'s' * (len(args) != 1)}")
        declared = {f.name: f for f in decl.fields}
        unknown = [k for k in kwargs if k not in declared]
        if unknown:
            raise TypeError(f"{label} got an unexpected keyword argument '{unknown[0]}'")
        missing = [f.name for f in decl.fields if f.name not in kwargs and f.default is None]
        if missing:
            raise TypeError(f"{label} missing {len(missing)} required argument{'s' * (len(missing) != 1)}: "
                            + " and ".join(f"'{m}'" for m in missing))
        values = {f.name: kwargs[f.name] if f.name in kwargs else default(f.default) for f in decl.fields}
        return cls(values)

    def without_field(self, record: Record, attr: str, default: Callable[[A.Expr], Any]) -> Record:
        """`del record.attr` in a workflow: as Python deletes a field of the
        instance, a dataclass's field falls back to its declared default (the
        class attribute), and a field without one, or a model's, is gone."""
        cls = type(record)
        values = dict(record.__rrl_items__())
        if attr not in values:
            raise AttributeError(f"'{cls.__name__}' object has no attribute '{attr}'")
        if cls.__rrl_frozen__:
            if cls.__rrl_kind__ == DATACLASS:
                raise dataclasses.FrozenInstanceError(f"cannot delete field '{attr}'")
            raise TypeError(f'"{cls.__name__}" is frozen: its field "{attr}" cannot be deleted')
        name = self.by_identity.get(f"{cls.__module__}:{cls.__qualname__}")
        declared = next((f for f in self.decls[name].fields or () if f.name == attr), None) if name else None
        if cls.__rrl_kind__ == DATACLASS and declared is not None and declared.default is not None:
            values[attr] = default(declared.default)
        else:
            del values[attr]
        return cls(values)

    def member(self, name: str, attr: str) -> Any:
        """`T.NAME`: the member `NAME` of the enum `T`."""
        cls = self.named(name)
        if isinstance(cls, type) and issubclass(cls, enum.Enum) and attr in cls.__members__:
            return cls.__members__[attr]
        shown = cls.__name__ if isinstance(cls, type) else name
        raise AttributeError(f"type object '{shown}' has no attribute '{attr}'")


RECORD_KINDS = (MODEL, DATACLASS)
