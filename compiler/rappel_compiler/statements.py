"""Statements: Python statement → RRL statements.

Each Python statement becomes zero or more RRL statements (hoisted
temporaries first). An error in one statement is reported and lowering goes
on with the next, so a file's diagnostics come all at once.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import libcst as cst

from rrl import ast as A
from rrl.printer import print_expr
from rrl.walk import children, rewrite, walk

from . import dialect
from .diagnostics import Reject, arity_message, did_you_mean
from .expressions import _BINARY, OPERATOR_HELP, comprehension_clauses, is_stable, loop_target_elements, operator_text
from .tree import Visitor

_AUGMENTED = {
    cst.AddAssign: "+",
    cst.SubtractAssign: "-",
    cst.MultiplyAssign: "*",
    cst.DivideAssign: "/",
    cst.FloorDivideAssign: "//",
    cst.ModuloAssign: "%",
    cst.PowerAssign: "**",
    cst.BitOrAssign: "|",
    cst.BitXorAssign: "^",
    cst.BitAndAssign: "&",
}
assert set(_AUGMENTED.values()) <= set(_BINARY.values())


# Builtins whose iterator reads its arguments item by item.
_LAZY_READERS = frozenset({"map", "filter", "zip", "enumerate"})


def _names(node: cst.CSTNode, place: cst.BaseExpression) -> bool:
    """Whether `place` (a variable, an item or a field) occurs in `node`."""
    return node.deep_equals(place) or any(_names(child, place) for child in node.children)


class StatementLowering:
    """Mixin of `FunctionLowerer`."""

    def body(self, block: cst.BaseSuite | list) -> tuple[A.Stmt, ...]:
        """Lower a block into a new statement list."""
        with self.nested() as out:
            self.statements(_statements(block))
        return tuple(out)

    def statements(self, statements: list) -> None:
        for statement in statements:
            try:
                self.statement(statement)
            except Reject as reject:
                self.wc.report(reject.at(statement))

    def statement(self, node: cst.CSTNode) -> None:
        if isinstance(node, cst.SimpleStatementLine):
            self.statements(list(node.body))
            return
        method = getattr(self, "_stmt_" + type(node).__name__, None)
        if method is None:
            raise Reject("RPL0221", f"this statement ({type(node).__name__}) is not supported in a workflow", node)
        method(node)

    # -------------------------------------------------------------- simple statements

    def _stmt_Pass(self, node: cst.Pass) -> None:
        pass

    def _stmt_Break(self, node: cst.Break) -> None:
        self.emit(A.Break(span=self.span(node)))

    def _stmt_Continue(self, node: cst.Continue) -> None:
        self.emit(A.Continue(span=self.span(node)))

    def _stmt_Return(self, node: cst.Return) -> None:
        value = None if node.value is None else self.expr(node.value)
        self.emit(A.Return(value, span=self.span(node)))

    def _stmt_Raise(self, node: cst.Raise) -> None:
        value = None if node.exc is None else self.raised(node.exc)
        cause = None if node.cause is None else self.raised(node.cause.item)
        self.emit(A.Raise(value, cause, span=self.span(node)))

    def _stmt_Assert(self, node: cst.Assert) -> None:
        test = self.expr(node.test)
        with self.nested() as body:
            message = () if node.msg is None else (self.expr(node.msg),)
            self.emit(A.Raise(A.Call(A.Name("AssertionError"), message), span=self.span(node)))
        self.emit(A.If(A.UnaryOp("not", test), tuple(body), span=self.span(node)))

    def _stmt_Expr(self, node: cst.Expr) -> None:
        value = node.value
        if isinstance(value, (cst.SimpleString, cst.ConcatenatedString, cst.Ellipsis)):
            return  # docstrings and `...`
        if isinstance(value, cst.Await):
            self.emit_effect(value, None)
            return
        if isinstance(value, cst.Call):
            if self.is_changing_call(value):
                self.changing_call(value, "statement")
                return
            call = self.sync_helper_call(value)
            if call is not None:
                self.emit(A.CallStmt(None, call, span=self.span(node)))
                return
        # Evaluated for its errors only; the result is dropped.
        result = self.expr(value)
        self.emit(A.Assign(A.Name(self.new_temp()), result, span=self.span(node)))

    # -------------------------------------------------------------- changes in place

    def is_changing_call(self, node: cst.BaseExpression) -> bool:
        """`xs.append(v)`, `d.pop(k)`, ...: a call of a method that changes its receiver."""
        if not (isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute)):
            return False
        func = node.func
        return (
            func.attr.value in dialect.MUTATING_METHODS
            and self.helper_target(func) is None  # a helper method or static method
            and self.src.imported_name(func) is None  # a module's function
            and self.builtin_type_name(func.value) is None  # `dict.update(d, ...)`
        )

    def changing_call(self, node: cst.Call, context: str) -> A.Expr | None:
        """A call that changes its receiver: an RRL call that rebinds the receiver
        to the changed copy. `context`: "statement" (emitted on its own), "assign"
        (the call is returned as the value of an assignment) or "value" (the
        result is assigned to a temporary first, so the change happens at the point
        Python makes it, not inside a larger expression)."""
        func = node.func
        method = func.attr.value
        span = self.span(node)
        if self._pure:
            reason, _ = self._pure[-1]
            raise Reject("RPL0217", f"{method}() changes `{self.src.text(func.value)}`, which cannot happen inside {reason}", node,
                         "change it in a statement of its own before, and use the variable")
        self.check_changing_arguments(node, method)
        if method == "extend" and node.args:
            self.refuse_reading_what_it_extends(func.value, node.args[0].value, f"`{self.src.text(func)}()`")
        receiver = self.changed_receiver(func.value, node)
        mark = len(self.block)
        args, kwargs = self.call_arguments(node, keyword_lambdas=frozenset({"key"}) if method == "sort" else frozenset(),
                                           consumed=self.consumed_by_change(node, method))
        if len(self.block) > mark:
            receiver = self.pin(receiver, mark, node)
        call = A.Call(A.Attribute(receiver, method, span=self.span(func)), args, kwargs, span=span)
        if context == "statement":
            self.emit(A.ExprStmt(call, span=span))
            return None
        if context == "assign":
            return call
        temp = A.Name(self.new_temp(), span=span)
        self.emit(A.Assign(temp, call, span=span))
        return temp

    def consumed_by_change(self, node: cst.Call, method: str) -> cst.Arg | None:
        """The argument of `xs.extend(f(y) for y in ys)` or `s.update(map(str, ys))`:
        a generator or a map()/filter() iterator the call consumes at once (it becomes
        a list). Not one that reads the receiver's variable: Python would see the
        receiver grow while it extends it."""
        if method not in ("extend", "update") or len(node.args) != 1:
            return None
        arg = node.args[0]
        if arg.keyword is not None or arg.star or not (isinstance(arg.value, cst.GeneratorExp) or self.lazy_builtin(arg.value)):
            return None
        root = _root(node.func.value)
        if root is None or root.value in _names_read(arg.value):
            return None
        return arg

    def check_changing_arguments(self, node: cst.Call, method: str) -> None:
        low, high, keywords = dialect.MUTATING_SIGNATURES[method]
        positional = [a for a in node.args if a.keyword is None and not a.star]
        for arg in node.args:
            if arg.keyword is not None and keywords is not None and arg.keyword.value not in keywords:
                raise Reject("RPL0206", f"{method}() does not take the keyword argument `{arg.keyword.value}`", arg,
                             did_you_mean(arg.keyword.value, keywords))
        if not low <= len(positional) <= high:
            raise Reject("RPL0206", arity_message(f"{method}", low, high, len(positional)), node)

    def changed_receiver(self, node: cst.BaseExpression, call: cst.Call) -> A.Expr:
        """The receiver of a call that changes it: a variable, `x[k]` or `x.f`
        of one (or `d.setdefault(k, default)`, which is `d[k]`)."""
        method = call.func.attr.value
        root = _root(node)
        if root is not None and self.is_self(root):
            raise Reject("RPL0205", f"`{self.src.text(node)}.{method}()` changes state on the workflow instance, which is not supported",
                         call, "keep the value in a local variable; pass it to helpers and return results from them")
        if not self.is_place(node):
            help_text = "assign the value to a variable first and change the variable"
            if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value == "get":
                args = ", ".join(self.src.text(a.value) for a in node.args) if len(node.args) == 2 else "key, default"
                help_text = (f"to change the value stored in the dict, write "
                             f"`{self.src.text(node.func.value)}.setdefault({args}).{method}(...)`")
            raise Reject("RPL0203", f"{method}() changes its receiver, which must be a variable (or `x[key]`, `x.field` of one), "
                         f"not `{self.src.text(node)}`", call, help_text)
        return self.path_target(node)

    def is_place(self, node: cst.BaseExpression) -> bool:
        """A place a value can be stored in: a name, `x[k]` (not a slice) or `x.f`
        of a place, or `d.setdefault(k, default)` of one (the place `d[k]`)."""
        if isinstance(node, cst.Name):
            return True
        if isinstance(node, cst.Attribute):
            return self.is_place(node.value)
        if isinstance(node, cst.Subscript):
            return not any(isinstance(e.slice, cst.Slice) for e in node.slice) and self.is_place(node.value)
        return self.is_setdefault(node) and self.is_place(node.func.value)

    def is_setdefault(self, node: cst.BaseExpression) -> bool:
        return (
            isinstance(node, cst.Call)
            and isinstance(node.func, cst.Attribute)
            and node.func.attr.value == "setdefault"
            and self.is_changing_call(node)
            and 1 <= len(node.args) <= 2
            and all(a.keyword is None and not a.star for a in node.args)
        )

    def setdefault_place(self, node: cst.Call) -> A.Expr:
        """`d.setdefault(k, v)` as a place: `d.setdefault(k, v)` on its own line,
        then the place `d[k]` (`k` is evaluated once: into a temporary unless it
        is a name or a constant)."""
        span = self.span(node)
        base = self.path_target(node.func.value)

        def key() -> A.Expr:
            value = self.expr(node.args[0].value)
            if isinstance(value, (A.Name, A.Constant)):
                return value
            temp = A.Name(self.new_temp(), span=value.span)
            self.wc.python_names[temp.id] = self.src.text(node.args[0].value)
            self.emit(A.Assign(temp, value, span=value.span))
            return temp

        mark = len(self.block)
        args = self.ordered([key] + [lambda: self.expr(node.args[1].value)] * (len(node.args) - 1))
        if len(self.block) > mark:
            base = self.pin(base, mark, node)
        self.emit(A.ExprStmt(A.Call(A.Attribute(base, "setdefault", span=self.span(node.func)), tuple(args), span=span), span=span))
        return A.Subscript(base, args[0], span=span)

    def pin(self, receiver: A.Expr, mark: int, node: cst.CSTNode) -> A.Expr:
        """Statements were hoisted at `mark`, after the place `receiver` was named
        and before it is used. Python reads the place first: read it there into a
        temporary (the read may raise). If the hoisted statements change values,
        the place's indexes are computed before them too, so that it stays the
        same place; a change of a container that holds the place is rejected
        (`d[k].append(d.pop(j))`: Python keeps the object it read, which RRL would
        look up again)."""
        changed = changed_places(self.block[mark:])
        stmts: list[A.Stmt] = []
        if changed:
            for place in changed:
                if _may_hold(place, receiver):
                    raise Reject("RPL0217", f"`{print_expr(place)}` is changed while `{self.src.text(_receiver_node(node))}` is in use",
                                 node, "compute the value into a variable in a statement of its own first")
            receiver = self._pinned_indexes(receiver, stmts)
        if not isinstance(receiver, A.Name):
            stmts.append(A.Assign(A.Name(self.new_temp(), span=receiver.span), receiver, span=receiver.span))
        self.block[mark:mark] = stmts
        return receiver

    def _pinned_indexes(self, place: A.Expr, stmts: list) -> A.Expr:
        if isinstance(place, A.Attribute):
            return dataclasses.replace(place, value=self._pinned_indexes(place.value, stmts))
        if isinstance(place, A.Subscript):
            value = self._pinned_indexes(place.value, stmts)
            index = place.index
            if not is_stable(index):
                temp = A.Name(self.new_temp(), span=index.span)
                stmts.append(A.Assign(temp, index, span=index.span))
                index = temp
            return dataclasses.replace(place, value=value, index=index)
        return place

    def _stmt_Assign(self, node: cst.Assign) -> None:
        targets = [t.target for t in node.targets]
        if len(targets) == 1 and self.simple_target(targets[0]):
            if isinstance(node.value, cst.Await):
                self.emit_effect(node.value, self.target(targets[0]))
                return
            call = self.sync_helper_call(node.value)
            if call is not None:
                self.emit(A.CallStmt(self.target(targets[0]), call, span=self.span(node)))
                return
        if isinstance(node.value, cst.Lambda):
            self.rejected_names.update(t.value for t in targets if isinstance(t, cst.Name))
        value = self.assigned_value(node.value, unpacked=all(isinstance(t, (cst.Tuple, cst.List)) for t in targets))
        if len(targets) > 1 and not is_stable(value):
            temp = A.Name(self.new_temp(), span=value.span)
            self.emit(A.Assign(temp, value, span=self.span(node)))
            value = temp
        for target in targets:
            mark = len(self.block)
            lowered = self.target(target)
            if len(self.block) > mark and not is_stable(value):
                # The target's own effects run after the value is computed.
                temp = A.Name(self.new_temp(), span=value.span)
                self.block.insert(mark, A.Assign(temp, value, span=self.span(node)))
                value = temp
            self.emit(A.Assign(lowered, value, span=self.span(node)))

    def assigned_value(self, node: cst.BaseExpression, unpacked: bool = False) -> A.Expr:
        """The value of an assignment: `x = queue.pop(0)` keeps the call in place.
        `unpacked`: every target unpacks the value (`a, b = ...`), which consumes a
        generator expression or a map()/filter() iterator at once: it becomes a list."""
        if self.is_changing_call(node):
            return self.changing_call(node, "assign")
        if unpacked:
            self.refuse_set_order(node, "unpacking")
        if unpacked and isinstance(node, cst.GeneratorExp):
            return self.comprehension(node, "eager")
        if unpacked and self.lazy_builtin(node) is not None:
            self.consumed_iterators.add(id(node))
        return self.expr(node)

    def _stmt_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is None:
            if not isinstance(node.target, cst.Name):
                raise Reject("RPL0226", "an annotation without a value can only name a variable", node)
            return
        if isinstance(node.value, cst.Await) and self.simple_target(node.target):
            self.emit_effect(node.value, self.target(node.target))
            return
        value = self.assigned_value(node.value)
        target = self.target(node.target)
        annotation = self.wc.types.annotation(node.annotation) if isinstance(target, A.Name) else None
        self.emit(A.Assign(target, value, annotation, span=self.span(node)))

    def _stmt_AugAssign(self, node: cst.AugAssign) -> None:
        op = _AUGMENTED.get(type(node.operator))
        if op is None:
            raise Reject("RPL0221", f"the `{operator_text(node.operator)}` operator is not supported in a workflow", node,
                         OPERATOR_HELP)
        if isinstance(node.target, cst.Name):
            receiver = self.target(node.target)
        elif self.is_path(node.target):
            receiver = self.path_target(node.target)
        else:
            receiver = self.target(node.target)  # reports the problem
        if op == "+":
            self.refuse_reading_what_it_extends(node.target, node.value, f"`{self.src.text(node.target)} +=`")
        receiver, value = self.read_then(receiver, node.value, node, consumed=op in ("+", "|"))
        # Python's `xs += ys` extends a list with any iterable, where `xs + ys` takes only a
        # list, and `d |= pairs` updates a dict from any pairs, where `d | e` takes only a dict:
        # RRL's `+=` and `|=` do the same. Every other operator gives what its plain form does.
        in_place = {"+": "+=", "|": "|="}.get(op, op)
        statement = A.Assign(receiver, A.BinOp(receiver, in_place, value), span=self.span(node))
        if op in ("+", "*", "|", "^", "&", "-"):  # in place on lists, dicts and sets: the target may be changed
            self.wc.mark_augmented(statement)
        self.emit(statement)

    def refuse_reading_what_it_extends(self, extended: cst.BaseExpression, value: cst.BaseExpression, how: str) -> None:
        """`xs += (f(x) for x in xs)`, `xs.extend(map(f, xs))`: Python extends the list while
        the lazy iterator reads it, so the iterator sees the items it adds (and mostly never
        finishes), where RRL takes the iterator's items first: refused, as the two disagree."""
        if not self.reads_lazily(value, extended) or value.deep_equals(extended):
            return
        text = self.src.text(value)
        if isinstance(value, cst.GeneratorExp):  # `xs.extend(x for x in xs)`: its parentheses are the call's
            text, eager = (text, f"[{text[1:-1]}]") if value.lpar else (f"({text})", f"[{text}]")
        else:
            eager = f"list({text})"
        raise Reject("RPL0264", f"{how} with `{text}` reads `{self.src.text(extended)}` while extending it: in Python the "
                     "iterator would also see each item it adds, and never finish or add other items", value,
                     f"take the items first, with a list: `{eager}`")

    def reads_lazily(self, node: cst.BaseExpression, extended: cst.BaseExpression) -> bool:
        """Whether iterating `node` reads `extended` as it goes: `extended` itself, a
        generator expression whose first iterable does or whose other parts (evaluated
        item by item) name it, or map()/filter()/zip()/enumerate() of such an iterable.
        What is evaluated when the iterator is made is no read: `(f(x) for x in xs[:])`,
        a list comprehension, sorted() or a copy take the items first."""
        if node.deep_equals(extended):
            return True
        if isinstance(node, cst.GeneratorExp):
            first, *later = comprehension_clauses(node)
            lazy_parts = [node.elt, *first.ifs, *(part for clause in later for part in (clause.iter, *clause.ifs))]
            return self.reads_lazily(first.iter, extended) or any(_names(part, extended) for part in lazy_parts)
        if not (isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value in _LAZY_READERS):
            return False
        if self.scoped_name(node.func.value) is not None or self.src.ref(node.func).kind != "builtin":
            return False
        return any(self.reads_lazily(arg.value, extended) or (isinstance(arg.value, cst.Lambda) and _names(arg.value, extended))
                   for arg in node.args)

    def _stmt_Global(self, node: cst.Global) -> None:
        self.declared_global.update(n.name.value for n in node.names)
        raise Reject("RPL0209", "`global` statements are not supported in a workflow", node,
                     "a workflow cannot change module state; keep the value in a local variable and return it")

    def _stmt_Nonlocal(self, node: cst.Nonlocal) -> None:
        self.declared_global.update(n.name.value for n in node.names)
        raise Reject("RPL0209", "`nonlocal` statements are not supported in a workflow", node)

    def _stmt_Del(self, node: cst.Del) -> None:
        """`del a, d[k], xs[i:j], obj.f`: each target in turn, as in Python. When
        a target hoists statements (an await in an index), the targets before it
        are deleted first, in a `del` of their own."""
        span = self.span(node)
        group: list[A.Expr] = []
        for target in _deleted(node.target):
            mark = len(self.block)
            lowered = self.deleted_target(target)
            if len(self.block) > mark and group:
                self.block.insert(mark, A.Delete(tuple(group), span=span))
                group = []
            group.append(lowered)
        if group:
            self.emit(A.Delete(tuple(group), span=span))

    def deleted_target(self, node: cst.BaseExpression) -> A.Expr:
        """A local variable, or an item, a slice or a field of one (`del d.setdefault(k, {})[j]`
        too): RRL rebinds the variable to a copy without it."""
        root = node
        while isinstance(root, (cst.Subscript, cst.Attribute)):
            root = root.value
        if self.is_self(root):
            what = "the workflow instance `self`" if node is root else f"`{self.src.text(node)}`"
            raise Reject("RPL0205", f"{what} cannot be deleted: it is state on the workflow instance", node,
                         "keep the value in a local variable; pass it to helpers and return results from them")
        if isinstance(node, cst.Name):
            ref = self.src.ref(node)
            name = node.value
            bound_here = ref.kind == "local" or (ref.kind == "undefined" and name in self.function_locals)
            if bound_here or self.scoped_name(name) is not None or name in self.declared_global:
                return A.Name(self.local_name(name), span=self.span(node))
            raise Reject("RPL0237", f"`{name}` is a module-level name and cannot be deleted in a workflow", node,
                         "Python would make it a local variable of the function; use a local variable instead")
        sliced = isinstance(node, cst.Subscript) and any(isinstance(e.slice, cst.Slice) for e in node.slice)
        container = node.value if sliced else node
        if not (isinstance(node, (cst.Subscript, cst.Attribute)) and self.is_place(container)):
            raise Reject("RPL0226", f"cannot delete `{self.src.text(node)}`: `del` can only remove a variable, or an item or field of one",
                         node, "delete from the variable that holds the value: `del d[k]`, `del xs[i:j]`, `del obj.field`")
        if not sliced:
            return self.path_target(node)
        base, index = self.ordered([lambda: self.path_target(node.value), lambda: self.subscript_index(node)])
        return A.Subscript(base, index, span=self.span(node))

    def _stmt_Import(self, node) -> None:
        raise Reject("RPL0220", "`import` is not supported inside workflow code", node, "import at the top of the module")

    _stmt_ImportFrom = _stmt_Import

    # -------------------------------------------------------------- targets

    def simple_target(self, node: cst.BaseExpression) -> bool:
        """A target whose evaluation cannot fail or have effects (names, tuples of names,
        and paths with stable indexes): an awaited call may assign it directly."""
        if isinstance(node, cst.Name):
            return True
        if isinstance(node, (cst.Tuple, cst.List)):
            return all(self.simple_target(e.value) for e in node.elements)
        return self.is_path(node) and not self.has_effects(node)

    def target(self, node: cst.BaseExpression) -> A.Expr:
        span = self.span(node)
        if isinstance(node, cst.Name):
            return A.Name(self.local_name(node.value), span=span)
        if isinstance(node, (cst.Tuple, cst.List)):
            stars = [e for e in node.elements if isinstance(e, cst.StarredElement)]
            if len(stars) > 1:
                raise Reject("RPL0216", "an assignment target can unpack only one `*name`", stars[1])
            elements = []
            for element in node.elements:
                value = self.target(element.value)
                elements.append(A.Starred(value, span=self.span(element)) if isinstance(element, cst.StarredElement) else value)
            return A.TupleExpr(tuple(elements), span=span)
        if isinstance(node, (cst.Subscript, cst.Attribute)):
            return self.path_target(node)
        raise Reject("RPL0226", "cannot assign to this expression", node)

    def is_path(self, node: cst.BaseExpression) -> bool:
        """A name, or `x[k]` / `x.f` of a path (`d.setdefault(k, v)[j]` too)."""
        while isinstance(node, (cst.Subscript, cst.Attribute)) or self.is_setdefault(node):
            node = node.func.value if isinstance(node, cst.Call) else node.value
        return isinstance(node, cst.Name)

    def path_target(self, node: cst.BaseExpression) -> A.Expr:
        """`x`, `x[k]`, `x.f`, `x[k].f[j]`: a place rooted at a local variable."""
        span = self.span(node)
        if isinstance(node, cst.Name):
            if self.is_self(node):
                raise Reject("RPL0205", "the workflow instance `self` cannot be changed", node)
            ref = self.src.ref(node)
            if ref.kind != "local" and self.scoped_name(node.value) is None and node.value not in self.declared_global:
                raise Reject("RPL0237", f"`{node.value}` is a module-level name and cannot be changed in a workflow", node,
                             "copy it into a local variable first, e.g. `items = list(ITEMS)`")
            return A.Name(self.local_name(node.value), span=span)
        if isinstance(node, cst.Attribute):
            if self.is_self(node.value):
                raise Reject("RPL0205", f"`self.{node.attr.value} = ...` stores state on the workflow instance, which is not supported",
                             node, "keep the value in a local variable; pass it to helpers and return results from them")
            return A.Attribute(self.path_target(node.value), node.attr.value, span=span)
        if isinstance(node, cst.Subscript):
            if any(isinstance(e.slice, cst.Slice) for e in node.slice):
                raise Reject("RPL0226", "assigning to a slice is not supported in a workflow", node,
                             "build the new list with slices and `+`")
            base, index = self.ordered([lambda: self.path_target(node.value), lambda: self.subscript_index(node)])
            return A.Subscript(base, index, span=span)
        if self.is_setdefault(node):
            return self.setdefault_place(node)
        if isinstance(node, cst.Call) and self.is_changing_call(node):
            raise Reject("RPL0226", f"the result of {node.func.attr.value}() cannot be changed in a workflow", node,
                         "change the variable the value is stored in")
        raise Reject("RPL0226", "cannot assign to this expression", node)

    def read_then(self, receiver: A.Expr, value: cst.BaseExpression, node: cst.CSTNode, consumed: bool = False) -> tuple[A.Expr, A.Expr]:
        """Read `receiver`, then evaluate `value`. If `value` has effects, the read
        is done first into a temporary (it may raise, as in Python) and repeated
        when the new value is stored (see `pin`). `consumed`: a generator expression
        or a map()/filter() iterator as `value` is consumed at once (`xs += (f(x) for x in ys)`)."""
        mark = len(self.block)
        if consumed and isinstance(value, cst.GeneratorExp):
            lowered = self.comprehension(value, "eager")
        else:
            if consumed and self.lazy_builtin(value) is not None:
                self.consumed_iterators.add(id(value))
            lowered = self.expr(value)
        if len(self.block) > mark:
            receiver = self.pin(receiver, mark, node)
        return receiver, lowered

    # -------------------------------------------------------------- compound statements

    def _stmt_If(self, node: cst.If) -> None:
        test = self.expr(node.test)
        body = self.body(node.body)
        orelse: tuple = ()
        if isinstance(node.orelse, cst.If):
            with self.nested() as out:
                try:
                    self._stmt_If(node.orelse)
                except Reject as reject:
                    self.wc.report(reject.at(node.orelse))
            orelse = tuple(out)
        elif isinstance(node.orelse, cst.Else):
            orelse = self.body(node.orelse.body)
        self.emit(A.If(test, body, orelse, span=self.span(node)))

    def _stmt_For(self, node: cst.For) -> None:
        if node.asynchronous is not None:
            raise Reject("RPL0213", "`async for` is not supported in a workflow", node,
                         "await an action that returns a list, then loop over it")
        self.refuse_set_order(node.iter, "this for loop")
        iterator = self.iteration(node.iter)
        target = self.loop_target(node.target)
        body = self.body(node.body)
        orelse = self.body(node.orelse.body) if node.orelse is not None else ()
        self.emit(A.For(target, iterator, body, orelse, span=self.span(node)))

    def loop_target(self, node: cst.BaseExpression) -> A.Expr:
        if isinstance(node, cst.Name):
            return A.Name(self.local_name(node.value), span=self.span(node))
        if isinstance(node, (cst.Tuple, cst.List)):
            elements = []
            for element in node.elements:
                if isinstance(element, cst.StarredElement):
                    loop_target_elements(node)  # reports it
                elements.append(self.loop_target(element.value))
            return A.TupleExpr(tuple(elements), span=self.span(node))
        raise Reject("RPL0226", "a loop target must be a name or a tuple of names", node)

    def _stmt_While(self, node: cst.While) -> None:
        span = self.span(node)
        with self.nested() as test_block:
            test = self.expr(node.test)
        if not test_block:
            body = self.body(node.body)
            orelse = self.body(node.orelse.body) if node.orelse is not None else ()
            self.emit(A.While(test, body, orelse, span=span))
            return
        # The condition has effects: evaluate it at the top of every iteration.
        #   while True:
        #       <effects>; if not test: [$else = True;] break
        #       body
        #   [if $else: orelse]
        flag = self.new_temp() if node.orelse is not None else None
        if flag is not None:
            self.emit(A.Assign(A.Name(flag), A.Constant(False), span=span))
        exit_body = ((A.Assign(A.Name(flag), A.Constant(True)),) if flag else ()) + (A.Break(span=span),)
        loop_body = (*test_block, A.If(A.UnaryOp("not", test), exit_body, span=span), *self.body(node.body))
        self.emit(A.While(A.Constant(True), loop_body, span=span))
        if flag is not None:
            self.emit(A.If(A.Name(flag), self.body(node.orelse.body), span=span))

    def _stmt_Try(self, node: cst.Try) -> None:
        body = self.body(node.body)
        handlers = []
        for handler in node.handlers:
            try:
                types = self.handler_types(handler.type)
            except Reject as reject:
                self.wc.report(reject.at(handler))
                types = ()
            name = None
            if handler.name is not None:
                if not isinstance(handler.name.name, cst.Name):
                    raise Reject("RPL0226", "`except ... as` must bind a name", handler.name)
                name = self.local_name(handler.name.name.value)
            handlers.append(A.ExceptHandler(types, name, self.body(handler.body), span=self.span(handler)))
        orelse = self.body(node.orelse.body) if node.orelse is not None else ()
        finalbody = self.body(node.finalbody.body) if node.finalbody is not None else ()
        if not handlers and not finalbody:  # `try: ... finally: pass` is its body
            for stmt in body:
                self.emit(stmt)
            return
        self.emit(A.Try(body, tuple(handlers), orelse, finalbody, span=self.span(node)))

    def handler_types(self, node: cst.BaseExpression | None) -> tuple[str, ...]:
        if node is None:
            return ()
        if isinstance(node, cst.Tuple):
            return tuple(self.exception_class(e.value) for e in node.elements)
        name = self.exception_class(node, strict=False)
        if name is not None:
            return (name,)
        classes = self.constant_classes(node, kind="exception")  # `RETRYABLE = (ConnectionError, TimeoutError)`
        if classes is not None:
            return classes
        qualified = self.src.imported_name(node)
        if qualified is not None and self.wc.resolver is None:
            raise self.unresolved(qualified, node, "use")
        return (self.exception_class(node),)  # reports that it is not an exception class

    def _stmt_TryStar(self, node) -> None:
        raise Reject("RPL0221", "`except*` is not supported in a workflow", node)

    def _stmt_With(self, node: cst.With) -> None:
        keyword = "async with" if node.asynchronous is not None else "with"
        raise Reject("RPL0208", f"`{keyword}` statements are not supported in a workflow", node,
                     "context managers run arbitrary code on enter and exit; use try/finally around actions instead")

    def _stmt_Match(self, node) -> None:
        raise Reject("RPL0212", "`match` statements are not supported in a workflow", node, "use if/elif/else")

    def _stmt_FunctionDef(self, node: cst.FunctionDef) -> None:
        if self.nested_defs.get(node.name.value) is node:
            return  # a helper, lowered where it is called
        self.rejected_names.add(node.name.value)
        if isinstance(self.fn.body, cst.IndentedBlock) and not any(stmt is node for stmt in self.fn.body.body):
            raise Reject("RPL0210", f"the function `{node.name.value}` is defined inside a block, where its `def` may not run",
                         node.name, "define it at the top level of the function's body, before the code that calls it")
        raise Reject("RPL0210", f"the function `{node.name.value}` is defined more than once here, or its name is also "
                     "bound otherwise, so a call cannot tell which definition it runs", node.name,
                     "give each function defined inside workflow code a name of its own, bound only by its `def`")

    def _stmt_ClassDef(self, node: cst.ClassDef) -> None:
        self.rejected_names.add(node.name.value)
        raise Reject("RPL0210", "a class cannot be defined inside workflow code", node, "define it at module level")


def _statements(block) -> list:
    if isinstance(block, list):
        return block
    if isinstance(block, cst.IndentedBlock):
        return list(block.body)
    return list(block.body)  # SimpleStatementSuite


def _deleted(target: cst.BaseExpression) -> list[cst.BaseExpression]:
    """The targets of `del`, in order: `del (a, [b, c])` deletes a, b, c."""
    if isinstance(target, (cst.Tuple, cst.List)):  # Python's grammar allows no `*` here
        return [inner for element in target.elements for inner in _deleted(element.value)]
    return [target]


class _NamesRead(Visitor):
    def __init__(self) -> None:
        self.names: set[str] = set()

    def visit_Name(self, node: cst.Name) -> None:
        self.names.add(node.value)

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        self.walk(node.value)  # not the attribute's own name
        return False


def _names_read(node: cst.CSTNode) -> set[str]:
    finder = _NamesRead()
    finder.walk(node)
    return finder.names


def _root(node: cst.BaseExpression) -> cst.Name | None:
    while isinstance(node, (cst.Subscript, cst.Attribute)) or (isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute)):
        node = node.func.value if isinstance(node, cst.Call) else node.value
    return node if isinstance(node, cst.Name) else None


def _receiver_node(node: cst.CSTNode) -> cst.CSTNode:
    """The place a statement changes: the receiver of a call, the target of `+=`."""
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
        return node.func.value
    if isinstance(node, cst.AugAssign):
        return node.target
    return node


def _place_root(place: A.Expr) -> str | None:
    while isinstance(place, (A.Subscript, A.Attribute)):
        place = place.value
    return place.id if isinstance(place, A.Name) else None


def changed_places(stmts) -> list[A.Expr]:
    """The places that calls of methods changing their receiver change in `stmts`."""
    return [
        node.func.value
        for stmt in stmts
        for node in walk(stmt)
        if _changing(node) and _place_root(node.func.value) is not None
    ]


def _steps(place: A.Expr) -> tuple[str | None, list]:
    steps = []
    while isinstance(place, (A.Subscript, A.Attribute)):
        steps.append(place.index if isinstance(place, A.Subscript) else place.attr)
        place = place.value
    return (place.id if isinstance(place, A.Name) else None), steps[::-1]


def _may_hold(container: A.Expr, place: A.Expr) -> bool:
    """May changing `container` replace or remove the object at `place` (is it a
    strict prefix of the place)? `d` holds `d[k]`; `d[i]` may hold `d[j][0]`."""
    root, outer = _steps(container)
    place_root, inner = _steps(place)
    if root != place_root or len(outer) >= len(inner):
        return False
    for a, b in zip(outer, inner):
        if isinstance(a, str) or isinstance(b, str):
            if a != b:
                return False
        elif isinstance(a, A.Constant) and isinstance(b, A.Constant) and a != b:
            return False
    return True


# ------------------------------------------------------------------ folding hoisted changes
#
# A call that changes its receiver inside a larger expression is hoisted into a
# temporary of its own (`changing_call`). Where Python would evaluate it in
# exactly the same order inside the next statement, it is put back there, so
# the RRL reads like the Python: `$t1 = queue.pop(0)`, `done.append($t1)` →
# `done.append(queue.pop(0))`.


def fold_changes(body: tuple[A.Stmt, ...], augmented: dict[int, A.Assign]) -> tuple[A.Stmt, ...]:
    """`augmented`: the `xs += ys` statements (by id), kept up to date."""
    if not any(_hoisted_change(stmt) for stmt in _every_statement(body)):
        return body  # most functions: nothing to fold, no walk of every expression
    uses: dict[str, int] = {}
    for stmt in body:
        for node in walk(stmt):
            if isinstance(node, A.Name) and node.id.startswith("$t"):
                uses[node.id] = uses.get(node.id, 0) + 1
    return _Folding(uses, augmented).block(body)


class _Folding:
    def __init__(self, uses: dict[str, int], augmented: dict[int, A.Assign]):
        self.uses = uses
        self.augmented = augmented

    def block(self, stmts: tuple[A.Stmt, ...]) -> tuple[A.Stmt, ...]:
        out: list[A.Stmt] = []
        for stmt in stmts:
            stmt = self.nested(stmt)
            while out and _foldable(out[-1], self.uses):
                folded = _fold_into(stmt, out[-1])
                if folded is None:
                    break
                out.pop()
                if self.augmented.get(id(stmt)) is stmt:
                    del self.augmented[id(stmt)]
                    self.augmented[id(folded)] = folded
                stmt = folded
            out.append(stmt)
        return tuple(out)

    def nested(self, stmt: A.Stmt) -> A.Stmt:
        changes = {}
        for name, value in _blocks(stmt):
            if isinstance(value[0], A.ExceptHandler):
                changes[name] = tuple(dataclasses.replace(h, body=self.block(h.body)) for h in value)
            else:
                changes[name] = self.block(value)
        return dataclasses.replace(stmt, **changes) if changes else stmt


_field_names: dict[type, tuple[str, ...]] = {}


def _blocks(stmt: A.Stmt) -> Iterator[tuple[str, tuple]]:
    """The fields of `stmt` that hold a block of statements, or except handlers."""
    names = _field_names.get(type(stmt))
    if names is None:
        names = _field_names[type(stmt)] = tuple(f.name for f in dataclasses.fields(stmt))
    for name in names:
        value = getattr(stmt, name)
        if isinstance(value, tuple) and value and (
            all(isinstance(v, A.ExceptHandler) for v in value) or all(_is_stmt(v) for v in value)
        ):
            yield name, value


def _every_statement(stmts: tuple[A.Stmt, ...]) -> Iterator[A.Stmt]:
    """Every statement of a block, those of the blocks inside it included."""
    for stmt in stmts:
        yield stmt
        for _, value in _blocks(stmt):
            if isinstance(value[0], A.ExceptHandler):
                for handler in value:
                    yield from _every_statement(handler.body)
            else:
                yield from _every_statement(value)


def _hoisted_change(stmt: A.Stmt) -> bool:
    """`$tN = <change>`: what `_foldable` may put back (whatever its uses)."""
    return isinstance(stmt, A.Assign) and isinstance(stmt.target, A.Name) and stmt.target.id.startswith("$t") and _changing(stmt.value)


def _is_stmt(node) -> bool:
    return isinstance(node, (A.Assign, A.ExprStmt, A.Delete, A.CallStmt, A.Parallel, A.ParallelFor, A.If, A.For, A.While, A.Try,
                             A.Return, A.Raise, A.Sleep, A.Break, A.Continue))


def _changing(expr: A.Expr) -> bool:
    return isinstance(expr, A.Call) and isinstance(expr.func, A.Attribute) and expr.func.attr in dialect.MUTATING_METHODS


def _foldable(stmt: A.Stmt, uses: dict[str, int]) -> bool:
    """`$tN = <change>`, its temporary used once."""
    return (
        isinstance(stmt, A.Assign)
        and isinstance(stmt.target, A.Name)
        and stmt.annotation is None
        and uses.get(stmt.target.id) == 2
        and _changing(stmt.value)
    )


def _fold_into(stmt: A.Stmt, hoisted: A.Assign) -> A.Stmt | None:
    finder = _InOrder(hoisted.target.id, _place_root(hoisted.value.func.value))
    temp = hoisted.target

    def put_back(node):
        return hoisted.value if node == temp else node

    if isinstance(stmt, A.Delete):
        # Only the first target is evaluated before anything is deleted; its
        # root is read first (`_InOrder` stops there if the change is to it).
        first, *rest = stmt.targets
        if finder.find(first) != _FOUND:
            return None
        return dataclasses.replace(stmt, targets=(rewrite(first, put_back), *rest))
    if not isinstance(stmt, (A.Assign, A.ExprStmt)) or finder.find(stmt.value) != _FOUND:
        return None
    return dataclasses.replace(stmt, value=rewrite(stmt.value, put_back))


_FOUND, _ABSENT, _ABORT = "found", "absent", "abort"


class _InOrder:
    """Is `temp` read in `expr` where the hoisted change may run instead: every
    part evaluated before it is a plain read of another variable or a constant
    (or the place a change is made to), it is evaluated exactly once, and the
    changed variable is not read before it?"""

    def __init__(self, temp: str, root: str | None):
        self.temp = temp
        self.root = root

    def find(self, e) -> str:
        match e:
            case A.Name(id=name):
                return _FOUND if name == self.temp else _ABORT if name == self.root else _ABSENT
            case A.Constant():
                return _ABSENT
            case A.Lambda() | A.ListComp() | A.DictComp():
                return _ABORT if self.contains(e) else _ABSENT
            case A.BoolOp(values=(first, *rest)):
                return self.sequence([first], rest)
            case A.Conditional(test=test, body=body, orelse=orelse):
                return self.sequence([test], [body, orelse])
            case A.Call(func=A.Attribute(value=receiver, attr=method), args=args, kwargs=kwargs):
                if method in dialect.MUTATING_METHODS:
                    if self.contains(receiver) or not self.place(receiver):
                        return _ABORT  # a place is evaluated twice: read, then changed
                    return self.sequence([*args, *(k.value for k in kwargs)])
                return self.sequence([receiver, *args, *(k.value for k in kwargs)])
            case A.Call(func=func, args=args, kwargs=kwargs):
                return self.sequence([func, *args, *(k.value for k in kwargs)])
            case A.FString(parts=parts):
                return self.sequence([p.value for p in parts if isinstance(p, A.FormattedValue)])
            case A.DictExpr(items=items):
                return self.sequence([x for k, v in items for x in (k, v) if x is not None])
            case A.Slice(lower=lower, upper=upper, step=step):
                return self.sequence([x for x in (lower, upper, step) if x is not None])
            case A.Compare(left=left, comparators=comparators):
                # later comparisons run only when the earlier ones hold
                return self.sequence([left, comparators[0]], list(comparators[1:]))
        return self.sequence(list(children(e)))

    def sequence(self, always: list, maybe: list = ()) -> str:
        for part in always:
            found = self.find(part)
            if found != _ABSENT:
                return found
            if not self.trivial(part):
                return _ABORT  # it was evaluated before, and may raise
        for part in maybe:
            if self.contains(part):
                return _ABORT
        return _ABSENT

    def trivial(self, e) -> bool:
        return isinstance(e, (A.Name, A.Constant, A.Lambda))

    def place(self, e) -> bool:
        """A place whose read cannot fail here (it was read before the hoisted change)."""
        while isinstance(e, (A.Subscript, A.Attribute)):
            if isinstance(e, A.Subscript) and not self.trivial(e.index):
                return False
            e = e.value
        return isinstance(e, A.Name) and e.id != self.root

    def contains(self, e) -> bool:
        return any(isinstance(n, A.Name) and n.id == self.temp for n in walk(e))
