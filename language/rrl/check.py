"""The RRL checker: every static rule of the language, all diagnostics at once.

`check(program)` walks the declarations and every workflow and fn body and
returns the diagnostics sorted by position. Codes are stable (`CODES` below,
documented in docs/errors.md): a checker message may be reworded, its code
never changes meaning.

Names are checked like Python's scoping on a control-flow graph: a name read
where it is bound on no path before is an error; bound on some path ("maybe
bound") is accepted, as Python accepts it. Workflows and fns have their own
scope (parameters and locals); consts, declared classes, builtins and builtin
exceptions are visible everywhere. Comprehensions and lambdas bind their
variables in a scope of their own.

A call of a method that changes its receiver (`xs.sort()`, `d[k].append(v)`,
`builtins.MUTATING_METHODS`) is a read and then an assignment of the variable
at the receiver's root: the receiver must be such a variable (RPL0329), not a
const (RPL0323), and not in a comprehension, lambda or `parallel` call, where
the rebinding would be lost (RPL0330). An expression statement exists for
these calls only (RPL0328).

`del` reads what it deletes: a deleted name must be bound before (RPL0301),
and is unbound after it, on that path. Deleting an item or a field of a
variable (`del d[k]`, `del obj.f`) rebinds the variable like a mutating method,
so it must not be a const (RPL0323); nor may a const be deleted.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field, replace
from typing import Callable, Iterable, Iterator

from . import ast as A
from . import builtins as B
from .diagnostics import Diagnostic
from .limits import deep_stack
from .policies import policy_problems
from .printer import print_expr, print_type
from .walk import child_fields, children, statements, walk

# code → what it reports (one line; docs/errors.md has an example of each).
CODES: dict[str, str] = {
    "RPL0301": "a name is used before it is assigned",
    "RPL0302": "a name is not defined",
    "RPL0303": "`await` of something that is neither an action nor a fn",
    "RPL0304": "unknown keyword argument",
    "RPL0305": "missing required argument",
    "RPL0306": "keyword argument given twice",
    "RPL0307": "a literal does not match the declared type",
    "RPL0308": "a value is returned from a `-> None` workflow or fn",
    "RPL0309": "a returned literal does not match the return type",
    "RPL0310": "unreachable code (warning)",
    "RPL0311": "`break` or `continue` outside a loop",
    "RPL0312": "bare `raise` outside an `except` block",
    "RPL0313": "call of an unknown function",
    "RPL0314": "wrong arguments to a builtin function",
    "RPL0315": "unknown method",
    "RPL0316": "an action or fn used in an expression, without `await`",
    "RPL0317": "unknown exception type",
    "RPL0318": "`isinstance` needs a type",
    "RPL0319": "recursion between fns",
    "RPL0320": "a name is declared twice",
    "RPL0321": "a declared class clashes with a const",
    "RPL0322": "policies on a fn call",
    "RPL0323": "assignment to a const",
    "RPL0324": "`parallel for` limit below 1",
    "RPL0325": "`raise` of a value that is not an exception",
    "RPL0326": "a parameter name is given twice",
    "RPL0327": "the number of values does not match the unpacking target",
    "RPL0328": "an expression statement that has no effect",
    "RPL0329": "a method that changes its receiver, called on a value that is not a variable",
    "RPL0330": "a method that changes a variable, called where the change is lost",
    "RPL0331": "a private attribute",
    "RPL0332": "a type used as a value",
    "RPL0335": "a policy value out of range",
    "RPL0338": "a class declares a base that is not a class of its kind",
    "RPL0339": "classes that derive from themselves",
    "RPL0340": "a construction passes what the class does not take",
    "RPL0341": "a construction leaves out a field without a default",
    "RPL0342": "a field's default or a member's value is not a constant",
    "RPL0343": "a field or a member is declared twice",
    "RPL0344": "an unknown type",
    "RPL0345": "an attribute of a class that is not a member of an enum",
    "RPL0346": "a NamedTuple field without a default after one with a default",
}

# Class declarations (docs/language.md, "Classes").
_ENUM_FLAVORS = ("Enum", "IntEnum", "StrEnum", "Flag", "IntFlag")
_ENUM_MIXINS = ("str", "int", "float")
_KIND_TEXT = {"exception": "an exception", "model": "a model", "dataclass": "a dataclass", "namedtuple": "a NamedTuple", "enum": "an enum"}
# The attributes of a NamedTuple that start with `_` and are its public API
# (Python names them so to keep them apart from the fields).
NAMED_TUPLE_ATTRIBUTES = frozenset({"_fields", "_replace", "_asdict"})

_EXCEPTION_NAMES = sorted(B.EXCEPTIONS)
# The names a type may use besides declared classes.
_TYPE_NAMES = B.TYPE_NAMES | B.EXCEPTIONS | {"NoneType", "Optional"}

# ------------------------------------------------------------------ tree helpers


def target_names(target: A.Expr | None) -> list[str]:
    """The names a target binds: `x`, `a, (b, c)` and `first, *rest`; `x[i]` and `x.f` bind none."""
    if isinstance(target, A.Name):
        return [target.id]
    if isinstance(target, A.TupleExpr):
        return [name for elt in target.elts for name in target_names(elt)]
    if isinstance(target, A.Starred):
        return target_names(target.value)
    return []


def _target_roots(target: A.Expr) -> Iterator[A.Name]:
    """The names a target writes: `x`, each name of `a, *b`, and `d` in `d[k]` or `d.f`."""
    match target:
        case A.Name():
            yield target
        case A.TupleExpr(elts=elts):
            for elt in elts:
                yield from _target_roots(elt)
        case A.Subscript(value=value) | A.Attribute(value=value) | A.Starred(value=value):
            yield from _target_roots(value)


def mutated_receiver(node: A.Node) -> A.Expr | None:
    """The receiver a call of a mutating method changes (`xs` in `xs.append(1)`,
    `d["k"]` in `d["k"].pop()`), or None when `node` is no such call."""
    if isinstance(node, A.Call) and isinstance(node.func, A.Attribute) and node.func.attr in B.MUTATING_METHODS:
        return node.func.value
    return None


def target_root(target: A.Expr) -> A.Name | None:
    """The variable at the root of `x`, `x[k]` or `x.f` chains; None for anything else."""
    while isinstance(target, (A.Subscript, A.Attribute)):
        target = target.value
    return target if isinstance(target, A.Name) else None


def mutated_roots(node) -> list[A.Name]:
    """The variables that calls of mutating methods in `node` rebind: `xs` in
    `xs.sort()`, `d` in `d["k"].append(1)`, inner calls first. Calls
    inside lambdas and comprehensions are left out: there the change is lost
    (the checker reports them, RPL0330)."""
    roots: list[A.Name] = []

    def visit(sub) -> None:
        if isinstance(sub, (tuple, list)):
            for item in sub:
                visit(item)
            return
        if not isinstance(sub, A.Node) or isinstance(sub, (A.Lambda, A.ListComp, A.DictComp)):
            return
        for child in children(sub):
            visit(child)
        receiver = mutated_receiver(sub)
        root = target_root(receiver) if receiver is not None else None
        if root is not None:
            roots.append(root)

    visit(node)
    return roots


def has_effect(node) -> bool:
    """Whether evaluating `node` rebinds a variable: it calls a mutating method
    (anywhere, a lambda or comprehension included)."""
    return any(mutated_receiver(sub) is not None for sub in (walk(node) if isinstance(node, A.Node) else ()))


# The fields of a statement that hold its blocks and handlers, not what it evaluates itself.
_BLOCK_FIELDS = frozenset({"body", "orelse", "finalbody", "handlers"})


def _own_parts(stmt: A.Node) -> list:
    """The expressions a statement evaluates itself, in the region where it
    runs: not its blocks, and not the calls of a `parallel` block (each runs
    in a branch of its own, where a change to a variable is lost)."""
    match stmt:
        case A.Parallel(target=target):
            return [target]
        case A.ParallelFor(target=target, iter=iter_):
            return [target, iter_]
    return [getattr(stmt, name) for name in child_fields(type(stmt)) if name not in _BLOCK_FIELDS]


def rebound_roots(stmt: A.Node) -> frozenset[str]:
    """The variables that the mutating method calls a statement evaluates itself rebind."""
    return frozenset(root.id for root in mutated_roots(_own_parts(stmt)))


def assigned_names(stmts: Iterable[A.Stmt], *, deleted: bool = True) -> set[str]:
    """Every name a block binds anywhere in its statements (not in lambdas or
    comprehensions, which have their own scope), the variables its mutating
    method calls rebind (`xs` in `xs.sort()`) and the names it deletes (`del x`
    makes `x` a local, as in Python) included, unless `deleted` is False."""
    bound, deleted_ = _bindings(stmts)
    return bound | deleted_ if deleted else bound


def deleted_names(stmts: Iterable[A.Stmt]) -> set[str]:
    """Every name a block deletes (`x` in `del x`) anywhere in its statements."""
    return {
        target.id
        for node in statements(stmts) if isinstance(node, A.Delete)
        for target in node.targets if isinstance(target, A.Name)
    }


def _bindings(stmts: Iterable[A.Stmt], rebound: Callable[[A.Node], frozenset[str]] = rebound_roots) -> tuple[set[str], set[str]]:
    """`assigned_names(stmts, deleted=False)` and `deleted_names(stmts)`, in
    one pass (`rebound`: `rebound_roots`, or a memo of it)."""
    names: set[str] = set()
    deleted: set[str] = set()
    for node in statements(stmts):
        match node:
            case A.Assign() | A.CallStmt() | A.Parallel() | A.ParallelFor() | A.For():
                names.update(target_names(node.target))
            case A.Delete(targets=targets):
                deleted.update(t.id for t in targets if isinstance(t, A.Name))
            case A.ExceptHandler(name=name) if name:
                names.add(name)
        names.update(rebound(node))
    return names, deleted


def is_constant(node: A.Expr, is_member: Callable[[str, str], bool]) -> bool:
    """What a field's default and an enum member's value are made of: literals,
    arithmetic on numbers, lists, tuples and dicts of constants, and members of
    enums (`Color.RED`, when `is_member("Color", "RED")`). No name, no call."""
    match node:
        case A.Constant():
            return True
        case A.UnaryOp(op="-" | "+", operand=operand):
            return is_constant(operand, is_member)
        case A.BinOp(left=left, right=right):
            return is_constant(left, is_member) and is_constant(right, is_member)
        case A.ListExpr(elts=elts) | A.TupleExpr(elts=elts):
            return all(not isinstance(e, A.Starred) and is_constant(e, is_member) for e in elts)
        case A.DictExpr(items=items):
            return all(k is not None and is_constant(k, is_member) and is_constant(v, is_member) for k, v in items)
        case A.Attribute(value=A.Name(id=owner), attr=attr):
            return is_member(owner, attr)
    return False


def literal_kind(expr: A.Expr) -> str | None:
    """The Python type name of a literal expression, or None when it is not a literal."""
    match expr:
        case A.Constant(value=value):
            return type(value).__name__
        case A.UnaryOp(op="-" | "+", operand=A.Constant(value=value)) if type(value) in (int, float):
            return type(value).__name__
        case A.FString():
            return "str"
        case A.ListExpr() | A.ListComp():
            return "list"
        case A.DictExpr() | A.DictComp():
            return "dict"
        case A.TupleExpr():
            return "tuple"
    return None


_SCALAR_ACCEPTS = {
    "int": {"int", "bool"},
    "float": {"float", "int", "bool"},
    "str": {"str"},
    "bool": {"bool"},
}


def accepted_kinds(type_: A.Type) -> set[str] | None:
    """The literal kinds a declared scalar type accepts; None for any type the
    checker does not judge (Any, models, containers, unknown names)."""
    match type_:
        case A.NoneType():
            return {"NoneType"}
        case A.NamedType(name=name, args=()) if name in _SCALAR_ACCEPTS:
            return set(_SCALAR_ACCEPTS[name])
        case A.NamedType(name="Optional", args=(inner,)):
            kinds = accepted_kinds(inner)
            return None if kinds is None else kinds | {"NoneType"}
        case A.UnionType(options=options):
            kinds: set[str] = set()
            for option in options:
                more = accepted_kinds(option)
                if more is None:
                    return None
                kinds |= more
            return kinds
    return None


def _kind_text(kind: str) -> str:
    return "`None`" if kind == "NoneType" else f"`{kind}`"


def _did_you_mean(name: str, candidates: Iterable[str], otherwise: str) -> str:
    """A help line: the closest candidate to a misspelt name, or `otherwise`."""
    close = _closest(name, candidates)
    return f"did you mean `{close}`?" if close else otherwise


def _closest(name: str, candidates: Iterable[str]) -> str | None:
    close = difflib.get_close_matches(name, sorted(set(candidates)), n=1, cutoff=0.6)
    return close[0] if close else None


def _cover(first: A.Node, last: A.Node) -> A.Span | None:
    if first.span is None or last.span is None:
        return first.span
    return A.Span(first.span.line, first.span.column, last.span.end_line, last.span.end_column)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


# ------------------------------------------------------------------ the checker

State = frozenset  # names possibly bound at a point; None where the point is unreachable


@dataclass
class _Loop:
    exit_depth: int  # len(_Body.exits) when the loop starts
    breaks: list[frozenset[str]] = field(default_factory=list)
    continues: list[frozenset[str]] = field(default_factory=list)


@dataclass(frozen=True)
class _Scope:
    """What an expression sees: locals possibly bound here, and every local of the scope."""

    bound: frozenset[str]
    local: frozenset[str]

    def with_names(self, names: Iterable[str]) -> "_Scope":
        names = frozenset(names)
        return _Scope(self.bound | names, self.local | names)


@dataclass
class _Body:
    """The walk of one workflow or fn body."""

    decl: A.WorkflowDecl | A.FnDecl
    local: frozenset[str]
    # Variables that are bound somewhere and deleted somewhere (`del x`).
    deleted: frozenset[str] = frozenset()
    loops: list[_Loop] = field(default_factory=list)
    # What leaving a block by `break`/`continue` does to the bound names, innermost
    # last: a `finally` binds its names, an `except ... as e` handler deletes `e`.
    exits: list[tuple[frozenset[str], frozenset[str]]] = field(default_factory=list)
    except_depth: int = 0

    @property
    def kind(self) -> str:
        return "fn" if isinstance(self.decl, A.FnDecl) else "workflow"


class _Checker:
    def __init__(self, program: A.Program):
        self.program = program
        self.diagnostics: list[Diagnostic] = []
        self.quiet = 0  # > 0 while a loop body is walked to find its fixed point
        self.dead = 0  # > 0 while unreachable statements are walked
        self.actions = {d.name: d for d in program.actions}
        self.fns = {d.name: d for d in program.fns}
        self.workflows = {d.name: d for d in program.workflows}
        self.consts = {d.name: d for d in program.consts}
        self.classes = program.class_decls()
        self.global_values = (
            set(self.consts) | set(self.classes) | B.EXCEPTIONS | B.TYPES | set(B.FUNCTIONS)
        )
        # Names of types that are not also builtin functions (`str` is both): not values.
        self.type_names = set(self.classes) | B.EXCEPTIONS | (B.TYPES - set(B.FUNCTIONS))
        self.body: _Body | None = None
        # Where expressions are checked in a copy of the variables (a lambda, a
        # comprehension, a `parallel` call), innermost last: a change is lost there.
        self.lost_in: list[str] = []
        # Statement (by id; the program outlives the checker) → `rebound_roots` of it.
        self.rebound_by: dict[int, frozenset[str]] = {}

    # ------------------------------------------------------------- reporting

    def report(self, code: str, node: A.Node | A.Span | None, message: str, help: str | None = None, severity: str = "error") -> None:
        if self.quiet:
            return
        span = node if isinstance(node, A.Span) or node is None else node.span
        self.diagnostics.append(Diagnostic(code, message, span, help, severity=severity))

    # ------------------------------------------------------------- declarations

    def run(self) -> list[Diagnostic]:
        self.check_declaration_names()
        declared: set[str] = set()
        all_consts = frozenset(self.consts)
        for decl in self.program.decls:
            match decl:
                case A.ClassDecl():
                    self.check_class(decl)
                case A.ConstDecl():
                    self.expr(decl.value, _Scope(frozenset(declared), all_consts))
                    declared.add(decl.name)
                case A.ActionDecl():
                    self.check_params(decl.params)
                    self.check_signature_types(decl)
                case A.FnDecl() | A.WorkflowDecl():
                    self.check_params(decl.params)
                    self.check_signature_types(decl)
                    self.check_body(decl)
        self.check_recursion()
        self.check_class_cycles()
        return sorted(self.diagnostics, key=Diagnostic.sort_key)

    def check_declaration_names(self) -> None:
        seen: dict[str, tuple[str, A.Node]] = {}
        identities: dict[str, A.ClassDecl] = {}
        for decl in self.program.decls:
            kind = decl.kind if isinstance(decl, A.ClassDecl) else {A.ConstDecl: "const", A.ActionDecl: "action", A.FnDecl: "fn", A.WorkflowDecl: "workflow"}[type(decl)]
            name = decl.name
            if isinstance(decl, A.ClassDecl):
                first_class = identities.setdefault(decl.identity, decl)
                if first_class is not decl:
                    self.report(
                        "RPL0320", decl, f"the class `{decl.identity}` is declared twice, as `{first_class.name}` and as `{name}`",
                        f"declare it once and use one name for it",
                    )
            if name not in seen:
                seen[name] = (kind, decl)
                continue
            first_kind, first = seen[name]
            where = f" (line {first.span.line})" if first.span else ""
            if "const" in (kind, first_kind) and (isinstance(decl, A.ClassDecl) or isinstance(first, A.ClassDecl)):
                cls = decl if isinstance(decl, A.ClassDecl) else first
                self.report(
                    "RPL0321", decl, f"the {cls.kind} `{name}` clashes with the const `{name}`",
                    f"rename the const, or declare the class under another name: `{cls.kind} Other{name.title()} from {cls.module} import {cls.qualname}`",
                )
            else:
                self.report(
                    "RPL0320", decl, f"`{name}` is declared twice",
                    f"the {first_kind} `{name}` is declared first{where}; rename one of them",
                )

    # ------------------------------------------------------------- classes

    def check_class(self, decl: A.ClassDecl) -> None:
        """A class declaration: its bases, and its fields or members (names once
        each, defaults and values constant, types known)."""
        self.check_bases(decl)
        if decl.kind == "namedtuple":
            self.check_default_order(decl)
        seen: set[str] = set()
        for item in decl.body or ():
            what = "field" if isinstance(item, A.Param) else "member"
            if item.name in seen:
                self.report("RPL0343", item, f"the {what} `{item.name}` of `{decl.name}` is declared twice", f"declare each {what} once")
            seen.add(item.name)
            value = item.default if isinstance(item, A.Param) else item.value
            if isinstance(item, A.Param):
                self.check_type(item.type)
            if value is None:
                continue
            if not self.is_constant(value):
                self.report(
                    "RPL0342", value, f"the {'default of the field' if what == 'field' else 'value of the member'} `{item.name}` is not a constant",
                    "a default or a member's value is made of literals, arithmetic on numbers, lists, tuples and dicts of them, and members of declared enums (`Color.RED`)",
                )
            elif isinstance(item, A.Param):
                self.check_literal(value, item.type, f"the default of the field `{item.name}`")

    def check_default_order(self, decl: A.ClassDecl) -> None:
        """A NamedTuple's fields with defaults come last, as Python requires
        (its defaults are those of its positional parameters)."""
        defaulted = None
        for field_ in decl.fields or ():
            if field_.default is not None:
                defaulted = defaulted or field_
            elif defaulted is not None:
                self.report("RPL0346", field_, f"the field `{field_.name}` of the NamedTuple `{decl.name}` has no default, but `{defaulted.name}` before it has one",
                            "declare the fields without a default first, as Python requires")
                return

    def check_bases(self, decl: A.ClassDecl) -> None:
        kind = decl.kind
        if kind == "namedtuple":
            for base in decl.bases:
                self.report("RPL0338", decl, f"the NamedTuple `{decl.name}` declares the base `{base}`",
                            f"a NamedTuple derives from tuple only: `namedtuple {decl.name} from {decl.module}:`")
        elif kind == "exception":
            if not decl.bases:
                self.report("RPL0338", decl, f"the exception `{decl.name}` declares no base",
                            f"name the classes it derives from, as Python does: `exception {decl.name}(Exception) from {decl.module}`")
            for base in decl.bases:
                declared = self.classes.get(base)
                if base in B.EXCEPTIONS or (declared is not None and declared.kind == "exception"):
                    continue
                self.base_problem(decl, base, "a builtin exception or a declared exception")
        elif kind == "enum":
            mixins = [b for b in decl.bases if b in _ENUM_MIXINS]
            enums = [b for b in decl.bases if b not in _ENUM_MIXINS]
            if len(enums) != 1 or len(mixins) > 1 or decl.bases.index(enums[0]) != len(decl.bases) - 1:
                self.report("RPL0338", decl, f"the enum `{decl.name}` derives from {', '.join(f'`{b}`' for b in decl.bases) or 'nothing'}",
                            f"an enum derives from one of {', '.join(_ENUM_FLAVORS)} or a declared enum without members, after at most one of str, int and float: `enum {decl.name}(str, Enum) from {decl.module}:`")
            for base in enums:
                declared = self.classes.get(base)
                if base in _ENUM_FLAVORS or (declared is not None and declared.kind == "enum" and not declared.members):
                    continue
                self.base_problem(decl, base, f"one of {', '.join(_ENUM_FLAVORS)} or a declared enum without members")
        else:
            for base in decl.bases:
                declared = self.classes.get(base)
                if declared is None or declared.kind != kind:
                    self.base_problem(decl, base, f"a declared {kind}")

    def base_problem(self, decl: A.ClassDecl, base: str, expected: str) -> None:
        declared = self.classes.get(base)
        help = f"a base of {_KIND_TEXT[decl.kind]} is {expected}"
        if declared is not None:
            self.report("RPL0338", decl, f"the base `{base}` of the {decl.kind} `{decl.name}` is {_KIND_TEXT[declared.kind]}", help)
        else:
            self.report("RPL0338", decl, f"the base `{base}` of the {decl.kind} `{decl.name}` is not a declared class",
                        _did_you_mean(base, [*self.classes, *_EXCEPTION_NAMES], help))

    def check_class_cycles(self) -> None:
        reported: set[str] = set()
        for decl in self.program.classes:
            if decl.name in reported or not any(self.reaches(b, decl.name) for b in decl.bases):
                continue
            cycle = sorted(n for n in self.classes if self.reaches(n, decl.name) and self.reaches(decl.name, n))
            reported.update(cycle)
            self.report(
                "RPL0339", decl, f"classes derive from themselves: {', '.join(f'`{n}`' for n in cycle)}",
                "a class derives from other classes only; remove the base that leads back to it",
            )

    def reaches(self, start: str, goal: str) -> bool:
        """Whether the class `start` derives (through declared bases) from `goal`, or is it."""
        seen: set[str] = set()
        pending = [start]
        while pending:
            name = pending.pop()
            if name == goal:
                return True
            if name not in seen and name in self.classes:
                seen.add(name)
                pending += self.classes[name].bases
        return False

    def is_constant(self, node: A.Expr) -> bool:
        return is_constant(node, self.is_member)

    def is_member(self, owner: str, attr: str) -> bool:
        declared = self.classes.get(owner)
        return declared is not None and declared.kind == "enum" and attr in {m.name for m in declared.members}

    def check_type(self, type_: A.Type) -> None:
        """Every name in a type is a builtin type or a declared class."""
        for node in walk(type_):
            if isinstance(node, A.NamedType) and node.name not in _TYPE_NAMES and node.name not in self.classes:
                self.report(
                    "RPL0344", node, f"unknown type `{node.name}`",
                    _did_you_mean(node.name, [*_TYPE_NAMES, *self.classes], f"use a builtin type ({', '.join(sorted(B.TYPE_NAMES))}) or declare the class: `model {node.name} from app.models`"),
                )

    def check_signature_types(self, decl: A.ActionDecl | A.FnDecl | A.WorkflowDecl) -> None:
        for param in decl.params:
            self.check_type(param.type)
        self.check_type(decl.returns)

    def check_params(self, params: tuple[A.Param, ...]) -> None:
        seen: set[str] = set()
        const_scope = _Scope(frozenset(self.consts), frozenset(self.consts))
        for param in params:
            if param.name in seen:
                self.report("RPL0326", param, f"parameter `{param.name}` is given twice", "rename one of the parameters")
            seen.add(param.name)
            if param.default is not None:
                self.expr(param.default, const_scope)
                self.check_literal(param.default, param.type, f"the default of `{param.name}`")

    def check_recursion(self) -> None:
        calls: dict[str, list[A.AwaitCall]] = {}
        for fn in self.program.fns:
            calls[fn.name] = [n for s in fn.body for n in walk(s) if isinstance(n, A.AwaitCall) and n.name in self.fns]
        reported: set[str] = set()
        for fn in self.program.fns:
            if fn.name in reported:
                continue
            cycle = self._cycle_from(fn.name, calls)
            if cycle is None:
                continue
            reported.update(name for name, _ in cycle)
            names = [name for name, _ in cycle]
            chain = " → ".join(f"`{n}`" for n in names + [names[0]])
            message = f"fn `{fn.name}` calls itself" if len(names) == 1 else f"fns call each other in a cycle: {chain}"
            self.report(
                "RPL0319", cycle[0][1], message,
                "fns are inlined into the DAG and cannot recurse; use a loop (`while ... max N`), or move the recursion into an action",
            )

    def _cycle_from(self, start: str, calls: dict[str, list[A.AwaitCall]]) -> list[tuple[str, A.AwaitCall]] | None:
        """A path of calls from `start` back to `start`, shortest first (breadth-first)."""
        seen: set[str] = set()
        frontier: list[tuple[str, list[tuple[str, A.AwaitCall]]]] = [(start, [])]
        while frontier:
            next_frontier = []
            for name, path in frontier:
                for call in calls.get(name, ()):
                    step = path + [(name, call)]
                    if call.name == start:
                        return step
                    if call.name not in seen:
                        seen.add(call.name)
                        next_frontier.append((call.name, step))
            frontier = next_frontier
        return None

    # ------------------------------------------------------------- bodies

    def check_body(self, decl: A.WorkflowDecl | A.FnDecl) -> None:
        params = frozenset(p.name for p in decl.params)
        # Assigning a const is an error of its own (RPL0323); it does not make the const a local.
        assigned, deleted = _bindings(decl.body, self.rebound)
        local = params | (frozenset(assigned | deleted) - set(self.consts))
        bound = params | assigned
        outer, self.body = self.body, _Body(decl, local, frozenset(deleted & bound))
        try:
            self.block(decl.body, params)
        finally:
            self.body = outer

    def block(self, stmts: tuple[A.Stmt, ...], state: State | None) -> State | None:
        warned = state is None  # a block that is unreachable as a whole was reported where it starts
        for index, stmt in enumerate(stmts):
            if state is None:
                if not warned and not self.dead:
                    self.warn_unreachable(stmts, index)
                warned = True
                self.dead += 1
                try:
                    self.stmt(stmt, self.body.local)  # names are not judged in dead code
                finally:
                    self.dead -= 1
                continue
            state = self.stmt(stmt, state)
        return state

    def warn_unreachable(self, stmts: tuple[A.Stmt, ...], index: int) -> None:
        previous = stmts[index - 1]
        keyword = {A.Return: "return", A.Raise: "raise", A.Break: "break", A.Continue: "continue"}.get(type(previous))
        if keyword:
            message = f"unreachable code after `{keyword}`"
            help = f"remove it, or move it before the `{keyword}`"
        else:
            message = "unreachable code: every path above returns, raises, breaks or continues"
            help = "remove it, or change the statement above so one of its paths falls through"
        self.report("RPL0310", _cover(stmts[index], stmts[-1]), message, help, severity="warning")

    def scope(self, state: State) -> _Scope:
        return _Scope(state, self.body.local)

    def stmt(self, node: A.Stmt, state: State) -> State | None:
        out = self.stmt_states(node, state)
        if out is None:
            return None
        # A call of a mutating method reads its receiver and rebinds the variable at its root.
        return out | self.rebound(node)

    def rebound(self, node: A.Node) -> frozenset[str]:
        """`rebound_roots(node)`, computed once per statement: a loop's body is
        walked several times, and `assigned_names` walks it first."""
        found = self.rebound_by.get(id(node))
        if found is None:
            found = self.rebound_by[id(node)] = rebound_roots(node)
        return found

    def assigned(self, stmts: tuple[A.Stmt, ...]) -> set[str]:
        """`assigned_names(stmts)`, with the memo of `rebound`."""
        bound, deleted = _bindings(stmts, self.rebound)
        return bound | deleted

    def stmt_states(self, node: A.Stmt, state: State) -> State | None:
        body = self.body
        match node:
            case A.Assign(target=target, value=value, annotation=annotation):
                self.expr(value, self.scope(state))
                self.target(target, state)
                if annotation is not None:
                    self.check_type(annotation)
                    self.check_literal(value, annotation, f"the value of `{target_names(target)[0]}`")
                self.check_unpack(target, value)
                return state | frozenset(target_names(target))
            case A.ExprStmt(value=value):
                self.expr(value, self.scope(state))
                self.check_effect(value)
                return state
            case A.Delete(targets=targets):
                for target in targets:  # one after the other: `del x, x` deletes an unbound `x`
                    self.delete(target, state)
                    if isinstance(target, A.Name):
                        state = state - {target.id}
                return state
            case A.CallStmt(target=target, call=call):
                self.await_call(call, self.scope(state))
                self.target(target, state)
                return state | frozenset(target_names(target))
            case A.Parallel(target=target, calls=calls):
                self.lost_in.append("`parallel` branch")
                try:
                    for call in calls:
                        self.await_call(call, self.scope(state))
                finally:
                    self.lost_in.pop()
                self.target(target, state)
                self.check_unpack_count(target, len(calls), target, calls=True)
                return state | frozenset(target_names(target))
            case A.ParallelFor(target=target, loop_target=loop_target, iter=iter_, call=call, limit=limit):
                self.expr(iter_, self.scope(state))
                if limit is not None and limit < 1:
                    self.report("RPL0324", node, f"`parallel for` limit is {limit}", "use a limit of at least 1, or no `limit` for no bound")
                self.assign_consts(loop_target)
                self.lost_in.append("`parallel for` branch")
                try:
                    self.await_call(call, self.scope(state).with_names(target_names(loop_target)))
                finally:
                    self.lost_in.pop()
                self.target(target, state)
                return state | frozenset(target_names(target))
            case A.If(test=test, body=then, orelse=orelse):
                self.expr(test, self.scope(state))
                return _join(self.block(then, state), self.block(orelse, state))
            case A.For(target=target, iter=iter_, body=loop_body, orelse=orelse):
                self.expr(iter_, self.scope(state))
                self.assign_consts(target)
                return self.loop(state, frozenset(target_names(target)), None, loop_body, orelse)
            case A.While(test=test, body=loop_body, orelse=orelse):
                return self.loop(state, frozenset(), test, loop_body, orelse)
            case A.Try():
                return self.try_stmt(node, state)
            case A.Return(value=value):
                if value is not None:
                    self.expr(value, self.scope(state))
                self.check_return(node)
                return None
            case A.Raise(exc=exc):
                if exc is None:
                    if body.except_depth == 0:
                        self.report("RPL0312", node, "bare `raise` outside an `except` block", "raise an exception explicitly, for example `raise ValueError(\"...\")`")
                else:
                    self.expr(exc, self.scope(state))
                    if node.cause is not None:
                        self.expr(node.cause, self.scope(state))
                    kind = literal_kind(exc)
                    if kind is not None:
                        self.report(
                            "RPL0325", exc, f"`raise` needs an exception, not a value of type {_kind_text(kind)}",
                            "raise an exception instance, for example `raise ValueError(\"...\")`",
                        )
                return None
            case A.Sleep(seconds=seconds):
                self.expr(seconds, self.scope(state))
                kind = literal_kind(seconds)
                if kind is not None and kind not in ("int", "float"):
                    self.report("RPL0307", seconds, f"`sleep` takes a number of seconds, not a value of type {_kind_text(kind)}", "write the delay in seconds, for example `sleep 30`")
                return state
            case A.Break() | A.Continue():
                keyword = "break" if isinstance(node, A.Break) else "continue"
                if not body.loops:
                    self.report(
                        "RPL0311", node, f"`{keyword}` outside a loop",
                        f"`{keyword}` only works inside `for` and `while` (a `parallel for` is not a loop)",
                    )
                    return None
                if self.dead:
                    return None
                loop = body.loops[-1]
                leaving = state
                for added, removed in reversed(body.exits[loop.exit_depth:]):
                    leaving = (leaving - removed) | added
                (loop.breaks if keyword == "break" else loop.continues).append(leaving)
                return None
        raise TypeError(f"not an RRL statement: {node!r}")

    def loop(self, state: State, targets: frozenset[str], test: A.Expr | None, loop_body, orelse) -> State | None:
        """A `for` (binding `targets` each iteration) or a `while` (checking `test`)."""
        entry = state | targets
        self.quiet += 1
        try:
            for _ in range(len(self.body.local) + 2):
                out, frame = self.loop_body(entry, test, loop_body)
                grown = entry.union(*([out] if out is not None else []), *frame.continues)
                if grown == entry:
                    break
                entry = grown
        finally:
            self.quiet -= 1
        out, frame = self.loop_body(entry, test, loop_body)
        # The loop ends normally before its first iteration or after a pass through the body.
        finished = state.union(*([out] if out is not None else []), *frame.continues)
        after = self.block(orelse, finished)
        return _join(after, *frame.breaks) if frame.breaks else after

    def loop_body(self, entry: State, test: A.Expr | None, loop_body):
        if test is not None:
            self.expr(test, self.scope(entry))
        frame = _Loop(len(self.body.exits))
        self.body.loops.append(frame)
        try:
            out = self.block(loop_body, entry)
        finally:
            self.body.loops.pop()
        return out, frame

    def try_stmt(self, node: A.Try, state: State) -> State | None:
        body = self.body
        if node.finalbody:
            body.exits.append((frozenset(self.assigned(node.finalbody)), frozenset()))
        try:
            body_out = self.block(node.body, state)
            # An exception may leave the body after any of its statements.
            raised = state | frozenset(self.assigned(node.body))
            handler_outs = []
            for handler in node.handlers:
                self.check_exception_types(handler.types, handler)
                entry = raised | ({handler.name} if handler.name else set())
                if handler.name:
                    self.assign_consts(A.Name(handler.name, span=handler.span))
                body.except_depth += 1
                body.exits.append((frozenset(), frozenset({handler.name} if handler.name else ())))
                try:
                    out = self.block(handler.body, entry)
                finally:
                    body.except_depth -= 1
                    body.exits.pop()
                # Python deletes the `as` name when the handler ends.
                handler_outs.append(out - {handler.name} if out is not None and handler.name else out)
            else_out = self.block(node.orelse, body_out) if node.orelse else body_out
        finally:
            if node.finalbody:
                body.exits.pop()
        normal = _join(else_out, *handler_outs)
        if not node.finalbody:
            return normal
        # The `finally` also runs when a handler or the `else` raises part way.
        partial = self.assigned(node.orelse) | {n for h in node.handlers for n in self.assigned(h.body) if n != h.name}
        entry = _join(normal, raised | partial)
        final_out = self.block(node.finalbody, entry)
        return None if normal is None or final_out is None else final_out

    def target(self, target: A.Expr | None, state: State) -> None:
        """Check the reads inside a target (`d[k]`, `x.f`) and assignments to consts."""
        if target is None:
            return
        self.assign_consts(target)
        for node in walk(target):
            if isinstance(node, (A.Subscript, A.Attribute)):
                self.expr(node.value, self.scope(state))
                if isinstance(node, A.Subscript):
                    self.expr(node.index, self.scope(state))
                else:
                    self.check_attribute(node)

    def assign_consts(self, target: A.Expr) -> None:
        """Report a target that binds a const, or changes an item or field of one."""
        for node in _target_roots(target):
            if self.is_const(node.id):
                self.report(
                    "RPL0323", node, f"cannot assign to const `{node.id}`",
                    f"consts are read-only; use a variable with another name, for example `{node.id.lower()}_value`",
                )

    def delete(self, target: A.Expr, state: State) -> None:
        """`del target`: a read of the name, or of the container and the index."""
        scope = self.scope(state)
        if isinstance(target, A.Name):
            self.name(target, target.id, scope)
        else:
            self.expr(target, scope)
        root = target_root(target)
        if root is not None and root is not target and self.is_type_name(root, scope):
            self.name(root, root.id, scope)  # `del Color.RED`: a type is not a variable
        if root is None or not self.is_const(root.id):
            return
        lower = root.id.lower()
        if root is target:
            self.report(
                "RPL0323", root, f"cannot delete const `{root.id}`",
                "consts are read-only and always bound; use a variable for a value that comes and goes",
            )
        else:
            self.report(
                "RPL0323", root, f"cannot change const `{root.id}`: `del` rebinds it",
                f"consts are read-only; copy it into a variable and change the copy: `{lower} = {root.id}`, then `del {print_expr(_with_root(target, lower))}`",
            )

    def is_const(self, name: str) -> bool:
        """`name` is a const here (a parameter of the same name shadows it)."""
        return name in self.consts and (self.body is None or all(p.name != name for p in self.body.decl.params))

    def check_unpack(self, target: A.Expr, value: A.Expr) -> None:
        if isinstance(value, (A.TupleExpr, A.ListExpr)) and not any(isinstance(elt, A.Starred) for elt in value.elts):
            self.check_unpack_count(target, len(value.elts), value)  # `*xs` gives a count known at run time only

    def check_unpack_count(self, target: A.Expr | None, count: int, node: A.Node, calls: bool = False) -> None:
        """A tuple target given `count` values (or the results of `count` parallel calls)."""
        wanted = _unpack_mismatch(target, count)
        if wanted is None:
            return
        at_least, needed = wanted
        least = "at least " if at_least else ""
        if calls:
            message = f"the parallel block has {_plural(count, 'call')} but the target unpacks {least}{needed}"
            help = "give at least one call for each target that is not starred" if at_least else "give one target per call, or assign the list of results to one name"
        else:
            message = f"cannot unpack {_plural(count, 'value')} into {least}{_plural(needed, 'target')}"
            help = "give at least one value for each target that is not starred" if at_least else "give as many targets as there are values"
        self.report("RPL0327", node, message, help)

    def check_return(self, node: A.Return) -> None:
        decl = self.body.decl
        kind = self.body.kind
        returns_none = node.value is None or node.value == A.Constant(None)
        if isinstance(decl.returns, A.NoneType):
            if not returns_none:
                self.report(
                    "RPL0308", node.value, f"{kind} `{decl.name}` is declared `-> None` but returns a value",
                    f"remove the value, or declare the return type of `{decl.name}`",
                )
            return
        value = node.value if node.value is not None else A.Constant(None, span=node.span)
        self.check_literal(value, decl.returns, f"{kind} `{decl.name}`", code="RPL0309")

    def check_literal(self, value: A.Expr, declared: A.Type, what: str, code: str = "RPL0307") -> None:
        kind = literal_kind(value)
        accepts = accepted_kinds(declared)
        if kind is None or accepts is None or kind in accepts:
            return
        type_text = print_type(declared)
        if code == "RPL0309":
            message = f"{what} returns {_kind_text(kind)} but is declared `-> {type_text}`"
            help = f"return a value of type `{type_text}`, or change the declared return type"
        else:
            message = f"{what} has type {_kind_text(kind)} but is declared `{type_text}`"
            help = f"give a value of type `{type_text}`"
        self.report(code, value, message, help)

    def check_exception_types(self, names: Iterable[str], node: A.Node) -> None:
        exceptions = [n for n, d in self.classes.items() if d.kind == "exception"]
        for name in names:
            declared = self.classes.get(name)
            if name in B.EXCEPTIONS or (declared is not None and declared.kind == "exception"):
                continue
            if declared is not None:
                self.report("RPL0317", node, f"`{name}` is {_KIND_TEXT[declared.kind]}, not an exception class", "catch and retry on exception classes only")
                continue
            self.report(
                "RPL0317", node, f"unknown exception type `{name}`",
                _did_you_mean(name, [*_EXCEPTION_NAMES, *exceptions], f"use a builtin exception, or declare it: `exception {name}(Exception) from app.errors`"),
            )

    # ------------------------------------------------------------- await calls

    def await_call(self, call: A.AwaitCall, scope: _Scope) -> None:
        for keyword in call.kwargs:
            self.expr(keyword.value, scope)
        if call.retry is not None:
            self.check_exception_types(call.retry.on or (), call.retry)
        for policy, problem in policy_problems(call):
            self.report("RPL0335", policy, problem, "see the policies in docs/language.md: a timeout above 0, at least 1 attempt, a multiplier of at least 1")
        target = self.actions.get(call.name) or self.fns.get(call.name)
        if target is None:
            if call.name in self.workflows:
                self.report("RPL0303", call, f"workflow `{call.name}` cannot be awaited", "only actions and fns can be awaited; turn the shared steps into a `fn`")
            else:
                self.report(
                    "RPL0303", call, f"`{call.name}` is neither an action nor a fn",
                    _did_you_mean(call.name, [*self.actions, *self.fns], f"declare it: `action {call.name}(...) -> T from app.actions`"),
                )
            return
        kind = "action" if isinstance(target, A.ActionDecl) else "fn"
        if kind == "fn" and (call.retry or call.backoff or call.timeout is not None):
            self.report(
                "RPL0322", call, f"fn `{call.name}` cannot take `retry`, `backoff` or `timeout`",
                "policies apply to actions; put them on the action calls inside the fn",
            )
        params = {p.name: p for p in target.params}
        given: set[str] = set()
        for keyword in call.kwargs:
            if keyword.name in given:
                self.report("RPL0306", keyword, f"argument `{keyword.name}` is given twice", "remove one of them")
                continue
            given.add(keyword.name)
            param = params.get(keyword.name)
            if param is None:
                self.report(
                    "RPL0304", keyword, f"{kind} `{call.name}` has no parameter `{keyword.name}`",
                    _did_you_mean(keyword.name, params, f"its parameters are: {', '.join(params) or 'none'}"),
                )
            else:
                self.check_literal(keyword.value, param.type, f"argument `{keyword.name}`")
        missing = [p.name for p in target.params if p.default is None and p.name not in given]
        if missing:
            listed = ", ".join(f"`{m}`" for m in missing)
            self.report(
                "RPL0305", call, f"missing {'argument' if len(missing) == 1 else 'arguments'} {listed} in call to {kind} `{call.name}`",
                "pass it by name: " + ", ".join(f"`{m}=...`" for m in missing),
            )

    # ------------------------------------------------------------- expressions

    def expr(self, node: A.Expr | A.Slice | None, scope: _Scope) -> None:
        match node:
            case None | A.Constant():
                return
            case A.Name(id=name):
                self.name(node, name, scope)
            case A.Call():
                self.call(node, scope)
            case A.Lambda(params=params, body=lambda_body):
                if len(set(params)) != len(params):
                    self.report("RPL0326", node, "a lambda parameter is given twice", "give each parameter its own name")
                self.lost_in.append("lambda")
                try:
                    self.expr(lambda_body, scope.with_names(params))
                finally:
                    self.lost_in.pop()
            case A.ListComp(elt=elt, generators=generators):
                self.comprehension(generators, (elt,), scope)
            case A.DictComp(key=key, value=value, generators=generators):
                self.comprehension(generators, (key, value), scope)
            case A.Attribute(value=value):
                if self.is_type_name(value, scope):  # `Color.RED`: a member of a declared enum
                    self.check_member(node, value.id)
                else:
                    self.expr(value, scope)
                self.check_attribute(node)
            case _:
                for child in children(node):
                    self.expr(child, scope)

    def check_member(self, node: A.Attribute, owner: str) -> None:
        """`T.NAME`: a member of the declared enum `T`."""
        declared = self.classes.get(owner)
        if declared is not None and declared.kind == "enum":
            members = [m.name for m in declared.members]
            if node.attr not in members:
                self.report("RPL0345", node, f"the enum `{owner}` has no member `{node.attr}`",
                            _did_you_mean(node.attr, members, f"its members are: {', '.join(members) or 'none'}"))
            return
        what = _KIND_TEXT[declared.kind] if declared is not None else "an exception"
        self.report("RPL0345", node, f"`{owner}` is {what}, and a workflow reads only the members of enums from a class",
                    "read the field of a value (`x.field`), or the name of a value's class: `type(x).__name__`")

    def check_attribute(self, node: A.Attribute) -> None:
        if node.attr.startswith("_") and node.attr != "__name__" and node.attr not in NAMED_TUPLE_ATTRIBUTES:
            self.report(
                "RPL0331", node, f"attribute `{node.attr}` is private",
                "a workflow reads public fields only (and `type(x).__name__`); expose the value as a field, or read it in an action",
            )

    def name(self, node: A.Name, name: str, scope: _Scope) -> None:
        if name in scope.bound or self.dead:
            return
        if name in scope.local:
            deleted = self.body is not None and name in self.body.deleted
            self.report(
                "RPL0301", node, f"name `{name}` is used before it is assigned",
                f"`{name}` is unbound on every path to this line (`del {name}` unbinds it); assign it before using it"
                if deleted else f"assign `{name}` before this line, for example `{name} = 0`",
            )
        elif name in self.type_names:
            self.report(
                "RPL0332", node, f"`{name}` is a type, not a value",
                f"build an instance (`{name}(...)`; `raise {name}` is written `raise {name}()`), test with `isinstance(x, {name})`, "
                f"catch it with `except {name}`, or read a member of an enum: `{name}.MEMBER`",
            )
        elif name in self.global_values:
            return
        elif name in self.actions or name in self.fns or name in self.workflows:
            kind = "action" if name in self.actions else "fn" if name in self.fns else "workflow"
            self.report(
                "RPL0316", node, f"{kind} `{name}` is not a value",
                f"call it in a statement of its own: `result = await {name}(...)`" if kind != "workflow" else "workflows cannot be called or passed around",
            )
        else:
            self.report(
                "RPL0302", node, f"name `{name}` is not defined",
                _did_you_mean(name, [*scope.local, *self.global_values], f"assign `{name}` first, add a parameter, or declare `const {name} = ...`"),
            )

    def comprehension(self, generators: tuple[A.Comprehension, ...], results: tuple[A.Expr, ...], scope: _Scope) -> None:
        # The first iterable is evaluated outside, with the enclosing variables
        # (a change there is kept); the rest runs on the comprehension's copy.
        self.expr(generators[0].iter, scope)
        self.lost_in.append("comprehension")
        try:
            inner = scope
            for index, gen in enumerate(generators):
                if index:
                    self.expr(gen.iter, inner)
                inner = inner.with_names(target_names(gen.target))
                for cond in gen.ifs:
                    self.expr(cond, inner)
            for result in results:
                self.expr(result, inner)
        finally:
            self.lost_in.pop()

    def is_type_name(self, node: A.Expr, scope: _Scope) -> bool:
        return isinstance(node, A.Name) and node.id in self.type_names and node.id not in scope.local

    def call(self, node: A.Call, scope: _Scope) -> None:
        for index, arg in enumerate(node.args):
            if index == 1 and isinstance(node.func, A.Name) and node.func.id == "isinstance":
                elts = arg.elts if isinstance(arg, A.TupleExpr) else (arg,)
                arg = A.TupleExpr(tuple(e for e in elts if not self.is_type_name(e, scope)))  # types are no values there
            self.expr(arg, scope)
        names: set[str] = set()
        for keyword in node.kwargs:
            self.expr(keyword.value, scope)
            if keyword.name in names:
                self.report("RPL0306", keyword, f"argument `{keyword.name}` is given twice", "remove one of them")
            names.add(keyword.name)
        func = node.func
        if isinstance(func, A.Attribute):
            if isinstance(func.value, A.Name) and (func.value.id, func.attr) in B.STATIC_METHODS and func.value.id not in scope.local:
                return  # `dict.fromkeys(keys)`, `bytes.fromhex(text)`: the owner is a type, not a value
            self.expr(func.value, scope)
            if func.attr not in B.METHODS:
                self.report(
                    "RPL0315", node, f"unknown method `{func.attr}`",
                    _did_you_mean(func.attr, B.METHODS, "RRL calls only the str, list, dict, set and model methods listed in docs/language.md; move other code into an action"),
                )
            elif func.attr in B.MUTATING_METHODS:
                self.check_mutation(node, func)
            return
        if not isinstance(func, A.Name):
            self.expr(func, scope)
            self.report("RPL0313", node, "this expression cannot be called", "call a builtin function, a method, or a declared class by name")
            return
        name = func.id
        if name in scope.local:
            self.report("RPL0313", node, f"`{name}` is a variable and cannot be called", "only builtins, declared classes and exceptions can be called")
        elif name in self.actions or name in self.fns:
            kind = "action" if name in self.actions else "fn"
            self.report(
                "RPL0316", node, f"{kind} `{name}` is called without `await`",
                f"call it in a statement of its own and use the result: `result = await {name}(...)`",
            )
        elif name in B.FUNCTIONS:
            self.builtin_call(node, name, scope)
        elif name in self.classes:
            self.construction(node, self.classes[name])
        elif name in B.EXCEPTIONS:
            return  # a constructor
        elif name in self.consts or name in self.workflows:
            what = "const" if name in self.consts else "workflow"
            self.report("RPL0313", node, f"{what} `{name}` cannot be called", "only builtins, declared classes and exceptions can be called")
        else:
            self.report(
                "RPL0313", node, f"unknown function `{name}`",
                _did_you_mean(name, [*B.FUNCTIONS, *self.classes, *_EXCEPTION_NAMES], "RRL calls only the builtins listed in docs/language.md; move other code into an action"),
            )

    def construction(self, node: A.Call, decl: A.ClassDecl) -> None:
        """`T(...)` of a declared class: an enum takes the value of a member; a
        model or a dataclass its declared fields by name, each field without a
        default given; an exception any arguments (its `args`)."""
        name = decl.name
        if decl.kind == "enum":
            if len(node.args) != 1 or node.kwargs or isinstance(node.args[0], A.Starred):
                self.report("RPL0340", node, f"the enum `{name}` takes one argument, the value of a member",
                            f"write `{name}(value)`, or name the member: `{name}.NAME`")
            return
        if decl.kind == "exception":
            return
        if decl.kind == "namedtuple" and decl.fields is not None:
            self.named_tuple_construction(node, decl)
            return
        if decl.fields is None:
            self.report("RPL0340", node, f"the program does not declare the fields of the {decl.kind} `{name}`, so it cannot build one",
                        f"declare its fields: `{decl.kind} {name} from {decl.module}:` with a line `name: type [= default]` for each")
            return
        if node.args:
            self.report("RPL0340", node.args[0], f"the {decl.kind} `{name}` takes its fields by name",
                        f"pass each field by name: `{name}(field=value)`")
        fields = {f.name: f for f in decl.fields}
        for keyword in node.kwargs:
            field_ = fields.get(keyword.name)
            if field_ is None:
                self.report("RPL0340", keyword, f"the {decl.kind} `{name}` has no field `{keyword.name}`",
                            _did_you_mean(keyword.name, fields, f"its fields are: {', '.join(fields) or 'none'}"))
            else:
                self.check_literal(keyword.value, field_.type, f"the field `{keyword.name}`")
        given = {k.name for k in node.kwargs}
        # A field a misspelt keyword was meant for is reported there, as its did-you-mean.
        meant = {_closest(k.name, fields) for k in node.kwargs if k.name not in fields}
        missing = [f.name for f in decl.fields if f.default is None and f.name not in given and f.name not in meant]
        if missing and not node.args:
            listed = ", ".join(f"`{m}`" for m in missing)
            self.report("RPL0341", node, f"missing {'field' if len(missing) == 1 else 'fields'} {listed} in `{name}(...)`",
                        "pass it by name: " + ", ".join(f"`{m}=...`" for m in missing))

    def named_tuple_construction(self, node: A.Call, decl: A.ClassDecl) -> None:
        """`Point(1, y=2)`: a NamedTuple takes its fields by position and by
        name, as Python's `Point.__new__` does."""
        name, fields = decl.name, [f.name for f in decl.fields]
        starred = any(isinstance(arg, A.Starred) for arg in node.args)
        positional = 0 if starred else len(node.args)
        if positional > len(fields):
            self.report("RPL0340", node.args[len(fields)], f"the NamedTuple `{name}` has {len(fields)} field{'s' * (len(fields) != 1)}, but {positional} positional arguments are given",
                        f"its fields are: {', '.join(fields) or 'none'}")
        by_name = {f.name: f for f in decl.fields}
        twice = False
        for keyword in node.kwargs:
            field_ = by_name.get(keyword.name)
            if field_ is None:
                self.report("RPL0340", keyword, f"the NamedTuple `{name}` has no field `{keyword.name}`",
                            _did_you_mean(keyword.name, fields, f"its fields are: {', '.join(fields) or 'none'}"))
            elif fields.index(keyword.name) < positional:
                twice = True
                self.report("RPL0340", keyword, f"the field `{keyword.name}` of `{name}` is given twice, by position and by name",
                            f"pass `{keyword.name}` once")
            else:
                self.check_literal(keyword.value, field_.type, f"the field `{keyword.name}`")
        if starred or twice:  # a field given twice leaves one out: that is the same mistake
            return
        given = set(fields[:positional]) | {k.name for k in node.kwargs}
        meant = {_closest(k.name, fields) for k in node.kwargs if k.name not in by_name}
        missing = [f.name for f in decl.fields if f.default is None and f.name not in given and f.name not in meant]
        if missing:
            listed = ", ".join(f"`{m}`" for m in missing)
            self.report("RPL0341", node, f"missing {'field' if len(missing) == 1 else 'fields'} {listed} in `{name}(...)`",
                        "pass it by position or by name: " + ", ".join(f"`{m}=...`" for m in missing))

    def builtin_call(self, node: A.Call, name: str, scope: _Scope) -> None:
        low, high, keywords = B.FUNCTIONS[name]
        # `*xs` gives any number of arguments: then only too many plain ones are certain.
        starred = any(isinstance(arg, A.Starred) for arg in node.args)
        count = sum(1 for arg in node.args if not isinstance(arg, A.Starred))
        if (count < low and not starred) or (high is not None and count > high):
            expected = str(low) if low == high else f"{low} or more" if high is None else f"{low} to {high}"
            self.report(
                "RPL0314", node, f"`{name}` takes {expected} positional {'argument' if expected == '1' else 'arguments'} but {count} {'was' if count == 1 else 'were'} given",
                "see the builtins table in docs/language.md",
            )
        for keyword in node.kwargs:
            if keyword.name not in keywords:
                allowed = ", ".join(f"`{k}`" for k in sorted(keywords)) or "none"
                self.report(
                    "RPL0314", keyword, f"`{name}` has no keyword argument `{keyword.name}`",
                    _did_you_mean(keyword.name, keywords, f"its keyword arguments are: {allowed}"),
                )
        if name == "isinstance" and len(node.args) == 2 and not isinstance(node.args[1], A.Starred):
            self.isinstance_types(node.args[1], scope)

    # ------------------------------------------------------------- changing variables

    def check_mutation(self, node: A.Call, func: A.Attribute) -> None:
        """A call of a mutating method: its receiver is rebound to the changed
        copy, so it must be a variable (or an item or field of one), the
        variable must not be a const, and the change must not be lost."""
        method, receiver = func.attr, func.value
        root = target_root(receiver)
        if root is None:
            self.report(
                "RPL0329", node, f"values never change in place: `{method}` can only change a variable, and `{print_expr(receiver)}` is not one",
                self.assign_instead(method, receiver, node),
            )
        elif self.lost_in:
            where = self.lost_in[-1]
            self.report(
                "RPL0330", node, f"`{method}` changes `{root.id}` inside a {where}, where the change is lost",
                f"each branch works on its own copy of the variables; change `{root.id}` before or after the block"
                if "parallel" in where else
                f"a {where} works on its own copy of the variables; change `{root.id}` in a statement of its own, in a `for` loop",
            )
        elif self.is_const(root.id):
            lower = root.id.lower()
            self.report(
                "RPL0323", root, f"cannot change const `{root.id}`: `{method}` rebinds it",
                f"consts are read-only; copy it into a variable and change the copy: `{lower} = {root.id}`, then `{print_expr(A.Attribute(_with_root(receiver, lower), method))}(...)`",
            )

    @staticmethod
    def assign_instead(method: str, receiver: A.Expr, node: A.Call) -> str:
        """The help for a mutating call on a value that is not a variable."""
        inner = mutated_receiver(receiver) if isinstance(receiver, A.Call) else None
        if (
            inner is not None and receiver.func.attr == "setdefault" and target_root(inner) is not None
            and len(receiver.args) == 2 and method in ("append", "extend") and len(node.args) == 1 and not node.kwargs
        ):
            container, (key, default) = print_expr(inner), (print_expr(a) for a in receiver.args)
            value = print_expr(node.args[0])
            added = f"[{value}]" if method == "append" else value
            return f"assign the result: `{container}[{key}] = {container}.get({key}, {default}) + {added}`"
        return "compute the changed value and assign it to a variable, for example `d[k] = d.get(k, []) + [v]`"

    def check_effect(self, value: A.Expr) -> None:
        """An expression statement: a call of a mutating method, for its effect."""
        if mutated_receiver(value) is not None:
            return
        if isinstance(value, A.Call) and isinstance(value.func, A.Name) and (value.func.id in self.actions or value.func.id in self.fns):
            return  # reported: called without `await` (RPL0316)
        if mutated_roots(value):
            self.report(
                "RPL0328", value, "the value of this expression is never used",
                "call the method that changes a variable in a statement of its own (`xs.append(x)`), or assign the value: `result = ...`",
            )
        else:
            self.report(
                "RPL0328", value, "this expression has no effect",
                "assign its value to a variable (`result = ...`), or remove it; a statement of its own can only call a method that changes a variable, like `xs.append(x)`",
            )

    def isinstance_types(self, node: A.Expr, scope: _Scope) -> None:
        elts = node.elts if isinstance(node, A.TupleExpr) else (node,)
        for elt in elts:
            if isinstance(elt, A.Name) and (elt.id in B.TYPES or elt.id in self.classes or elt.id in B.EXCEPTIONS):
                continue
            if isinstance(elt, A.Name) and elt.id not in scope.local and elt.id not in self.global_values:
                continue  # already reported as not defined
            self.report(
                "RPL0318", elt, "the second argument of `isinstance` must be a type",
                f"use one of {', '.join(sorted(B.TYPES))}, a builtin exception or a declared class, or a tuple of them",
            )


def _unpack_mismatch(target: A.Expr | None, count: int) -> tuple[bool, int] | None:
    """When a tuple target cannot take `count` values: (whether it is starred,
    how many values it needs at least or exactly); None when it can."""
    if not isinstance(target, A.TupleExpr):
        return None
    needed = len(target.elts)
    if any(isinstance(elt, A.Starred) for elt in target.elts):
        return None if count >= needed - 1 else (True, needed - 1)
    return None if count == needed else (False, needed)


def _with_root(target: A.Expr, name: str) -> A.Expr:
    """`target` (`x`, `x[k]`, `x.f`) with its root variable renamed."""
    match target:
        case A.Subscript(value=value) | A.Attribute(value=value):
            return replace(target, value=_with_root(value, name))
    return A.Name(name)


def _join(*states: State | None) -> State | None:
    """Where paths meet: a name is possibly bound if it is on any reachable path."""
    reachable = [s for s in states if s is not None]
    if not reachable:
        return None
    return frozenset().union(*reachable)


@deep_stack
def check(program: A.Program, path: str | None = None) -> list[Diagnostic]:
    """Every checker diagnostic of `program`, sorted by position."""
    diagnostics = _Checker(program).run()
    if path is not None:
        diagnostics = [d.with_path(path) for d in diagnostics]
    return diagnostics


def errors(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """The diagnostics that are errors (not warnings)."""
    return [d for d in diagnostics if d.severity == "error"]
