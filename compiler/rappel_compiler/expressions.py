"""Pure expressions: Python expression → RRL expression.

Expressions map one to one. Calls with effects (awaits, helper methods) are
hoisted into compiler temporaries (`$t1`, `$t2`, …) that are assigned just
before the statement that needs them. `ordered()` keeps Python's evaluation
order: when a later operand is hoisted, earlier operands that could raise are
evaluated into temporaries first. Short-circuit operators and conditional
expressions whose later operands have effects become `if` statements;
comprehensions with helper calls become loops.
"""

from __future__ import annotations

import ast as py_ast
import dataclasses
from typing import Callable

import libcst as cst

from rrl import ast as A

from . import dialect
from .diagnostics import Reject
from .limits import CHAIN_CHUNK

_BINARY = {
    cst.Add: "+",
    cst.Subtract: "-",
    cst.Multiply: "*",
    cst.Divide: "/",
    cst.FloorDivide: "//",
    cst.Modulo: "%",
    cst.Power: "**",
    # ints and bools bitwise; sets: union, symmetric difference, intersection; dicts: `|` merges
    cst.BitOr: "|",
    cst.BitXor: "^",
    cst.BitAnd: "&",
}
_UNARY = {cst.Minus: "-", cst.Plus: "+", cst.Not: "not"}
_COMPARE = {
    cst.Equal: "==",
    cst.NotEqual: "!=",
    cst.LessThan: "<",
    cst.LessThanEqual: "<=",
    cst.GreaterThan: ">",
    cst.GreaterThanEqual: ">=",
    cst.In: "in",
    cst.NotIn: "not in",
    cst.Is: "is",
    cst.IsNot: "is not",
}
_OPERATOR_TEXT = {
    cst.LeftShift: "<<",
    cst.RightShift: ">>",
    cst.MatrixMultiply: "@",
    cst.BitInvert: "~",
}


OPERATOR_HELP = "RRL has the operators + - * / // % ** | ^ &; compute other operations in an @action"


def is_stable(expr: A.Expr) -> bool:
    """Evaluating it later gives the same value and cannot raise."""
    return isinstance(expr, (A.Name, A.Constant, A.Lambda))


def operator_text(op: cst.CSTNode) -> str:
    return _OPERATOR_TEXT.get(type(op), type(op).__name__)


class ExpressionLowering:
    """Mixin of `FunctionLowerer`: see function.py for the shared state."""

    # -------------------------------------------------------------- dispatch

    def expr(self, node: cst.BaseExpression) -> A.Expr:
        if id(node) in self.iterated and (members := self.enum_members(node)) is not None:
            return members
        method = getattr(self, "_expr_" + type(node).__name__, None)
        if method is None:
            raise Reject("RPL0221", f"this expression ({_kind(node)}) is not supported in a workflow", node)
        result = method(node)
        if result.span is None:
            result = _with_span(result, self.span(node))
        return result

    def iteration(self, node: cst.BaseExpression) -> A.Expr:
        """What a `for` (a loop's or a comprehension's) iterates over."""
        self.iterated.add(id(node))
        if id(node) in self.unordered_iters:  # a set, where its order cannot show
            return A.Call(A.Name("unordered"), (self.expr(node),), span=self.span(node))
        return self.expr(node)

    def ordered(self, thunks: list[Callable[[], A.Expr | None]]) -> list[A.Expr | None]:
        """Lower operands in Python's evaluation order; when one of them emits
        statements, the earlier operands are evaluated first into temporaries.
        (A variable needs no temporary: Python holds the object, and sees the
        changes a hoisted `xs.pop()` makes to it, as RRL sees the rebound name;
        unless a later `:=` binds the variable to another value.)"""
        results: list[A.Expr | None] = []
        for thunk in thunks:
            mark = len(self.block)
            assigned = len(self.rebound)
            value = thunk()
            if len(self.block) > mark:
                rebound = set(self.rebound[assigned:])
                spills: list[A.Stmt] = []
                results = [self.spilled(earlier, rebound, spills) for earlier in results]
                self.block[mark:mark] = spills
            results.append(value)
        return results

    def spilled(self, earlier: A.Expr | None, rebound: set[str], spills: list[A.Stmt]) -> A.Expr | None:
        """`earlier`, or a temporary it is first assigned to (the assignment goes
        to `spills`) when statements emitted after it could change its value:
        unless it is stable and not a variable a `:=` in them rebinds."""
        if earlier is None or (is_stable(earlier) and not (isinstance(earlier, A.Name) and earlier.id in rebound)):
            return earlier
        temp = A.Name(self.new_temp(), span=earlier.span)
        spills.append(A.Assign(temp, earlier, span=earlier.span))
        return temp

    def exprs(self, nodes) -> list[A.Expr]:
        return self.ordered([lambda n=n: self.expr(n) for n in nodes])

    # -------------------------------------------------------------- atoms

    def _expr_Name(self, node: cst.Name) -> A.Expr:
        if node.value in ("True", "False", "None"):
            return A.Constant({"True": True, "False": False, "None": None}[node.value])
        return self.name_value(node)

    def _expr_Integer(self, node: cst.Integer) -> A.Expr:
        return A.Constant(node.evaluated_value)

    def _expr_Float(self, node: cst.Float) -> A.Expr:
        return A.Constant(float(node.evaluated_value))

    def _expr_Imaginary(self, node: cst.Imaginary) -> A.Expr:
        raise Reject("RPL0221", "complex numbers are not supported in a workflow", node)

    def _expr_Ellipsis(self, node: cst.Ellipsis) -> A.Expr:
        raise Reject("RPL0221", "`...` is not a value in a workflow", node)

    def _expr_SimpleString(self, node: cst.SimpleString) -> A.Expr:
        value = node.evaluated_value
        if not isinstance(value, str):
            raise Reject("RPL0221", "bytes literals are not supported in a workflow", node, "use a str")
        return A.Constant(value)

    def _expr_ConcatenatedString(self, node: cst.ConcatenatedString) -> A.Expr:
        parts: list = []
        any_fstring = False
        for piece in _string_pieces(node):
            value = self.expr(piece)
            if isinstance(value, A.FString):
                any_fstring = True
                parts.extend(value.parts)
            else:
                parts.append(value.value)
        if not any_fstring:
            return A.Constant("".join(parts))
        return A.FString(_merge_text(parts))

    def _expr_FormattedString(self, node: cst.FormattedString) -> A.Expr:
        quote = node.end
        raw = "r" in node.prefix.lower()
        fields = [p for p in node.parts if isinstance(p, cst.FormattedStringExpression)]
        # Python formats each field as soon as it is evaluated. A field followed by
        # one that changes a variable in place (`xs.pop()`) is formatted into its own
        # string first, so it shows the value before the change.
        changed_later = [any(self.has_mutation(f.expression) for f in fields[i + 1 :]) for i in range(len(fields))]
        complete: list[bool] = []  # the field was lowered to a whole f-string of its own
        thunks = [lambda f=f, c=c: self._fstring_field(f, quote, raw, c, complete) for f, c in zip(fields, changed_later)]
        values = iter(zip(self.ordered(thunks), complete))
        parts: list = []
        for part in node.parts:
            if isinstance(part, cst.FormattedStringText):
                parts.append(_decode_text(part.value, quote, raw, part))
                continue
            value, whole = next(values)
            conversion, spec = (None, None) if whole else (part.conversion, self._static_spec(part, quote, raw))
            if isinstance(value, A.FString) and conversion is None and not spec:
                parts.extend(value.parts)  # f"a{f'b{x}'}" is f"ab{x}"
                continue
            parts.append(A.FormattedValue(value, conversion, spec, span=self.span(part.expression)))
        return A.FString(_merge_text(parts))

    def _fstring_field(self, part: cst.FormattedStringExpression, quote: str, raw: bool, alone: bool, complete: list) -> A.Expr:
        if part.equal is not None:
            raise Reject("RPL0221", "the `=` specifier of f-strings is not supported", part, "write the label out: f\"x={x!r}\"")
        conversion = part.conversion
        if conversion not in (None, "r", "s"):
            raise Reject("RPL0221", f"the `!{conversion}` conversion is not supported", part, "use `!r` or `!s`")
        span = self.span(part.expression)
        spec_parts = list(part.format_spec or ())
        if all(isinstance(p, cst.FormattedStringText) for p in spec_parts):
            value = self.expr(part.expression)
            complete.append(alone)
            if alone:
                spec = self._static_spec(part, quote, raw)
                return A.FString((A.FormattedValue(value, conversion, spec, span=span),), span=span)
            return value
        # A spec with fields, `f"{x:>{width}}"`, is `format(x, f">{width}")`.
        converter = {"r": "repr", "s": "str"}.get(conversion)
        value, spec = self.ordered([lambda: self.expr(part.expression), lambda: self._spec_fstring(spec_parts, quote, raw, part)])
        if converter is not None:
            value = A.Call(A.Name(converter), (value,), span=span)
        complete.append(True)
        return A.FString((A.FormattedValue(A.Call(A.Name("format"), (value, spec), span=span), span=span),), span=span)

    def _spec_fstring(self, spec_parts: list, quote: str, raw: bool, part: cst.CSTNode) -> A.FString:
        fields = [p for p in spec_parts if isinstance(p, cst.FormattedStringExpression)]
        for field in fields:
            if field.equal is not None or field.conversion not in (None, "r", "s") or field.format_spec:
                raise Reject("RPL0221", "a field inside a format spec can only be a plain value", field,
                             "compute the format spec first: `spec = f\">{width}\"`, then `format(x, spec)`")
        values = iter(self.ordered([lambda f=f: self.expr(f.expression) for f in fields]))
        parts: list = []
        for piece in spec_parts:
            if isinstance(piece, cst.FormattedStringText):
                parts.append(_decode_text(piece.value, quote, raw, piece))
            else:
                parts.append(A.FormattedValue(next(values), piece.conversion, span=self.span(piece.expression)))
        return A.FString(_merge_text(parts), span=self.span(part))

    def _static_spec(self, part: cst.FormattedStringExpression, quote: str, raw: bool) -> str | None:
        if part.format_spec is None:
            return None
        return "".join(_decode_text(piece.value, quote, raw, piece) for piece in part.format_spec)

    # -------------------------------------------------------------- containers

    def _expr_List(self, node: cst.List) -> A.Expr:
        return A.ListExpr(self.display(node.elements))

    def _expr_Tuple(self, node: cst.Tuple) -> A.Expr:
        return A.TupleExpr(self.display(node.elements))

    def display(self, elements) -> tuple[A.Expr, ...]:
        """The elements of a list or tuple display; `*xs` unpacks `xs` in place."""
        thunks = [
            (lambda e=e: self.unpacked(e.value, e)) if isinstance(e, cst.StarredElement) else (lambda e=e: self.expr(e.value))
            for e in elements
        ]
        starred = [isinstance(e, cst.StarredElement) for e in elements]
        return tuple(as_starred(v) if s else v for v, s in zip(self.ordered(thunks), starred))

    def unpacked(self, value: cst.BaseExpression, element: cst.CSTNode) -> A.Expr:
        """`*value`, as the list `[*value]`: Python unpacks it at once, so when a
        later operand is hoisted, the list (not `value`) is what is kept."""
        self.refuse_set_order(value, "unpacking with `*`")
        return A.ListExpr((A.Starred(self.expr(value), span=self.span(element)),), span=self.span(element))

    def _expr_Dict(self, node: cst.Dict) -> A.Expr:
        thunks = []
        for element in node.elements:
            if isinstance(element, cst.StarredDictElement):
                # `**other` as the dict `{**other}` (see `unpacked`), then flattened.
                thunks.append(lambda e=element: A.DictExpr(((None, self.expr(e.value)),), span=self.span(e)))
                thunks.append(lambda: None)
                continue
            thunks.append(lambda e=element: self.expr(e.key))
            thunks.append(lambda e=element: self.expr(e.value))
        values = self.ordered(thunks)
        items = []
        for key, value in zip(values[0::2], values[1::2]):
            if value is None:  # `**other`
                items.append(key.items[0] if isinstance(key, A.DictExpr) else (None, key))
            else:
                items.append((key, value))
        return A.DictExpr(tuple(items))

    def _expr_Set(self, node: cst.Set) -> A.Expr:
        """`{a, b}` is `set([a, b])`: RRL has no set display."""
        return A.Call(A.Name("set"), (A.ListExpr(self.display(node.elements), span=self.span(node)),), span=self.span(node))

    def _expr_SetComp(self, node: cst.SetComp) -> A.Expr:
        """`{f(x) for x in xs}` is `set([f(x) for x in xs])`."""
        return A.Call(A.Name("set"), (self.comprehension(node, "list"),), span=self.span(node))

    # -------------------------------------------------------------- access

    def _expr_Attribute(self, node: cst.Attribute) -> A.Expr:
        if self.src.imported_name(node) in dialect.UTC:
            raise Reject("RPL0202", f"`{self.src.text(node)}` is only supported as the tzinfo= of a datetime in a workflow", node,
                         dialect.TIMEZONE_HELP)
        if self.index.nested_class(node) is not None:  # `Order.Line` as a value
            raise self.class_value(self.class_target(node, declare=False), node)
        owner = self.class_target(node.value, declare=False)
        if owner is not None:
            return self.class_attribute(owner, node)  # `Color.RED`, `Limits.MAX`
        reference = self.attribute_reference(node)
        if reference is not None:
            return reference
        if node.attr.value == "__name__" and self.is_type_call(node.value):
            return A.Attribute(self.type_name_of(node.value), "__name__")  # `type(e).__name__`
        return A.Attribute(self.expr(node.value), node.attr.value)

    def _expr_Subscript(self, node: cst.Subscript) -> A.Expr:
        by_name = self.enum_member_by_name(node)
        if by_name is not None:
            return by_name
        value, index = self.ordered([lambda: self.expr(node.value), lambda: self.subscript_index(node)])
        return A.Subscript(value, index)

    def subscript_index(self, node: cst.Subscript) -> A.Expr | A.Slice:
        elements = node.slice
        if len(elements) == 1:
            return self._index(elements[0].slice)
        if any(isinstance(e.slice, cst.Slice) for e in elements):
            raise Reject("RPL0221", "multi-dimensional slices are not supported", node)
        return A.TupleExpr(tuple(self.exprs([e.slice.value for e in elements])))

    def _index(self, index: cst.BaseSlice) -> A.Expr | A.Slice:
        if isinstance(index, cst.Index):
            if index.star is not None:
                raise Reject("RPL0216", "starred subscripts are not supported", index)
            return self.expr(index.value)
        parts = [index.lower, index.upper, index.step]
        present = [p for p in parts if p is not None]
        values = iter(self.exprs(present))
        lower, upper, step = (next(values) if p is not None else None for p in parts)
        return A.Slice(lower, upper, step, span=self.span(index))

    # -------------------------------------------------------------- operators

    def _expr_BinaryOperation(self, node: cst.BinaryOperation) -> A.Expr:
        # A chain `a + b + c` nests to the left, one level per operator: it is
        # lowered from its first operand on, without recursion, and every
        # CHAIN_CHUNK operators the value so far goes into a temporary, which
        # keeps the RRL within its depth bound (Python evaluates the left part
        # first, so the order is the same).
        spine = [node]
        while isinstance(spine[-1].left, cst.BinaryOperation):
            spine.append(spine[-1].left)
        value = self.expr(spine[-1].left)
        for depth, level in enumerate(reversed(spine), start=1):
            op = _BINARY.get(type(level.operator))
            if op is None:
                raise Reject("RPL0221", f"the `{operator_text(level.operator)}` operator is not supported in a workflow",
                             level, OPERATOR_HELP)
            left, right = self.ordered([lambda so_far=value: so_far, lambda right=level.right: self.expr(right)])
            value = A.BinOp(left, op, right, span=self.span(level))
            if depth % CHAIN_CHUNK == 0 and level is not node and not self._pure:
                temp = self.new_temp()
                self.emit(A.Assign(A.Name(temp, span=value.span), value, span=value.span))
                value = A.Name(temp, span=value.span)
        return value

    def _expr_UnaryOperation(self, node: cst.UnaryOperation) -> A.Expr:
        op = _UNARY.get(type(node.operator))
        if op is None:
            raise Reject("RPL0221", f"the `{operator_text(node.operator)}` operator is not supported in a workflow", node,
                         OPERATOR_HELP)
        return A.UnaryOp(op, self.expr(node.expression))

    def _expr_Comparison(self, node: cst.Comparison) -> A.Expr:
        operands_cst = [node.left, *(t.comparator for t in node.comparisons)]
        for i, target in enumerate(node.comparisons):
            if isinstance(target.operator, (cst.Is, cst.IsNot)) and not any(
                _singleton(operand) or self.is_enum_member(operand) for operand in operands_cst[i : i + 2]
            ):
                raise Reject(
                    "RPL0221",
                    "`is` compares object identity, which RRL values do not have",
                    node,
                    "compare with `==`; `is` works only with None, True, False and enum members",
                )
        ops = tuple(_COMPARE[type(t.operator)] for t in node.comparisons)
        if any(self.has_effects(operand) for operand in operands_cst[2:]):
            return self._chain_with_effects(node, operands_cst, ops)
        operands = self.exprs(operands_cst)
        return A.Compare(operands[0], ops, tuple(operands[1:]))

    def _chain_with_effects(self, node: cst.Comparison, operands: list, ops: tuple[str, ...]) -> A.Expr:
        """`a < b <= await f()`: an operand after the first comparison is evaluated
        only if every comparison before it holds, and each operand once, as in
        Python: `$t = a < b; if $t: $v = await f(); $t = b <= $v`."""
        span = self.span(node)
        left, right = self.exprs(operands[:2])
        result = A.Name(self.new_temp(), span=span)
        right = self._kept(right, operands[1])
        self.emit(A.Assign(result, A.Compare(left, ops[:1], (right,)), span=span))

        def rest(k: int, left: A.Expr) -> None:
            with self.nested() as body:
                value = self.expr(operands[k])
                if k + 1 < len(operands):
                    value = self._kept(value, operands[k])
                self.emit(A.Assign(result, A.Compare(left, ops[k - 1 : k], (value,)), span=span))
                if k + 1 < len(operands):
                    rest(k + 1, value)
            self.emit(A.If(result, tuple(body), span=span))

        rest(2, right)
        return result

    def _kept(self, value: A.Expr, node: cst.CSTNode) -> A.Expr:
        """`value`, in a temporary when it is read again later."""
        if is_stable(value):
            return value
        temp = A.Name(self.new_temp(), span=self.span(node))
        self.emit(A.Assign(temp, value, span=self.span(node)))
        return temp

    def _expr_BooleanOperation(self, node: cst.BooleanOperation) -> A.Expr:
        op = "and" if isinstance(node.operator, cst.And) else "or"
        operands = _bool_operands(node)
        values = [self.expr(operands[0])]
        for operand in operands[1:]:
            if not self.has_effects(operand):
                values.append(self.expr(operand))
                continue
            # `a and <effects>`: evaluate the rest only when Python would.
            temp = self.new_temp()
            so_far = values[0] if len(values) == 1 else A.BoolOp(op, tuple(values))
            self.emit(A.Assign(A.Name(temp), so_far, span=self.span(node)))
            test = A.Name(temp) if op == "and" else A.UnaryOp("not", A.Name(temp))
            with self.nested() as body:
                self.assign_into(temp, self.expr(operand), operand)
            self.emit(A.If(test, tuple(body), span=self.span(node)))
            values = [A.Name(temp)]
        return values[0] if len(values) == 1 else A.BoolOp(op, tuple(values))

    def _expr_IfExp(self, node: cst.IfExp) -> A.Expr:
        test = self.expr(node.test)
        if not (self.has_effects(node.body) or self.has_effects(node.orelse)):
            return A.Conditional(test, self.expr(node.body), self.expr(node.orelse))
        temp = self.new_temp()
        with self.nested() as body:
            self.assign_into(temp, self.expr(node.body), node.body)
        with self.nested() as orelse:
            self.assign_into(temp, self.expr(node.orelse), node.orelse)
        self.emit(A.If(test, tuple(body), tuple(orelse), span=self.span(node)))
        return A.Name(temp)

    def assign_into(self, temp: str, value: A.Expr, node: cst.CSTNode) -> None:
        """`temp = value`; when value is the result of the statement just emitted
        (an awaited call), that statement assigns `temp` directly."""
        last = self.block[-1] if self.block else None
        if isinstance(value, A.Name) and isinstance(last, (A.CallStmt, A.Parallel, A.ParallelFor)) and last.target == value:
            self.block[-1] = dataclasses.replace(last, target=A.Name(temp, span=value.span))
            return
        self.emit(A.Assign(A.Name(temp), value, span=self.span(node)))

    # -------------------------------------------------------------- functions

    def _expr_Lambda(self, node: cst.Lambda) -> A.Expr:
        if not self.lambda_allowed:
            raise Reject(
                "RPL0210",
                "a lambda can only be passed as a `key=` argument (of sorted(), min(), max(), list.sort()) or to map() and filter()",
                node,
                "write the expression out where it is used, or make it a helper method",
            )
        return self.lambda_expr(node)

    def lambda_expr(self, node: cst.Lambda) -> A.Expr:
        params = node.params
        if params.star_arg is not cst.MaybeSentinel.DEFAULT or params.star_kwarg or params.kwonly_params or params.posonly_params:
            raise Reject("RPL0221", "a lambda with `*`, `**` or `/` parameters is not supported", node)
        names = []
        for param in params.params:
            if param.default is not None:
                raise Reject("RPL0221", "lambda parameters cannot have defaults", param)
            names.append(self.local_name(param.name.value))
        with self.pure("a lambda body", node):
            body = self.expr(node.body)
        return A.Lambda(tuple(names), body)

    def _expr_Call(self, node: cst.Call) -> A.Expr:
        return self.call(node)

    def _expr_Await(self, node: cst.Await) -> A.Expr:
        return self.effect_value(node)

    def _expr_NamedExpr(self, node: cst.NamedExpr) -> A.Expr:
        """`(n := value)`: `n = value` as a statement of its own, then `n`, in
        Python's order of evaluation (`ordered` keeps the value `n` had for
        the operands evaluated before)."""
        if self._pure or self._scopes:
            # Python binds `n` in the function around the comprehension or lambda.
            where = self._pure[-1][0] if self._pure else "a comprehension"
            raise Reject("RPL0215", f"an assignment expression (`:=`) inside {where} is not supported in a workflow", node,
                         "write the loop out as a `for` statement and assign the value on a line of its own")
        value = self.assigned_value(node.value)
        target = self.target(node.target)
        self.emit(A.Assign(target, value, span=self.span(node)))
        self.rebound.append(target.id)
        return A.Name(target.id, span=self.span(node.target))

    def _expr_Yield(self, node: cst.Yield) -> A.Expr:
        raise Reject("RPL0213", "`yield` is not supported: a workflow cannot be a generator", node, "collect the values in a list and return it")

    def _expr_StarredElement(self, node: cst.StarredElement) -> A.Expr:
        raise Reject("RPL0216", "unpacking with `*` is not supported here", node)

    def _expr_GeneratorExp(self, node: cst.GeneratorExp) -> A.Expr:
        raise Reject(
            "RPL0221",
            "a generator expression can only be passed directly to a builtin such as sum(), any() or sorted()",
            node,
            "use a list comprehension: [... for ...]",
        )

    # -------------------------------------------------------------- comprehensions

    def _expr_ListComp(self, node: cst.ListComp) -> A.Expr:
        return self.comprehension(node, "list")

    def _expr_DictComp(self, node: cst.DictComp) -> A.Expr:
        return self.comprehension(node, "dict")

    def is_set(self, node: cst.BaseExpression) -> bool:
        """Whether `node` is a set by its shape, or names a local that only holds sets."""
        if isinstance(node, cst.Name) and self.scoped_name(node.value) is not None:
            return False  # a comprehension's variable
        from .function import is_set_display

        return is_set_display(node, self.set_locals)

    def refuse_set_order(self, node: cst.BaseExpression, use: str, help: str | None = None) -> None:
        """Refuse `use` of a set's order (a loop over it, list(s), ...): it is
        not deterministic. Sets the compiler cannot see fail at run time."""
        if self.is_set(node):
            raise Reject("RPL0214", f"{use} would depend on the order of a set, which is not deterministic", node,
                         help or f"iterate over `sorted({self.src.text(node)})` instead")

    def comprehension(self, node, kind: str, default: cst.BaseExpression | None = None) -> A.Expr:
        """`kind`: list | dict (the comprehension itself), or the builtin that
        consumes a generator: any | all | next (short-circuit; `default`: the
        default of next()), or eager (others)."""
        clauses = comprehension_clauses(node)
        inner = _inner_parts(node)
        # A set's items in any order give the same result when the consumer is any(), all(),
        # set(), frozenset() or sorted() and the generator changes nothing on the way.
        order_free = (kind in ("any", "all") or id(node) in self.order_free_generators) and not any(self.has_effects(n) for n in inner)
        for clause in clauses:
            if order_free and self.is_set(clause.iter):
                self.check_builtin_not_hidden("unordered", clause.iter)
                self.unordered_iters.add(id(clause.iter))
            else:
                self.refuse_set_order(clause.iter, "this comprehension")
        if isinstance(node, cst.GeneratorExp) and any(self.has_await(n) for n in inner):
            # Python makes it an async generator, which sum(), any(), sorted() ... cannot iterate.
            raise Reject(
                "RPL0217",
                "an await inside a generator expression makes it an async generator, which builtins cannot consume",
                node,
                "await in a list comprehension: `[await f(x) for x in xs]` awaits one after the other; "
                "asyncio.gather(*[f(x) for x in xs]) runs them in parallel",
            )
        first_iter = self.iteration(clauses[0].iter)
        start = None
        if default is not None:  # next(gen, default) evaluates the default before the first item
            first_iter, start = self.ordered([lambda: first_iter, lambda: self.expr(default)])
        # any()/all()/next() stop at the first deciding item: later items are never
        # evaluated (they might raise), so they are loops with `break` even when pure.
        if kind in _SHORT_CIRCUIT or any(self.has_effects(n) for n in inner):
            return self.comprehension_loop(node, clauses, first_iter, kind, start)
        with self.pure("a comprehension", node):
            generators = self.generators(clauses, first_iter)
            if isinstance(node, cst.DictComp):
                key, value = self.expr(node.key), self.expr(node.value)
                return A.DictComp(key, value, tuple(generators))
            return A.ListComp(self.expr(node.elt), tuple(generators))

    def generators(self, clauses: list[cst.CompFor], first_iter: A.Expr) -> tuple[A.Comprehension, ...]:
        """The `for ... in ... if ...` clauses of a pure comprehension."""
        generators = []
        for i, clause in enumerate(clauses):
            iterator = first_iter if i == 0 else self.iteration(clause.iter)
            ifs = tuple(self.expr(c.test) for c in clause.ifs)
            generators.append(A.Comprehension(self.comp_target(clause.target), iterator, ifs, span=self.span(clause)))
        return tuple(generators)

    def comprehension_loop(self, node, clauses, first_iter: A.Expr, kind: str, start: A.Expr | None = None) -> A.Expr:
        """A comprehension calling helpers (or consumed by a builtin that stops
        early), as loops that preserve the order of evaluation:
        `acc = []; for x in xs: if cond: acc.append(elt)`."""
        span = self.span(node)
        acc = A.Name(self.new_temp())
        if start is None:
            start = {"dict": A.DictExpr(()), "any": A.Constant(False), "all": A.Constant(True)}.get(kind, A.ListExpr(()))
        self.emit(A.Assign(acc, start, span=span))
        # Leaving nested loops: the inner loop's `break` leaves only the inner loop.
        found = None
        if kind == "next" and len(clauses) > 1:
            found = A.Name(self.new_temp())
            self.emit(A.Assign(found, A.Constant(False), span=span))
        done = {"any": acc, "all": A.UnaryOp("not", acc), "next": found}.get(kind)
        loop = _Loop(node, clauses, acc, kind, done, found)
        # The loop variables live in the comprehension only: give them fresh names.
        renames = {name: self.new_temp() for c in clauses for name in target_names(c.target)}
        self.wc.python_names.update({temp: name for name, temp in renames.items()})
        with self.renamed(renames):
            self._comp_clause(loop, 0, first_iter)
        return acc

    def _comp_clause(self, loop: "_Loop", i: int, iterator: A.Expr) -> None:
        clause = loop.clauses[i]
        target = self.comp_target(clause.target)
        with self.nested() as body:
            self._comp_conditions(loop, i, 0)
        self.emit(A.For(target, iterator, tuple(body), span=self.span(clause)))

    def _comp_conditions(self, loop: "_Loop", i: int, j: int) -> None:
        clause = loop.clauses[i]
        if j < len(clause.ifs):
            test = self.expr(clause.ifs[j].test)
            with self.nested() as body:
                self._comp_conditions(loop, i, j + 1)
            self.emit(A.If(test, tuple(body), span=self.span(clause.ifs[j])))
        elif i + 1 < len(loop.clauses):
            self._comp_clause(loop, i + 1, self.iteration(loop.clauses[i + 1].iter))
            if loop.done is not None:
                self.emit(A.If(loop.done, (A.Break(),), span=self.span(loop.node)))
        else:
            self._comp_element(loop)

    def _comp_element(self, loop: "_Loop") -> None:
        node, acc, kind = loop.node, loop.acc, loop.kind
        span = self.span(node)
        if isinstance(node, cst.DictComp):
            key, value = self.exprs([node.key, node.value])
            self.emit(A.Assign(A.Subscript(acc, key), value, span=span))
            return
        value = self.expr(node.elt)
        if kind == "any":
            self.emit(A.If(value, (A.Assign(acc, A.Constant(True)), A.Break()), span=span))
        elif kind == "all":
            self.emit(A.If(A.UnaryOp("not", value), (A.Assign(acc, A.Constant(False)), A.Break()), span=span))
        elif kind == "next":
            flag = (A.Assign(loop.found, A.Constant(True)),) if loop.found is not None else ()
            self.emit(A.Assign(acc, value, span=span))
            for stmt in (*flag, A.Break()):
                self.emit(stmt)
        else:
            self.emit(A.ExprStmt(A.Call(A.Attribute(acc, "append"), (value,)), span=span))

    def comp_target(self, target: cst.BaseExpression) -> A.Expr:
        if isinstance(target, cst.Name):
            return A.Name(self.local_name(target.value), span=self.span(target))
        if isinstance(target, (cst.Tuple, cst.List)):
            return A.TupleExpr(tuple(self.comp_target(e) for e in loop_target_elements(target)), span=self.span(target))
        raise Reject("RPL0226", "a loop target must be a name or a tuple of names", target)


# ------------------------------------------------------------------ helpers


_SHORT_CIRCUIT = frozenset({"any", "all", "next"})


@dataclasses.dataclass
class _Loop:
    """A comprehension lowered to loops."""

    node: cst.CSTNode
    clauses: list
    acc: A.Name
    kind: str
    done: A.Expr | None  # true once the result is decided (any, all, next)
    found: A.Name | None  # next() over nested loops: an item was found


def loop_target_elements(target: cst.Tuple | cst.List) -> list[cst.BaseExpression]:
    for element in target.elements:
        if isinstance(element, cst.StarredElement):
            raise Reject("RPL0216", "starred loop targets are not supported in a workflow", element,
                         "loop over whole items and unpack each in the body: `for row in rows:` then `first, *rest = row`")
    return [e.value for e in target.elements]


def as_starred(value: A.Expr) -> A.Starred:
    """The `*x` of `unpacked`'s `[*x]` (or of the temporary it was stored in)."""
    if isinstance(value, A.ListExpr) and len(value.elts) == 1 and isinstance(value.elts[0], A.Starred):
        return value.elts[0]
    return A.Starred(value, span=value.span)


def _kind(node: cst.CSTNode) -> str:
    return {"Await": "await", "Yield": "yield"}.get(type(node).__name__, type(node).__name__)


def _with_span(node: A.Node, span) -> A.Node:
    """A copy of `node` (nodes are frozen, and may be shared) at `span`. Every
    expression lowered passes here: copying the fields is a third of the cost
    of `dataclasses.replace`, which builds the node again."""
    copy = object.__new__(type(node))
    copy.__dict__.update(node.__dict__)
    object.__setattr__(copy, "span", span)
    return copy


def _singleton(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value in ("None", "True", "False")


def _bool_operands(node: cst.BooleanOperation) -> list:
    """The operands of a chain `a and b and c` (libcst nests it to the left).
    The node's own parentheses do not matter; an operand in parentheses is one
    operand. Iterative, so a chain of any length compiles."""
    op_type = type(node.operator)
    operands: list = []
    pending: list = [node]
    while pending:
        current = pending.pop()
        if current is node or (
            isinstance(current, cst.BooleanOperation) and isinstance(current.operator, op_type) and not current.lpar
        ):
            pending.append(current.right)
            pending.append(current.left)
        else:
            operands.append(current)
    return operands


def _string_pieces(node) -> list:
    if isinstance(node, cst.ConcatenatedString):
        return _string_pieces(node.left) + _string_pieces(node.right)
    return [node]


def _merge_text(parts: list) -> tuple:
    merged: list = []
    for part in parts:
        if isinstance(part, str):
            if not part:
                continue
            if merged and isinstance(merged[-1], str):
                merged[-1] += part
                continue
        merged.append(part)
    return tuple(merged)


def _decode_text(text: str, quote: str, raw: bool, node) -> str:
    text = text.replace("{{", "{").replace("}}", "}")
    if raw:
        return text
    try:
        return py_ast.literal_eval(quote + text + quote)
    except (SyntaxError, ValueError):
        raise Reject("RPL0253", "invalid Python syntax: this string cannot be decoded", node) from None


def _inner_parts(node) -> list:
    """What a comprehension evaluates per item (all but its first iterator)."""
    clauses = _clauses(node.for_in)
    return [clauses[0].target, *clauses[0].ifs, *clauses[1:], *_elements_of(node)]


def _clauses(for_in: cst.CompFor) -> list[cst.CompFor]:
    clauses = []
    while for_in is not None:
        clauses.append(for_in)
        for_in = for_in.inner_for_in
    return clauses


def comprehension_clauses(node) -> list[cst.CompFor]:
    """The `for` clauses of a comprehension; `async for` is rejected."""
    clauses = _clauses(node.for_in)
    for clause in clauses:
        if clause.asynchronous is not None:
            raise Reject("RPL0213", "`async for` is not supported in a workflow", clause)
    return clauses


def _elements_of(node) -> list:
    if isinstance(node, cst.DictComp):
        return [node.key, node.value]
    return [node.elt]


def target_names(target: cst.BaseExpression) -> list[str]:
    if isinstance(target, cst.Name):
        return [target.value]
    if isinstance(target, (cst.Tuple, cst.List)):
        return [n for e in target.elements for n in target_names(e.value)]
    return []
