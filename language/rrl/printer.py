"""The canonical RRL printer: `parse(print_program(p)) == p`.

Canonical means one spelling per tree: four-space indentation, tuples always
in parentheses (except as assignment and loop targets), double-quoted strings,
parentheses only where precedence needs them. Policies print the arguments
that are written, as they are written.
"""

from __future__ import annotations

from . import ast as A
from .strings import quote_string

INDENT = "    "

# Binding strength, loosest first; mirrors the expression rules of the grammar.
_LAMBDA, _COND, _OR, _AND, _NOT, _CMP, _ARITH, _TERM, _UNARY, _POWER, _POSTFIX, _ATOM = range(12)
_BINARY_PREC = {"+": _ARITH, "-": _ARITH, "*": _TERM, "/": _TERM, "//": _TERM, "%": _TERM, "**": _POWER}


def format_number(value: int | float) -> str:
    if isinstance(value, bool):
        raise TypeError("bool is not a number literal")
    if isinstance(value, int):
        return str(value)
    return repr(float(value))


class _Printer:
    def __init__(self, quote: str = '"'):
        self.quote = quote
        self.escape_both = quote == "'"

    # ------------------------------------------------------------- expressions

    def expr(self, node: A.Expr, min_prec: int = _LAMBDA) -> str:
        text, prec = self._expr(node)
        return f"({text})" if prec < min_prec else text

    def _expr(self, node) -> tuple[str, int]:
        match node:
            case A.Name(id=name):
                return name, _ATOM
            case A.Constant(value=value):
                return self.constant(value)
            case A.FString(parts=parts):
                return self.fstring(parts), _ATOM
            case A.ListExpr(elts=elts):
                return "[" + ", ".join(self.expr(e) for e in elts) + "]", _ATOM
            case A.TupleExpr(elts=elts):
                return self.tuple(elts), _ATOM
            case A.Starred(value=value):
                return f"*{self.expr(value)}", _LAMBDA
            case A.DictExpr(items=items):
                entries = (f"**{self.expr(v)}" if k is None else f"{self.expr(k)}: {self.expr(v)}" for k, v in items)
                return "{" + ", ".join(entries) + "}", _ATOM
            case A.Attribute(value=value, attr=attr):
                return f"{self.postfix_base(value)}.{attr}", _POSTFIX
            case A.Subscript(value=value, index=index):
                inner = self.slice(index) if isinstance(index, A.Slice) else self.expr(index)
                return f"{self.postfix_base(value)}[{inner}]", _POSTFIX
            case A.Call(func=func, args=args, kwargs=kwargs):
                arguments = [self.expr(a) for a in args] + [f"{k.name}={self.expr(k.value)}" for k in kwargs]
                return f"{self.postfix_base(func)}({', '.join(arguments)})", _POSTFIX
            case A.BinOp(left=left, op=op, right=right):
                prec = _BINARY_PREC[op]
                if op == "**":
                    return f"{self.expr(left, _POSTFIX)} ** {self.expr(right, _UNARY)}", _POWER
                return f"{self.expr(left, prec)} {op} {self.expr(right, prec + 1)}", prec
            case A.UnaryOp(op="not", operand=operand):
                return f"not {self.expr(operand, _NOT)}", _NOT
            case A.UnaryOp(op=op, operand=operand):
                return f"{op}{self.expr(operand, _UNARY)}", _UNARY
            case A.BoolOp(op=op, values=values):
                prec = _OR if op == "or" else _AND
                return f" {op} ".join(self.expr(v, prec + 1) for v in values), prec
            case A.Compare(left=left, ops=ops, comparators=comparators):
                parts = [self.expr(left, _ARITH)]
                for op, right in zip(ops, comparators):
                    parts.append(f"{op} {self.expr(right, _ARITH)}")
                return " ".join(parts), _CMP
            case A.Conditional(test=test, body=body, orelse=orelse):
                return f"{self.expr(body, _OR)} if {self.expr(test, _OR)} else {self.expr(orelse, _LAMBDA)}", _COND
            case A.Lambda(params=params, body=body):
                head = f"lambda {', '.join(params)}" if params else "lambda"
                return f"{head}: {self.expr(body)}", _LAMBDA
            case A.ListComp(elt=elt, generators=generators):
                return f"[{self.expr(elt)}{self.generators(generators)}]", _ATOM
            case A.DictComp(key=key, value=value, generators=generators):
                return f"{{{self.expr(key)}: {self.expr(value)}{self.generators(generators)}}}", _ATOM
        raise TypeError(f"not an RRL expression: {node!r}")

    def constant(self, value) -> tuple[str, int]:
        if value is None or isinstance(value, bool):
            return str(value), _ATOM
        if isinstance(value, str):
            return quote_string(value, self.quote, self.escape_both), _ATOM
        text = format_number(value)
        # A negative literal reads back as unary minus, so it binds like one.
        return text, (_UNARY if text.startswith("-") else _ATOM)

    def postfix_base(self, node: A.Expr) -> str:
        if isinstance(node, A.Constant) and type(node.value) in (int, float):
            return f"({self.expr(node)})"  # `(1).real`, not `1.real`
        return self.expr(node, _POSTFIX)

    def tuple(self, elts) -> str:
        if len(elts) == 1:
            return f"({self.expr(elts[0])},)"
        return "(" + ", ".join(self.expr(e) for e in elts) + ")"

    def slice(self, node: A.Slice) -> str:
        text = (self.expr(node.lower) if node.lower else "") + ":" + (self.expr(node.upper) if node.upper else "")
        if node.step is not None:
            text += ":" + self.expr(node.step)
        return text

    def generators(self, generators) -> str:
        text = ""
        for gen in generators:
            text += f" for {self.target(gen.target)} in {self.expr(gen.iter, _OR)}"
            for cond in gen.ifs:
                text += f" if {self.expr(cond, _OR)}"
        return text

    def fstring(self, parts) -> str:
        inner = _Printer(quote="'")
        body = []
        for part in parts:
            if isinstance(part, str):
                escaped = quote_string(part, self.quote, self.escape_both)[1:-1]
                body.append(escaped.replace("{", "{{").replace("}", "}}"))
                continue
            field = inner.expr(part.value)
            if field.startswith("{"):
                field = " " + field  # `{ {...}}`, not the `{{` escape
            if part.conversion:
                field += f"!{part.conversion}"
            if part.spec is not None:
                field += f":{part.spec}"
            body.append("{" + field + "}")
        return f"f{self.quote}" + "".join(body) + self.quote

    def target(self, node: A.Expr, nested: bool = False) -> str:
        """Assignment and loop targets: a top-level tuple without parentheses."""
        if isinstance(node, A.TupleExpr):
            text = ", ".join(self.target(e, nested=True) for e in node.elts)
            if len(node.elts) == 1:
                text += ","
            return f"({text})" if nested else text
        return self.expr(node)

    # ------------------------------------------------------------- types

    def type(self, node: A.Type) -> str:
        match node:
            case A.NoneType():
                return "None"
            case A.UnionType(options=options):
                return " | ".join(self.type(o) for o in options)
            case A.NamedType(name=name, args=args):
                return f"{name}[{', '.join(self.type(a) for a in args)}]" if args else name
        raise TypeError(f"not an RRL type: {node!r}")

    # ------------------------------------------------------------- statements

    def call(self, call: A.AwaitCall) -> str:
        text = f"await {call.name}(" + ", ".join(f"{k.name}={self.expr(k.value)}" for k in call.kwargs) + ")"
        if call.retry is not None:
            args = []
            if call.retry.attempts is not None:
                args.append(f"attempts={self.expr(call.retry.attempts)}")
            if call.retry.on is not None:
                args.append(f"on=[{', '.join(call.retry.on)}]")
            text += f" retry({', '.join(args)})"
        if call.backoff is not None:
            args = []
            for name in ("base", "multiplier", "max"):
                value = getattr(call.backoff, name)
                if value is not None:
                    args.append(f"{name}={self.policy_value(value)}")
            text += f" backoff({', '.join(args)})"
        if call.timeout is not None:
            text += f" timeout({self.policy_value(call.timeout)})"
        return text

    def policy_value(self, value: A.Seconds) -> str:
        return value.text if isinstance(value, A.Duration) else self.expr(value)

    def block(self, body, depth: int) -> list[str]:
        if not body:
            return [INDENT * depth + "pass"]
        lines: list[str] = []
        for stmt in body:
            lines.extend(self.stmt(stmt, depth))
        return lines

    def stmt(self, node: A.Stmt, depth: int) -> list[str]:
        pad = INDENT * depth
        match node:
            case A.ExprStmt(value=value):
                return [f"{pad}{self.expr(value)}"]
            case A.Delete(targets=targets):
                return [f"{pad}del " + ", ".join(self.target(t) for t in targets)]
            case A.Assign(target=target, value=value, annotation=annotation):
                if annotation is not None:
                    return [f"{pad}{self.target(target)}: {self.type(annotation)} = {self.expr(value)}"]
                return [f"{pad}{self.target(target)} = {self.expr(value)}"]
            case A.CallStmt(target=target, call=call):
                prefix = f"{self.target(target)} = " if target is not None else ""
                return [f"{pad}{prefix}{self.call(call)}"]
            case A.Parallel(target=target, calls=calls, return_exceptions=return_exceptions):
                prefix = f"{self.target(target)} = " if target is not None else ""
                mode = " return_exceptions" if return_exceptions else ""
                return [f"{pad}{prefix}parallel{mode}:"] + [INDENT * (depth + 1) + self.call(c) for c in calls]
            case A.ParallelFor():
                prefix = f"{self.target(node.target)} = " if node.target is not None else ""
                mode = " return_exceptions" if node.return_exceptions else ""
                limit = f" limit {node.limit}" if node.limit is not None else ""
                head = f"{pad}{prefix}parallel{mode} for {self.target(node.loop_target)} in {self.expr(node.iter)}{limit}:"
                return [head, INDENT * (depth + 1) + self.call(node.call)]
            case A.If():
                return self.if_chain(node, depth, "if")
            case A.For(target=target, iter=iter_, body=body, orelse=orelse):
                lines = [f"{pad}for {self.target(target)} in {self.expr(iter_)}:"] + self.block(body, depth + 1)
                return lines + self.else_block(orelse, depth)
            case A.While(test=test, body=body, orelse=orelse, max_iterations=bound):
                bound_text = f" max {bound}" if bound is not None else ""
                lines = [f"{pad}while {self.expr(test)}{bound_text}:"] + self.block(body, depth + 1)
                return lines + self.else_block(orelse, depth)
            case A.Try(body=body, handlers=handlers, orelse=orelse, finalbody=finalbody):
                lines = [f"{pad}try:"] + self.block(body, depth + 1)
                for handler in handlers:
                    head = "except"
                    if handler.types:
                        types = handler.types[0] if len(handler.types) == 1 else f"({', '.join(handler.types)})"
                        head += f" {types}"
                        if handler.name:
                            head += f" as {handler.name}"
                    lines += [f"{pad}{head}:"] + self.block(handler.body, depth + 1)
                lines += self.else_block(orelse, depth)
                if finalbody:
                    lines += [f"{pad}finally:"] + self.block(finalbody, depth + 1)
                return lines
            case A.Return(value=value):
                return [f"{pad}return" + (f" {self.expr(value)}" if value is not None else "")]
            case A.Raise(exc=exc, cause=cause):
                text = f"{pad}raise" + (f" {self.expr(exc)}" if exc is not None else "")
                return [text + (f" from {self.expr(cause)}" if cause is not None else "")]
            case A.Sleep(seconds=seconds):
                return [f"{pad}sleep {self.expr(seconds)}"]
            case A.Break():
                return [f"{pad}break"]
            case A.Continue():
                return [f"{pad}continue"]
        raise TypeError(f"not an RRL statement: {node!r}")

    def if_chain(self, node: A.If, depth: int, keyword: str) -> list[str]:
        pad = INDENT * depth
        lines = [f"{pad}{keyword} {self.expr(node.test)}:"] + self.block(node.body, depth + 1)
        if len(node.orelse) == 1 and isinstance(node.orelse[0], A.If):
            return lines + self.if_chain(node.orelse[0], depth, "elif")
        return lines + self.else_block(node.orelse, depth)

    def else_block(self, body, depth: int) -> list[str]:
        if not body:
            return []
        return [INDENT * depth + "else:"] + self.block(body, depth + 1)

    # ------------------------------------------------------------- declarations

    def params(self, params) -> str:
        out = []
        for p in params:
            text = f"{p.name}: {self.type(p.type)}"
            if p.default is not None:
                text += f" = {self.expr(p.default)}"
            out.append(text)
        return ", ".join(out)

    def decl(self, node: A.Decl) -> list[str]:
        match node:
            case A.ImportDecl(module=module, names=names):
                listed = ", ".join(f"{n} as {a}" if a else n for n, a in names)
                return [f"from {module} import {listed}"]
            case A.ConstDecl(name=name, value=value):
                return [f"const {name} = {self.expr(value)}"]
            case A.ActionDecl():
                return [f"action {node.name}({self.params(node.params)}) -> {self.type(node.returns)} from {node.module}"]
            case A.FnDecl() | A.WorkflowDecl():
                keyword = "fn" if isinstance(node, A.FnDecl) else "workflow"
                head = f"{keyword} {node.name}({self.params(node.params)}) -> {self.type(node.returns)}:"
                return [head] + self.block(node.body, 1)
        raise TypeError(f"not an RRL declaration: {node!r}")

    def program(self, program: A.Program) -> str:
        lines = [f"rrl {program.version}"]
        previous = None
        for decl in program.decls:
            kind = type(decl)
            # A blank line between groups, and around every block declaration.
            if kind is not previous or kind in (A.FnDecl, A.WorkflowDecl):
                lines.append("")
            lines.extend(self.decl(decl))
            previous = kind
        return "\n".join(lines) + "\n"


def print_program(program: A.Program) -> str:
    return _Printer().program(program)


def print_expr(node: A.Expr) -> str:
    return _Printer().expr(node)


def print_type(node: A.Type) -> str:
    return _Printer().type(node)


def print_target(node: A.Expr) -> str:
    return _Printer().target(node)


def print_stmt(node: A.Stmt) -> str:
    return "\n".join(_Printer().stmt(node, 0))


def print_call(node: A.AwaitCall) -> str:
    return _Printer().call(node)
