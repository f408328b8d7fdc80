"""Statements: Python statement → RRL statements.

Each Python statement becomes zero or more RRL statements (hoisted
temporaries first). An error in one statement is reported and lowering goes
on with the next, so a file's diagnostics come all at once.
"""

from __future__ import annotations

import libcst as cst

from rrl import ast as A

from . import dialect
from .constants import ConstEvaluator, ExceptionClass
from .diagnostics import Reject
from .expressions import _BINARY, OPERATOR_HELP, is_stable, operator_text

_AUGMENTED = {
    cst.AddAssign: "+",
    cst.SubtractAssign: "-",
    cst.MultiplyAssign: "*",
    cst.DivideAssign: "/",
    cst.FloorDivideAssign: "//",
    cst.ModuloAssign: "%",
    cst.PowerAssign: "**",
}
assert set(_AUGMENTED.values()) <= set(_BINARY.values())


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
        if node.cause is not None:
            raise Reject("RPL0221", "`raise ... from ...` is not supported in a workflow", node.cause,
                         "raise the new exception without `from`")
        value = None if node.exc is None else self.expr(node.exc)
        self.emit(A.Raise(value, span=self.span(node)))

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
            if self.accumulate(value):
                return
            call = self.sync_helper_call(value)
            if call is not None:
                self.emit(A.CallStmt(None, call, span=self.span(node)))
                return
        # Evaluated for its errors only; the result is dropped.
        result = self.expr(value)
        self.emit(A.Assign(A.Name(self.new_temp()), result, span=self.span(node)))

    def accumulate(self, node: cst.Call) -> bool:
        """`xs.append(v)` → `xs = xs + [v]`; `xs.extend(ys)` → `xs = xs + list(ys)`."""
        func = node.func
        if not (isinstance(func, cst.Attribute) and func.attr.value in dialect.ACCUMULATOR_METHODS):
            return False
        if self.src.imported_name(func) is not None or self.is_self(func.value):
            return False
        if not self.is_path(func.value):
            return False
        method = func.attr.value
        if len(node.args) != 1 or node.args[0].keyword is not None or node.args[0].star:
            raise Reject("RPL0206", f"{method}() takes exactly one argument", node)
        receiver = self.path_target(func.value)
        current, value = self.read_then(receiver, node.args[0].value)
        if method == "append":
            added = A.ListExpr((value,), span=value.span)
        elif isinstance(value, (A.ListExpr, A.ListComp)):
            added = value
        else:
            added = A.Call(A.Name("list"), (value,), span=value.span)
        statement = A.Assign(receiver, A.BinOp(current, "+", added), span=self.span(node))
        self.wc.mark_mutation(statement, receiver, added)
        self.emit(statement)
        return True

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
        value = self.expr(node.value)
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

    def _stmt_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is None:
            if not isinstance(node.target, cst.Name):
                raise Reject("RPL0226", "an annotation without a value can only name a variable", node)
            return
        if isinstance(node.value, cst.Await) and self.simple_target(node.target):
            self.emit_effect(node.value, self.target(node.target))
            return
        value = self.expr(node.value)
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
        current, value = self.read_then(receiver, node.value)
        statement = A.Assign(receiver, A.BinOp(current, op, value), span=self.span(node))
        if op in ("+", "*"):
            self.wc.mark_mutation(statement, receiver, value, augmented=True)
        self.emit(statement)

    def _stmt_Global(self, node: cst.Global) -> None:
        self.declared_global.update(n.name.value for n in node.names)
        raise Reject("RPL0209", "`global` statements are not supported in a workflow", node,
                     "a workflow cannot change module state; keep the value in a local variable and return it")

    def _stmt_Nonlocal(self, node: cst.Nonlocal) -> None:
        self.declared_global.update(n.name.value for n in node.names)
        raise Reject("RPL0209", "`nonlocal` statements are not supported in a workflow", node)

    def _stmt_Del(self, node: cst.Del) -> None:
        if isinstance(node.target, cst.Name):
            help_text = "assign the variable a new value instead"
        else:
            help_text = "build a new dict without the key, e.g. `{k: v for k, v in d.items() if k != key}`"
        raise Reject("RPL0211", "`del` is not supported in a workflow", node, help_text)

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
            return all(isinstance(e, cst.Element) and self.simple_target(e.value) for e in node.elements)
        return self.is_path(node) and not self.has_effects(node)

    def target(self, node: cst.BaseExpression) -> A.Expr:
        span = self.span(node)
        if isinstance(node, cst.Name):
            return A.Name(self.local_name(node.value), span=span)
        if isinstance(node, (cst.Tuple, cst.List)):
            elements = []
            for element in node.elements:
                if isinstance(element, cst.StarredElement):
                    raise Reject("RPL0216", "starred assignment targets are not supported in a workflow", element,
                                 "unpack a fixed number of values, and slice for the rest: `first, rest = xs[0], xs[1:]`")
                elements.append(self.target(element.value))
            return A.TupleExpr(tuple(elements), span=span)
        if isinstance(node, (cst.Subscript, cst.Attribute)):
            return self.path_target(node)
        if isinstance(node, cst.StarredElement):
            raise Reject("RPL0216", "starred assignment targets are not supported in a workflow", node)
        raise Reject("RPL0226", "cannot assign to this expression", node)

    def is_path(self, node: cst.BaseExpression) -> bool:
        while isinstance(node, (cst.Subscript, cst.Attribute)):
            node = node.value
        return isinstance(node, cst.Name)

    def path_target(self, node: cst.BaseExpression) -> A.Expr:
        """`x`, `x[k]`, `x.f`, `x[k].f[j]`: a place rooted at a local variable."""
        span = self.span(node)
        if isinstance(node, cst.Name):
            if self.is_self(node):
                raise Reject("RPL0205", "the workflow instance `self` cannot be changed", node)
            ref = self.src.ref(node)
            if ref.kind != "local" and self.scoped_name(node.value) is None and node.value not in self.declared_global:
                raise Reject("RPL0227", f"`{node.value}` is a module-level name and cannot be changed in a workflow", node,
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
        raise Reject("RPL0226", "cannot assign to this expression", node)

    def read_then(self, receiver: A.Expr, value: cst.BaseExpression) -> tuple[A.Expr, A.Expr]:
        """Read `receiver`, then evaluate `value`. If `value` has effects, the read
        is done first into a temporary (it may raise, as in Python) and repeated
        when the new value is stored (it is pure, so it reads the same)."""
        current, lowered = self.ordered([lambda: receiver, lambda: self.expr(value)])
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
        if self.has_await(node.iter):
            raise Reject("RPL0217", "a for loop cannot iterate over an await", node.iter,
                         "assign the awaited result to a variable first, then loop over it")
        iterator = self.expr(node.iter)
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
                    raise Reject("RPL0216", "starred loop targets are not supported in a workflow", element)
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
        # A constant naming exception classes: `RETRYABLE = (ConnectionError, TimeoutError)`.
        source = self.constant_source(node) if isinstance(node, (cst.Name, cst.Attribute)) else None
        if isinstance(source, cst.BaseExpression):
            value = ConstEvaluator(self).evaluate(source)
            values = value if isinstance(value, tuple) else (value,)
            if all(isinstance(v, ExceptionClass) for v in values):
                return tuple(v.name for v in values)
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
        self.rejected_names.add(node.name.value)
        raise Reject("RPL0210", "a function cannot be defined inside workflow code", node,
                     "make it a method of the workflow class, or an @action at module level")

    def _stmt_ClassDef(self, node: cst.ClassDef) -> None:
        self.rejected_names.add(node.name.value)
        raise Reject("RPL0210", "a class cannot be defined inside workflow code", node, "define it at module level")


def _statements(block) -> list:
    if isinstance(block, list):
        return block
    if isinstance(block, cst.IndentedBlock):
        return list(block.body)
    return list(block.body)  # SimpleStatementSuite
