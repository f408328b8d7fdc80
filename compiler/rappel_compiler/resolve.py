"""What the frontend needs to know about names imported from other modules.

The frontend reads one source file. Names imported from elsewhere are looked
up through a `Resolver`: a function from the qualified name of the imported
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
import importlib
import inspect
import sys
import types
import typing
from dataclasses import dataclass, field, is_dataclass
from typing import Any, Callable, Union

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


@dataclass(frozen=True)
class TypeInfo:
    module: str
    name: str
    kind: str  # "model" | "dataclass" | "exception" | "enum" | "class"
    hooks: tuple[Hook, ...] = ()  # for models, dataclasses and enums
    # Whether the value codec carries its instances (rrl.codec); None: not known.
    encodable: bool | None = field(default=None, compare=False)


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

TYPE_KINDS = ("model", "dataclass", "exception", "enum", "class")


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
    return TypeInfo(cls.__module__, cls.__qualname__, kind, construction_hooks(cls, kind), codec.encodes_instances_of(cls))


def type_kind(cls: type) -> str:
    if issubclass(cls, BaseException):
        return "exception"
    if issubclass(cls, enum.Enum):
        return "enum"
    if _is_model(cls):
        return "model"
    if is_dataclass(cls):
        return "dataclass"
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
# pydantic validators attached to a field's type with Annotated[...].
FIELD_VALIDATORS = ("AfterValidator", "BeforeValidator", "PlainValidator", "WrapValidator")


def construction_hooks(cls: type, kind: str) -> tuple[Hook, ...]:
    """What of `cls`'s own code runs when an instance is built in a workflow
    (empty: nothing runs but the library's own code)."""
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


_LIBRARY_MODULES = frozenset({"builtins", "enum", "pydantic", "dataclasses"})


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
