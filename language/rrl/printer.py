"""The canonical RRL printer: `parse(print_program(p)) == p`.

Canonical means one spelling per tree: four-space indentation, tuples always
in parentheses (except as assignment and loop targets), double-quoted strings,
parentheses only where precedence needs them. Policies print the arguments
that are written, as they are written.

A name the parser would not read back (a keyword where it stands, see
`rrl.keywords`, or no name at all) is a ValueError, never text, with a
layout too: it keeps literals as written, never names.

Given the `Layout` of the text a program was parsed from (`rappel fmt`, see
`rrl.layout.format_source`), the printer also keeps what the tree does not
hold: comments where they stand, blank lines (at most one in a row), literals
as they are written, and brackets broken over lines where they hold a comment
or end with a trailing comma. The rules are in docs/language.md, "Formatting".
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, NamedTuple

from . import ast as A
from .keywords import name_problem
from .limits import deep_stack
from .strings import quote_string

if TYPE_CHECKING:
    from .layout import Comment, Layout, Position

INDENT = "    "
COMMENT_GAP = "  "  # between code and the comment that ends its line

# Binding strength, loosest first; mirrors the expression rules of the grammar.
_LAMBDA, _COND, _OR, _AND, _NOT, _CMP, _BIT_OR, _BIT_XOR, _BIT_AND, _ARITH, _TERM, _UNARY, _POWER, _POSTFIX, _ATOM = range(15)
_BINARY_PREC = {
    "|": _BIT_OR, "^": _BIT_XOR, "&": _BIT_AND,
    "+": _ARITH, "-": _ARITH, "*": _TERM, "/": _TERM, "//": _TERM, "%": _TERM, "**": _POWER,
    "+=": _LAMBDA, "|=": _LAMBDA,  # the value of `xs += ys`, which a statement prints (shown so in a message only)
}


def format_number(value: int | float) -> str:
    if isinstance(value, bool):
        raise TypeError("bool is not a number literal")
    if isinstance(value, int):
        return str(value)
    return repr(float(value))


class _Item(NamedTuple):
    """One element of a bracket: where it stands in the source, and how it prints."""

    start: Position | None
    end: Position | None
    render: Callable[[], str]


def _start(node: A.Node) -> Position:
    return (node.span.line, node.span.column)


def _end(node: A.Node) -> Position:
    return (node.span.end_line, node.span.end_column)


def _item(first: A.Node, last: A.Node, render: Callable[[], str]) -> _Item:
    if first.span is None or last.span is None:
        return _Item(None, None, render)
    return _Item(_start(first), _end(last), render)


def _first_line(node: A.Node) -> int | None:
    return node.span.line if node.span is not None else None


def _indent(text: str) -> str:
    return "\n".join(INDENT + line if line else line for line in text.split("\n"))


def _name(name: str, *, of_python: bool = False) -> str:
    problem = name_problem(name, of_python=of_python)
    if problem is not None:
        raise ValueError(f"cannot print `{name}` as a name: {problem}, and the parser would not read it back")
    return name


def _dotted(name: str) -> str:
    """A module or a qualname: names of Python's world."""
    for part in name.split("."):
        _name(part, of_python=True)
    return name


class _Printer:
    def __init__(self, quote: str = '"', layout: Layout | None = None):
        self.quote = quote
        self.escape_both = quote == "'"
        self.layout = layout

    # ------------------------------------------------------------- expressions

    def expr(self, node: A.Expr, min_prec: int = _LAMBDA) -> str:
        text, prec = self._expr(node)
        return f"({text})" if prec < min_prec else text

    def _expr(self, node) -> tuple[str, int]:
        match node:
            case A.Name(id=name):
                return _name(name), _ATOM
            case A.Constant():
                return self.constant(node)
            case A.FString(parts=parts):
                canonical = self.fstring(parts)  # refuses a keyword in a field, which the written text holds too
                return self.written(node) or canonical, _ATOM
            case A.ListExpr(elts=elts):
                return self.bracket("[", [_item(e, e, lambda e=e: self.expr(e)) for e in elts], "]", node), _ATOM
            case A.TupleExpr(elts=elts):
                return self.tuple(node), _ATOM
            case A.Starred(value=value):
                return f"*{self.expr(value)}", _LAMBDA
            case A.DictExpr(items=items):
                entries = [_item(k or v, v, lambda k=k, v=v: self.dict_item(k, v)) for k, v in items]
                return self.bracket("{", entries, "}", node), _ATOM
            case A.Attribute(value=value, attr=attr):
                return f"{self.postfix_base(value)}.{_name(attr, of_python=True)}", _POSTFIX
            case A.Subscript(value=value, index=index):
                base = self.postfix_base(value)
                render = (lambda: self.slice(index)) if isinstance(index, A.Slice) else (lambda: self.expr(index))
                item = _item(index, index, render)
                return base + self.bracket("[", [item], "]", node, after=value, trailing_comma=False, magic=False), _POSTFIX
            case A.Call(func=func, args=args, kwargs=kwargs):
                base = self.postfix_base(func)
                arguments = [_item(a, a, lambda a=a: self.expr(a)) for a in args]
                arguments += [_item(k, k, lambda k=k: f"{_name(k.name, of_python=True)}={self.expr(k.value)}") for k in kwargs]
                return base + self.bracket("(", arguments, ")", node, after=func), _POSTFIX
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
                parts = [self.expr(left, _BIT_OR)]
                for op, right in zip(ops, comparators):
                    parts.append(f"{op} {self.expr(right, _BIT_OR)}")
                return " ".join(parts), _CMP
            case A.Conditional(test=test, body=body, orelse=orelse):
                return f"{self.expr(body, _OR)} if {self.expr(test, _OR)} else {self.expr(orelse, _LAMBDA)}", _COND
            case A.Lambda(params=params, body=body):
                head = f"lambda {', '.join(_name(p) for p in params)}" if params else "lambda"
                return f"{head}: {self.expr(body)}", _LAMBDA
            case A.ListComp(elt=elt, generators=generators):
                items = [_item(elt, elt, lambda: self.expr(elt)), *self.generators(generators)]
                return self.bracket("[", items, "]", node, separator=""), _ATOM
            case A.DictComp(key=key, value=value, generators=generators):
                items = [_item(key, value, lambda: self.dict_item(key, value)), *self.generators(generators)]
                return self.bracket("{", items, "}", node, separator=""), _ATOM
        raise TypeError(f"not an RRL expression: {node!r}")

    def constant(self, node: A.Constant) -> tuple[str, int]:
        value = node.value
        if value is None or isinstance(value, bool):
            return str(value), _ATOM
        if isinstance(value, str):
            return self.written(node) or quote_string(value, self.quote, self.escape_both), _ATOM
        text = self.written(node) or format_number(value)
        # A negative literal reads back as unary minus, so it binds like one.
        return text, (_UNARY if text.startswith("-") else _ATOM)

    def written(self, node: A.Constant | A.FString) -> str | None:
        """A literal as its source writes it (`1e3`, `'text'`), when formatting a file."""
        return self.layout.token(node) if self.layout is not None else None

    def postfix_base(self, node: A.Expr) -> str:
        if isinstance(node, A.Constant) and type(node.value) in (int, float):
            return f"({self.expr(node)})"  # `(1).real`, not `1.real`
        return self.expr(node, _POSTFIX)

    def tuple(self, node: A.TupleExpr) -> str:
        items = [_item(e, e, lambda e=e: self.expr(e)) for e in node.elts]
        # `(x,)`: the comma that makes a one-item tuple does not break it over lines.
        return self.bracket("(", items, ")", node, magic=len(items) != 1, lone_comma=True)

    def dict_item(self, key: A.Expr | None, value: A.Expr) -> str:
        return f"**{self.expr(value)}" if key is None else f"{self.expr(key)}: {self.expr(value)}"

    def slice(self, node: A.Slice) -> str:
        text = (self.expr(node.lower) if node.lower else "") + ":" + (self.expr(node.upper) if node.upper else "")
        if node.step is not None:
            text += ":" + self.expr(node.step)
        return text

    def generators(self, generators) -> list[_Item]:
        """The `for ... in ...` and `if ...` clauses of a comprehension, one item each."""
        items = []
        for gen in generators:
            items.append(_item(gen, gen.iter, lambda gen=gen: f" for {self.target(gen.target)} in {self.expr(gen.iter, _OR)}"))
            items += [_item(cond, cond, lambda cond=cond: f" if {self.expr(cond, _OR)}") for cond in gen.ifs]
        return items

    def fstring(self, parts) -> str:
        inner = _Printer(quote="'")
        body = []
        for part in parts:
            if isinstance(part, str):
                escaped = quote_string(part, self.quote, self.escape_both)[1:-1]
                body.append(escaped.replace("{", "{{").replace("}", "}}"))
                continue
            field = inner.expr(part.value, _COND)  # `{(lambda: x)}`: a lambda's `:` would start the spec
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

    # ------------------------------------------------------------- brackets

    def bracket(
        self,
        open_: str,
        items: list[_Item],
        close: str,
        node: A.Node,
        *,
        after: A.Node | None = None,
        until: A.Node | None = None,
        separator: str = ",",
        trailing_comma: bool = True,
        magic: bool = True,
        lone_comma: bool = False,
    ) -> str:
        """`open_ item, item close` on one line; with a layout, one item per line
        when a comment stands inside the bracket or (`magic`) a comma follows its
        last item. The bracket spans `node`, from the end of `after` (a callee,
        a subscripted value) to the start of `until` (what follows the bracket).
        Comprehension clauses (`separator=""`) render with their leading space."""
        region = self.region(node, after, until)
        if region is not None and all(item.start is not None for item in items):
            start, end = region
            magic_comma = magic and separator == "," and items and self.layout.comma_between(items[-1].end, end)
            if magic_comma or self.layout.any_between(start, end):
                return self.exploded(open_, items, close, start, end, separator, trailing_comma)
        texts = [item.render() for item in items]
        if not separator:
            return open_ + "".join(texts) + close
        return open_ + f"{separator} ".join(texts) + ("," if lone_comma and len(texts) == 1 else "") + close

    def region(self, node: A.Node, after: A.Node | None, until: A.Node | None) -> tuple[Position, Position] | None:
        if self.layout is None or node.span is None:
            return None
        for other in (after, until):
            if other is not None and other.span is None:
                return None
        start = _end(after) if after is not None else _start(node)
        end = _start(until) if until is not None else _end(node)
        return start, end

    def exploded(self, open_, items, close, start, end, separator, trailing_comma) -> str:
        """One item per line, each followed by its separator and the comment that
        ends its source line; own-line comments before the item they precede."""
        layout = self.layout
        own = layout.take_between(start, end, outside=[(item.start, item.end) for item in items])
        head: list[Comment] = []
        before: list[list[Comment]] = [[] for _ in items] + [[]]  # the last: before the closing bracket
        after: list[Comment | None] = [None for _ in items]
        for comment in own:
            following = next((n for n, item in enumerate(items) if comment.position < item.start), len(items))
            previous = following - 1
            if previous < 0 and comment.line == start[0]:
                head.append(comment)
            elif previous >= 0 and comment.line == items[previous].end[0]:
                after[previous] = comment
            else:
                before[following].append(comment)
        lines = []
        for n, item in enumerate(items):
            text = item.render().lstrip()
            misplaced = layout.take_between(item.start, item.end)  # inside the item, where no bracket holds them
            lines += [c.text for c in before[n] + misplaced]
            if n < len(items) - 1 or trailing_comma:
                text += separator
            lines.append(text + (COMMENT_GAP + after[n].text if after[n] else ""))
        lines += [c.text for c in before[-1]]
        first = open_ + "".join(COMMENT_GAP + c.text for c in head)
        return "\n".join([first, *(_indent(line) for line in lines), close])

    # ------------------------------------------------------------- types

    def type(self, node: A.Type) -> str:
        match node:
            case A.NoneType():
                return "None"
            case A.UnionType(options=options):
                return " | ".join(self.type(o) for o in options)
            case A.NamedType(name=name, args=args):
                if not args:
                    return _name(name, of_python=True)
                items = [_item(a, a, lambda a=a: self.type(a)) for a in args]
                return _name(name, of_python=True) + self.bracket("[", items, "]", node, trailing_comma=False, magic=False)
        raise TypeError(f"not an RRL type: {node!r}")

    # ------------------------------------------------------------- statements

    def call(self, call: A.AwaitCall) -> str:
        # The arguments' bracket ends where the first policy starts.
        policies = [p for p in (call.retry, call.backoff, call.timeout) if p is not None]
        first_policy = min(policies, key=lambda p: _start(p) if p.span else (0, 0)) if policies else None
        arguments = [_item(k, k, lambda k=k: f"{_name(k.name, of_python=True)}={self.expr(k.value)}") for k in call.kwargs]
        text = f"await {_name(call.name, of_python=True)}" + self.bracket("(", arguments, ")", call, until=first_policy)
        if call.retry is not None:
            args = []
            if call.retry.attempts is not None:
                args.append(f"attempts={self.expr(call.retry.attempts)}")
            if call.retry.on is not None:
                args.append(f"on=[{', '.join(_name(t, of_python=True) for t in call.retry.on)}]")
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

    def block(self, body, depth: int, owner: A.Node, header_end: int | None, line: Callable | None = None) -> list[str]:
        """The statements of a block; `owner` is the statement or declaration whose
        header (ending on `header_end`) opens it. `line` prints each item (a
        statement by default; a field or a member of a class)."""
        pad = INDENT * depth
        line = line or self.stmt
        if not body:
            written = self.layout.pass_after(header_end) if self.layout and header_end else None
            lines = self.leading(written, depth, first_blank=False) + [pad + "pass" + self.trailing(written)]
        else:
            lines = []
            for n, stmt in enumerate(body):
                lines += self.leading(_first_line(stmt), depth, first_blank=False if n == 0 else None)
                lines += line(stmt, depth)
        return lines + self.block_end(depth, owner, self.last_line(body, header_end))

    def last_line(self, body, header_end: int | None) -> int | None:
        """The source line where a block ends (a lone `pass` for an empty block)."""
        if body:
            return self.end_line(body[-1])
        return self.layout.pass_after(header_end) if self.layout and header_end else None

    def stmt(self, node: A.Stmt, depth: int) -> list[str]:
        match node:
            case A.ExprStmt(value=value):
                return self.simple(node, depth, lambda: self.expr(value))
            case A.Delete(targets=targets):
                return self.simple(node, depth, lambda: "del " + ", ".join(self.target(t) for t in targets))
            case A.Assign(target=target, value=value, annotation=annotation):
                if annotation is not None:
                    return self.simple(node, depth, lambda: f"{self.target(target)}: {self.type(annotation)} = {self.expr(value)}")
                if isinstance(value, A.BinOp) and value.op in A.IN_PLACE_OPERATORS:
                    return self.simple(node, depth, lambda: f"{self.target(target)} {value.op} {self.expr(value.right)}")
                return self.simple(node, depth, lambda: f"{self.target(target)} = {self.expr(value)}")
            case A.CallStmt(target=target, call=call):
                prefix = f"{self.target(target)} = " if target is not None else ""
                return self.simple(node, depth, lambda: prefix + self.call(call))
            case A.Parallel(target=target, calls=calls, return_exceptions=return_exceptions):
                prefix = f"{self.target(target)} = " if target is not None else ""
                mode = " return_exceptions" if return_exceptions else ""
                lines, header_end = self.header(node, depth, lambda: f"{prefix}parallel{mode}:")
                return lines + self.calls(node, calls, depth + 1, header_end)
            case A.ParallelFor():
                prefix = f"{self.target(node.target)} = " if node.target is not None else ""
                mode = " return_exceptions" if node.return_exceptions else ""
                limit = f" limit {node.limit}" if node.limit is not None else ""
                lines, header_end = self.header(
                    node, depth, lambda: f"{prefix}parallel{mode} for {self.target(node.loop_target)} in {self.expr(node.iter)}{limit}:"
                )
                return lines + self.calls(node, (node.call,), depth + 1, header_end)
            case A.If():
                return self.if_chain(node, depth, "if")
            case A.For(target=target, iter=iter_, body=body, orelse=orelse):
                lines, header_end = self.header(node, depth, lambda: f"for {self.target(target)} in {self.expr(iter_)}:")
                lines += self.block(body, depth + 1, node, header_end)
                return lines + self.clause("else", orelse, depth, node, self.last_line(body, header_end))
            case A.While(test=test, body=body, orelse=orelse, max_iterations=bound):
                bound_text = f" max {bound}" if bound is not None else ""
                lines, header_end = self.header(node, depth, lambda: f"while {self.expr(test)}{bound_text}:")
                lines += self.block(body, depth + 1, node, header_end)
                return lines + self.clause("else", orelse, depth, node, self.last_line(body, header_end))
            case A.Try(body=body, handlers=handlers, orelse=orelse, finalbody=finalbody):
                lines, header_end = self.header(node, depth, lambda: "try:")
                lines += self.block(body, depth + 1, node, header_end)
                last = self.last_line(body, header_end)
                for handler in handlers:
                    lines += self.leading(_first_line(handler), depth, first_blank=False, blanks=False)
                    head, handler_end = self.header(handler, depth, lambda handler=handler: self.except_head(handler))
                    lines += head + self.block(handler.body, depth + 1, handler, handler_end)
                    last = self.last_line(handler.body, handler_end)
                lines += self.clause("else", orelse, depth, node, last)
                if orelse:
                    last = self.last_line(orelse, self.clause_line(last))
                return lines + self.clause("finally", finalbody, depth, node, last)
            case A.Return(value=value):
                return self.simple(node, depth, lambda: "return" + (f" {self.expr(value)}" if value is not None else ""))
            case A.Raise(exc=exc, cause=cause):
                def text():
                    head = "raise" + (f" {self.expr(exc)}" if exc is not None else "")
                    return head + (f" from {self.expr(cause)}" if cause is not None else "")
                return self.simple(node, depth, text)
            case A.Sleep(seconds=seconds):
                return self.simple(node, depth, lambda: f"sleep {self.expr(seconds)}")
            case A.Break():
                return self.simple(node, depth, lambda: "break")
            case A.Continue():
                return self.simple(node, depth, lambda: "continue")
        raise TypeError(f"not an RRL statement: {node!r}")

    def except_head(self, handler: A.ExceptHandler) -> str:
        head = "except"
        if handler.types:
            names = [_name(t, of_python=True) for t in handler.types]
            head += f" {names[0]}" if len(names) == 1 else f" ({', '.join(names)})"
            if handler.name:
                head += f" as {_name(handler.name)}"
        return head + ":"

    def if_chain(self, node: A.If, depth: int, keyword: str) -> list[str]:
        lines, header_end = self.header(node, depth, lambda: f"{keyword} {self.expr(node.test)}:")
        lines += self.block(node.body, depth + 1, node, header_end)
        if len(node.orelse) == 1 and isinstance(node.orelse[0], A.If):
            elif_ = node.orelse[0]
            lines += self.leading(_first_line(elif_), depth, first_blank=False, blanks=False)
            return lines + self.if_chain(elif_, depth, "elif")
        return lines + self.clause("else", node.orelse, depth, node, self.last_line(node.body, header_end))

    def clause(self, keyword: str, body, depth: int, owner: A.Node, previous_end: int | None) -> list[str]:
        """`else:` or `finally:` and its block, after a block that ends on `previous_end`."""
        if not body:
            return []
        line = self.clause_line(previous_end)
        lines = self.leading(line, depth, first_blank=False, blanks=False)
        lines.append(INDENT * depth + f"{keyword}:" + self.trailing(line))
        return lines + self.block(body, depth + 1, owner, line)

    def clause_line(self, previous_end: int | None) -> int | None:
        """The line of the `else:` or `finally:` that follows a block ending on `previous_end`."""
        if self.layout is None or previous_end is None:
            return None
        return self.layout.header_end(previous_end + 1)

    def calls(self, owner: A.Parallel | A.ParallelFor, calls, depth: int, header_end: int | None) -> list[str]:
        """The await calls of a `parallel` block, one per line."""
        lines = []
        for n, call in enumerate(calls):
            lines += self.leading(_first_line(call), depth, first_blank=False if n == 0 else None)
            lines += self.simple(call, depth, lambda call=call: self.call(call))
        return lines + self.block_end(depth, owner, self.end_line(calls[-1]))

    # ------------------------------------------------------------- comments and blank lines

    def simple(self, node: A.Node, depth: int, render: Callable[[], str]) -> list[str]:
        """A statement, declaration or call on lines of its own."""
        return self.lines_of(node, depth, render, self.end_line(node))

    def header(self, node: A.Node, depth: int, render: Callable[[], str]) -> tuple[list[str], int | None]:
        """A block header (`if x:`, `except E:`, `fn f() -> T:`) and the line where it ends."""
        end = self.layout.header_end(node.span.line) if self.layout is not None and node.span is not None else None
        return self.lines_of(node, depth, render, end), end

    def lines_of(self, node: A.Node, depth: int, render: Callable[[], str], last: int | None) -> list[str]:
        """`node` printed from its first source line to `last`: the comments in
        between that no bracket holds go on their own lines before it, and the
        comment after its code on `last` ends its last line."""
        text = render()
        if self.layout is None or node.span is None or last is None:
            return self.padded(text, depth)
        misplaced = self.layout.take_between(_start(node), (last, 0))
        return self.comment_lines(misplaced, depth) + self.padded(text + self.trailing(last), depth)

    def end_line(self, node: A.Node) -> int | None:
        """The last source line that holds code of `node`."""
        if node.span is None:
            return None
        return self.layout.last_code_line(node.span) if self.layout is not None else node.span.end_line

    def padded(self, text: str, depth: int) -> list[str]:
        pad = INDENT * depth
        return [pad + line if line else line for line in text.split("\n")]

    def comment_lines(self, comments: list[Comment], depth: int) -> list[str]:
        return [INDENT * depth + c.text for c in comments]

    def trailing(self, line: int | None) -> str:
        comment = self.layout.take_trailing(line) if self.layout is not None and line is not None else None
        return COMMENT_GAP + comment.text if comment else ""

    def leading(self, line: int | float | None, depth: int, first_blank: bool | None, blanks: bool = True) -> list[str]:
        """What goes before the code on `line`: the comments not printed yet that
        come before it, each on a line of its own, and a blank line before each of
        these lines and the code where the source has one. `first_blank` decides
        for the first of them instead (True: a blank line opens them; False: none);
        `blanks=False` leaves out every blank line (before a clause)."""
        if self.layout is None or line is None:
            return [""] if first_blank else []
        comments = self.layout.take_before(line)
        lines: list[str] = []
        for n, at in enumerate([c.line for c in comments] + [line]):
            if n == 0 and first_blank is not None:
                lines += [""] * first_blank
            elif blanks and self.layout.blank_before(at):
                lines.append("")
            if n < len(comments):
                lines.append(INDENT * depth + comments[n].text)
        return lines

    def block_end(self, depth: int, owner: A.Node, last_line: int | None) -> list[str]:
        """The comments after a block's last statement that are indented into it."""
        if self.layout is None or owner.span is None or last_line is None:
            return []
        lines: list[str] = []
        for comment in self.layout.take_block_end(owner.span.column, last_line):
            lines += [""] * self.layout.blank_before(comment.line) + [INDENT * depth + comment.text]
        return lines

    # ------------------------------------------------------------- declarations

    def params(self, node: A.ActionDecl | A.FnDecl | A.WorkflowDecl) -> str:
        # An action's parameters are names of Python's world; a fn's and a workflow's are the program's.
        of_python = isinstance(node, A.ActionDecl)
        items = [_item(p, p, lambda p=p: self.param(p, of_python=of_python)) for p in node.params]
        return self.bracket("(", items, ")", node, until=node.returns)

    def param(self, p: A.Param, *, of_python: bool) -> str:
        text = f"{_name(p.name, of_python=of_python)}: {self.type(p.type)}"
        return text + (f" = {self.expr(p.default)}" if p.default is not None else "")

    def class_head(self, node: A.ClassDecl) -> str:
        head = f"{'frozen ' if node.frozen else ''}{node.kind} {_name(node.name)}"
        if node.bases:
            head += f"({', '.join(_name(b) for b in node.bases)})"
        head += f" from {_dotted(node.module)}"
        return head + (f" import {_dotted(node.qualname)}" if node.qualname != node.name else "")

    def class_item(self, item: A.Param | A.Member, depth: int) -> list[str]:
        """A field (`name: type = default`) or a member (`NAME = value`) of a class."""
        if isinstance(item, A.Member):
            return self.simple(item, depth, lambda: f"{_name(item.name, of_python=True)} = {self.expr(item.value)}")
        return self.simple(item, depth, lambda: self.param(item, of_python=True))

    def decl(self, node: A.Decl) -> list[str]:
        match node:
            case A.ClassDecl(body=None):
                return self.simple(node, 0, lambda: self.class_head(node))
            case A.ClassDecl(body=body):
                lines, header_end = self.header(node, 0, lambda: self.class_head(node) + ":")
                return lines + self.block(body, 1, node, header_end, line=self.class_item)
            case A.ConstDecl(name=name, value=value):
                return self.simple(node, 0, lambda: f"const {_name(name)} = {self.expr(value)}")
            case A.ActionDecl():
                return self.simple(node, 0, lambda: f"action {_name(node.name, of_python=True)}{self.params(node)} -> {self.type(node.returns)} from {_dotted(node.module)}")
            case A.FnDecl() | A.WorkflowDecl():
                keyword, name = ("fn", _name(node.name)) if isinstance(node, A.FnDecl) else ("workflow", _name(node.name, of_python=True))
                lines, header_end = self.header(node, 0, lambda: f"{keyword} {name}{self.params(node)} -> {self.type(node.returns)}:")
                return lines + self.block(node.body, 1, node, header_end)
        raise TypeError(f"not an RRL declaration: {node!r}")

    def program(self, program: A.Program) -> str:
        header = self.layout.first_code_line() if self.layout is not None else None
        lines = self.leading(header, 0, first_blank=False)
        lines.append(f"rrl {program.version}" + self.trailing(header))
        previous, previous_block = None, False
        for decl in program.decls:
            kind = (type(decl), decl.kind) if isinstance(decl, A.ClassDecl) else type(decl)
            # A blank line between groups (classes of one kind are a group), and
            # around every block declaration.
            block = isinstance(decl, (A.FnDecl, A.WorkflowDecl)) or (isinstance(decl, A.ClassDecl) and decl.body is not None)
            grouped = kind != previous or block or previous_block
            lines += self.leading(_first_line(decl), 0, first_blank=True if grouped else None)
            lines.extend(self.decl(decl))
            previous, previous_block = kind, block
        if self.layout is not None:
            lines += self.leading(float("inf"), 0, first_blank=None)
        return "\n".join(lines) + "\n"


@deep_stack
def print_program(program: A.Program, layout: Layout | None = None) -> str:
    """The canonical text of `program`; with the `Layout` of the text it was
    parsed from, also its comments, blank lines and literals as written."""
    return _Printer(layout=layout).program(program)


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
