"""Evaluating RRL expressions: the reference semantics of the pure part of
the language.

Values behave as Python's. Two rules make them durable values rather than
live objects, and every runtime follows them:

- RRL values are immutable: `x[k] = v` and `x.f = v` rebind `x` to an updated
  copy, so a value captured in one variable never changes through another.
  A changing method (`xs.sort()`) and `del x[k]` / `del x.f` do the same.
  The changed copy is bound back through every container on the way to the
  variable, a tuple or a frozen model included (`Evaluator.bind_back`).
- Lazy builtins produce lists: `range`, `enumerate`, `zip`, `reversed`,
  `dict.keys()`, `.values()` and `.items()` (pairs as tuples).
"""

from __future__ import annotations

import builtins as _py
import copy
import operator
import re
from typing import Any, Callable

from . import ast as A
from . import builtins as B
from . import codec, dates
from .classes import ProgramClasses
from .records import ModelRecord, Record


BINARY_OPERATORS: dict[str, Callable] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "//": operator.floordiv,
    "%": operator.mod,
    "**": operator.pow,
    "|": operator.or_,
    "^": operator.xor,
    "&": operator.and_,
    "+=": lambda left, right: _in_place_add(left, right),
    "|=": lambda left, right: _in_place_or(left, right),
}


def _in_place_add(left: Any, right: Any) -> Any:
    """`xs += ys` as Python does it: a list extends with any iterable (`xs += (1, 2)`,
    `xs += "ab"`; a set in no order is refused), any other value is added to. RRL
    values are never shared, so the list is copied first: the target is bound to the copy."""
    if type(left) is list:
        return operator.iadd(list(left), in_order(right))
    return operator.iadd(left, right)


def _in_place_or(left: Any, right: Any) -> Any:
    """`d |= e` as Python does it: a dict is updated as `dict.update` would, from a dict
    or any iterable of pairs (`d |= [("k", 1)]`, where `d | [...]` raises TypeError; a set
    in no order is refused); a set takes a set; any other value gives what `|` does. The
    dict or set is copied first: the target is bound to the copy."""
    if type(left) is dict:
        return operator.ior(dict(left), in_order(right))
    if type(left) is set:
        return operator.ior(set(left), right)
    return operator.ior(left, right)


COMPARE_OPERATORS: dict[str, Callable] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "in": lambda a, b: a in b,
    "not in": lambda a, b: a not in b,
    "is": operator.is_,
    "is not": operator.is_not,
}

_PY_TYPES = {"int": int, "float": float, "str": str, "bool": bool, "list": list, "dict": dict, "tuple": tuple, "NoneType": type(None), "bytes": bytes}
_INLINED = re.compile(r"^\$[0-9]+_")


def _listed(fn: Callable) -> Callable:
    return lambda *args, **kwargs: list(fn(*args, **kwargs))


def in_order(value: Any) -> Any:
    """`value`, to be iterated in order: a set is refused (its order is not
    deterministic), every other value is returned as it is."""
    if isinstance(value, (set, frozenset)):
        raise TypeError(f"cannot iterate over a {type(value).__name__} in a workflow: {B.UNORDERED_SET_HELP}")
    return value


def unordered(*args: Any) -> list:
    """`unordered(x)`: the items of `x` as a list; a set's sorted by their
    canonical text in the value codec, so every runtime takes them in one order
    (CPython iterates a set in the order of its hash table, the Rust core in the
    order the items came in, and a set that crossed the codec in its order)."""
    if len(args) != 1:
        raise TypeError(f"unordered() takes exactly one argument ({len(args)} given)")
    (value,) = args
    if isinstance(value, (set, frozenset)):
        try:
            return sorted(value, key=codec.dumps)
        except codec.EncodeError:
            raise TypeError(f"cannot iterate over a {type(value).__name__} in a workflow: {B.UNORDERED_SET_HELP}") from None
    return _py.list(value)


def _codec_order(value: Any) -> Any:
    """A set's items in `unordered`'s order when they cross the codec, else the set."""
    if isinstance(value, (set, frozenset)):
        try:
            return unordered(value)
        except TypeError:
            return value
    return value


class _OrderedOnly:
    """A set passed where a builtin iterates in order: iterating it raises the
    TypeError of `in_order`, at the moment the builtin iterates it."""

    __slots__ = ("kind",)

    def __init__(self, value: set | frozenset):
        self.kind = type(value).__name__

    def __iter__(self):
        raise TypeError(f"cannot iterate over a {self.kind} in a workflow: {B.UNORDERED_SET_HELP}")


def _ordered_arguments(name: str, fn: Callable) -> Callable:
    """`fn`, refusing a set among the arguments it iterates in order (see
    builtins.ORDERED_ITERATION and SET_CONSUMERS)."""
    iterated = B.ORDERED_ITERATION.get(name)
    if iterated is None and name not in ("sorted", "min", "max"):
        return fn

    def call(*args, **kwargs):
        if name == "reversed" and len(args) == 1:
            in_order(args[0])  # `reversed()` would not even try to iterate the stand-in
        positions = range(len(args))[iterated] if iterated is not None else range(int("key" in kwargs and len(args) == 1))
        args = tuple(_OrderedOnly(a) if i in positions and isinstance(a, (set, frozenset)) else a for i, a in enumerate(args))
        if name in ("sorted", "min", "max") and len(args) == 1:
            # Their result does not depend on a set's order, but which two items they
            # compare first (named by a TypeError) does: take it in the shared order.
            args = (_codec_order(args[0]),)
        return fn(*args, **kwargs)

    return call


_FUNCTIONS: dict[str, Callable] = {name: getattr(_py, name) for name in B.FUNCTIONS if name not in ("isinstance", "unordered", *dates.FUNCTIONS)}
_FUNCTIONS.update(dates.FUNCTIONS, unordered=unordered)
_FUNCTIONS.update({name: _listed(getattr(_py, name)) for name in ("range", "enumerate", "zip", "reversed", "map", "filter")})
_FUNCTIONS = {name: _ordered_arguments(name, fn) for name, fn in _FUNCTIONS.items()}
# Methods that iterate their first argument in order (set methods take any iterable).
_ORDERED_ARGUMENT_METHODS = frozenset({"join", "extend", "update"})

_LISTED_METHODS = {"keys", "values", "items", "splitlines"}


def _method_receiver_ok(value: Any, method: str) -> bool:
    if dates.receiver_ok(value, method):
        return True
    if isinstance(value, str):
        return method in B.STR_METHODS
    if isinstance(value, tuple):
        return (method in B.LIST_METHODS and method != "copy") or (method in B.NAMED_TUPLE_METHODS and is_named_tuple(value))
    if isinstance(value, list):
        return method in B.LIST_METHODS or method in B.MUTATING_LIST_METHODS
    if isinstance(value, dict):
        return method in B.DICT_METHODS or method in B.MUTATING_DICT_METHODS
    if isinstance(value, set):
        return method in B.SET_METHODS or method in B.MUTATING_SET_METHODS
    if isinstance(value, frozenset):
        return method in B.SET_METHODS
    return method in B.MODEL_METHODS and isinstance(value, ModelRecord)


def is_named_tuple(value: Any) -> bool:
    """A NamedTuple's value (of a declared class, or one from outside)."""
    return isinstance(value, tuple) and type(value) is not tuple and hasattr(type(value), "_fields")


def is_target(node: A.Expr) -> bool:
    """A variable, or `x[k]` / `x.f` of one: something a value can be bound to."""
    while isinstance(node, (A.Subscript, A.Attribute)):
        node = node.value
    return isinstance(node, A.Name)


def source_name(name: str) -> str:
    """The name as the user wrote it: inlined locals drop their `$n_` prefix."""
    return _INLINED.sub("", name)


class Evaluator:
    """Evaluates expressions of a program whose declared classes are `types`
    (name → declaration, as in the DAG); the classes are built once per set of
    declarations (`classes`)."""

    def __init__(self, types: dict[str, A.ClassDecl] | ProgramClasses):
        self.classes = types if isinstance(types, ProgramClasses) else ProgramClasses(types, self.constant)
        self.classes.build_all()

    def constant(self, node: A.Expr) -> Any:
        """The value of a constant expression: a default, an enum member's value."""
        return self.eval(node, {})

    # ---------------------------------------------------------- expressions

    def eval(self, node: A.Expr, env: dict) -> Any:
        method = getattr(self, "_" + type(node).__name__)
        return method(node, env)

    def _Name(self, node: A.Name, env: dict) -> Any:
        if node.id in env:
            return env[node.id]
        if node.id in _FUNCTIONS:
            return _FUNCTIONS[node.id]
        raise _unbound(node.id)

    def _Constant(self, node: A.Constant, env: dict) -> Any:
        return node.value

    def _FString(self, node: A.FString, env: dict) -> str:
        out = []
        for part in node.parts:
            if isinstance(part, str):
                out.append(part)
                continue
            value = self.eval(part.value, env)
            if part.conversion == "r":
                value = repr(value)
            elif part.conversion == "s":
                value = str(value)
            out.append(format(value, part.spec or ""))
        return "".join(out)

    def _elements(self, elts, env: dict) -> list:
        out: list = []
        for elt in elts:
            if isinstance(elt, A.Starred):
                out.extend(in_order(self.eval(elt.value, env)))
            else:
                out.append(self.eval(elt, env))
        return out

    def _ListExpr(self, node: A.ListExpr, env: dict) -> list:
        return self._elements(node.elts, env)

    def _TupleExpr(self, node: A.TupleExpr, env: dict) -> tuple:
        return tuple(self._elements(node.elts, env))

    def _DictExpr(self, node: A.DictExpr, env: dict) -> dict:
        out: dict = {}
        for key, value in node.items:
            if key is None:
                mapping = self.eval(value, env)
                if not isinstance(mapping, dict):
                    raise TypeError(f"'{type(mapping).__name__}' object is not a mapping")
                out.update(mapping)
            else:  # the key first, as Python evaluates a display
                key_value = self.eval(key, env)
                out[key_value] = self.eval(value, env)
        return out

    def _Starred(self, node: A.Starred, env: dict) -> Any:
        raise SyntaxError("can't use starred expression here")

    def _Attribute(self, node: A.Attribute, env: dict) -> Any:
        owner = self._type_name(node.value, env)
        if owner is not None:  # `Color.RED`: a member of an enum
            return self.classes.member(owner, node.attr)
        value = self.eval(node.value, env)
        if node.attr == "__name__" and isinstance(value, type):
            return value.__name__  # `type(e).__name__`
        if node.attr.startswith("_") and not (node.attr == "_fields" and is_named_tuple(value)):
            raise AttributeError(f"'{type(value).__name__}' object attribute '{node.attr}' is private")
        return getattr(value, node.attr)

    def _Subscript(self, node: A.Subscript, env: dict) -> Any:
        value = self.eval(node.value, env)
        return value[self._index(node.index, env)]

    def _index(self, index, env: dict) -> Any:
        if isinstance(index, A.Slice):
            parts = (index.lower, index.upper, index.step)
            return slice(*(self.eval(p, env) if p is not None else None for p in parts))
        return self.eval(index, env)

    def _BinOp(self, node: A.BinOp, env: dict) -> Any:
        return BINARY_OPERATORS[node.op](self.eval(node.left, env), self.eval(node.right, env))

    def _UnaryOp(self, node: A.UnaryOp, env: dict) -> Any:
        value = self.eval(node.operand, env)
        if node.op == "not":
            return not value
        return -value if node.op == "-" else +value

    def _BoolOp(self, node: A.BoolOp, env: dict) -> Any:
        value = None
        for operand in node.values:
            value = self.eval(operand, env)
            if (node.op == "and") != bool(value):
                return value
        return value

    def _Compare(self, node: A.Compare, env: dict) -> bool:
        left = self.eval(node.left, env)
        for op, comparator in zip(node.ops, node.comparators):
            right = self.eval(comparator, env)
            if not COMPARE_OPERATORS[op](left, right):
                return False
            left = right
        return True

    def _Conditional(self, node: A.Conditional, env: dict) -> Any:
        return self.eval(node.body if self.eval(node.test, env) else node.orelse, env)

    def _Lambda(self, node: A.Lambda, env: dict) -> Callable:
        def function(*args):
            if len(args) != len(node.params):
                raise TypeError(f"<lambda>() takes {len(node.params)} positional arguments but {len(args)} were given")
            return self.eval(node.body, {**env, **dict(zip(node.params, args))})

        return function

    def _ListComp(self, node: A.ListComp, env: dict) -> list:
        first = self.eval(node.generators[0].iter, env)
        return [self.eval(node.elt, scope) for scope in self._scopes(node.generators, dict(env), first)]

    def _DictComp(self, node: A.DictComp, env: dict) -> dict:
        first = self.eval(node.generators[0].iter, env)
        return {self.eval(node.key, scope): self.eval(node.value, scope) for scope in self._scopes(node.generators, dict(env), first)}

    def _scopes(self, generators, env: dict, items=None):
        """The variable scopes of a comprehension's iterations, in order. The
        first iterable is evaluated by the caller in the enclosing scope, as
        Python does."""
        first, *rest = generators
        if items is None:
            items = self.eval(first.iter, env)
        for item in in_order(items):
            scope = dict(env)
            self.bind(first.target, item, scope)
            if all(self.eval(cond, scope) for cond in first.ifs):
                if rest:
                    yield from self._scopes(rest, scope)
                else:
                    yield scope

    def _Call(self, node: A.Call, env: dict) -> Any:
        func = node.func
        if isinstance(func, A.Name) and func.id == "isinstance" and func.id not in env:
            return self._isinstance(node, env)
        if isinstance(func, A.Attribute):
            if isinstance(func.value, A.Name) and func.value.id not in env and (func.value.id, func.attr) in B.STATIC_METHODS:
                static = dates.STATIC_METHODS.get((func.value.id, func.attr)) or getattr(_PY_TYPES[func.value.id], func.attr)
                args = self._args(node, env)
                in_order(args[0] if args else None)  # `dict.fromkeys(keys)` iterates its keys
                return static(*args, **self._kwargs(node, env))
            receiver = self.eval(func.value, env)
            if not _method_receiver_ok(receiver, func.attr):
                raise TypeError(f"'{type(receiver).__name__}' object has no method '{func.attr}' usable in a workflow")
            if dates.receiver_ok(receiver, func.attr):
                return dates.call_method(receiver, func.attr, self._args(node, env), self._kwargs(node, env))
            mutates = func.attr in B.MUTATING_METHODS and isinstance(receiver, (list, dict, set))
            if mutates:
                if not is_target(func.value):
                    raise TypeError(f"{func.attr}() changes its receiver, which must be a variable")
                receiver = copy.copy(receiver)
            args = self._args(node, env)
            if func.attr in _ORDERED_ARGUMENT_METHODS and not isinstance(receiver, set) and args:
                in_order(args[0])  # `",".join(xs)`, `xs.extend(ys)`, `d.update(pairs)`
            result = getattr(receiver, func.attr)(*args, **self._kwargs(node, env))
            if mutates:
                self.bind_back(func.value, receiver, env)  # the changed copy replaces the value
            return list(result) if func.attr in _LISTED_METHODS else result
        if isinstance(func, A.Name) and func.id not in env:
            args, kwargs = self._args(node, env), self._kwargs(node, env)
            if func.id in _FUNCTIONS:
                return _FUNCTIONS[func.id](*args, **kwargs)
            return self.classes.construct(func.id, args, kwargs, self.constant)
        callee = self.eval(func, env)
        return callee(*self._args(node, env), **self._kwargs(node, env))

    def _type_name(self, node: A.Expr, env: dict) -> str | None:
        """The name of the declared class (or builtin exception) `node` names,
        when it names one rather than a variable."""
        if not isinstance(node, A.Name) or node.id in env:
            return None
        return node.id if node.id in self.classes.decls or node.id in B.EXCEPTIONS else None

    def _args(self, node: A.Call, env: dict) -> list:
        return self._elements(node.args, env)

    def _kwargs(self, node: A.Call, env: dict) -> dict:
        return {k.name: self.eval(k.value, env) for k in node.kwargs}

    def _isinstance(self, node: A.Call, env: dict) -> bool:
        value = self.eval(node.args[0], env)
        spec = node.args[1]
        names = spec.elts if isinstance(spec, A.TupleExpr) else (spec,)
        for name_node in names:
            name = name_node.id if isinstance(name_node, A.Name) else None
            cls = _PY_TYPES.get(name) or (self.classes.named(name) if name is not None else None)
            if cls is None:
                raise TypeError("isinstance() arg 2 must be a type name or a tuple of type names")
            if isinstance(value, cls):
                return True
        return False

    def matches(self, exc: BaseException, name: str) -> bool:
        """Whether `except name` (or `retry(on=[name])`) catches `exc`: it is an
        instance of the class, by the declared hierarchy (an exception from
        outside, of a class the program does not declare, is a stand-in that
        derives from the declared classes of its chain, see `rrl.codec`)."""
        cls = self.classes.named(name)
        if not (isinstance(cls, type) and issubclass(cls, BaseException)):
            raise TypeError(f"catching classes that do not inherit from BaseException is not allowed: {name}")
        return isinstance(exc, cls)

    # ---------------------------------------------------------- assignment

    def bind(self, target: A.Expr, value: Any, env: dict) -> None:
        """Assign `value` to `target` in `env` (value semantics, see module doc)."""
        match target:
            case A.Name(id=name):
                env[name] = value
            case A.TupleExpr(elts=elts):
                in_order(value)
                try:
                    items = list(value)
                except TypeError:
                    raise TypeError(f"cannot unpack non-iterable {type(value).__name__} object") from None
                star = next((i for i, elt in enumerate(elts) if isinstance(elt, A.Starred)), None)
                if star is None:
                    if len(items) > len(elts):
                        raise ValueError(f"too many values to unpack (expected {len(elts)})")
                    if len(items) < len(elts):
                        raise ValueError(f"not enough values to unpack (expected {len(elts)}, got {len(items)})")
                    pairs = list(zip(elts, items))
                else:
                    after = len(elts) - star - 1
                    if len(items) < len(elts) - 1:
                        raise ValueError(f"not enough values to unpack (expected at least {len(elts) - 1}, got {len(items)})")
                    rest = items[star : len(items) - after]
                    pairs = list(zip(elts[:star], items[:star])) + [(elts[star].value, rest)]
                    pairs += list(zip(elts[star + 1 :], items[len(items) - after :]))
                for elt, item in pairs:
                    self.bind(elt, item, env)
            case A.Subscript(value=container_expr, index=index):
                updated = copy.copy(self.eval(container_expr, env))
                updated[self._index(index, env)] = value
                self.bind_back(container_expr, updated, env)
            case A.Attribute(value=owner_expr, attr=attr):
                self.bind_back(owner_expr, _with_field(self.eval(owner_expr, env), attr, value, guarded=True), env)
            case _:
                raise TypeError(f"cannot assign to {type(target).__name__}")

    def bind_back(self, place: A.Expr, value: Any, env: dict) -> None:
        """Put the changed copy `value` of what `place` holds back in its place.
        Python changed that object in place and assigned nothing, so the
        containers on the way to the variable are copied with the new item or
        field, even a tuple or a frozen model (`pair[1].append(x)` changes the
        list inside the tuple; `pair[1] = x` itself is Python's TypeError)."""
        match place:
            case A.Name(id=name):
                env[name] = value
            case A.Subscript(value=container_expr, index=index):
                container = self.eval(container_expr, env)
                self.bind_back(container_expr, _with_item(container, self._index(index, env), value), env)
            case A.Attribute(value=owner_expr, attr=attr):
                self.bind_back(owner_expr, _with_field(self.eval(owner_expr, env), attr, value), env)
            case _:
                raise TypeError(f"cannot assign to {type(place).__name__}")

    def unbind(self, target: A.Expr, env: dict) -> None:
        """`del target` in `env`: a name becomes unbound; an item or a field is
        deleted from a copy of its container, which replaces the container (as
        in `bind`), so Python's exceptions come out (`KeyError('k')`)."""
        match target:
            case A.Name(id=name):
                if name not in env:
                    raise _unbound(name)
                del env[name]
            case A.Subscript(value=container_expr, index=index):
                updated = copy.copy(self.eval(container_expr, env))
                del updated[self._index(index, env)]
                self.bind_back(container_expr, updated, env)
            case A.Attribute(value=owner_expr, attr=attr):
                owner = self.eval(owner_expr, env)
                if isinstance(owner, Record):
                    updated = self.classes.without_field(owner, attr, self.constant)
                else:
                    updated = copy.copy(owner)
                    delattr(updated, attr)
                self.bind_back(owner_expr, updated, env)
            case _:
                raise TypeError(f"cannot delete {type(target).__name__}")


def _with_item(container: Any, key: Any, item: Any) -> Any:
    """A copy of `container` whose item `key` is `item`; a tuple too."""
    if isinstance(container, tuple):
        items = list(container)
        items[key] = item
        return type(container)._make(items) if is_named_tuple(container) else tuple(items)
    updated = copy.copy(container)
    updated[key] = item
    return updated


def _with_field(owner: Any, attr: str, item: Any, guarded: bool = False) -> Any:
    """A copy of `owner` whose field `attr` is `item`, not validated. `guarded`:
    `owner.attr = item` itself, which a frozen class refuses; otherwise past a
    frozen class's guard, as Python's change in place of the field's value is."""
    if isinstance(owner, Record):
        return owner.replaced(attr, item, guarded=guarded)
    if is_named_tuple(owner):
        if attr not in owner._fields:
            raise AttributeError(f"'{type(owner).__name__}' object has no attribute '{attr}'")
        if guarded:
            raise AttributeError("can't set attribute")  # Python's words for a NamedTuple's field
        return owner._replace(**{attr: item})
    updated = copy.copy(owner)
    if guarded:
        setattr(updated, attr, item)
    else:
        object.__setattr__(updated, attr, item)
    return updated


def _unbound(name: str) -> UnboundLocalError:
    """Python's error for a local variable read (or deleted) while unbound."""
    return UnboundLocalError(f"cannot access local variable '{source_name(name)}' where it is not associated with a value")
