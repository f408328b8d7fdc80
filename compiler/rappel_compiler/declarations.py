"""The program's class declarations: every class a workflow names, with what
running the program needs of it (docs/language.md, "Classes").

Which classes: those the workflow names (in a signature, an annotation, a
construction, `isinstance`, `except`, `retry`, an enum member), and in turn
their bases, the classes their fields' types name, and what their defaults
name. What a declaration says:

- an exception: its bases, up to the builtin exceptions RRL knows (another
  builtin exception is declared `from builtins` in turn);
- an enum: its flavor (`Enum`, `IntEnum`, ...) after its mixin, if any, and
  its members with their values (aliases included);
- a model or a dataclass: its bases of the same kind, whether it is frozen,
  and its fields (base classes' first) with their types, and their defaults
  where these are constants; a NamedTuple: its fields, types and defaults.
 A workflow builds only a class whose building
  runs no code of the class (RPL0231), so the fields and defaults are all a
  runtime needs; a default RRL cannot hold is left out (a construction that
  needs it was refused).

Classes of the module being compiled are read from its source; imported ones
from the live class (`resolve.ClassShape`).
"""

from __future__ import annotations

import builtins
from typing import TYPE_CHECKING

import libcst as cst

from rrl import ast as A
from rrl.check import is_constant
from rrl.walk import walk

from . import dialect
from .constants import literal
from .classes import not_declarable
from .diagnostics import Reject, did_you_mean
from .function import FunctionLowerer
from .resolve import NO_DEFAULT, RRL_BUILTIN_EXCEPTIONS, TypeInfo, type_info

if TYPE_CHECKING:
    from .compiler import WorkflowCompiler
    from .index import ClassInfo

# An enum's flavor and mixin, by the qualified names of the bases that say them.
_FLAVORS = {f"enum.{name}": name for name in ("Enum", "IntEnum", "StrEnum", "Flag", "IntFlag")}
_MIXINS = {"builtins.str": "str", "builtins.int": "int", "builtins.float": "float"}
_IMPLIED_MIXIN = {"IntEnum": "int", "IntFlag": "int", "StrEnum": "str"}
_EMPTY_FACTORIES = {"builtins.list": A.ListExpr(()), "builtins.dict": A.DictExpr(()), "builtins.tuple": A.TupleExpr(())}
CONSTANT_HELP = (
    "an enum member's value is a constant: literals, arithmetic on numbers, lists, tuples and dicts of them, "
    "and enum members; use the enum inside an @action otherwise"
)
PROPERTY_HELP = (
    "a workflow reads the fields of a model or a dataclass, and the name and value of an enum member; "
    "compute the value in an @action, or make it a field"
)
NAMED_TUPLE_DEFAULT_HELP = (
    "a NamedTuple's default is computed once, when Python makes the class; RRL holds it when it is a constant "
    "(literals, arithmetic on numbers, lists, tuples and dicts of them, enum members): pass the value instead"
)
DECLARATION_HELP = (
    "a workflow names classes RRL can declare: exceptions, enums whose members are constants, "
    "and models and dataclasses defined at module level; use the class inside an @action instead"
)


class ClassDeclarations:
    """Declares the classes a `ProgramBuilder` registered, for one workflow, and
    remembers what of them a workflow cannot read: their properties."""

    def __init__(self, wc: "WorkflowCompiler"):
        self.wc = wc
        self.properties: dict[str, str] = {}  # a property's name → the class that defines it
        self.attributes: set[str] = set()  # the names of the declared fields and members

    def noted(self, decl: A.ClassDecl, properties: tuple[str, ...]) -> A.ClassDecl:
        self.attributes.update(item.name for item in decl.body or ())
        for name in properties:
            self.properties.setdefault(name, decl.qualname)
        return decl

    def attribute_reads(self, program: A.Program, bodies: dict[int, list[A.Node]]) -> list[Reject]:
        """`property_reads` then `field_reads` (`bodies`: `rewrite.body_nodes(program)`)."""
        return self.property_reads(program, bodies) + self.field_reads(program, bodies)

    def property_reads(self, program: A.Program, bodies: dict[int, list[A.Node]]) -> list[Reject]:
        """Reads of an attribute that is a property of a declared class and no
        field or member of any: the property's code would run in Python, and
        no runtime runs it (RPL0261). Where the class of a value is not known,
        a name that some declared class has as a field is given the benefit of
        the doubt."""
        classes = program.class_decls()
        rejects = []
        for decl in (*program.fns, *program.workflows):
            for node in bodies[id(decl)]:
                if not isinstance(node, A.Attribute) or node.attr in self.attributes or node.attr not in self.properties:
                    continue
                if isinstance(node.value, A.Name) and node.value.id in classes:
                    continue  # `Color.RED`: the checker judges members
                reject = Reject("RPL0261", f"`{node.attr}` is a property of the class `{self.properties[node.attr]}`: reading it runs code of the class",
                                None, PROPERTY_HELP)
                reject.span = node.span
                rejects.append(reject)
        return rejects

    def field_reads(self, program: A.Program, bodies: dict[int, list[A.Node]]) -> list[Reject]:
        """Reads of an attribute that the model or dataclass of the value does
        not have (RPL0263), with the field spelt most like it: where a name's
        class is certain (a parameter of that type, or bound only to what an
        action declared to return that class, or to a construction of it)."""
        classes = {c.name: c for c in program.classes if c.kind in ("model", "dataclass", "namedtuple") and c.fields is not None}
        returns = {a.name: a.returns.name for a in program.actions if isinstance(a.returns, A.NamedType)}
        rejects = []
        for decl in (*program.fns, *program.workflows):
            nodes = bodies[id(decl)]
            known = _names_of_known_class(decl, nodes, classes, returns)
            called = {id(n.func) for n in nodes if isinstance(n, A.Call)}  # a method: judged where it is called
            for node in nodes:
                if not (isinstance(node, A.Attribute) and isinstance(node.value, A.Name) and node.value.id in known) or id(node) in called:
                    continue
                cls = classes[known[node.value.id]]
                fields = [f.name for f in cls.fields]
                if node.attr in fields or node.attr in self.properties or (cls.kind == "namedtuple" and node.attr == "_fields"):
                    continue  # a property: RPL0261 says more
                kind = "NamedTuple" if cls.kind == "namedtuple" else cls.kind
                reject = Reject("RPL0263", f"the {kind} `{cls.name}` has no field `{node.attr}`", None,
                                did_you_mean(node.attr, fields) or f"its fields are: {', '.join(fields) or 'none'}")
                reject.span = node.span
                rejects.append(reject)
        return rejects

    def declare(self, module: str, qualname: str, name: str) -> A.ClassDecl:
        """The declaration of `module.qualname`, named `name` in the program.
        Raises `Reject`."""
        if "<locals>" in qualname:
            raise Reject("RPL0260", f"the class `{qualname}` is defined inside a function: no other process can load it", None, DECLARATION_HELP)
        if module == self.wc.src.module and qualname in self.wc.index.classes:
            return _Local(self, self.wc.index.classes[qualname], name).declaration()
        if module == self.wc.src.module and (call := self.wc.index.named_tuple_call(qualname)) is not None:
            return self.noted(_FunctionalNamedTuple(self.wc, qualname, name, call).declaration(), ())
        if module == "builtins":
            info = type_info(getattr(builtins, qualname))
        else:
            info = self.wc.resolve(f"{module}.{qualname}")
        if not isinstance(info, TypeInfo):
            raise Reject("RPL0260", f"the frontend cannot read the class `{module}.{qualname}`", None, DECLARATION_HELP)
        return self.imported(info, name)

    # -------------------------------------------------------------- imported classes

    def imported(self, info: TypeInfo, name: str) -> A.ClassDecl:
        shape = info.shape() if info.shape is not None else None
        kind = info.kind
        if shape is None:  # a resolver that says no more than the kind
            if kind == "enum":
                raise Reject("RPL0260", f"the frontend cannot read the members of the enum `{info.module}.{info.name}`", None, DECLARATION_HELP)
            bases = ("Exception",) if kind == "exception" else ()
            return self.noted(A.ClassDecl(kind, name, info.module, info.name, bases, None), ())
        if shape.problem is not None:
            raise Reject("RPL0260", f"the {kind} `{info.module}.{info.name}` cannot be declared in RRL: {shape.problem}", None, DECLARATION_HELP)
        bases = tuple(self.base(b) for b in shape.bases)
        body: tuple | None = None
        if kind == "enum":
            body = tuple(A.Member(member, literal(value, member=self.wc.enum_member)) for member, value in shape.members)
        elif kind in ("model", "dataclass", "namedtuple"):
            body = tuple(
                A.Param(f.name, self.wc.types.text(f.annotation), None if f.default is NO_DEFAULT else literal(f.default, member=self.wc.enum_member))
                for f in shape.fields
            )
        return self.noted(A.ClassDecl(kind, name, info.module, info.name, bases, body, frozen=shape.frozen), shape.properties)

    def base(self, base: TypeInfo | str) -> str:
        if isinstance(base, str):
            return base
        return self.wc.builder.type_name(base.module, base.name)

    # -------------------------------------------------------------- helpers for local classes

    def foreign(self, node: cst.BaseExpression) -> str | TypeInfo | None:
        """A foreign base: a builtin exception's or flavor's RRL name, or an
        imported class; None for what the program does not name."""
        qualified = self.wc.index.qualified(node)
        if qualified is None:
            return None
        if qualified in _FLAVORS:
            return _FLAVORS[qualified]
        if qualified in _MIXINS:
            return _MIXINS[qualified]
        if dialect.sdk_name(qualified) == "RappelTimeout":
            return "RappelTimeout"
        if qualified in dialect.EXCEPTION_ALIASES:
            return dialect.EXCEPTION_ALIASES[qualified]
        if qualified.startswith("builtins."):
            cls = getattr(builtins, qualified[9:], None)
            if qualified[9:] in RRL_BUILTIN_EXCEPTIONS:
                return qualified[9:]
            return type_info(cls) if isinstance(cls, type) and issubclass(cls, BaseException) else None
        if qualified in dialect.PYDANTIC_BASES:
            return None  # the library's base class, not a class of the program
        resolved = self.wc.resolve(qualified)
        return resolved if isinstance(resolved, TypeInfo) and not _is_library_class(resolved) else None


class _Local:
    """The declaration of a class of the module being compiled, from its source."""

    def __init__(self, declarations: ClassDeclarations, info: "ClassInfo", name: str):
        self.declarations = declarations
        self.wc = declarations.wc
        self.info = info
        self.name = name

    def declaration(self) -> A.ClassDecl:
        info = self.info
        kind = info.kind
        if kind not in A.CLASS_KINDS:
            raise not_declarable(info.name, kind, info.node.name, DECLARATION_HELP)
        body: tuple | None = None
        frozen = False
        if kind == "exception":
            bases = self.exception_bases()
        elif kind == "enum":
            bases, body = self.enum()
        elif kind == "namedtuple":
            bases, body = (), self.fields()
        else:
            bases = self.record_bases()
            frozen = self.frozen()
            body = self.fields()
        decl = A.ClassDecl(kind, self.name, self.wc.src.module, info.name, bases, body, frozen=frozen)
        return self.declarations.noted(decl, self.properties())

    def properties(self) -> tuple[str, ...]:
        """The methods of the class and its local bases decorated as properties."""
        found = []
        for cls in self.wc.index.mro(self.info.name):
            for name, method in cls.methods.items():
                for decorator in method.decorators:
                    expr = decorator.decorator.func if isinstance(decorator.decorator, cst.Call) else decorator.decorator
                    if self.wc.index.qualified(expr) in dialect.PROPERTY_DECORATORS:
                        found.append(name)
            for base in cls.foreign_bases:
                found_base = self.declarations.foreign(base)
                if isinstance(found_base, TypeInfo) and found_base.shape is not None:
                    found += found_base.shape().properties
        return tuple(found)

    def local_base(self, base: str) -> str:
        return self.wc.builder.type_name(self.wc.src.module, base)

    # -------------------------------------------------------------- exceptions

    def exception_bases(self) -> tuple[str, ...]:
        bases: list[str] = []
        for base in self.info.node.bases:
            if base.keyword is not None:
                continue
            found = self.base(base.value)
            if found is not None:
                bases.append(found)
        return tuple(bases) or ("Exception",)

    def base(self, node: cst.BaseExpression) -> str | None:
        if isinstance(node, cst.Name) and node.value in self.info.bases:
            base = self.wc.index.classes.get(node.value)
            return self.local_base(node.value) if base is not None and base.kind == self.info.kind else None
        found = self.declarations.foreign(node)
        if isinstance(found, TypeInfo):
            return self.declarations.base(found) if found.kind == self.info.kind else None
        return found if self.info.kind == "exception" and found in RRL_BUILTIN_EXCEPTIONS | {"RappelTimeout"} else None

    # -------------------------------------------------------------- enums

    def enum(self) -> tuple[tuple[str, ...], tuple[A.Member, ...]]:
        flavor, mixin = "Enum", None
        for cls in reversed(self.wc.index.mro(self.info.name)):
            for base in cls.foreign_bases:
                found = self.declarations.foreign(base)
                if isinstance(found, TypeInfo) and found.kind == "enum" and found.shape is not None:
                    shape = found.shape()
                    flavor, mixin = shape.bases[-1], (shape.bases[0] if len(shape.bases) > 1 else mixin)
                elif found in _FLAVORS.values():
                    flavor = found
                elif found in _MIXINS.values():
                    mixin = found
        if mixin == _IMPLIED_MIXIN.get(flavor):
            mixin = None
        members = []
        last: object = None
        for member, value in self.info.consts.items():
            if member.startswith("_"):
                continue
            expr, last = self.member_value(member, value, flavor, last, len(members))
            members.append(A.Member(member, expr, span=self.wc.src.span(value)))
        return ((mixin, flavor) if mixin else (flavor,)), tuple(members)

    def member_value(self, member: str, value: cst.BaseExpression, flavor: str, last: object, index: int) -> tuple[A.Expr, object]:
        """A member's value, and the value `auto()` counts from next."""
        if isinstance(value, cst.Call) and self.wc.index.qualified(value.func) == "enum.auto" and not value.args:
            if flavor == "StrEnum":
                return A.Constant(member.lower()), member.lower()
            if flavor in ("Flag", "IntFlag"):
                number = 1 if not isinstance(last, int) else 1 << last.bit_length()
            else:
                number = last + 1 if isinstance(last, int) and index else 1
            return A.Constant(number), number
        expr = self.lower(value, f"the value of the member `{member}`")
        return expr, expr.value if isinstance(expr, A.Constant) else None

    # -------------------------------------------------------------- models and dataclasses

    def record_bases(self) -> tuple[str, ...]:
        bases = []
        for base in self.info.node.bases:
            if base.keyword is None and (found := self.base(base.value)) is not None:
                bases.append(found)
        return tuple(bases)

    def frozen(self) -> bool:
        """Frozen by `@dataclass(frozen=True)`, a class keyword, `model_config`, or a base."""
        for cls in self.wc.index.mro(self.info.name):
            for base in cls.foreign_bases:
                found = self.declarations.foreign(base)
                if isinstance(found, TypeInfo) and found.shape is not None and found.shape().frozen:
                    return True
            node = cls.node
            for decorator in node.decorators:
                call = decorator.decorator
                if isinstance(call, cst.Call) and self.wc.index.qualified(call.func) in dialect.DATACLASS_DECORATORS:
                    if _keyword_true(call.args, "frozen"):
                        return True
            if _keyword_true(node.keywords, "frozen"):
                return True
            config = cls.consts.get("model_config")
            if isinstance(config, cst.Call) and _keyword_true(config.args, "frozen"):
                return True
            if isinstance(config, cst.Dict) and any(
                isinstance(e, cst.DictElement) and isinstance(e.key, cst.SimpleString) and e.key.evaluated_value == "frozen"
                and isinstance(e.value, cst.Name) and e.value.value == "True"
                for e in config.elements
            ):
                return True
        return False

    def fields(self) -> tuple[A.Param, ...]:
        """Every field, base classes' first (a field a subclass declares again
        keeps its place); each field's type is declared in turn."""
        fields: dict[str, A.Param] = {}
        for cls in reversed(self.wc.index.mro(self.info.name)):
            for base in cls.foreign_bases:
                found = self.declarations.foreign(base)
                if isinstance(found, TypeInfo) and found.kind == self.info.kind and found.shape is not None:
                    for f in found.shape().fields:
                        default = None if f.default is NO_DEFAULT else literal(f.default, member=self.wc.enum_member)
                        fields[f.name] = A.Param(f.name, self.wc.types.text(f.annotation), default)
            for name in cls.fields:
                if self.info.kind == "model" and name.startswith("_"):
                    continue  # a private attribute, not a field
                span = self.wc.src.span(cls.field_types[name])
                fields[name] = A.Param(name, self.wc.types.annotation(cls.field_types[name]), self.default(cls, name), span=span)
        return tuple(fields.values())

    def default(self, cls: "ClassInfo", name: str) -> A.Expr | None:
        """A field's default, when it is a constant: a workflow that builds the
        class and leaves the field out needs it (RPL0231 when it is not one)."""
        value = cls.consts.get(name)
        if value is None:
            return None
        if isinstance(value, cst.Call) and self.wc.index.qualified(value.func) in dialect.FIELD_FUNCTIONS:
            for arg in value.args:
                keyword = arg.keyword.value if arg.keyword is not None else None
                if keyword == "default_factory":
                    return _EMPTY_FACTORIES.get(self.wc.index.qualified(arg.value) or "")
                if keyword in ("default", None):
                    value = arg.value
                    break
            else:
                return None
        if isinstance(value, cst.Ellipsis):
            return None  # pydantic's "required"
        if self.info.kind == "namedtuple":
            # A NamedTuple's later fields have defaults too: left out, the declaration would not be Python's.
            try:
                return self.lower(value, f"the default of the field `{name}`", cls)
            except Reject as reject:
                raise Reject(reject.code, reject.message, value, NAMED_TUPLE_DEFAULT_HELP) from None
        try:
            return self.lower(value, f"the default of the field `{name}`", cls)
        except Reject:
            # Declared without its default: a construction that leaves the field out
            # runs code of the class (RPL0231), or misses the field (RPL0341).
            return None

    def lower(self, value: cst.BaseExpression, what: str, owner: "ClassInfo | None" = None) -> A.Expr:
        """A default or a member's value as a constant RRL expression, the
        constants it names written in; `Reject` (RPL0260) when it is no constant."""
        try:
            expr = FunctionLowerer(self.wc, None, owner or self.info).lower_value(value)
        except Reject as reject:
            raise Reject("RPL0260", f"{what} of `{self.info.name}` is not a constant RRL can hold: {reject.message}",
                         value, CONSTANT_HELP) from None
        expr = self.wc.builder.inline_consts(expr)
        if not is_constant(expr, lambda owner, attr: True):
            raise Reject("RPL0260", f"{what} of `{self.info.name}` is not a constant RRL can hold: `{self.wc.src.text(value)}`",
                         value, CONSTANT_HELP)
        return expr


class _FunctionalNamedTuple:
    """The declaration of a NamedTuple a call makes, read from the call as Python
    reads it: `collections.namedtuple(typename, field_names, defaults=[...])`
    (the names a list or a string, split at commas and spaces; untyped) or
    `typing.NamedTuple(typename, [(name, type), ...])`."""

    HELP = "write the call with literal names, or define the class with class syntax (`class Pair(NamedTuple):` with a line `name: type` per field)"

    def __init__(self, wc: "WorkflowCompiler", qualname: str, name: str, call: cst.Call):
        self.wc = wc
        self.qualname = qualname
        self.name = name
        self.call = call

    def refuse(self, why: str) -> Reject:
        return Reject("RPL0260", f"the NamedTuple `{self.qualname}` cannot be declared in RRL: {why}", self.call, self.HELP)

    def declaration(self) -> A.ClassDecl:
        positional = [a.value for a in self.call.args if a.keyword is None and not a.star]
        keywords = {a.keyword.value: a.value for a in self.call.args if a.keyword is not None}
        typed = self.wc.index.qualified(self.call.func) in dialect.NAMED_TUPLE_BASES
        unread = sorted(set(keywords) - ({"fields"} if typed else {"field_names", "defaults"}))
        if unread or len(positional) + len(keywords) != len(self.call.args):
            raise self.refuse(f"the frontend does not read `{unread[0]}=`" if unread else "its arguments are not written out")
        typename = _literal_text(positional[0]) if positional else None
        if typename != self.qualname:
            raise self.refuse(f"its typename is not `\"{self.qualname}\"`, so no other process can import it by its name")
        spec = positional[1] if len(positional) > 1 else keywords.get("fields" if typed else "field_names")
        fields = self.typed_fields(spec) if typed else self.named_fields(spec)
        return A.ClassDecl("namedtuple", self.name, self.wc.src.module, self.qualname, (), tuple(fields))

    def named_fields(self, spec: cst.BaseExpression | None) -> list[A.Param]:
        text = _literal_text(spec)
        if text is not None:
            names = text.replace(",", " ").split()
        elif isinstance(spec, (cst.List, cst.Tuple)):
            names = [_literal_text(e.value) for e in spec.elements]
        else:
            raise self.refuse("its field names are not literal strings")
        if any(n is None or not n.isidentifier() or n.startswith("_") for n in names):
            raise self.refuse("its field names are not literal strings Python accepts")
        defaults_node = next((a.value for a in self.call.args if a.keyword is not None and a.keyword.value == "defaults"), None)
        defaults: list[A.Expr] = []
        if defaults_node is not None:
            if not isinstance(defaults_node, (cst.List, cst.Tuple)):
                raise self.refuse("its defaults are not a literal list")
            defaults = [self.constant(e.value, "a default") for e in defaults_node.elements]
        first_default = len(names) - len(defaults)
        return [A.Param(n, ANY_TYPE, defaults[i - first_default] if i >= first_default else None) for i, n in enumerate(names)]

    def typed_fields(self, spec: cst.BaseExpression | None) -> list[A.Param]:
        if not isinstance(spec, (cst.List, cst.Tuple)):
            raise self.refuse("its fields are not a literal list of `(name, type)` pairs")
        fields = []
        for element in spec.elements:
            pair = element.value
            if not (isinstance(pair, cst.Tuple) and len(pair.elements) == 2 and _literal_text(pair.elements[0].value)):
                raise self.refuse("its fields are not a literal list of `(name, type)` pairs")
            annotation = self.wc.types.expr(pair.elements[1].value)
            fields.append(A.Param(_literal_text(pair.elements[0].value), annotation, None))
        return fields

    def constant(self, value: cst.BaseExpression, what: str) -> A.Expr:
        try:
            expr = self.wc.builder.inline_consts(FunctionLowerer(self.wc, None, None).lower_value(value))
        except Reject as reject:
            raise self.refuse(f"{what} is not a constant RRL can hold: {reject.message}") from None
        if not is_constant(expr, lambda owner, attr: True):
            raise self.refuse(f"{what} is not a constant RRL can hold: `{self.wc.src.text(value)}`")
        return expr


ANY_TYPE = A.NamedType("Any")


def _literal_text(node: cst.BaseExpression | None) -> str | None:
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def _keyword_true(args, keyword: str) -> bool:
    return any(
        isinstance(a, cst.Arg) and a.keyword is not None and a.keyword.value == keyword
        and isinstance(a.value, cst.Name) and a.value.value == "True"
        for a in args
    )


def _is_library_class(info: TypeInfo) -> bool:
    """pydantic's own bases (`BaseModel`, `RootModel`): what makes a class a model, not a class of the program."""
    return info.module.split(".")[0] == "pydantic"


# The nodes that bind names.
_BINDERS = (A.CallStmt, A.Assign, A.Parallel, A.ParallelFor, A.For, A.Comprehension, A.ExceptHandler, A.Lambda)


def _names_of_known_class(decl: A.FnDecl | A.WorkflowDecl, nodes: list[A.Node], classes: dict[str, A.ClassDecl], returns: dict[str, str]) -> dict[str, str]:
    """The names of `decl` whose class is certain: each binding of the name
    gives a value of that one class (a parameter of its type, what an action
    declared to return it, a construction of it). A name bound in any other
    way (a loop, an unpacking, a comprehension, `except ... as`) is left out.
    `nodes`: every node of its body."""
    found: dict[str, set[str | None]] = {}

    def bound(target: A.Expr | None, cls: str | None) -> None:
        if isinstance(target, A.Name):
            found.setdefault(target.id, set()).add(cls)
        elif target is not None:  # an unpacking, a subscript, an attribute: no class is certain
            for node in walk(target):
                if isinstance(node, A.Name):
                    found.setdefault(node.id, set()).add(None)

    for param in decl.params:
        bound(A.Name(param.name), param.type.name if isinstance(param.type, A.NamedType) else None)
    for node in nodes:
        if not isinstance(node, _BINDERS):
            continue  # most nodes: one test instead of one per case below
        if isinstance(node, A.CallStmt):
            bound(node.target, returns.get(node.call.name))
        elif isinstance(node, A.Assign):
            value = node.value
            built = value.func.id if isinstance(value, A.Call) and isinstance(value.func, A.Name) and not value.args else None
            bound(node.target, built)
        elif isinstance(node, (A.Parallel, A.ParallelFor)):
            bound(node.target, None)
            if isinstance(node, A.ParallelFor):
                bound(node.loop_target, None)
        elif isinstance(node, A.For):
            bound(node.target, None)
        elif isinstance(node, A.Comprehension):
            bound(node.target, None)
        elif isinstance(node, A.ExceptHandler) and node.name is not None:
            bound(A.Name(node.name), None)
        elif isinstance(node, A.Lambda):
            for name in node.params:
                bound(A.Name(name), None)
    return {name: next(iter(kinds)) for name, kinds in found.items() if len(kinds) == 1 and next(iter(kinds)) in classes}
