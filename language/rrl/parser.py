"""Parse RRL text into the AST (`rrl.ast`), with a source span on every node.

The grammar is `grammar/rrl.lark`; lark's LALR parser with an indentation
post-lexer turns it into a parse tree already shaped like the AST, and the
`_ToAst` transformer below builds the dataclasses. Syntax errors become
`DiagnosticError`s with code RPL0001 (unexpected token, or a bracket left
open or closed by the wrong bracket: `rrl.brackets`), RPL0002 (unexpected
character), RPL0003 (a construct the grammar accepts but RRL does not,
such as assigning to a call) or RPL0010 (a keyword where a name stands; see
`rrl.keywords` for the words a name of Python's world may still be).
"""

from __future__ import annotations

import dataclasses
import functools
from contextvars import ContextVar
import importlib.util
import math
import re
import unicodedata
from pathlib import Path

from lark import Lark, Token, Transformer, Tree, v_args
from lark.exceptions import LarkError, UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken, VisitError
from lark.visitors import Discard
from lark.indenter import Indenter

from . import ast as A
from .brackets import bracket_mistake
from .diagnostics import Diagnostic, DiagnosticError
from .keywords import CONTEXTUAL, KEYWORDS, is_reserved
from .limits import deep_stack, too_deep
from .strings import decode_string, split_fstring

GRAMMAR_FILE = "rrl.lark"


def _grammar_text() -> str:
    """Read grammar/rrl.lark: from the `rrl_grammar` package data when
    installed, from the source tree otherwise."""
    spec = importlib.util.find_spec("rrl_grammar")
    candidates = [Path(p) / GRAMMAR_FILE for p in (spec.submodule_search_locations or [])] if spec else []
    candidates.append(Path(__file__).resolve().parents[2] / "grammar" / GRAMMAR_FILE)
    for candidate in candidates:
        if candidate.is_file():
            return candidate.read_text(encoding="utf-8")
    raise FileNotFoundError(f"cannot find the RRL grammar {GRAMMAR_FILE}")


class _BadDedent(Exception):
    """A line dedented to a column where no open block starts (RPL0004)."""

    def __init__(self, diagnostic: Diagnostic):
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


# Added to a bad dedent's help when a line up to it is indented with a tab.
TAB_NOTE = " (a tab counts as 8 columns: indent with spaces only)"
_TAB_INDENT = re.compile(r"^[ \f]*\t", re.MULTILINE)


class _Indenter(Indenter):
    NL_type = "_NL"
    OPEN_PAREN_types = ["LPAR", "LSQB", "LBRACE"]
    CLOSE_PAREN_types = ["RPAR", "RSQB", "RBRACE"]
    INDENT_type = "_INDENT"
    DEDENT_type = "_DEDENT"
    tab_len = 8

    def handle_NL(self, token: Token):
        """lark's, with a bad dedent as RPL0004 (the Rust lexer's words and span)
        instead of lark's DedentError; it is raised after the dedents before it."""
        if self.paren_level > 0:
            return
        yield token
        indent_str = token.rsplit("\n", 1)[1]
        indent = indent_str.count(" ") + indent_str.count("\t") * self.tab_len
        if indent > self.indent_level[-1]:
            self.indent_level.append(indent)
            yield Token.new_borrow_pos(self.INDENT_type, indent_str, token)
            return
        open_columns = ", ".join(str(level + 1) for level in self.indent_level)
        while indent < self.indent_level[-1]:
            self.indent_level.pop()
            yield Token.new_borrow_pos(self.DEDENT_type, indent_str, token)
        if indent != self.indent_level[-1]:
            line = token.end_line
            tab_note = TAB_NOTE if _TAB_INDENT.search(_TEXT.get(), 0, token.end_pos) else ""
            raise _BadDedent(
                Diagnostic(
                    "RPL0004",
                    "this line is dedented to a column where no open block starts",
                    A.Span(line, 1, line, max(token.end_column, 2)),
                    help=f"indent it like the block it belongs to: the open blocks start at columns {open_columns}{tab_note}",
                )
            )


@functools.cache
def _lark() -> Lark:
    return Lark(
        _grammar_text(),
        parser="lalr",
        postlex=_Indenter(),
        start=["start", "expr", "type"],
        propagate_positions=True,
        maybe_placeholders=True,
        # NAME last: lark chains it after its keyword check with a condition
        # that reads the last key of this dict (a late-binding closure).
        lexer_callbacks={**{keyword.upper(): _keyword_token for keyword in KEYWORDS}, "NAME": _name_token},
    )


# The text being parsed, for the lexer callbacks that look past a token.
_TEXT: ContextVar[str] = ContextVar("rrl_parsed_text", default="")


def _lark_parse(text: str, start: str):
    reset = _TEXT.set(text)
    try:
        return _lark().parse(text, start=start)
    finally:
        _TEXT.reset(reset)


def _is_name_char(char: str) -> bool:
    return char.isalnum() or char == "_" if char.isascii() else True


def _keyword_token(token: Token) -> Token:
    """A keyword is a word of its own. Where the grammar takes a keyword but
    no name, lark's contextual lexer would read it at the start of a longer
    word (`fromx` as `from x`, `a ifb else c`): that word is the unexpected
    token it is where no name can stand."""
    text = _TEXT.get()
    stop = token.end_pos
    while stop < len(text) and _is_name_char(text[stop]):
        stop += 1
    if stop == token.end_pos:
        return token
    word = Token("NAME", text[token.start_pos : stop], token.start_pos, token.line, token.column, token.line, token.column + stop - token.start_pos, stop)
    raise UnexpectedToken(_name_token(word), set())  # a word Python's rules refuse is that error


@functools.cache
def grammar_keywords() -> frozenset[str]:
    """The words the grammar spells out (`if`, `await`, `retry`, ...): the
    keywords, `rrl.keywords.KEYWORDS`."""
    return frozenset(
        t.pattern.value for t in _lark().terminals if t.pattern.type == "str" and t.pattern.value.isidentifier()
    )


class _BadName(Exception):
    """A NAME token that is not a name by Python's rules; carries its diagnostic."""

    def __init__(self, diagnostic: Diagnostic):
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


def _name_token(token: Token) -> Token:
    """Hold a name with non-ASCII characters to Python's rule and spelling: it
    is an identifier (XID_Start or `_`, then XID_Continue; after `$`, XID_Continue
    only), and it stands for its NFKC normal form (`ﬁle` is `file`), as Python
    reads identifiers."""
    text = str(token)
    if text.isascii():
        return token
    generated = text.startswith("$")
    for index, char in enumerate(text):
        if index == 0 and generated:
            continue
        if not (char if index == 0 else "_" + char).isidentifier():
            shown = f"`{char}` (U+{ord(char):04X})" if char.isprintable() else f"U+{ord(char):04X}"
            column = token.column + index
            raise _BadName(Diagnostic(
                "RPL0002", f"invalid character {shown} in the name `{text[:index + 1]}`", A.Span(token.line, column, token.line, column + 1),
                help="a name is a letter or `_` followed by letters, digits and `_`, with Python's rules for non-ASCII letters",
            ))
    normal = unicodedata.normalize("NFKC", text)
    if normal in KEYWORDS and normal not in CONTEXTUAL:  # wherever it stands
        raise _BadName(Diagnostic(
            "RPL0010", f"the name `{text}` reads as the keyword `{normal}`", _token_span(token),
            help="names are compared in their NFKC normal form, as in Python; choose another name",
        ))
    return token.update(value=normal)


class _Problem(Exception):
    """A construct the grammar accepts but RRL does not; carries its position."""

    def __init__(self, message: str, span: A.Span | None, help: str | None = None, code: str = "RPL0003"):
        super().__init__(message)
        self.span = span
        self.help = help
        self.code = code


def _keyword_problem(name: str, span: A.Span | None) -> _Problem:
    help = f"choose another name, such as `{name}_`"
    if name in KEYWORDS and is_reserved(name, of_python=False) and not is_reserved(name, of_python=True):
        help += f"; `{name}` names only attributes, keyword arguments and what the program takes from Python (actions, workflows, modules, types)"
    return _Problem(f"the keyword `{name}` cannot be used as a name", span, help, code="RPL0010")


def _name(token: Token, *, of_python: bool = False) -> str:
    """The text of a NAME token that stands for a name: a variable, parameter
    or declaration, or, `of_python`, a name of Python's world (see
    `rrl.keywords`). A keyword there is RPL0010."""
    name = str(token)
    if is_reserved(name, of_python=of_python):
        raise _keyword_problem(name, _token_span(token))
    return name


def _param_names(params, *, of_python: bool) -> tuple[A.Param, ...]:
    """The parameters of a declaration, their names checked as `_name` does
    (a parameter's span starts at its name)."""
    for param in params or ():
        if is_reserved(param.name, of_python=of_python):
            span = param.span and A.Span(param.span.line, param.span.column, param.span.line, param.span.column + len(param.name))
            raise _keyword_problem(param.name, span)
    return params or ()


def _span(meta) -> A.Span | None:
    if getattr(meta, "empty", True):
        return None
    return A.Span(meta.line, meta.column, meta.end_line, meta.end_column)


def _token_span(token: Token) -> A.Span:
    return A.Span(token.line, token.column, token.end_line, token.end_column)


def _present(items) -> list:
    return [item for item in items if item is not None]


# What the body of each kind of class declaration holds.
_BODY_ITEMS = {"model": A.Param, "dataclass": A.Param, "namedtuple": A.Param, "enum": A.Member}
_BODY_HELP = {
    A.Param: "declare its fields, one per line: `name: type` or `name: type = constant`",
    A.Member: "declare its members, one per line: `NAME = constant`",
}


def _check_class_body(decl: A.ClassDecl) -> None:
    """A model's or dataclass's body declares fields, an enum's members, and an
    exception has none (RPL0011)."""
    expected = _BODY_ITEMS.get(decl.kind)
    if expected is None:
        raise _Problem(f"an exception declaration has no body: `{decl.name}` is declared by its bases",
                       decl.span, f"write it on one line: `exception {decl.name}(...) from {decl.module}`", code="RPL0011")
    for item in decl.body:
        if not isinstance(item, expected):
            what = "a field" if isinstance(item, A.Param) else "a member"
            raise _Problem(f"{what} in the body of the {decl.kind} `{decl.name}`", item.span, _BODY_HELP[expected], code="RPL0011")


def _check_target(expr: A.Expr, *, allow_complex: bool = True) -> A.Expr:
    if isinstance(expr, A.Name):
        return expr
    if isinstance(expr, A.TupleExpr) and expr.elts:
        starred = [elt for elt in expr.elts if isinstance(elt, A.Starred)]
        if len(starred) > 1:
            raise _Problem("only one `*name` is allowed in an assignment target", starred[1].span)
        for elt in expr.elts:
            _check_target(elt.value if isinstance(elt, A.Starred) else elt, allow_complex=allow_complex)
        return expr
    if allow_complex and isinstance(expr, (A.Subscript, A.Attribute)) and _rooted_at_name(expr):
        return expr
    raise _Problem("cannot assign to this expression", expr.span, "assign to a name, a tuple of names, `x[key]` or `x.field`")


def _delete_targets(expr: A.Expr) -> list[A.Expr]:
    """The targets of `del`, a tuple of them flattened: `del (a, b)` is `del a, b`."""
    if isinstance(expr, A.Starred):
        raise _Problem("cannot delete a starred expression", expr.span, "name each target: `del a, b`")
    if isinstance(expr, A.TupleExpr) and expr.elts:
        return [target for elt in expr.elts for target in _delete_targets(elt)]
    if isinstance(expr, A.Name) or (isinstance(expr, (A.Subscript, A.Attribute)) and _rooted_at_name(expr)):
        return [expr]
    raise _Problem("cannot delete this expression", expr.span, "delete a name, an item `x[key]`, a slice `x[i:j]` or a field `x.field`")


def _rooted_at_name(expr: A.Expr) -> bool:
    """`x`, `x[k]`, `x.f`, `x[k].f`: a place in a variable."""
    while isinstance(expr, (A.Subscript, A.Attribute)):
        expr = expr.value
    return isinstance(expr, A.Name)


@dataclasses.dataclass
class _Targets:
    """A parsed `target_list`: what it must be depends on the statement (an
    assignment, a `parallel` result, or `del`). `trailing_comma`: written
    with a comma after its last item, which makes one item a tuple."""

    items: list
    span: A.Span | None
    trailing_comma: bool

    def assigned(self) -> A.Expr:
        if len(self.items) == 1 and not self.trailing_comma and not isinstance(self.items[0], A.Starred):
            return _check_target(self.items[0])
        return _check_target(A.TupleExpr(tuple(self.items), span=self.span))


def _split_trailing_comma(items: list) -> tuple[list, bool]:
    """The items of a comma-separated list (`target_list`, `expr_list`,
    `for_target`), and whether its COMMA token closes it."""
    trailing = isinstance(items[-1], Token)
    return _present(items[:-1] if trailing else items), trailing


def _assigned(targets: _Targets | None) -> A.Expr | None:
    return targets.assigned() if targets is not None else None


def _in_place_assign(meta, items, operator: str) -> A.Assign:
    place, value = items
    if isinstance(place, (A.TupleExpr, A.ListExpr)):
        raise _Problem(f"`{operator}` needs one target: a variable, an item or a field", place.span)
    target = _check_target(place)
    return A.Assign(target, A.BinOp(target, operator, value, span=_span(meta)), span=_span(meta))


@v_args(meta=True)
class _ToAst(Transformer):
    def __init__(self, parse_expr):
        super().__init__()
        self._parse_expr = parse_expr

    # ---------------------------------------------------------- program

    def start(self, meta, items):
        version, *decls = [i for i in items if i is not None and not isinstance(i, Token)]
        return A.Program(tuple(decls), version=version, span=_span(meta))

    def header(self, meta, items):
        version = int(items[0])
        if version != A.VERSION:
            raise _Problem(f"unsupported RRL version {version}", _span(meta), f"this toolchain reads `rrl {A.VERSION}`")
        return version

    def class_decl(self, meta, items):
        head, body = (list(items) + [None])[:2]
        decl = dataclasses.replace(head, body=body, span=_span(meta))
        if body is not None:
            _check_class_body(decl)
        elif decl.kind == "namedtuple":
            raise _Problem(f"the NamedTuple `{decl.name}` is declared without its fields", decl.span,
                           f"list its fields in a block, one per line: `namedtuple {decl.name} from {decl.module}:` then `name: type`",
                           code="RPL0011")
        return decl

    def class_head(self, meta, items):
        (frozen, kind), name, bases, module, qualname = items
        name = _name(name)
        return A.ClassDecl(kind, name, module, qualname or name, bases or (), frozen=frozen)

    def class_kind(self, meta, items):
        words = [str(t) for t in items]
        return (len(words) == 2, words[-1])

    def class_bases(self, meta, items):
        return tuple(_name(i) for i in items if i is not None)

    def class_body(self, meta, items):
        return tuple(i for i in items if i is not None and not isinstance(i, Token))

    def class_field(self, meta, items):
        name, type_, default = items
        return A.Param(_name(name, of_python=True), type_, default, span=_span(meta))

    def class_member(self, meta, items):
        return A.Member(_name(items[0], of_python=True), items[1], span=_span(meta))

    def const_decl(self, meta, items):
        return A.ConstDecl(_name(items[0]), items[1], span=_span(meta))

    def action_decl(self, meta, items):
        name, params, returns, module = items
        return A.ActionDecl(_name(name, of_python=True), _param_names(params, of_python=True), returns, module, span=_span(meta))

    def fn_decl(self, meta, items):
        name, params, returns, body = items
        return A.FnDecl(_name(name), _param_names(params, of_python=False), returns, body, span=_span(meta))

    def workflow_decl(self, meta, items):
        name, params, returns, body = items
        return A.WorkflowDecl(_name(name, of_python=True), _param_names(params, of_python=False), returns, body, span=_span(meta))

    def params(self, meta, items):
        return tuple(_present(items))

    def param(self, meta, items):
        name, type_, default = items
        return A.Param(_name(name, of_python=True), type_, default, span=_span(meta))

    # ---------------------------------------------------------- types

    def type(self, meta, items):
        if len(items) == 1:
            return items[0]
        return A.UnionType(tuple(items), span=_span(meta))

    def type_atom(self, meta, items):
        name, *args = items
        return A.NamedType(_name(name, of_python=True), tuple(_present(args)), span=_span(meta))

    def none_type(self, meta, items):
        return A.NoneType(span=_span(meta))

    def dotted_name(self, meta, items):
        return ".".join(_name(i, of_python=True) for i in items)

    # ---------------------------------------------------------- statements

    def suite(self, meta, items):
        return tuple(i for i in items if i is not None and not isinstance(i, Token))

    def target_list(self, meta, items):
        items, trailing = _split_trailing_comma(items)
        return _Targets(items, _span(meta), trailing)

    def expr_list(self, meta, items):
        items, trailing = _split_trailing_comma(items)
        if len(items) == 1 and not trailing:
            if isinstance(items[0], A.Starred):
                raise _Problem("a starred value needs a tuple around it, like `*xs,`", items[0].span)
            return items[0]
        return A.TupleExpr(tuple(items), span=_span(meta))

    def assign_stmt(self, meta, items):
        targets, value = items
        target = targets.assigned()
        if isinstance(value, A.AwaitCall):
            return A.CallStmt(target, value, span=_span(meta))
        return A.Assign(target, value, span=_span(meta))

    def annotated_assign(self, meta, items):
        name, type_, value = items
        target = A.Name(_name(name), span=_token_span(name))
        if isinstance(value, A.AwaitCall):
            raise _Problem("an await call cannot carry a type annotation", _span(meta))
        return A.Assign(target, value, type_, span=_span(meta))

    def augmented_assign(self, meta, items):
        """`xs += ys`: the target, read and then bound to `target += value` (see evaluate._in_place_add)."""
        return _in_place_assign(meta, items, "+=")

    def merged_assign(self, meta, items):
        """`d |= e`: the target, read and then bound to `target |= value` (see evaluate._in_place_or)."""
        return _in_place_assign(meta, items, "|=")

    def del_stmt(self, meta, items):
        targets = [target for item in items[0].items for target in _delete_targets(item)]
        return A.Delete(tuple(targets), span=_span(meta))

    def call_stmt(self, meta, items):
        return A.CallStmt(None, items[0], span=_span(meta))

    def expr_stmt(self, meta, items):
        return A.ExprStmt(items[0], span=_span(meta))

    def starred(self, meta, items):
        return A.Starred(items[0], span=_span(meta))

    def dict_unpack(self, meta, items):
        return (None, items[0])

    def await_call(self, meta, items):
        name, kwargs, *policies = items
        fields: dict = {}
        for kind, value in policies:
            if kind in fields:
                raise _Problem(f"`{kind}` is given twice", _span(meta))
            fields[kind] = value
        return A.AwaitCall(_name(name, of_python=True), kwargs or (), span=_span(meta), **fields)

    def kwargs(self, meta, items):
        return tuple(_present(items))

    def kwarg(self, meta, items):
        return A.Keyword(_name(items[0], of_python=True), items[1], span=_span(meta))

    def _policy_args(self, args, allowed: dict[str, str], meta) -> dict:
        values = {}
        for name, value, span in args or ():
            if name not in allowed:
                expected = ", ".join(allowed)
                raise _Problem(f"unknown policy argument `{name}`", span, f"expected one of: {expected}")
            if allowed[name] in values:
                raise _Problem(f"`{name}` is given twice", span, "remove one of them")
            values[allowed[name]] = value
        return values

    def retry_policy(self, meta, items):
        values = self._policy_args(items[0], {"attempts": "attempts", "on": "on"}, meta)
        attempts = values.get("attempts")
        if attempts is not None and not (
            isinstance(attempts, A.Constant) and (attempts.value is None or type(attempts.value) is int)
        ):  # its range is the checker's (RPL0335)
            raise _Problem("`attempts` must be a whole number, or None for no limit", _span(meta))
        on = values.get("on")
        types: tuple[str, ...] | None = None
        if on is not None:
            elts = on.elts if isinstance(on, (A.ListExpr, A.TupleExpr)) else (on,)
            names = [e.id if isinstance(e, A.Name) else None for e in elts]
            if None in names:
                raise _Problem("`on` lists exception types, like `on=[ValueError, Busy]`", _span(meta))
            types = tuple(names)
        return ("retry", A.RetryPolicy(attempts, types, span=_span(meta)))

    def backoff_policy(self, meta, items):
        values = self._policy_args(items[0], {"base": "base", "multiplier": "multiplier", "max": "max"}, meta)
        for key, value in values.items():
            if key == "multiplier":
                if not (isinstance(value, A.Constant) and type(value.value) in (int, float) and value.value >= 0):
                    raise _Problem("`multiplier` must be a number, like `multiplier=2`", _span(meta))
            else:
                self._check_seconds(value, meta, allow_none=(key == "max"))
        return ("backoff", A.BackoffPolicy(span=_span(meta), **values))

    def timeout_policy(self, meta, items):
        return ("timeout", self._check_seconds(items[0], meta))

    def _check_seconds(self, value, meta, allow_none: bool = False) -> A.Seconds:
        """A duration, a number of seconds (0 or more), or None where allowed."""
        if isinstance(value, A.Duration):
            return value
        if isinstance(value, A.Constant):
            if value.value is None and allow_none:
                return value
            if type(value.value) in (int, float) and value.value >= 0:
                return value
        raise _Problem("expected a duration such as `30s`, `5m`, `250ms` or a number of seconds", _span(meta))

    def policy_args(self, meta, items):
        return [i for i in items if i is not None]

    def policy_arg(self, meta, items):
        return (_name(items[0], of_python=True), items[1], _span(meta))

    def duration(self, meta, items):
        return A.Duration(str(items[0]), span=_span(meta))

    def return_stmt(self, meta, items):
        return A.Return(items[0], span=_span(meta))

    def raise_stmt(self, meta, items):
        exc, cause = (list(items) + [None])[:2]
        return A.Raise(exc, cause, span=_span(meta))

    def sleep_stmt(self, meta, items):
        return A.Sleep(items[0], span=_span(meta))

    def break_stmt(self, meta, items):
        return A.Break(span=_span(meta))

    def continue_stmt(self, meta, items):
        return A.Continue(span=_span(meta))

    def pass_stmt(self, meta, items):
        return None  # a no-op: an empty body prints as `pass`

    def if_stmt(self, meta, items):
        test, body, *rest = items
        orelse = rest.pop() if rest else None
        orelse = orelse[1] if orelse is not None else ()
        for elif_test, elif_body, elif_span in reversed(rest):
            orelse = (A.If(elif_test, elif_body, orelse, span=elif_span),)
        return A.If(test, body, orelse, span=_span(meta))

    def elif_clause(self, meta, items):
        return (items[0], items[1], _span(meta))

    def else_clause(self, meta, items):
        return ("else", items[0])

    def finally_clause(self, meta, items):
        return ("finally", items[0])

    def for_stmt(self, meta, items):
        target, iter_, body, orelse = items
        return A.For(target, iter_, body, orelse[1] if orelse else (), span=_span(meta))

    def for_target(self, meta, items):
        items, trailing = _split_trailing_comma(items)
        if len(items) == 1 and not trailing:
            return items[0]
        return A.TupleExpr(tuple(items), span=_span(meta))

    def target_name(self, meta, items):
        return A.Name(_name(items[0]), span=_span(meta))

    def while_stmt(self, meta, items):
        test, bound, body, orelse = items
        return A.While(test, body, orelse[1] if orelse else (), bound, span=_span(meta))

    def while_bound(self, meta, items):
        return int(items[0])

    def try_stmt(self, meta, items):
        body, *rest = items
        handlers = tuple(i for i in rest if isinstance(i, A.ExceptHandler))
        orelse = next((i[1] for i in rest if isinstance(i, tuple) and i[0] == "else"), ())
        final = next((i[1] for i in rest if isinstance(i, tuple) and i[0] == "finally"), ())
        if not handlers and not final:
            raise _Problem("`try` needs at least one `except` or a `finally`", _span(meta))
        return A.Try(body, handlers, orelse, final, span=_span(meta))

    def except_clause(self, meta, items):
        types, name, body = items
        if name is not None and types is None:
            raise _Problem("`as` needs exception types", _span(meta))
        return A.ExceptHandler(types or (), _name(name) if name is not None else None, body, span=_span(meta))

    def exception_types(self, meta, items):
        return tuple(_name(i, of_python=True) for i in _present(items))

    def parallel_stmt(self, meta, items):
        target, mode, *calls = items
        calls = tuple(c for c in calls if isinstance(c, A.AwaitCall))
        return A.Parallel(_assigned(target), calls, bool(mode), span=_span(meta))

    def parallel_for_stmt(self, meta, items):
        target, mode, loop_target, iter_, limit, call = items
        return A.ParallelFor(_assigned(target), loop_target, iter_, call, bool(mode), limit, span=_span(meta))

    def parallel_mode(self, meta, items):
        return True

    def parallel_limit(self, meta, items):
        limit = int(items[0])
        if limit < 1:
            raise _Problem("`limit` must be at least 1", _span(meta))
        return limit

    # ---------------------------------------------------------- expressions

    def lambda_expr(self, meta, items):
        params, body = items
        return A.Lambda(params or (), body, span=_span(meta))

    def lambda_params(self, meta, items):
        return tuple(_name(i) for i in items if i is not None)

    def conditional(self, meta, items):
        body, test, orelse = items
        return A.Conditional(test, body, orelse, span=_span(meta))

    def or_op(self, meta, items):
        return self._flatten_bool("or", meta, items)

    def and_op(self, meta, items):
        return self._flatten_bool("and", meta, items)

    def _flatten_bool(self, op, meta, items):
        left, right = items
        # Left-recursive rules build `(a or b) or c`; a parenthesised
        # `(a or b)` has a span that starts before the whole chain's.
        if isinstance(left, A.BoolOp) and left.op == op and left.span and _span(meta) and left.span.column == _span(meta).column and left.span.line == _span(meta).line:
            values = (*left.values, right)
        else:
            values = (left, right)
        return A.BoolOp(op, values, span=_span(meta))

    def not_op(self, meta, items):
        return A.UnaryOp("not", items[0], span=_span(meta))

    def compare(self, meta, items):
        left, *rest = items
        ops = tuple(rest[0::2])
        return A.Compare(left, ops, tuple(rest[1::2]), span=_span(meta))

    def comp_op(self, meta, items):
        return " ".join(str(t) for t in items)

    def binary(self, meta, items):
        left, op, right = items
        return A.BinOp(left, str(op), right, span=_span(meta))

    def or_bits(self, meta, items):
        return A.BinOp(items[0], "|", items[1], span=_span(meta))

    def xor_bits(self, meta, items):
        return A.BinOp(items[0], "^", items[1], span=_span(meta))

    def and_bits(self, meta, items):
        return A.BinOp(items[0], "&", items[1], span=_span(meta))

    def unary(self, meta, items):
        op, operand = items
        return A.UnaryOp(str(op), operand, span=_span(meta))

    def attribute(self, meta, items):
        return A.Attribute(items[0], _name(items[1], of_python=True), span=_span(meta))

    def index(self, meta, items):
        return A.Subscript(items[0], items[1], span=_span(meta))

    def slice(self, meta, items):
        lower, upper, step = (list(items) + [None, None, None])[:3]
        return A.Slice(lower, upper, step, span=_span(meta))

    def call(self, meta, items):
        func, arguments = items
        args, kwargs = [], []
        for arg in arguments or ():
            if isinstance(arg, A.Keyword):
                kwargs.append(arg)
            elif kwargs:
                raise _Problem("a positional argument cannot follow a keyword argument", arg.span)
            else:
                args.append(arg)
        return A.Call(func, tuple(args), tuple(kwargs), span=_span(meta))

    def call_args(self, meta, items):
        return [i for i in items if i is not None]

    def keyword_arg(self, meta, items):
        name, value = items
        return A.Keyword(_name(name, of_python=True), value, span=_span(meta))

    def name(self, meta, items):
        return A.Name(_name(items[0]), span=_span(meta))

    def int_lit(self, meta, items):
        return A.Constant(int(items[0]), span=_span(meta))

    def float_lit(self, meta, items):
        value = float(items[0])
        if not math.isfinite(value):
            raise _Problem("float literal out of range", _span(meta))
        return A.Constant(value, span=_span(meta))

    def string_lit(self, meta, items):
        try:
            return A.Constant(decode_string(str(items[0])[1:-1]), span=_span(meta))
        except ValueError as exc:
            raise _Problem(f"invalid string literal: {exc}", _span(meta)) from None

    def fstring(self, meta, items):
        token = items[0]
        body = str(token)[2:-1]
        parts: list = []
        try:
            pieces = split_fstring(body)
        except ValueError as exc:
            raise _Problem(f"invalid f-string: {exc}", _span(meta)) from None
        for piece in pieces:
            if isinstance(piece, str):
                parts.append(piece)
                continue
            text, conversion, spec, offset = piece
            value = self._parse_expr(text, token.line, token.column + 2 + offset)
            parts.append(A.FormattedValue(value, conversion, spec, span=value.span))
        return A.FString(tuple(parts), span=_span(meta))

    def true_lit(self, meta, items):
        return A.Constant(True, span=_span(meta))

    def false_lit(self, meta, items):
        return A.Constant(False, span=_span(meta))

    def none_lit(self, meta, items):
        return A.Constant(None, span=_span(meta))

    def empty_tuple(self, meta, items):
        return A.TupleExpr((), span=_span(meta))

    def paren(self, meta, items):
        return items[0]

    def tuple_lit(self, meta, items):
        return A.TupleExpr(tuple(_present(items)), span=_span(meta))

    def list_lit(self, meta, items):
        return A.ListExpr(tuple(_present(items)), span=_span(meta))

    def list_comp(self, meta, items):
        elt, *generators = items
        return A.ListComp(elt, tuple(generators), span=_span(meta))

    def dict_lit(self, meta, items):
        return A.DictExpr(tuple(_present(items)), span=_span(meta))

    def dict_item(self, meta, items):
        return (items[0], items[1])

    def dict_comp(self, meta, items):
        key, value, *generators = items
        return A.DictComp(key, value, tuple(generators), span=_span(meta))

    def comp_for(self, meta, items):
        target, iter_, *ifs = items
        return A.Comprehension(target, iter_, tuple(ifs), span=_span(meta))

    def comp_if(self, meta, items):
        return items[0]


def _shift(node, line: int, column: int):
    """Move the spans of a sub-parse (an f-string field) to where it sits in the file."""
    if isinstance(node, tuple):
        return tuple(_shift(n, line, column) for n in node)
    if not isinstance(node, A.Node):
        return node
    changes = {f.name: _shift(getattr(node, f.name), line, column) for f in dataclasses.fields(node) if f.name != "span"}
    return dataclasses.replace(node, span=_shift_span(node.span, line, column), **changes)


def _shift_span(span: A.Span | None, line: int, column: int) -> A.Span | None:
    if span is None:
        return None
    col_shift = column - 1
    return A.Span(
        span.line + line - 1,
        span.column + (col_shift if span.line == 1 else 0),
        span.end_line + line - 1,
        span.end_column + (col_shift if span.end_line == 1 else 0),
    )


# How a help line names what the grammar expected: each of lark's terminals in
# words (a token name such as `EQUAL` or `FSTRING` means nothing to a reader).
_TERMINAL_WORDS = {
    "NAME": "a name",
    "INT": "a whole number",
    "FLOAT": "a number",
    "DURATION": "a duration",
    "STRING": "a string",
    "FSTRING": "an f-string",
    "ADD_OP": "an operator",
    "MUL_OP": "an operator",
    "UNARY_OP": "`-`",
}
# More than this many alternatives make no useful help line.
MAX_EXPECTED_SHOWN = 6


def _readable(expected) -> set[str]:
    """The terminals a reader can be told of: lark's LALR tables also list the
    layout tokens (`_NL`, `_INDENT`) and the end where a reduction may follow."""
    return {name for name in expected if not name.startswith("_") and name != "$END"}


def _expected_words(expected) -> str | None:
    """`expected ...` for a help line: lark's terminal names as the text they
    match, or in words; None when the list would be too long to help."""
    terminals = {t.name: t for t in _lark().terminals}
    words = []
    for name in sorted(_readable(expected)):
        terminal = terminals.get(name)
        if name in _TERMINAL_WORDS:
            word = _TERMINAL_WORDS[name]
        elif terminal is not None and terminal.pattern.type == "str":
            word = f"`{terminal.pattern.value}`"
        else:
            continue
        if word not in words:
            words.append(word)
    if not words or len(words) > MAX_EXPECTED_SHOWN:
        return None
    if len(words) == 1:
        return f"expected {words[0]}"
    return f"expected {', '.join(words[:-1])} or {words[-1]}"


def _diagnostic_from_lark(exc: UnexpectedInput, text: str) -> Diagnostic:
    line, column = getattr(exc, "line", 0) or 0, getattr(exc, "column", 0) or 0
    if isinstance(exc, UnexpectedCharacters):
        char = text[exc.pos_in_stream] if 0 <= exc.pos_in_stream < len(text) else "?"
        return unexpected_character(char, A.Span(line, column, line, column + 1))
    if isinstance(exc, UnexpectedEOF) or (isinstance(exc, UnexpectedToken) and exc.token.type == "$END"):
        last = text.rstrip().splitlines() or [""]
        return Diagnostic("RPL0001", "unexpected end of input", A.Span(len(last), len(last[-1]) + 1, len(last), len(last[-1]) + 2), help="a block or a bracket is not closed")
    token = exc.token
    shown = {"_NL": "end of line", "_INDENT": "indent", "_DEDENT": "dedent"}.get(token.type, f"`{token}`")
    help_text = _expected_words(getattr(exc, "expected", ()) or ())
    if token.type in ("_INDENT", "_DEDENT"):
        help_text = "check the indentation of this block"
    elif str(token) == "from" and column == 1:  # RRL before classes were declared
        help_text = "a program declares the classes it names instead of importing them: `model Order from app.models`, `exception Busy(Exception) from app.errors` (docs/language.md, \"Classes\")"
    span = A.Span(line, column, getattr(token, "end_line", line) or line, (getattr(token, "end_column", column + 1) or column + 1))
    diagnostic = Diagnostic("RPL0001", f"unexpected {shown}", span, help=help_text)
    expected = _readable(getattr(exc, "expected", ()) or ())
    # What the Rust parser names as wanted there: `:` where a colon could end
    # the line and a name could not go on (`except` takes either), `=` alone.
    wanted = "`:`" if "COLON" in expected and "NAME" not in expected else "`=`" if expected == {"EQUAL"} else None
    return named_mistake(diagnostic, text, token.start_pos, token.type == "_NL", wanted)


def unexpected_character(char: str, span: A.Span) -> Diagnostic:
    """RPL0002; a quote that starts no string is a string left open on its line."""
    if char in "'\"":
        return Diagnostic("RPL0002", "this string is not closed on its line", span, help=f"end it with `{char}` on the same line: a string is one line (write `\\n` for a line break)")
    return Diagnostic("RPL0002", f"unexpected character `{char}`", span, help="check the syntax against docs/language.md")


# The words that start a line ending with `:` (a block follows).
BLOCK_WORDS = ("if", "elif", "else", "for", "while", "try", "except", "finally", "workflow", "fn")
_FIRST_WORD = re.compile(r"[ \t\f]*([A-Za-z_]+)")
_PARALLEL = re.compile(r"(?<![\w$.])parallel(?![\w$])")
_NUMBER_CHARS = "0123456789."


def _is_ascii_word_char(char: str) -> bool:
    return char.isascii() and (char.isalnum() or char == "_")


def named_mistake(diagnostic: Diagnostic, text: str, offset: int, at_line_end: bool, wanted: str | None) -> Diagnostic:
    """An unexpected token (RPL0001) that is a common mistake, as that mistake:
    a block's first line without its `:`, a positional argument to an action
    call, a number with a unit that is no duration's (`5x`, `1.5.2s`). Read
    from the text and the stop alone, so that runtime-rs names the same
    mistakes at the same places (`named_mistake` in its parser). `wanted`:
    `:` when the grammar took a colon there, `=` when it took only `=`."""
    line_start = text.rfind("\n", 0, offset) + 1
    line, column = text.count("\n", 0, offset) + 1, offset - line_start + 1
    if at_line_end and wanted == "`:`":
        first = _FIRST_WORD.match(text, line_start)
        block = first.group(1) if first and first.group(1) in BLOCK_WORDS else None
        if block is None and _PARALLEL.search(text, line_start, offset):
            block = "parallel"
        if block is not None:
            return dataclasses.replace(diagnostic, message="expected `:` at the end of this line", help=f"end the `{block}` line with `:`; its block follows, indented")
    if wanted == "`=`" and text[offset : offset + 1] in (")", ","):
        before = text[line_start:offset].rstrip(" \t\f")
        argument = re.search(r"([(,])[ \t\f]*([A-Za-z_][A-Za-z0-9_]*)$", before)
        if argument is not None:
            start = line_start + argument.start(2)
            name = argument.group(2)
            span = A.Span(line, start - line_start + 1, line, start - line_start + 1 + len(name))
            return Diagnostic(
                "RPL0001", f"`{name}` is passed by position: an action call and its policies take keyword arguments only", span,
                help=f"name the parameter it is for: `parameter={name}` (a call writes every argument as `name=value`)",
            )
    if not at_line_end and offset > line_start and text[offset - 1] in _NUMBER_CHARS and _is_ascii_word_char(text[offset]):
        start = offset
        while start > line_start and text[start - 1] in _NUMBER_CHARS:
            start -= 1
        end = offset
        while end < len(text) and (_is_ascii_word_char(text[end]) or text[end] == "."):
            end += 1
        previous = text[start - 1] if start > line_start else " "
        if any(c.isdigit() for c in text[start:offset]) and not (previous.isalnum() or previous in "_$"):
            written = text[start:end]
            span = A.Span(line, start - line_start + 1, line, end - line_start + 1)
            return Diagnostic(
                "RPL0001", f"`{written}` is neither a number nor a duration", span,
                help="a duration is a number and one of the units ms, s, m, h, d: `250ms`, `30s`, `1.5h`",
            )
    return diagnostic


_WORD = re.compile(r"(?<![\w$.])[A-Za-z_]+(?![\w$])")


def _error_offset(exc: UnexpectedInput, text: str) -> int | None:
    """Where in `text` the parser stopped: the start of the unexpected token."""
    if isinstance(exc, UnexpectedEOF) or (isinstance(exc, UnexpectedToken) and exc.token.type == "$END"):
        return len(text)
    if isinstance(exc, UnexpectedToken):
        return exc.token.start_pos
    return None


# How many keywords before the stop `_keyword_as_name` tries, nearest first
# (as runtime-rs does): each try parses the text again, so a generated line of
# a thousand `and`s would take minutes.
KEYWORD_RETRIES = 16


def _keyword_as_name(exc: UnexpectedInput, text: str, start: str) -> Diagnostic | None:
    """RPL0010 when the parser stopped after a keyword, on the same line, that
    a name in its place would have carried further (`if = 3`, `x = await + 1`,
    `parallel: int = 1`): lexed as the keyword where the grammar expects one,
    it was meant as a name. The nearest such keyword is reported."""
    offset = _error_offset(exc, text)
    if offset is None:
        return None
    line_start = text.rfind("\n", 0, offset) + 1
    words = [m for m in _WORD.finditer(text, line_start, offset) if m.group() in KEYWORDS and m.group() not in CONTEXTUAL]
    for match in reversed(words[-KEYWORD_RETRIES:]):
        word = match.group()
        try:
            _lark_parse(text[: match.start()] + "_" * len(word) + text[match.end() :], start)
        except UnexpectedInput as again:
            further = _error_offset(again, text)
            if further is None or further <= offset:
                continue
        except _BadDedent:  # counts as getting no further, as in runtime-rs (grammar_reach)
            continue
        except _BadName:
            pass  # a bad name after the keyword: the keyword itself passed
        line = text.count("\n", 0, match.start()) + 1
        column = match.start() - line_start + 1
        problem = _keyword_problem(word, A.Span(line, column, line, column + len(word)))
        return Diagnostic(problem.code, str(problem), problem.span, help=problem.help)
    return None


def _stopped_at_a_bracket(exc: UnexpectedInput, text: str) -> Diagnostic | None:
    """A bracket never closed, or closed by the wrong bracket, where the
    parser stopped (`rrl.brackets`)."""
    offset = _error_offset(exc, text)
    return bracket_mistake(text, offset) if offset is not None else None


def _parse_tree(text: str, start: str, path: str | None):
    try:
        return _lark_parse(text, start)
    except UnexpectedInput as exc:
        diagnostic = _stopped_at_a_bracket(exc, text) or _keyword_as_name(exc, text, start) or _diagnostic_from_lark(exc, text)
        raise DiagnosticError([diagnostic.with_path(path or "<input>")], text) from None
    except (_BadName, _BadDedent) as exc:
        raise DiagnosticError([exc.diagnostic.with_path(path or "<input>")], text) from None
    except LarkError as exc:  # any other of lark's complaints: still a located diagnostic
        span = A.Span(1, 1, 1, 2)
        raise DiagnosticError([Diagnostic("RPL0001", f"cannot parse this: {exc}", span, path=path or "<input>")], text) from None


def _transform(tree, text: str, path: str | None):
    def parse_field(expr_text: str, line: int, column: int):
        try:
            node = _transform(_parse_tree(expr_text, "expr", path), expr_text, path)
        except DiagnosticError as error:  # located in the field: locate it in the file
            shifted = [dataclasses.replace(d, span=_shift_span(d.span, line, column)) for d in error.diagnostics]
            raise DiagnosticError(shifted, text) from None
        return _shift(node, line, column)

    try:
        return _transform_iteratively(_ToAst(parse_field), tree)
    except VisitError as exc:
        inner = exc.orig_exc
        if isinstance(inner, _Problem):
            raise DiagnosticError([Diagnostic(inner.code, str(inner), inner.span, inner.help, path or "<input>")], text) from None
        if isinstance(inner, DiagnosticError):
            raise DiagnosticError(inner.diagnostics, text) from None
        raise


def _transform_iteratively(transformer: Transformer, tree: Tree):
    """`transformer.transform(tree)` without recursion: lark's recurses once per
    level of the tree, and a tree deeper than Python's stack must come out as
    RPL0005 (`too_deep`), not as a RecursionError."""
    # Each entry: a tree whose children are being transformed, and their results.
    stack: list[tuple[Tree, list, int]] = [(tree, [], 0)]
    while True:
        node, done, next_child = stack[-1]
        if next_child < len(node.children):
            child = node.children[next_child]
            stack[-1] = (node, done, next_child + 1)
            if isinstance(child, Tree):
                stack.append((child, [], 0))
                continue
            result = transformer._call_userfunc_token(child) if transformer.__visit_tokens__ and isinstance(child, Token) else child
        else:
            stack.pop()
            result = transformer._call_userfunc(node, done)
            if not stack:
                return result
        if result is not Discard:
            stack[-1][1].append(result)


@deep_stack
def parse(text: str, path: str | None = None) -> A.Program:
    """Parse a whole `.rrl` program. Raises `DiagnosticError` on a syntax error,
    and on a program nested deeper than `rrl.limits.MAX_DEPTH` (RPL0005)."""
    if not text.endswith("\n"):
        text += "\n"
    program = _transform(_parse_tree(text, "start", path), text, path)
    diagnostic = too_deep(program)
    if diagnostic is not None:
        raise DiagnosticError([diagnostic.with_path(path or "<input>")], text)
    return program


@deep_stack
def parse_expr(text: str, path: str | None = None) -> A.Expr:
    """Parse one RRL expression (as stored in the DAG's JSON)."""
    return _transform(_parse_tree(text, "expr", path), text, path)


@deep_stack
def parse_type(text: str, path: str | None = None) -> A.Type:
    """Parse one RRL type (as stored in the DAG's JSON)."""
    return _transform(_parse_tree(text, "type", path), text, path)
