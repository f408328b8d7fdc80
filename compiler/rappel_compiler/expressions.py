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

from .diagnostics import Reject

_BINARY = {
    cst.Add: "+",
    cst.Subtract: "-",
    cst.Multiply: "*",
    cst.Divide: "/",
    cst.FloorDivide: "//",
    cst.Modulo: "%",
    cst.Power: "**",
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
    cst.BitOr: "|",
    cst.BitAnd: "&",
    cst.BitXor: "^",
    cst.LeftShift: "<<",
    cst.RightShift: ">>",
    cst.MatrixMultiply: "@",
    cst.BitInvert: "~",
}


OPERATOR_HELP = "RRL has the arithmetic operators + - * / // % **; compute other operations in an @action"


def is_stable(expr: A.Expr) -> bool:
    """Evaluating it later gives the same value and cannot raise."""
    return isinstance(expr, (A.Name, A.Constant, A.Lambda))


def operator_text(op: cst.CSTNode) -> str:
    return _OPERATOR_TEXT.get(type(op), type(op).__name__)


class ExpressionLowering:
    """Mixin of `FunctionLowerer`: see function.py for the shared state."""

    # -------------------------------------------------------------- dispatch

    def expr(self, node: cst.BaseExpression) -> A.Expr:
        method = getattr(self, "_expr_" + type(node).__name__, None)
        if method is None:
            raise Reject("RPL0221", f"this expression ({_kind(node)}) is not supported in a workflow", node)
        result = method(node)
        if result.span is None:
            result = _with_span(result, self.span(node))
        return result

    def ordered(self, thunks: list[Callable[[], A.Expr]]) -> list[A.Expr]:
        """Lower operands in Python's evaluation order; when one of them emits
        statements, the earlier operands are evaluated first into temporaries."""
        results: list[A.Expr] = []
        for thunk in thunks:
            mark = len(self.block)
            value = thunk()
            if len(self.block) > mark:
                spills = []
                for i, earlier in enumerate(results):
                    if not is_stable(earlier):
                        temp = self.new_temp()
                        spills.append(A.Assign(A.Name(temp, span=earlier.span), earlier, span=earlier.span))
                        results[i] = A.Name(temp, span=earlier.span)
                self.block[mark:mark] = spills
            results.append(value)
        return results

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
        parts: list = []
        fields = [p for p in node.parts if isinstance(p, cst.FormattedStringExpression)]
        values = iter(self.ordered([lambda f=f: self.expr(f.expression) for f in fields]))
        for part in node.parts:
            if isinstance(part, cst.FormattedStringText):
                parts.append(_decode_text(part.value, quote, raw, part))
                continue
            if part.equal is not None:
                raise Reject("RPL0221", "the `=` specifier of f-strings is not supported", part, "write the label out: f\"x={x!r}\"")
            conversion = part.conversion
            if conversion not in (None, "r", "s"):
                raise Reject("RPL0221", f"the `!{conversion}` conversion is not supported", part, "use `!r` or `!s`")
            spec = None
            if part.format_spec is not None:
                pieces = []
                for piece in part.format_spec:
                    if not isinstance(piece, cst.FormattedStringText):
                        raise Reject("RPL0221", "a field inside a format spec is not supported", piece, "compute the formatted text first")
                    pieces.append(_decode_text(piece.value, quote, raw, piece))
                spec = "".join(pieces)
            value = next(values)
            if isinstance(value, A.FString) and conversion is None and not spec:
                parts.extend(value.parts)  # f"a{f'b{x}'}" is f"ab{x}"
                continue
            parts.append(A.FormattedValue(value, conversion, spec, span=self.span(part.expression)))
        return A.FString(_merge_text(parts))

    # -------------------------------------------------------------- containers

    def _expr_List(self, node: cst.List) -> A.Expr:
        return A.ListExpr(tuple(self.exprs(self._elements(node.elements))))

    def _expr_Tuple(self, node: cst.Tuple) -> A.Expr:
        return A.TupleExpr(tuple(self.exprs(self._elements(node.elements))))

    def _elements(self, elements) -> list:
        for element in elements:
            if isinstance(element, cst.StarredElement):
                raise Reject("RPL0216", "unpacking with `*` is not supported here", element, "concatenate the lists with `+`")
        return [e.value for e in elements]

    def _expr_Dict(self, node: cst.Dict) -> A.Expr:
        thunks = []
        for element in node.elements:
            if isinstance(element, cst.StarredDictElement):
                raise Reject("RPL0216", "unpacking with `**` is not supported here", element, "copy the dict with dict(...) and assign the keys")
            thunks.append(lambda e=element: self.expr(e.key))
            thunks.append(lambda e=element: self.expr(e.value))
        values = self.ordered(thunks)
        return A.DictExpr(tuple(zip(values[0::2], values[1::2])))

    def _expr_Set(self, node: cst.Set) -> A.Expr:
        raise Reject("RPL0214", "sets are not supported in a workflow", node, "use a list (or a dict with True values) instead; set order is not deterministic")

    def _expr_SetComp(self, node: cst.SetComp) -> A.Expr:
        raise Reject("RPL0214", "set comprehensions are not supported in a workflow", node, "use a list (or a dict with True values) instead; set order is not deterministic")

    # -------------------------------------------------------------- access

    def _expr_Attribute(self, node: cst.Attribute) -> A.Expr:
        reference = self.attribute_reference(node)
        if reference is not None:
            return reference
        return A.Attribute(self.expr(node.value), node.attr.value)

    def _expr_Subscript(self, node: cst.Subscript) -> A.Expr:
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
        op = _BINARY.get(type(node.operator))
        if op is None:
            raise Reject("RPL0221", f"the `{operator_text(node.operator)}` operator is not supported in a workflow", node,
                         OPERATOR_HELP)
        if op == "%" and isinstance(node.left, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)):
            raise Reject("RPL0221", "printf-style formatting (`\"...\" % values`) is not supported in a workflow", node,
                         "use an f-string")
        left, right = self.exprs([node.left, node.right])
        return A.BinOp(left, op, right)

    def _expr_UnaryOperation(self, node: cst.UnaryOperation) -> A.Expr:
        op = _UNARY.get(type(node.operator))
        if op is None:
            raise Reject("RPL0221", f"the `{operator_text(node.operator)}` operator is not supported in a workflow", node,
                         OPERATOR_HELP)
        return A.UnaryOp(op, self.expr(node.expression))

    def _expr_Comparison(self, node: cst.Comparison) -> A.Expr:
        # Operands after the first comparison are evaluated only if it holds,
        # so only the first two may be hoisted.
        for target in node.comparisons[1:]:
            if self.has_effects(target.comparator):
                raise Reject(
                    "RPL0217",
                    "an await or helper call cannot be evaluated inside a chained comparison",
                    target.comparator,
                    "compute it into a variable before the comparison",
                )
        operands_cst = [node.left, *(t.comparator for t in node.comparisons)]
        for i, target in enumerate(node.comparisons):
            if isinstance(target.operator, (cst.Is, cst.IsNot)) and not (
                _singleton(operands_cst[i]) or _singleton(operands_cst[i + 1])
            ):
                raise Reject(
                    "RPL0221",
                    "`is` compares object identity, which RRL values do not have",
                    node,
                    "compare with `==`; `is` works only with None, True and False",
                )
        operands = self.exprs(operands_cst)
        ops = tuple(_COMPARE[type(t.operator)] for t in node.comparisons)
        return A.Compare(operands[0], ops, tuple(operands[1:]))

    def _expr_BooleanOperation(self, node: cst.BooleanOperation) -> A.Expr:
        op = "and" if isinstance(node.operator, cst.And) else "or"
        operands = _flatten_bool(node, type(node.operator))
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
                "a lambda can only be passed as the `key=` argument of sorted(), min() or max()",
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
        raise Reject("RPL0215", "assignment expressions (`:=`) are not supported in a workflow", node, "assign the value in its own statement first")

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

    def comprehension(self, node, kind: str) -> A.Expr:
        """`kind`: list | dict (the comprehension itself), or the builtin that
        consumes a generator: any | all (short-circuit), or eager (others)."""
        clauses = comprehension_clauses(node)
        inner = _inner_parts(node)
        if any(self.has_await(n) for n in inner):
            raise Reject(
                "RPL0217",
                "an await inside a comprehension is not supported",
                node,
                "use asyncio.gather(*[...]) to run actions for every item, or a for loop",
            )
        first_iter = self.expr(clauses[0].iter)
        # any()/all() stop at the first deciding item: later items are never evaluated
        # (they might raise), so they are loops with `break` even when pure.
        if kind in ("any", "all") or any(self.has_effects(n) for n in inner):
            return self.comprehension_loop(node, clauses, first_iter, kind)
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
            iterator = first_iter if i == 0 else self.expr(clause.iter)
            ifs = tuple(self.expr(c.test) for c in clause.ifs)
            generators.append(A.Comprehension(self.comp_target(clause.target), iterator, ifs, span=self.span(clause)))
        return tuple(generators)

    def comprehension_loop(self, node, clauses, first_iter: A.Expr, kind: str) -> A.Expr:
        """A comprehension calling helpers, as loops that preserve the order of
        evaluation: `acc = []; for x in xs: if cond: acc = acc + [elt]`."""
        acc = self.new_temp()
        start = {"dict": A.DictExpr(()), "any": A.Constant(False), "all": A.Constant(True)}.get(kind, A.ListExpr(()))
        self.emit(A.Assign(A.Name(acc), start, span=self.span(node)))
        # The loop variables live in the comprehension only: give them fresh names.
        renames = {name: self.new_temp() for c in clauses for name in target_names(c.target)}
        with self.renamed(renames):
            self._comp_clause(node, clauses, 0, first_iter, acc, kind)
        return A.Name(acc)

    def _comp_clause(self, node, clauses, i: int, iterator: A.Expr, acc: str, kind: str) -> None:
        clause = clauses[i]
        target = self.comp_target(clause.target)
        with self.nested() as body:
            self._comp_conditions(node, clauses, i, 0, acc, kind)
        self.emit(A.For(target, iterator, tuple(body), span=self.span(clause)))

    def _comp_conditions(self, node, clauses, i: int, j: int, acc: str, kind: str) -> None:
        clause = clauses[i]
        if j < len(clause.ifs):
            test = self.expr(clause.ifs[j].test)
            with self.nested() as body:
                self._comp_conditions(node, clauses, i, j + 1, acc, kind)
            self.emit(A.If(test, tuple(body), span=self.span(clause.ifs[j])))
        elif i + 1 < len(clauses):
            self._comp_clause(node, clauses, i + 1, self.expr(clauses[i + 1].iter), acc, kind)
            if kind in ("any", "all"):  # the inner loop's `break` leaves only the inner loop
                done = A.Name(acc) if kind == "any" else A.UnaryOp("not", A.Name(acc))
                self.emit(A.If(done, (A.Break(),), span=self.span(node)))
        else:
            self._comp_element(node, acc, kind)

    def _comp_element(self, node, acc: str, kind: str) -> None:
        span = self.span(node)
        if isinstance(node, cst.DictComp):
            key, value = self.exprs([node.key, node.value])
            self.emit(A.Assign(A.Subscript(A.Name(acc), key), value, span=span))
            return
        value = self.expr(node.elt)
        if kind == "any":
            self.emit(A.If(value, (A.Assign(A.Name(acc), A.Constant(True)), A.Break()), span=span))
        elif kind == "all":
            self.emit(A.If(A.UnaryOp("not", value), (A.Assign(A.Name(acc), A.Constant(False)), A.Break()), span=span))
        else:
            self.emit(A.Assign(A.Name(acc), A.BinOp(A.Name(acc), "+", A.ListExpr((value,))), span=span))

    def comp_target(self, target: cst.BaseExpression) -> A.Expr:
        if isinstance(target, cst.Name):
            return A.Name(self.local_name(target.value), span=self.span(target))
        if isinstance(target, (cst.Tuple, cst.List)):
            return A.TupleExpr(tuple(self.comp_target(e) for e in self._elements(target.elements)), span=self.span(target))
        raise Reject("RPL0226", "a loop target must be a name or a tuple of names", target)


# ------------------------------------------------------------------ helpers


def _kind(node: cst.CSTNode) -> str:
    return {"Await": "await", "Yield": "yield"}.get(type(node).__name__, type(node).__name__)


def _with_span(node: A.Node, span) -> A.Node:
    import dataclasses

    return dataclasses.replace(node, span=span)


def _singleton(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value in ("None", "True", "False")


def _flatten_bool(node: cst.BaseExpression, op_type) -> list:
    if isinstance(node, cst.BooleanOperation) and isinstance(node.operator, op_type) and not node.lpar:
        return _flatten_bool(node.left, op_type) + _flatten_bool(node.right, op_type)
    return [node]


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
        raise Reject("RPL0221", "this string cannot be decoded", node) from None


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
