"""Classes in workflow code.

A class is not a value in RRL: a workflow names a class where Python uses it
statically, and each use lowers to something RRL expresses by itself.

- `Pt(x=1)`, `ValueError("m")`, `Color("red")`: construction (`calls.construct`),
  allowed when building the instance runs no code of the class (RPL0231, see
  `construction.py`).
- `except ValueError`, `retry on`, `isinstance(x, (Pt, KeyError))`: type names.
  A constant naming classes (`RETRYABLE = (ConnectionError, TimeoutError)`)
  stands for its tuple there.
- `raise ValueError` is `raise ValueError()`, as in Python (the cause too).
- `Color.RED`: the member of an enum, a value (`Color.RED` in RRL).
- `Color["RED"]`: a member by name, looked up in a dict of the members
  (`Color.__members__`); and
  an enum where Python iterates over it (`for c in Color`, a comprehension,
  `list(Color)`, `len(Color)`) is the list of its members, aliases left out.
- `Limits.MAX_RETRIES`: a class constant, which becomes an RRL const like a
  module constant; `Pt.__name__` is the string "Pt".

Anything else (`[ValueError, KeyError]`, `kind = Pt`, `return Color`) is
rejected (RPL0230), and so is an attribute of a class that is none of these
(RPL0232).
"""

from __future__ import annotations

import libcst as cst

from rrl import ast as A
from rrl.printer import print_expr

from . import dialect
from .calls import Target
from .constants import ClassName, ConstEvaluator
from .construction import source_hooks
from .diagnostics import Reject
from .resolve import ConstInfo, MemberInfo, TypeInfo

CLASS_VALUE_HELP = {
    "exception": "name the class where Python uses it: `raise {name}(...)`, `except {name}:` or `isinstance(e, {name})`; "
    "several classes go in a tuple there, or in a module constant (`RETRYABLE = (ConnectionError, TimeoutError)`); "
    "to remember which error it was, keep its name: `type(e).__name__`",
    "enum": "use one of its members (`{name}.MEMBER`), build one from a value (`{name}(value)`) or a name (`{name}[name]`), "
    "loop over them (`for m in {name}`, `list({name})`), or test with `isinstance(x, {name})`",
    "other": "build an instance (`{name}(...)`) or test with `isinstance(x, {name})`; a workflow has no class values",
}
CLASS_ATTRIBUTE_HELP = (
    "a workflow reads the constants of a class (plain values assigned in its body; on a pydantic model, ClassVars), "
    "the members of an enum and `__name__`; call methods inside an @action"
)
PLAIN_CLASS_HELP = (
    "a workflow names exceptions, enums, pydantic models and dataclasses, which the program declares; "
    "test other objects inside an @action"
)
EXCEPTION_CONSTRUCTION_HELP = (
    "a workflow raises exceptions whose class defines no __init__, __new__ or __str__, built from their args: "
    "give the class's message as its argument, or raise it in an @action"
)
CONSTRUCTION_HELP = (
    "a workflow builds only models and dataclasses whose fields have constant defaults, with no default_factory "
    "(but list, dict or tuple), __init__, __post_init__ or validators: build this one in an @action and pass it to the workflow"
)


def not_declarable(shown: str, kind: str, node: cst.CSTNode, plain_help: str = PLAIN_CLASS_HELP) -> Reject:
    """RPL0260 for a class RRL does not declare, named where a type is expected."""
    if kind == "typeddict":
        return Reject("RPL0260", f"`{shown}` is a TypedDict, whose values are plain dicts: Python cannot test them against it", node,
                      "test `isinstance(x, dict)`, or the keys you need (`\"who\" in x`)")
    return Reject("RPL0260", f"`{shown}` is a plain class, which a workflow cannot name", node, plain_help)


class ClassLowering:
    """Mixin of `FunctionLowerer`."""

    def class_target(self, node: cst.BaseExpression, declare: bool = True) -> Target | None:
        """The class `node` names: a builtin exception, a class of this module or
        an imported class (None for anything else). `declare`: its RRL name is
        needed, so the program declares it (otherwise the target has no name). A
        plain class, which RRL cannot declare, keeps its Python name."""

        def type_name(module: str, name: str, preferred: str | None = None, kind: str = "exception") -> str:
            if not declare:
                return ""
            if kind not in A.CLASS_KINDS:
                return self.src.text(node)
            return self.wc.builder.type_name(module, name, preferred, node=node)

        qualified = None
        if isinstance(node, cst.Name):
            if self.scoped_name(node.value) is not None:
                return None
            ref = self.src.ref(node)
            if ref.kind == "builtin":
                if node.value not in dialect.PYTHON_EXCEPTIONS:
                    return None
                name = type_name("builtins", node.value)
                return Target("exception", name, node, type_kind="exception", qualname=node.value)
            if ref.kind == "global" and node.value in self.index.classes:
                info = self.index.classes[node.value]
                kind = "exception" if info.kind == "exception" else "type"
                name = type_name(self.src.module, node.value, kind=info.kind)
                return Target(kind, name, node, local_class=node.value, type_kind=info.kind, qualname=node.value)
            if ref.kind == "global" and self.index.named_tuple_call(node.value) is not None:
                # `Pair = namedtuple("Pair", "a b")`: declared from the call
                name = type_name(self.src.module, node.value, kind="namedtuple")
                return Target("type", name, node, type_kind="namedtuple", qualname=node.value)
            if ref.kind == "import":
                qualified = ref.qualified
        elif isinstance(node, cst.Attribute):
            nested = self.index.nested_class(node)
            if nested is not None:  # `Order.Line`, a class of this module
                info = self.index.classes[nested]
                kind = "exception" if info.kind == "exception" else "type"
                name = type_name(self.src.module, nested, node.attr.value, kind=info.kind)
                return Target(kind, name, node, local_class=nested, type_kind=info.kind, qualname=nested)
            qualified = self.src.imported_name(node)
        if qualified is None:
            return None
        sdk = dialect.sdk_name(qualified)
        if sdk == "RappelTimeout":
            return Target("exception", "RappelTimeout", node, type_kind="exception", qualname="RappelTimeout")
        if qualified in dialect.EXCEPTION_ALIASES:
            name = dialect.EXCEPTION_ALIASES[qualified]
            return Target("exception", name, node, type_kind="exception", qualname=name)
        resolved = self.wc.resolve(qualified) if sdk is None else None
        if not isinstance(resolved, TypeInfo):
            return None
        preferred = node.value if isinstance(node, cst.Name) else node.attr.value
        name = type_name(resolved.module, resolved.name, preferred, kind=resolved.kind)
        kind = "exception" if resolved.kind == "exception" else "type"
        return Target(kind, name, node, type_kind=resolved.kind, hooks=resolved.hooks, qualname=resolved.name)

    def class_value(self, target: Target, node: cst.CSTNode) -> Reject:
        """A class where a value is expected."""
        shown = self.src.text(node)
        kind = target.type_kind if target.type_kind in CLASS_VALUE_HELP else "other"
        return Reject("RPL0230", f"`{shown}` is a class, and a class is not a value in a workflow", node,
                      CLASS_VALUE_HELP[kind].format(name=shown))

    # -------------------------------------------------------------- attributes

    def class_attribute(self, target: Target, node: cst.Attribute) -> A.Expr:
        """`Owner.name`: an enum member, a class constant or `__name__`."""
        attr = node.attr.value
        if attr == "__name__":
            return A.Constant(target.qualname.rpartition(".")[2])
        if attr == "__members__" and (members := self.enum_members_by_name(node.value)) is not None:
            return members
        info = self.index.classes.get(target.local_class or "")
        if info is None:  # imported: its attribute is what Python finds there
            qualified = self.src.imported_name(node)
            if qualified is not None and isinstance(self.wc.resolve(qualified), (ConstInfo, MemberInfo)):
                return self.imported_value(qualified, node, attr)
            raise self.not_a_class_constant(node, "a member of the enum" if target.type_kind == "enum" else "a constant of the class")
        if info.kind == "enum":
            if attr in info.consts and not attr.startswith("_"):
                owner = self.class_target(node.value)  # declares the import
                return A.Attribute(A.Name(owner.name, span=self.span(node.value)), attr)
            raise self.not_a_class_constant(node, "a member of the enum")
        if self.class_constant(info.name, attr) is None:
            raise self.not_a_class_constant(node)
        return A.Name(self.wc.class_const(info.name, attr, node))

    def class_constant(self, class_name: str, attr: str) -> cst.BaseExpression | None:
        """The value of the constant `attr` of a class of this module (inherited
        ones too), or None when it is no such constant."""
        found = self.index.find_class_const(class_name, attr)
        # A pydantic field is not an attribute of its class (a dataclass field's default is).
        if found is None or attr.startswith("_") or (found[0].kind == "model" and attr in found[0].fields):
            return None
        return found[1]

    def not_a_class_constant(self, node: cst.Attribute, what: str = "a constant of the class") -> Reject:
        owner = self.src.text(node.value)
        return Reject("RPL0232", f"`{self.src.text(node)}` is not {what} `{owner}`", node, CLASS_ATTRIBUTE_HELP)

    def enum_member(self, member: MemberInfo, node: cst.CSTNode) -> A.Expr:
        """`Color.RED` of an imported enum."""
        owner = node.value if isinstance(node, cst.Attribute) else None
        preferred = owner.value if isinstance(owner, cst.Name) else None
        name = self.wc.builder.type_name(member.type.module, member.type.name, preferred)
        return A.Attribute(A.Name(name, span=self.span(owner) if owner is not None else None), member.name)

    def is_enum_member(self, node: cst.BaseExpression, seen: frozenset = frozenset()) -> bool:
        """`Color.RED`, or a constant naming one (`DEFAULT`, `self.DEFAULT`,
        `Rules.DEFAULT`): enum members are singletons, so `is` compares them as
        Python does."""
        if id(node) in seen:
            return False  # constants defined in terms of each other
        seen = seen | {id(node)}
        value = None
        if isinstance(node, cst.Name) and self.scoped_name(node.value) is None:
            ref = self.src.ref(node)
            if ref.kind == "import":
                return isinstance(self.wc.resolve(ref.qualified), MemberInfo)
            const = self.index.consts.get(node.value) if ref.kind == "global" else None
            value = const.value if const is not None else None
        elif isinstance(node, cst.Attribute) and self.is_self(node.value):
            found = self.wc.home_index.find_class_const(self.cls.name, node.attr.value)
            value = found[1] if found else None
        elif isinstance(node, cst.Attribute):
            owner = self.class_target(node.value, declare=False)
            if owner is not None and owner.type_kind == "enum":
                return True
            if owner is not None and owner.local_class is not None:
                value = self.class_constant(owner.local_class, node.attr.value)
            else:
                qualified = self.src.imported_name(node)
                return qualified is not None and isinstance(self.wc.resolve(qualified), MemberInfo)
        return value is not None and self.is_enum_member(value, seen)

    def enum_declaration(self, node: cst.BaseExpression) -> tuple[str, A.ClassDecl] | None:
        """The RRL name and the declaration of the enum `node` names; None when it names no enum."""
        from .declarations import ClassDeclarations  # it lowers member values with this module's lowerer

        if not isinstance(node, (cst.Name, cst.Attribute)):
            return None
        target = self.class_target(node, declare=False)
        if target is None or target.type_kind != "enum":
            return None
        if target.local_class is not None:
            module, qualname = self.src.module, target.local_class
        else:
            qualified = self.src.ref(node).qualified if isinstance(node, cst.Name) else self.src.imported_name(node)
            resolved = self.wc.resolve(qualified)
            module, qualname = resolved.module, resolved.name
        name = self.class_target(node).name  # declares the class
        return name, ClassDeclarations(self.wc).declare(module, qualname, name)

    def enum_members(self, node: cst.BaseExpression) -> A.Expr | None:
        """`Status` where Python iterates over it: the list of its members in
        order, aliases left out (for a Flag, as Python 3.11 has it, the members
        of one bit). None for anything else, and for a Flag whose values are
        not all written as numbers."""
        found = self.enum_declaration(node)
        if found is None:
            return None
        name, decl = found
        flag = decl.bases[-1] in ("Flag", "IntFlag")
        values: list = []
        members = []
        for member in decl.body:
            value = member.value.value if isinstance(member.value, A.Constant) else print_expr(member.value)
            if flag and not isinstance(value, int):
                return None
            if value in values or (flag and (value <= 0 or value & (value - 1))):
                continue  # an alias of an earlier member; a Flag's combination of bits
            values.append(value)
            members.append(A.Attribute(A.Name(name, span=self.span(node)), member.name))
        return A.ListExpr(tuple(members), span=self.span(node))

    def enum_member_by_name(self, node: cst.Subscript) -> A.Expr | None:
        """`Status[name]`: the member named so (aliases too), KeyError otherwise, as in Python."""
        if len(node.slice) != 1 or not isinstance(node.slice[0].slice, cst.Index) or node.slice[0].slice.star:
            return None
        by_name = self.enum_members_by_name(node.value)
        return None if by_name is None else A.Subscript(by_name, self.expr(node.slice[0].slice.value))

    def enum_members_by_name(self, node: cst.BaseExpression) -> A.Expr | None:
        """`Status.__members__`: a dict of the members by name, aliases included
        (Python's is a read-only mapping of the same items)."""
        found = self.enum_declaration(node)
        if found is None:
            return None
        name, decl = found
        span = self.span(node)
        return A.DictExpr(tuple((A.Constant(m.name), A.Attribute(A.Name(name, span=span), m.name)) for m in decl.body), span=span)

    # -------------------------------------------------------------- static uses

    def type_spec(self, node: cst.BaseExpression) -> A.Expr:
        """The second argument of isinstance(): a type, a tuple or union of
        types, or a constant naming classes. Anything else is lowered as it is
        (the checker reports it, RPL0318)."""
        names = self.type_names(node)
        if names is None:
            return self.expr(node)
        exprs = tuple(A.Name(name, span=span) for name, span in names)
        return exprs[0] if len(exprs) == 1 and not isinstance(node, cst.Tuple) else A.TupleExpr(exprs, span=self.span(node))

    def type_names(self, node: cst.BaseExpression, in_union: bool = False) -> list[tuple[str, A.Span | None]] | None:
        """The types `node` names, as Python's isinstance() reads them: nested
        tuples, unions `A | B` (where None stands for NoneType), constants."""
        if isinstance(node, cst.Tuple) and not in_union:
            parts = [self.type_names(e.value) if not isinstance(e, cst.StarredElement) else None for e in node.elements]
            return None if any(p is None for p in parts) else [name for part in parts for name in part]
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
            left, right = self.type_names(node.left, True), self.type_names(node.right, True)
            return None if left is None or right is None else left + right
        if isinstance(node, cst.Name) and node.value == "None":
            return [("NoneType", self.span(node))] if in_union else None
        if self.builtin_type_name(node) is not None:
            return [(node.value, self.span(node))]
        target = self.class_target(node)
        if target is not None:
            if target.type_kind not in A.CLASS_KINDS:
                raise not_declarable(self.src.text(node), target.type_kind, node)
            return [(target.name, self.span(node))]
        classes = None if in_union else self.constant_classes(node)
        return None if classes is None else [(name, self.span(node)) for name in classes]

    def constant_classes(self, node: cst.BaseExpression, kind: str | None = None) -> tuple[str, ...] | None:
        """The classes a constant names (`RETRYABLE = (ConnectionError, TimeoutError)`),
        all of type kind `kind` when given; None when it is not such a constant."""
        if not isinstance(node, (cst.Name, cst.Attribute)):
            return None
        if self.constant_source(node) is None:
            return None
        try:
            value = ConstEvaluator(self).evaluate(node)
        except Reject:
            return None  # not made of classes; where it is used, it is reported as what it is
        values = value if isinstance(value, tuple) else (value,)
        if values and all(isinstance(v, ClassName) and (kind is None or v.kind == kind) for v in values):
            return tuple(v.name for v in values)
        return None

    def imported_classes(self, value: object) -> object:
        """An imported constant's value, with its classes (a tuple of TypeInfo) as ClassNames."""
        if isinstance(value, tuple) and value and all(isinstance(v, TypeInfo) for v in value):
            return tuple(ClassName(self.wc.builder.type_name(v.module, v.name), v.kind) for v in value)
        return value

    def raised(self, node: cst.BaseExpression) -> A.Expr:
        """What `raise` raises (or sets as the cause): a class is instantiated."""
        target = self.class_target(node)
        if target is None:
            return self.expr(node)
        if target.type_kind != "exception":
            raise Reject("RPL0238", f"`{self.src.text(node)}` is not an exception class, so it cannot be raised", node,
                         "raise an exception: `raise ValueError(...)`, or an exception class of your own")
        self.check_construction(target, node, set())
        return A.Call(A.Name(target.name, span=self.span(node)), (), span=self.span(node))

    # -------------------------------------------------------------- construction

    def check_construction(self, target: Target, node: cst.Call, given: set[str]) -> None:
        """Building an instance must run no code of the class (RPL0231). The
        default of a field that is `given` is not computed."""
        hooks = source_hooks(self.index, target.local_class) if target.local_class else list(target.hooks)
        running = [hook for hook in hooks if hook.field is None or hook.field not in given]
        if running:
            label = self.src.text(node.func if isinstance(node, cst.Call) else node)
            raise Reject("RPL0231", f"`{label}(...)` runs code of its class when it is built: {running[0].what}", node,
                         EXCEPTION_CONSTRUCTION_HELP if target.type_kind == "exception" else CONSTRUCTION_HELP)

