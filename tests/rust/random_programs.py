"""Random RRL programs, built as `rrl.ast` trees: what the differential tests
print with Python's printer and hand to the Rust parser. Every form of the
grammar is drawn; the awaits name declared actions and fns with their
parameters, `break`, `continue` and a bare `raise` stand where lowering takes
them, so that most programs also lower to a DAG. Programs declare classes of
every kind (bases, fields with defaults, enum members naming other enums'
members) and use them (constructions, enum members, `except`, `retry(on=...)`,
types), so that the DAG's `types` section follows bases, field types and
defaults."""

from __future__ import annotations

import random

from rrl import ast as A

NAMES = ["a", "b", "x", "total", "items", "größe", "名前", "$t1", "$2_v", "max", "retry", "limit", "timeout", "_"]
ATTRS = ["value", "sleep", "action", "name", "real", "workflow"]
STR_CHARS = ["a", "Z", " ", "'", '"', "\\", "\n", "\t", "{", "}", "é", "名", "\x00", "\x7f", "\u200b", "😀", "#", "$"]
# Contextual keywords: names wherever no class declaration starts (read, never
# assigned: a statement after a block cannot start with one).
VALUE_NAMES = ["model", "enum", "frozen", "dataclass", "namedtuple", "exception"]
TYPES = ["int", "str", "float", "bool", "Any", "bytes", "User", "Order", "Color", "Point"]
EXCEPTIONS = ["ValueError", "KeyError", "Busy", "TimeoutError", "CardDeclined"]
# The classes a program may declare, by kind; names of Python's world may be keywords of RRL.
CLASSES = {
    "exception": ["Busy", "CardDeclined", "Problem"],
    "model": ["User", "Order", "model"],
    "dataclass": ["Point", "Größe", "Line"],
    "namedtuple": ["Pair", "Span", "namedtuple"],
    "enum": ["Color", "Status", "enum"],
}
MODULES = ["app.models", "app.workflow", "app.errors", "modèles", "builtins"]
FIELDS = ["id", "name", "sleep", "action", "model", "größe", "items", "note"]
MEMBERS = ["RED", "GREEN", "BLUE", "sleep", "workflow", "max"]
SPECS = [">5", ".2f", "<10", "^8", "05d", ",", "x", ""]


class ProgramGenerator:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        # No f-string in an f-string's field: the printer cannot quote a
        # string inside both (a known limit of the canonical printer).
        self.in_fstring = 0

    # ---------------------------------------------------------- leaves

    def pick(self, items):
        return self.rng.choice(items)

    def name(self) -> str:
        return self.pick(NAMES)

    def value_name(self) -> str:
        if self.rng.random() < 0.1:
            return self.pick(VALUE_NAMES)
        return self.name()

    def constant(self) -> A.Constant:
        kind = self.rng.randrange(6)
        if kind == 0:
            return A.Constant(self.pick([0, 1, 7, 42, 10**30, 2**63]))
        if kind == 1:
            return A.Constant(self.pick([0.5, 1.0, 1e-7, 1e16, 1.5e300, 0.1, 5e-324, 123.456]))
        if kind == 2:
            return A.Constant("".join(self.pick(STR_CHARS) for _ in range(self.rng.randrange(5))))
        return A.Constant(self.pick([True, False, None]))

    # ---------------------------------------------------------- expressions

    def expr(self, depth: int = 2) -> A.Expr:
        if depth <= 0 or self.rng.random() < 0.25:
            return A.Name(self.value_name()) if self.rng.random() < 0.5 else self.constant()
        d = depth - 1
        kind = self.rng.randrange(19)
        if kind == 0:
            return A.ListExpr(tuple(self.element(d) for _ in range(self.rng.randrange(4))))
        if kind == 1:
            return A.TupleExpr(tuple(self.element(d) for _ in range(self.rng.randrange(4))))
        if kind == 2:
            items = [(None if self.rng.random() < 0.2 else self.expr(d), self.expr(d)) for _ in range(self.rng.randrange(3))]
            return A.DictExpr(tuple(items))
        if kind == 3:
            return A.Attribute(self.expr(d), self.pick(ATTRS))
        if kind == 4:
            index = A.Slice(*(self.maybe(d) for _ in range(3))) if self.rng.random() < 0.3 else self.expr(d)
            return A.Subscript(self.expr(d), index)
        if kind == 5:
            return A.BinOp(self.expr(d), self.pick(A.BINARY_OPS), self.expr(d))
        if kind == 6:
            return A.UnaryOp(self.pick(A.UNARY_OPS), self.expr(d))
        if kind == 7:
            return A.BoolOp(self.pick(["and", "or"]), tuple(self.expr(d) for _ in range(self.rng.randint(2, 3))))
        if kind == 8:
            count = self.rng.randint(1, 2)
            return A.Compare(self.expr(d), tuple(self.pick(A.COMPARE_OPS) for _ in range(count)), tuple(self.expr(d) for _ in range(count)))
        if kind == 9:
            return A.Conditional(self.expr(d), self.expr(d), self.expr(d))
        if kind == 10:
            args = tuple(self.element(d) for _ in range(self.rng.randrange(3)))
            kwargs = tuple(A.Keyword(self.pick(ATTRS), self.expr(d)) for _ in range(self.rng.randrange(2)))
            return A.Call(A.Name(self.pick(["len", "max", "f", "sorted"])) if self.rng.random() < 0.7 else self.expr(d), args, kwargs)
        if kind == 11:
            return A.Lambda(tuple(self.rng.sample(NAMES[:6], self.rng.randrange(3))), self.expr(d))
        if kind == 12:
            return A.ListComp(self.expr(d), self.generators(d))
        if kind == 13:
            return A.DictComp(self.expr(d), self.expr(d), self.generators(d))
        if kind == 14 and not self.in_fstring:
            self.in_fstring += 1
            parts = []
            for _ in range(self.rng.randrange(4)):
                if self.rng.random() < 0.5:
                    parts.append(self.constant_text())
                else:
                    parts.append(A.FormattedValue(self.expr(d), self.pick([None, "r", "s"]), self.pick([None, *SPECS])))
            merged = []
            for part in parts:  # adjacent texts are one text once printed
                if merged and isinstance(part, str) and isinstance(merged[-1], str):
                    merged[-1] += part
                else:
                    merged.append(part)
            self.in_fstring -= 1
            return A.FString(tuple(p for p in merged if p != ""))
        if kind == 15:
            return A.Call(A.Attribute(A.Name(self.name()), self.pick(["append", "pop", "get", "upper"])), (self.expr(d),))
        if kind == 16 and self.classes:
            return self.class_use(d)
        return A.Name(self.value_name())

    def class_use(self, depth: int) -> A.Expr:
        """A declared class at work: a construction, an enum's member, `isinstance`."""
        decl = self.pick(self.classes)
        if decl.kind == "enum" and decl.members and self.rng.random() < 0.7:
            return A.Attribute(A.Name(decl.name), self.pick(decl.members).name)
        if decl.fields and self.rng.random() < 0.7:
            kwargs = tuple(A.Keyword(f.name, self.expr(depth)) for f in decl.fields if self.rng.random() < 0.7)
            return A.Call(A.Name(decl.name), (), kwargs)
        if self.rng.random() < 0.5:
            return A.Call(A.Name("isinstance"), (self.expr(depth), A.Name(decl.name)))
        return A.Call(A.Name(decl.name), tuple(self.expr(depth) for _ in range(self.rng.randrange(2))))

    def constant_text(self) -> str:
        return "".join(self.pick(STR_CHARS) for _ in range(self.rng.randint(1, 4)))

    def maybe(self, depth: int) -> A.Expr | None:
        return self.expr(depth) if self.rng.random() < 0.6 else None

    def element(self, depth: int) -> A.Expr:
        return A.Starred(self.expr(depth)) if self.rng.random() < 0.15 else self.expr(depth)

    def target(self, simple: bool = False) -> A.Expr:
        roll = self.rng.random()
        if roll < 0.5 or simple:
            return A.Name(self.name())
        if roll < 0.75:
            # One item as often as two or three: `a, = xs` is a tuple of one.
            elts = [A.Name(self.name()) for _ in range(self.rng.randint(1, 3))]
            if self.rng.random() < 0.3:
                elts[0] = A.Starred(elts[0])
            if self.rng.random() < 0.3:
                elts.append(self.nested_target())
            return A.TupleExpr(tuple(elts))
        if roll < 0.9:
            return A.Subscript(A.Name(self.name()), self.expr(1))
        return A.Attribute(A.Name(self.name()), self.pick(ATTRS))

    def nested_target(self) -> A.TupleExpr:
        """`(a, b)`, or a tuple of one, `(a,)`, perhaps inside another: `((a,),)`."""
        if self.rng.random() < 0.5:
            return A.TupleExpr((A.Name(self.name()), A.Name(self.name())))
        inner = self.nested_target() if self.rng.random() < 0.2 else A.Name(self.name())
        return A.TupleExpr((inner,))

    def loop_target(self) -> A.Expr:
        roll = self.rng.random()
        if roll < 0.5:
            return A.Name(self.name())
        if roll < 0.65:
            return A.TupleExpr((A.Name(self.name()),))  # `for a, in xs`
        return A.TupleExpr((A.Name(self.name()), self.nested_target() if roll > 0.9 else A.Name(self.name())))

    def generators(self, depth: int) -> tuple[A.Comprehension, ...]:
        return tuple(
            A.Comprehension(self.loop_target(), self.expr(depth), tuple(self.expr(depth) for _ in range(self.rng.randrange(2))))
            for _ in range(self.rng.randint(1, 2))
        )

    # ---------------------------------------------------------- types and policies

    def type(self, depth: int = 2) -> A.Type:
        roll = self.rng.random()
        if roll < 0.1:
            return A.NoneType()
        if roll < 0.25 and depth > 0:
            return A.UnionType((self.type(depth - 1), self.type(depth - 1)))
        name = self.pick(TYPES)
        if roll < 0.45 and depth > 0:
            return A.NamedType(self.pick(["list", "dict", "tuple"]), tuple(self.type(depth - 1) for _ in range(self.rng.randint(1, 2))))
        return A.NamedType(name)

    def seconds(self, allow_none: bool = False):
        roll = self.rng.random()
        if roll < 0.5:
            return A.Duration(f"{self.rng.randint(0, 120)}{self.pick(['ms', 's', 'm', 'h', 'd'])}")
        if roll < 0.6:
            return A.Duration(f"{self.rng.randint(0, 9)}.{self.rng.randint(0, 99)}s")
        if roll < 0.7 and allow_none:
            return A.Constant(None)
        return A.Constant(self.pick([0, 1, 30, 0.25, 2.5, 10**20]))

    def await_call(self, callee: tuple[str, tuple[str, ...], bool]) -> A.AwaitCall:
        name, params, is_action = callee
        kwargs = tuple(A.Keyword(p, self.expr(2)) for p in params if self.rng.random() < 0.8)
        retry = backoff = timeout = None
        if is_action and self.rng.random() < 0.4:
            retry = A.RetryPolicy(
                self.pick([None, A.Constant(1), A.Constant(5), A.Constant(None)]),
                self.pick([None, tuple(self.rng.sample(EXCEPTIONS, 2))]),
            )
        if is_action and self.rng.random() < 0.3:
            backoff = A.BackoffPolicy(
                self.pick([None, self.seconds()]), self.pick([None, A.Constant(2), A.Constant(1.5)]), self.pick([None, self.seconds(True)])
            )
        if is_action and self.rng.random() < 0.3:
            timeout = self.seconds()
        return A.AwaitCall(name, kwargs, retry, backoff, timeout)

    # ---------------------------------------------------------- statements

    def block(self, depth: int, in_loop: bool, in_handler: bool, count: int | None = None) -> tuple[A.Stmt, ...]:
        return tuple(self.stmt(depth, in_loop, in_handler) for _ in range(count or self.rng.randint(1, 3)))

    def stmt(self, depth: int, in_loop: bool, in_handler: bool) -> A.Stmt:
        simple = depth <= 0 or self.rng.random() < 0.45
        if simple:
            kind = self.rng.randrange(10)
            if kind == 0:
                return A.Assign(self.target(), self.expr())
            if kind == 1:
                return A.Assign(A.Name(self.name()), self.expr(), self.type())
            if kind == 2:
                return A.ExprStmt(A.Call(A.Attribute(A.Name(self.name()), "append"), (self.expr(2),)))
            if kind == 3:
                return A.Delete(tuple(self.target(simple=True) for _ in range(self.rng.randint(1, 2))))
            if kind == 4:
                return A.CallStmt(self.pick([None, self.target()]), self.await_call(self.pick(self.callees)))
            if kind == 5:
                return A.Return(self.maybe(2))
            if kind == 6:
                if in_handler and self.rng.random() < 0.5:
                    return A.Raise()
                return A.Raise(A.Call(A.Name(self.pick(["ValueError", "Busy"])), (self.constant(),)), self.maybe(1))
            if kind == 7:
                return A.Sleep(self.expr(1))
            if kind == 8 and in_loop:
                return self.pick([A.Break(), A.Continue()])
            return A.Assign(A.Name(self.name()), self.expr(2))
        d = depth - 1
        kind = self.rng.randrange(6)
        if kind == 0:
            orelse = ()
            roll = self.rng.random()
            if roll < 0.3:
                orelse = (self.stmt(d, in_loop, in_handler) if self.rng.random() < 0.5 else A.If(self.expr(), self.block(d, in_loop, in_handler)),)
            elif roll < 0.6:
                orelse = self.block(d, in_loop, in_handler)
            return A.If(self.expr(), self.block(d, in_loop, in_handler), orelse)
        if kind == 1:
            orelse = self.block(d, in_loop, in_handler) if self.rng.random() < 0.3 else ()
            return A.For(self.loop_target(), self.expr(), self.block(d, True, in_handler), orelse)
        if kind == 2:
            orelse = self.block(d, in_loop, in_handler) if self.rng.random() < 0.3 else ()
            return A.While(self.expr(), self.block(d, True, in_handler), orelse, self.pick([None, 1, 1000]))
        if kind == 3:
            handlers = tuple(
                A.ExceptHandler(
                    types := tuple(self.rng.sample(EXCEPTIONS, self.rng.randrange(3))),
                    self.name() if types and self.rng.random() < 0.5 and not self.name().startswith("$") else None,
                    self.block(d, in_loop, True),
                )
                for _ in range(self.rng.randrange(3))
            )
            finalbody = self.block(d, in_loop, in_handler) if not handlers or self.rng.random() < 0.3 else ()
            orelse = self.block(d, in_loop, in_handler) if handlers and self.rng.random() < 0.3 else ()
            return A.Try(self.block(d, in_loop, in_handler), handlers, orelse, finalbody)
        if kind == 4:
            calls = tuple(self.await_call(self.pick(self.actions)) for _ in range(self.rng.randint(1, 3)))
            return A.Parallel(self.pick([None, A.Name(self.name()), A.TupleExpr(tuple(A.Name(self.name()) for _ in calls))]), calls, self.rng.random() < 0.3)
        return A.ParallelFor(
            self.pick([None, A.Name(self.name())]), self.loop_target(), self.expr(2), self.await_call(self.pick(self.actions)),
            self.rng.random() < 0.3, self.pick([None, 1, 10]),
        )

    # ---------------------------------------------------------- programs

    def params(self, count: int, defaults: bool = True) -> tuple[A.Param, ...]:
        names = self.rng.sample(["a", "b", "n", "größe", "items", "user"], count)
        return tuple(A.Param(name, self.type(), self.constant() if defaults and self.rng.random() < 0.3 else None) for name in names)

    # ---------------------------------------------------------- classes

    def class_constant(self, depth: int = 2) -> A.Expr:
        """A field's default or a member's value: a constant (docs/language.md, "Classes")."""
        enums = [c for c in self.classes if c.kind == "enum" and c.members]
        roll = self.rng.random()
        if roll < 0.15 and enums:
            enum = self.pick(enums)
            return A.Attribute(A.Name(enum.name), self.pick(enum.members).name)
        if roll < 0.25 and depth > 0:
            return A.UnaryOp("-", A.Constant(self.pick([1, 2.5])))
        if roll < 0.35 and depth > 0:
            return A.BinOp(self.class_constant(depth - 1), self.pick(["+", "*"]), self.class_constant(depth - 1))
        if roll < 0.45 and depth > 0:
            return A.ListExpr(tuple(self.class_constant(depth - 1) for _ in range(self.rng.randrange(3))))
        if roll < 0.5 and depth > 0:
            return A.DictExpr(tuple((A.Constant(self.pick(["a", "b"])), self.class_constant(depth - 1)) for _ in range(self.rng.randrange(2))))
        return self.constant()

    def class_decl(self, kind: str, name: str) -> A.ClassDecl:
        declared = [c.name for c in self.classes if c.kind == kind]
        module = self.pick(MODULES)
        qualname = name if self.rng.random() < 0.7 else self.pick([f"Outer.{name}", "Other", "workflow.Inner"])
        body: tuple | None = None
        if kind == "exception":
            bases = tuple(self.rng.sample([*declared, "ValueError", "Exception", "KeyError"], self.rng.randint(1, 2)))
        elif kind == "namedtuple":  # no bases, always its fields, the defaulted ones last
            bases = ()
            fields = self.rng.sample(FIELDS, self.rng.randrange(4))
            required = self.rng.randrange(len(fields) + 1)
            body = tuple(A.Param(f, self.type(), self.class_constant() if i >= required else None) for i, f in enumerate(fields))
        elif kind == "enum":
            bases = self.pick([("Enum",), ("str", "Enum"), ("IntEnum",), ("int", "Flag"), *((d,) for d in declared)])
            members = self.rng.sample(MEMBERS, self.rng.randrange(4))
            body = tuple(A.Member(m, self.class_constant()) for m in members)
        else:
            bases = tuple(self.rng.sample(declared, min(len(declared), self.rng.randrange(2))))
            if self.rng.random() < 0.8:
                fields = self.rng.sample(FIELDS, self.rng.randrange(4))
                body = tuple(A.Param(f, self.type(), self.class_constant() if self.rng.random() < 0.4 else None) for f in fields)
        frozen = kind in ("model", "dataclass") and self.rng.random() < 0.3
        return A.ClassDecl(kind, name, module, qualname, bases, body, frozen=frozen)

    def program(self) -> A.Program:
        decls: list = []
        self.actions: list[tuple[str, tuple[str, ...], bool]] = []
        self.callees: list[tuple[str, tuple[str, ...], bool]] = []
        self.classes: list[A.ClassDecl] = []
        for kind in self.rng.sample(list(CLASSES), self.rng.randrange(len(CLASSES) + 1)):
            for name in self.rng.sample(CLASSES[kind], self.rng.randint(1, 2)):
                self.classes.append(self.class_decl(kind, name))
        decls += self.classes
        for n in range(self.rng.randrange(3)):
            decls.append(A.ConstDecl(f"C{n}", self.expr(2)))
        for n in range(self.rng.randint(1, 3)):
            params = self.params(self.rng.randrange(3))
            name = self.pick(["fetch", "send", "sleep", "action"]) + str(n)
            decls.append(A.ActionDecl(name, params, self.type(), "app.actions"))
            self.actions.append((name, tuple(p.name for p in params), True))
        self.callees = list(self.actions)
        for n in range(self.rng.randrange(3)):
            params = self.params(self.rng.randrange(3))
            body = self.block(1, False, False)
            decls.append(A.FnDecl(f"helper{n}", params, self.type(), body))
            self.callees.append((f"helper{n}", tuple(p.name for p in params), False))
        decls.append(A.WorkflowDecl("Flow", self.params(self.rng.randrange(3)), self.type(), self.block(2, False, False)))
        self.rng.shuffle(decls) if self.rng.random() < 0.2 else None
        return A.Program(tuple(decls))
