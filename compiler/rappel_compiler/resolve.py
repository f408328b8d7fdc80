"""What the frontend needs to know about names imported from other modules.

The frontend reads the workflow's source file (and, for the helpers a workflow
takes from the project's other modules, theirs: modules.py). Other names imported
from elsewhere are looked up through a `Resolver`: a function from the qualified name of the imported
object (`"app.actions.send_email"`) to an `ActionInfo`, `TypeInfo`,
`ConstInfo`, `MemberInfo` (an enum member), or None when it is none of these.
`live_resolver` builds one from live (imported) Python objects; tests pass
hand-written ones.

This module must not import `rappel` (the SDK depends on the compiler, not
the other way round): actions and `Depend` markers are recognised by duck
typing (`__rappel_action__`, `__rappel_depend__`).
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import importlib
import inspect
import sys
import types
import typing
from dataclasses import dataclass, field, is_dataclass
from typing import Any, Callable, Union

from rrl import builtins as rrl_builtins
from rrl import codec


@dataclass(frozen=True)
class ParamInfo:
    name: str
    annotation: str | None
    has_default: bool = False
    default: object = None


@dataclass(frozen=True)
class ActionInfo:
    """An `@action` defined in another module. `params` excludes injected
    (`Depend`) parameters; annotations are Python source text."""

    name: str  # the registered name
    module: str
    params: tuple[ParamInfo, ...]
    returns: str | None


@dataclass(frozen=True)
class Hook:
    """Code of a class that runs when an instance is built (see construction.py)."""

    what: str  # "its field `id` has `default_factory=new_id`", "it defines `__post_init__`"
    field: str | None = None  # the field whose default it computes: passing the field skips it


NO_DEFAULT = object()  # a field without a default (or one RRL cannot hold)


@dataclass(frozen=True)
class FieldShape:
    """A field of a model or a dataclass: its annotation as Python source text
    (qualified names), and its default when that is a constant value."""

    name: str
    annotation: str | None = None
    default: object = NO_DEFAULT


@dataclass(frozen=True)
class ClassShape:
    """What the program's declaration of an imported class says (see
    `declarations.py`): its bases (`TypeInfo`s of classes, or the RRL names of
    builtin exceptions and enum flavors and mixins: `ValueError`, `str`,
    `Enum`), a model's or dataclass's fields (base classes' first) and
    frozenness, an enum's members (name, value) in order with its aliases, and
    `problem`: why RRL cannot declare it, if it cannot."""

    bases: tuple["TypeInfo | str", ...] = ()
    fields: tuple[FieldShape, ...] = ()
    members: tuple[tuple[str, object], ...] = ()
    frozen: bool = False
    problem: str | None = None
    properties: tuple[str, ...] = ()  # attributes whose reading runs code of the class


@dataclass(frozen=True)
class TypeInfo:
    module: str
    name: str
    kind: str  # one of TYPE_KINDS
    hooks: tuple[Hook, ...] = ()  # for models, dataclasses and enums
    # Whether the value codec carries its instances (rrl.codec); None: not known.
    encodable: bool | None = field(default=None, compare=False)
    # What a declaration of the class says, worked out on demand; None: not known.
    shape: Callable[[], ClassShape] | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class ConstInfo:
    # JSON-like (None, bool, int, float, str, list, tuple, dict), where enum
    # members may stand for scalars; or a tuple of exception classes (TypeInfo).
    value: object


@dataclass(frozen=True)
class MemberInfo:
    """A member of an enum class: `Color.RED`."""

    type: TypeInfo
    name: str


Resolved = Union[ActionInfo, TypeInfo, ConstInfo, MemberInfo, None]
Resolver = Callable[[str], Resolved]

# A "typeddict" builds plain dicts; a "namedtuple" is a tuple whose items have names.
TYPE_KINDS = ("model", "dataclass", "exception", "enum", "typeddict", "namedtuple", "class")


# ------------------------------------------------------------------ live objects


def live_resolver(module_globals_or_module: types.ModuleType | dict | None = None) -> Resolver:
    """A resolver reading live objects: the module's globals first (for the names
    it defines or imports), then `sys.modules`, importing modules on demand."""
    if isinstance(module_globals_or_module, types.ModuleType):
        namespace = vars(module_globals_or_module)
    else:
        namespace = module_globals_or_module or {}
    own_module = namespace.get("__name__")

    def resolve(qualified: str) -> Resolved:
        found, obj = _lookup(qualified, namespace, own_module)
        return describe(obj) if found else None

    return resolve


def _lookup(qualified: str, namespace: dict, own_module: str | None) -> tuple[bool, Any]:
    parts = qualified.split(".")
    if own_module and qualified.startswith(own_module + ".") and parts[len(own_module.split("."))] in namespace:
        rest = parts[len(own_module.split(".")) :]
        return _getattrs(namespace[rest[0]], rest[1:])
    for cut in range(len(parts) - 1, 0, -1):
        module_name = ".".join(parts[:cut])
        module = sys.modules.get(module_name)
        if module is None:
            try:
                module = importlib.import_module(module_name)
            except Exception:
                continue
        return _getattrs(module, parts[cut:])
    return False, None


def _getattrs(obj: Any, names: list[str]) -> tuple[bool, Any]:
    for name in names:
        try:
            obj = getattr(obj, name)
        except AttributeError:
            return False, None
    return True, obj


def describe(obj: object) -> Resolved:
    """Classify one live object."""
    definition = getattr(obj, "__rappel_action__", None)
    if definition is not None:
        return action_info(definition)
    if inspect.isclass(obj):
        return type_info(obj)
    if isinstance(obj, enum.Enum):
        return MemberInfo(type_info(type(obj)), obj.name)
    if is_constant(obj):
        return ConstInfo(obj)
    if isinstance(obj, (tuple, list)) and obj and all(inspect.isclass(v) and issubclass(v, BaseException) for v in obj):
        return ConstInfo(tuple(type_info(v) for v in obj))  # `RETRYABLE = (ConnectionError, TimeoutError)`
    return None


def type_info(cls: type) -> TypeInfo:
    kind = type_kind(cls)
    return TypeInfo(cls.__module__, cls.__qualname__, kind, construction_hooks(cls, kind), codec.encodes_instances_of(cls), _Shape(cls, kind))


class _Shape:
    """A live class's `ClassShape`, worked out when a declaration asks for it
    (its bases are classes in turn)."""

    def __init__(self, cls: type, kind: str):
        self.cls = cls
        self.kind = kind

    def __call__(self) -> ClassShape:
        return class_shape(self.cls, self.kind)


def class_shape(cls: type, kind: str) -> ClassShape:
    return dataclasses.replace(_shape_of_kind(cls, kind), properties=properties(cls))


def properties(cls: type) -> tuple[str, ...]:
    """The properties of a class (`property`, `functools.cached_property`, pydantic's
    `computed_field`) that its own code defines: reading one runs that code."""
    found: list[str] = []
    for klass in cls.__mro__:
        if klass.__module__.split(".")[0] in _LIBRARY_MODULES:
            continue
        for name, value in vars(klass).items():
            if isinstance(getattr(value, "wrapped", value), (property, functools.cached_property)) and name not in found:
                found.append(name)
    return tuple(found)


def _shape_of_kind(cls: type, kind: str) -> ClassShape:
    if kind == "exception":
        bases = tuple(_exception_base(base) for base in cls.__bases__ if issubclass(base, BaseException))
        return ClassShape(bases=bases or ("Exception",))
    if kind == "enum":
        return _enum_shape(cls)
    if kind == "model":
        return _model_shape(cls)
    if kind == "dataclass":
        bases = tuple(type_info(b) for b in cls.__bases__ if is_dataclass(b) and not _is_model(b))
        fields = tuple(_dataclass_field(f) for f in dataclasses.fields(cls))
        params = getattr(cls, "__dataclass_params__", None)
        return ClassShape(bases=bases, fields=fields, frozen=bool(getattr(params, "frozen", False)))
    if kind == "namedtuple":
        return _named_tuple_shape(cls)
    return ClassShape()


def _named_tuple_shape(cls: type) -> ClassShape:
    """A NamedTuple's fields in order, typed where the class annotates them
    (`collections.namedtuple` does not: `Any`), with their defaults."""
    annotations = getattr(cls, "__annotations__", {}) or {}
    defaults = getattr(cls, "_field_defaults", {}) or {}
    fields = []
    problem = None
    for name in cls._fields:
        default: object = defaults.get(name, NO_DEFAULT)
        if default is not NO_DEFAULT and not is_constant(default):
            problem = problem or f"the default of its field `{name}` is not a constant RRL can hold"
        annotation = annotations.get(name)
        text = "Any" if annotation is None else annotation if isinstance(annotation, str) else annotation_text(annotation)
        fields.append(FieldShape(name, text, default))
    return ClassShape(fields=tuple(fields), problem=problem)


def _exception_base(base: type) -> "TypeInfo | str":
    if base.__module__ == "builtins" and base.__name__ in RRL_BUILTIN_EXCEPTIONS:
        return base.__name__
    return type_info(base)


def _enum_shape(cls: type) -> ClassShape:
    flavor = next(
        (base.__name__ for base in cls.__mro__ if base.__module__ == "enum" and base.__name__ in ENUM_FLAVORS), "Enum"
    )
    mixin = getattr(cls, "_member_type_", object)
    implied = {"IntEnum": int, "IntFlag": int, "StrEnum": str}.get(flavor)
    bases: tuple[str, ...] = (flavor,)
    if mixin in (str, int, float) and mixin is not implied:
        bases = (mixin.__name__, flavor)
    members = tuple((name, member.value) for name, member in cls.__members__.items())
    problem = None
    if mixin not in (object, str, int, float, implied):
        problem = f"its members are instances of {mixin.__qualname__}, which RRL does not hold"
    else:
        strange = next((name for name, value in members if not is_constant(value)), None)
        if strange is not None:
            problem = f"the value of its member `{strange}` is not a constant RRL can hold"
    return ClassShape(bases=bases, members=members, problem=problem)


def _model_shape(cls: type) -> ClassShape:
    bases = tuple(type_info(b) for b in cls.__bases__ if _is_model(b) and not _is_library_model(b))
    fields = []
    for name, info in getattr(cls, "model_fields", {}).items():
        default: object = NO_DEFAULT
        factory = getattr(info, "default_factory", None)
        if factory in CONSTANT_FACTORIES:
            default = factory()
        elif factory is None and not info.is_required() and is_constant(info.default):
            default = info.default
        fields.append(FieldShape(name, annotation_text(info.annotation), default))
    config = getattr(cls, "model_config", {}) or {}
    aliased = next((name for name, info in getattr(cls, "model_fields", {}).items() if getattr(info, "alias", None) not in (None, name)), None)
    problem = f"its field `{aliased}` has an alias, which a workflow's construction does not read" if aliased else None
    return ClassShape(bases=bases, fields=tuple(fields), frozen=bool(config.get("frozen")), problem=problem)


def _is_library_model(cls: type) -> bool:
    """pydantic's own bases (`BaseModel`, `RootModel`), not classes of a program."""
    return cls.__module__.split(".")[0] == "pydantic"


def _dataclass_field(f: dataclasses.Field) -> FieldShape:
    default: object = NO_DEFAULT
    if f.default_factory is not dataclasses.MISSING and f.default_factory in CONSTANT_FACTORIES:
        default = f.default_factory()
    elif f.default is not dataclasses.MISSING and is_constant(f.default):
        default = f.default
    annotation = f.type if isinstance(f.type, str) else annotation_text(f.type)
    return FieldShape(f.name, annotation, default)


# The builtin exceptions RRL names without a declaration (`rrl.builtins.EXCEPTIONS`),
# and the enum classes an enum declaration derives from.
RRL_BUILTIN_EXCEPTIONS = rrl_builtins.EXCEPTIONS - {"RappelTimeout"}
ENUM_FLAVORS = ("IntFlag", "Flag", "IntEnum", "StrEnum", "Enum")


def type_kind(cls: type) -> str:
    if issubclass(cls, BaseException):
        return "exception"
    if issubclass(cls, enum.Enum):
        return "enum"
    if _is_model(cls):
        return "model"
    if is_dataclass(cls):
        return "dataclass"
    if typing.is_typeddict(cls):
        return "typeddict"
    if issubclass(cls, tuple) and hasattr(cls, "_fields"):
        return "namedtuple"
    return "class"


def _is_model(cls: type) -> bool:
    return any(base.__name__ == "BaseModel" and base.__module__.startswith("pydantic") for base in cls.__mro__)


def is_constant(value: object) -> bool:
    """None, bool, int, float, str, enum members, and lists, tuples and dicts of
    them. The types are exact: a subclass of str is not a plain value (an
    IntEnum member is an enum member)."""
    if value is None or type(value) in (bool, int, float, str) or isinstance(value, enum.Enum):
        return True
    if type(value) in (list, tuple):
        return all(is_constant(v) for v in value)
    if type(value) is dict:
        return all(_is_key(k) and is_constant(v) for k, v in value.items())
    return False


def _is_key(value: object) -> bool:
    return type(value) in (str, int, float, bool) or isinstance(value, enum.Enum)


# ------------------------------------------------------------------ construction hooks

# Factories that build an empty container: a constant default, spelled as a call.
CONSTANT_FACTORIES = (list, dict, tuple)
# Methods that run when a dataclass or model instance is built (or, for an enum,
# when a member is looked up by value).
CONSTRUCTION_METHODS = ("__init__", "__new__", "__post_init__", "__setattr__", "model_post_init", "_missing_")
# Methods of an exception class that run when a workflow builds one or prints it: a
# runtime builds an exception of a declared class from its args alone.
EXCEPTION_METHODS = ("__init__", "__new__", "__str__")
# pydantic validators attached to a field's type with Annotated[...].
FIELD_VALIDATORS = ("AfterValidator", "BeforeValidator", "PlainValidator", "WrapValidator")


def construction_hooks(cls: type, kind: str) -> tuple[Hook, ...]:
    """What of `cls`'s own code runs when an instance is built in a workflow
    (empty: nothing runs but the library's own code)."""
    if kind == "exception":
        return tuple(Hook(f"it defines `{name}`") for name in EXCEPTION_METHODS if _defines(cls, name))
    if kind not in ("model", "dataclass", "enum"):
        return ()
    hooks = [Hook(f"it defines `{name}`") for name in CONSTRUCTION_METHODS if _defines(cls, name)]
    if kind == "dataclass":
        for f in dataclasses.fields(cls):
            if f.default_factory is not dataclasses.MISSING:
                hooks.extend(_factory_hook(f.name, f.default_factory))
            elif f.default is not dataclasses.MISSING and not is_constant(f.default):
                hooks.append(_default_hook(f.name, f.default))
    if kind == "model":
        hooks.extend(_model_hooks(cls))
    return tuple(hooks)


def _defines(cls: type, name: str) -> bool:
    """A class of `cls`'s MRO defines `name` in code of its own (not the code
    of Python, enum, pydantic, or what @dataclass generates)."""
    for klass in cls.__mro__:
        function = vars(klass).get(name)
        if function is None:
            continue
        function = getattr(function, "__func__", function)
        module = getattr(function, "__module__", None) or klass.__module__
        if module.split(".")[0] in _LIBRARY_MODULES:
            continue
        code = getattr(function, "__code__", None)
        if code is not None and code.co_filename == "<string>" and dataclasses.is_dataclass(klass):
            continue  # generated by @dataclass
        return True
    return False


_LIBRARY_MODULES = frozenset({"builtins", "enum", "pydantic", "dataclasses", "rrl"})


def _factory_hook(field_name: str, factory: object, private: bool = False) -> list[Hook]:
    if factory in CONSTANT_FACTORIES:
        return []
    shown = getattr(factory, "__qualname__", None) or type(factory).__name__
    module = getattr(factory, "__module__", None)
    if module and module != "builtins":
        shown = f"{module}.{shown}"
    return [Hook(f"its field `{field_name}` has `default_factory={shown}`", None if private else field_name)]


def _default_hook(field_name: str, default: object) -> Hook:
    return Hook(f"its field `{field_name}` has a default that is not a constant value ({type(default).__name__})", field_name)


def _model_hooks(cls: type) -> list[Hook]:
    hooks = []
    decorators = getattr(cls, "__pydantic_decorators__", None)
    for group in ("validators", "field_validators", "root_validators", "model_validators"):
        for name in getattr(decorators, group, {}) or {}:
            hooks.append(Hook(f"it has the validator `{name}`"))
    for name, info in getattr(cls, "model_fields", {}).items():
        factory = getattr(info, "default_factory", None)
        if factory is not None:
            hooks.extend(_factory_hook(name, factory))
        elif not info.is_required() and not is_constant(info.default):
            hooks.append(_default_hook(name, info.default))
        for marker in getattr(info, "metadata", ()):
            if type(marker).__name__ in FIELD_VALIDATORS:
                hooks.append(Hook(f"its field `{name}` is validated by `{type(marker).__name__}(...)`"))
    for name, private in (getattr(cls, "__private_attributes__", None) or {}).items():
        factory = getattr(private, "default_factory", None)
        if factory is not None:
            hooks.extend(_factory_hook(name, factory, private=True))
    return hooks


def action_info(definition: object) -> ActionInfo:
    """Read an action's `__rappel_action__` record (the SDK's ActionDefinition:
    name, module, fn)."""
    function = definition.fn
    params = []
    for param in _signature(function).parameters.values():
        if is_injected(param.annotation):
            continue
        has_default = param.default is not inspect.Parameter.empty
        params.append(
            ParamInfo(
                name=param.name,
                annotation=annotation_text(param.annotation),
                has_default=has_default,
                default=param.default if has_default else None,
            )
        )
    returns = annotation_text(_signature(function).return_annotation)
    return ActionInfo(definition.name, definition.module, tuple(params), returns)


def _signature(function: Callable) -> inspect.Signature:
    try:
        return inspect.signature(function, eval_str=True)
    except Exception:
        return inspect.signature(function)


def is_injected(annotation: object) -> bool:
    """`Annotated[T, Depend(...)]`: a marker whose class says `__rappel_depend__`."""
    if typing.get_origin(annotation) is not typing.Annotated:
        return False
    for marker in getattr(annotation, "__metadata__", ()):
        if getattr(type(marker), "__rappel_depend__", False):
            return True
    return False


def annotation_text(annotation: object) -> str | None:
    """A live annotation as Python source text with qualified class names:
    `list[app.models.User]`, `int | None`."""
    if annotation is inspect.Parameter.empty or annotation is inspect.Signature.empty:
        return None
    return _render(annotation)


def _render(tp: object) -> str:
    if isinstance(tp, str):
        return tp
    if isinstance(tp, typing.ForwardRef):
        return tp.__forward_arg__
    if tp is None or tp is type(None):
        return "None"
    if tp is typing.Any:
        return "Any"
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is typing.Annotated:
        return _render(args[0])
    if origin is typing.Union or origin is types.UnionType:
        return " | ".join(_render(a) for a in args)
    if origin is not None:
        if not isinstance(origin, type):
            return "Any"
        base = _render(origin)
        return f"{base}[{', '.join('...' if a is Ellipsis else _render(a) for a in args)}]" if args else base
    if isinstance(tp, type):
        if tp.__module__ == "builtins":
            return tp.__qualname__
        return f"{tp.__module__}.{tp.__qualname__}"
    return "Any"
