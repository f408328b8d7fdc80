"""The parser and the canonical printer."""

from __future__ import annotations

import pytest

import rrl
from rrl import ast as A
from rrl.policies import duration

PROGRAM = '''rrl 1

# classes the program constructs or catches
exception Busy(ConnectionError) from app.errors

model User from app.models

model ER from app.models import EmailResult:
    to: str
    sent: bool = False

const LIMIT = 10
const NAMES = ["a", "b\\n"]

action fetch_users(user_ids: list[str]) -> list[User] from app.actions
action send_email(to: str, subject: str = "Welcome") -> ER | None from app.actions

fn greeting(user: User) -> str:
    return f"Hello {user.name!r:>10} {{literal}} {user.tags['x']}"

workflow Welcome(user_ids: list[str], dry: bool = False) -> list[ER]:
    users = await fetch_users(user_ids=user_ids) retry(attempts=5, on=[ValueError, Busy]) backoff(base=5s, max=10m) timeout(10m)
    active = [u for u in users if u.active and not u.banned]
    results = parallel for u in active limit 10:
        await send_email(to=u.email, subject="hi")
    first, second = parallel return_exceptions:
        await greeting(user=users[0])
        await greeting(user=users[-1])
    x: int = -5 ** 2 if 1 < LIMIT <= 20 else 0
    for i, (k, v) in enumerate(NAMES):
        if i % 2 == 0:
            continue
        elif k in ("a", "b"):
            break
    else:
        x = x + 1
    while x < 10 max 100:
        x = x + 1
    try:
        sleep 24 * 60 * 60
    except (ValueError, KeyError) as e:
        raise
    except:
        raise RuntimeError(f"bad {x}")
    else:
        d = {"k": [1, 2.5, None, True]}
        d["k"] = sorted(users, key=lambda u: u.age)[1:2]
    finally:
        done = True
    del x, d["k"][0:1], first.name
    return (results, first)
'''


def test_round_trip_is_identity():
    program = rrl.parse(PROGRAM)
    printed = rrl.print_program(program)
    assert rrl.parse(printed) == program
    assert rrl.print_program(rrl.parse(printed)) == printed


def test_policies_and_durations():
    program = rrl.parse(PROGRAM)
    call = program.workflows[0].body[0].call
    assert call.retry == A.RetryPolicy(A.Constant(5), ("ValueError", "Busy"))
    assert call.backoff == A.BackoffPolicy(base=A.Duration("5s"), max=A.Duration("10m"))
    assert call.timeout == A.Duration("10m")
    assert call.timeout.seconds == 600


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(600, "10m"), (5, "5s"), (0.25, "250ms"), (86400, "1d"), (90, "90s"), (7200, "2h"), (0.0001, "0.0001s")],
)
def test_durations_print_in_the_largest_exact_unit(seconds, text):
    assert duration(seconds).text == text


def test_spans_point_into_the_source():
    program = rrl.parse(PROGRAM)
    workflow = program.workflows[0]
    assert workflow.span.line == 21
    assert workflow.body[0].span.line == 22
    assert workflow.body[0].span.column == 5


def test_fstring_fields_have_file_positions():
    program = rrl.parse('rrl 1\n\nworkflow W(x: int) -> str:\n    return f"a{x + 1}"\n')
    fstring = program.workflows[0].body[0].value
    field = fstring.parts[1]
    assert (field.value.span.line, field.value.span.column) == (4, 16)


def test_negative_numbers_stay_unary():
    expr = rrl.parse_expr("-5")
    assert expr == A.UnaryOp("-", A.Constant(5))
    assert rrl.print_expr(A.BinOp(A.UnaryOp("-", A.Constant(5)), "**", A.Constant(2))) == "(-5) ** 2"


def test_bool_literals_differ_from_ints():
    assert A.Constant(True) != A.Constant(1)
    assert A.Constant(1.0) != A.Constant(1)


def test_parenthesised_boolean_chains_keep_their_shape():
    nested = rrl.parse_expr("(a or b) or c")
    flat = rrl.parse_expr("a or b or c")
    assert flat == A.BoolOp("or", (A.Name("a"), A.Name("b"), A.Name("c")))
    assert nested != flat
    assert rrl.parse_expr(rrl.print_expr(nested)) == nested


def test_strings_escape_canonically():
    expr = rrl.parse_expr("'it\\'s \"q\" \\t \\x01 \\u00e9'")
    assert expr == A.Constant('it\'s "q" \t \x01 é')
    assert rrl.print_expr(expr) == '"it\'s \\"q\\" \\t \\x01 é"'


def test_compiler_temporaries_are_names():
    program = rrl.parse("rrl 1\n\nworkflow W() -> int:\n    $t1 = 1\n    $1_x = $t1\n    return $1_x\n")
    assert program.workflows[0].body[1] == A.Assign(A.Name("$1_x"), A.Name("$t1"))


def test_names_follow_pythons_rules_for_non_ascii_letters():
    text = (
        "rrl 1\n\nmodel Maß from app.modèles import Größe\n\nfn hälfte(wert: float) -> float:\n    return wert / 2\n\n"
        "workflow Größen(größe: int, 名前: str = \"x\") -> Any:\n    $1_größe = größe\n    नमस्ते = [größe for _größe in [名前]]\n"
        "    ha = await hälfte(wert=größe)\n    return {\"x\": Maß(größe=$1_größe).höhe, \"y\": नमस्ते, \"z\": ha}\n"
    )
    program = rrl.parse(text)
    assert rrl.print_program(program) == text
    assert [p.name for p in program.workflows[0].params] == ["größe", "名前"]
    assert rrl.parse(rrl.print_program(program)) == program


def test_names_stand_for_their_nfkc_normal_form_like_python():
    # `ﬁle` (a ligature) and `ℌ` are the names `file` and `H`, as Python reads them
    program = rrl.parse("rrl 1\n\nworkflow W(ﬁle: int) -> int:\n    ℌ = file\n    return H\n")
    assert program.workflows[0].params[0].name == "file"
    assert program.workflows[0].body[0] == A.Assign(A.Name("H"), A.Name("file"))


@pytest.mark.parametrize(
    ("name", "column", "message"),
    [
        ("x²", 6, "invalid character `²` (U+00B2) in the name `x²`"),  # No, not XID_Continue: Python refuses it too
        ("a€b", 6, "invalid character `€` (U+20AC) in the name `a€`"),
        ("·x", 5, "invalid character `·` (U+00B7) in the name `·`"),  # XID_Continue, not XID_Start
        ("x\u00a0", 6, "invalid character U+00A0 in the name `x\u00a0`"),
    ],
)
def test_names_outside_pythons_rules_are_located(name: str, column: int, message: str):
    diag = _error(f"rrl 1\n\nworkflow W() -> int:\n    {name} = 1\n    return 1\n")
    assert (diag.code, diag.span.line, diag.span.column, diag.message) == ("RPL0002", 4, column, message)


def _error(text: str) -> rrl.Diagnostic:
    with pytest.raises(rrl.DiagnosticError) as info:
        rrl.parse(text, "bad.rrl")
    (diag,) = info.value.diagnostics
    return diag


def test_unexpected_token_is_located():
    diag = _error("rrl 1\n\nworkflow W() -> int:\n    x = 1 +\n")
    assert diag.code == "RPL0001"
    assert (diag.span.line, diag.path) == (4, "bad.rrl")


def test_unexpected_character():
    diag = _error("rrl 1\n\nworkflow W() -> int:\n    x = 1 ? 2\n")
    assert diag.code == "RPL0002"
    assert (diag.span.line, diag.span.column) == (4, 11)
    assert diag.message == "unexpected character `?`"


def test_assigning_to_a_call_is_rejected():
    diag = _error("rrl 1\n\nworkflow W() -> int:\n    f(x) = 1\n")
    assert diag.code == "RPL0003"
    assert diag.message == "cannot assign to this expression"


def test_unknown_version_is_rejected():
    diag = _error("rrl 2\n")
    assert diag.message == "unsupported RRL version 2"


def test_bad_policy_argument():
    diag = _error("rrl 1\n\naction a() -> int from m\n\nworkflow W() -> int:\n    await a() retry(tries=3)\n")
    assert diag.message == "unknown policy argument `tries`"
    assert diag.help == "expected one of: attempts, on"


POLICY_PROGRAM = "rrl 1\n\naction a() -> int from m\n\nworkflow W() -> int:\n    x = await a(){}\n    return x\n"


@pytest.mark.parametrize(
    "policies",
    [
        " retry(attempts=3)",
        " retry(on=[])",
        " retry() backoff(base=1s, multiplier=2.0, max=None)",
        " backoff(base=1000ms, multiplier=2) timeout(600)",
        " timeout(600s)",
        " timeout(10m)",
    ],
)
def test_policies_print_as_written(policies: str):
    text = POLICY_PROGRAM.format(policies)
    assert rrl.print_program(rrl.parse(text)) == text


def test_written_defaults_differ_in_the_ast_not_in_the_dag():
    from rrl.dag import lower

    explicit = rrl.parse(POLICY_PROGRAM.format(" retry(attempts=3, on=[]) backoff(base=1s, multiplier=2.0) timeout(300s)"))
    implicit = rrl.parse(POLICY_PROGRAM.format(" retry() backoff() timeout(5m)"))
    assert explicit != implicit
    assert lower(explicit).to_json().replace('"base": 1,', '"base": 1.0,') == lower(implicit).to_json()


def test_a_policy_argument_given_twice_is_rejected():
    diag = _error(POLICY_PROGRAM.format(" retry(attempts=2, attempts=3)"))
    assert (diag.code, diag.message, diag.span.line, diag.span.column) == ("RPL0003", "`attempts` is given twice", 6, 37)


def test_rendered_diagnostic_has_the_rustc_shape():
    text = "rrl 1\n\nworkflow W() -> int:\n    x = 1 ? 2\n"
    with pytest.raises(rrl.DiagnosticError) as info:
        rrl.parse(text, "bad.rrl")
    assert str(info.value) == (
        "error[RPL0002]: unexpected character `?`\n"
        " --> bad.rrl:4:11\n"
        "  |\n"
        "4 |     x = 1 ? 2\n"
        "  |           ^\n"
        "  = help: check the syntax against docs/language.md"
    )


def test_starred_and_expression_statements_round_trip():
    text = (
        "rrl 1\n\nworkflow W(xs: list[int], d: dict) -> Any:\n"
        "    first, *rest = xs\n    ys = [*xs, 1, *rest]\n    t = (*xs, 2)\n"
        "    e = {**d, \"a\": 1}\n    m = max(*xs, 3)\n    xs.sort(key=lambda v: -v)\n    return (first, ys, t, e, m)\n"
    )
    program = rrl.parse(text)
    assert rrl.print_program(program) == text
    body = program.workflows[0].body
    assert body[0].target == A.TupleExpr((A.Name("first"), A.Starred(A.Name("rest"))))
    assert body[3].value.items[0] == (None, A.Name("d"))
    assert isinstance(body[5], A.ExprStmt)


def test_two_starred_targets_are_rejected():
    diag = _error("rrl 1\n\nworkflow W(xs: list[int]) -> int:\n    *a, *b = xs\n")
    assert diag.message == "only one `*name` is allowed in an assignment target"


def test_raise_from_round_trips():
    text = "rrl 1\n\nworkflow W() -> None:\n    try:\n        x = 1\n    except KeyError as e:\n        raise ValueError(\"bad\") from e\n    raise RuntimeError(\"no\") from None\n"
    program = rrl.parse(text)
    assert rrl.print_program(program) == text
    assert program.workflows[0].body[0].handlers[0].body[0].cause == A.Name("e")


def test_del_round_trips_and_flattens_tuples():
    text = "rrl 1\n\nworkflow W(xs: list[int], d: dict, u: Any) -> Any:\n    x = 1\n    del x, xs[1:3], d[\"k\"][0], u.tags\n    return xs\n"
    program = rrl.parse(text)
    assert rrl.print_program(program) == text
    (stmt,) = [s for s in program.workflows[0].body if isinstance(s, A.Delete)]
    assert stmt.targets[0] == A.Name("x")
    assert stmt.targets[1] == A.Subscript(A.Name("xs"), A.Slice(A.Constant(1), A.Constant(3), None))
    assert (stmt.span.line, stmt.span.column) == (5, 5)
    nested = rrl.parse("rrl 1\n\nworkflow W(a: int, b: int, c: int) -> None:\n    del (a, (b, c),)\n")
    assert nested.workflows[0].body[0] == A.Delete((A.Name("a"), A.Name("b"), A.Name("c")))
    assert rrl.print_program(nested).endswith("    del a, b, c\n")


@pytest.mark.parametrize(
    ("target", "message", "column"),
    [
        ("*xs", "cannot delete a starred expression", 9),
        ("a, *xs", "cannot delete a starred expression", 12),
        ("f(xs)", "cannot delete this expression", 9),
        ("f(xs)[0]", "cannot delete this expression", 9),
        ("xs + [1]", "cannot delete this expression", 9),
    ],
)
def test_del_targets_are_checked(target: str, message: str, column: int):
    diag = _error(f"rrl 1\n\nworkflow W(a: int, xs: list[int]) -> None:\n    del {target}\n")
    assert (diag.code, diag.message, diag.span.line, diag.span.column) == ("RPL0003", message, 4, column)


def test_del_is_a_keyword():
    assert _error("rrl 1\n\nworkflow W() -> None:\n    del = 1\n").code == "RPL0010"
    program = rrl.parse("rrl 1\n\nworkflow W(deleted: int) -> int:\n    delta = deleted\n    return delta\n")
    assert program.workflows[0].body[0] == A.Assign(A.Name("delta"), A.Name("deleted"))


# ------------------------------------------------------------------ keywords are never names


def test_the_keywords_are_the_words_the_grammar_spells_out():
    from rrl.keywords import CONTEXTUAL, KEYWORDS, RRL_ONLY
    from rrl.parser import grammar_keywords

    assert grammar_keywords() == KEYWORDS
    assert CONTEXTUAL == {
        "retry", "backoff", "timeout", "max", "limit", "return_exceptions", "exception", "model", "dataclass", "namedtuple", "enum",
        "frozen",
    } and CONTEXTUAL < KEYWORDS
    assert RRL_ONLY == {"rrl", "const", "action", "fn", "workflow", "parallel", "sleep"}


# Every place a name stands, with `zq` in it, and whether it names something of
# Python's world (where a keyword of RRL only, like `sleep`, is a name).
NAME_PLACES = {
    "variable": (False, "workflow W() -> Any:\n    zq = 1\n    return zq\n"),
    "annotated variable": (False, "workflow W() -> Any:\n    zq: int = 1\n    return zq\n"),
    "loop variable": (False, "workflow W(xs: list) -> Any:\n    for zq in xs:\n        pass\n    return 1\n"),
    "comprehension variable": (False, "workflow W(xs: list) -> Any:\n    return [1 for zq in xs]\n"),
    "lambda parameter": (False, "workflow W(xs: list) -> Any:\n    return sorted(xs, key=lambda zq: 1)\n"),
    "except as": (False, "workflow W() -> Any:\n    try:\n        pass\n    except KeyError as zq:\n        pass\n    return 1\n"),
    "const": (False, "const zq = 1\n"),
    "fn": (False, "fn zq(a: int) -> int:\n    return a\n"),
    "fn parameter": (False, "fn f(zq: int) -> int:\n    return 1\n"),
    "workflow parameter": (False, "workflow W(zq: int) -> int:\n    return 1\n"),
    "declared class": (False, "model zq from app\n"),
    "base of a class": (False, "exception E(zq) from app\n"),
    "attribute": (True, "workflow W(x: Any) -> Any:\n    return x.zq\n"),
    "attribute in an f-string": (True, 'workflow W(x: Any) -> Any:\n    return f"{x.zq}"\n'),
    "keyword argument": (True, "workflow W() -> Any:\n    return dict(zq=1)\n"),
    "workflow": (True, "workflow zq() -> int:\n    return 1\n"),
    "action, awaited": (True, "action zq(a: int) -> int from m\n\nworkflow W() -> Any:\n    r = await zq(a=1)\n    return r\n"),
    "action parameter": (True, "action act(zq: int) -> int from m\n\nworkflow W() -> Any:\n    r = await act(zq=1)\n    return r\n"),
    "qualname of a class": (True, "model T from app import zq.Inner\n"),
    "module": (True, "model T from app.zq\n\naction act(a: int) -> int from app.zq\n"),
    "field": (True, "model T from app:\n    zq: int\n"),
    "enum member": (True, "enum T(Enum) from app:\n    zq = 1\n"),
    "type": (True, "workflow W(x: zq[int]) -> Any:\n    return 1\n"),
    "exception type": (True, "workflow W() -> Any:\n    try:\n        pass\n    except zq:\n        pass\n    return 1\n"),
}


def _with_name(node, name: str):
    """`node` with every name `zq` (or part `zq` of a dotted name) renamed."""
    if isinstance(node, str):
        return ".".join(name if part == "zq" else part for part in node.split(".")) if "zq" in node.split(".") else node
    if isinstance(node, tuple):
        return tuple(_with_name(item, name) for item in node)
    if isinstance(node, A.Node):
        import dataclasses

        return dataclasses.replace(node, **{f.name: _with_name(getattr(node, f.name), name) for f in dataclasses.fields(node) if f.name != "span"})
    return node


@pytest.mark.parametrize("place", NAME_PLACES, ids=NAME_PLACES)
def test_a_keyword_is_never_a_name_and_the_printer_never_writes_one(place: str):
    """For every keyword in every place: the parser refuses it (RPL0010 at the
    keyword) exactly where the printer refuses to write it, with a layout too
    (`rappel fmt`, which prints literals as written), and what both accept
    reads back as itself."""
    from rrl.keywords import CONTEXTUAL, KEYWORDS, RRL_ONLY
    from rrl.layout import Layout

    of_python, template = NAME_PLACES[place]
    program = rrl.parse("rrl 1\n\n" + template)
    for keyword in sorted(KEYWORDS):
        refused = keyword not in CONTEXTUAL and not (of_python and keyword in RRL_ONLY)
        text = "rrl 1\n\n" + template.replace("zq", keyword)
        try:
            parsed = rrl.parse(text)
        except rrl.DiagnosticError as error:
            (diag,) = error.diagnostics
            assert refused, f"{keyword!r} as {place}: {diag}"
            # `True = 1` is an assignment to a literal, as Python says
            assert diag.code == "RPL0010" or (diag.code == "RPL0003" and keyword in ("True", "False", "None")), diag
            if diag.code == "RPL0010":
                line, column = diag.span.line, diag.span.column
                assert text.splitlines()[line - 1][column - 1 :].startswith(keyword)
        else:
            assert not refused, f"{keyword!r} as {place} was accepted"
            assert parsed == _with_name(program, keyword)
            assert rrl.parse(rrl.print_program(parsed, Layout(text))) == parsed
        renamed = _with_name(program, keyword)
        if refused:
            for layout in (None, Layout("rrl 1\n\n" + template)):
                with pytest.raises(ValueError, match=f"cannot print `{keyword}` as a name: it is a keyword"):
                    rrl.print_program(renamed, layout)
        else:
            assert rrl.parse(rrl.print_program(renamed)) == renamed


@pytest.mark.parametrize(
    ("body", "keyword", "column"),
    [
        ("    if = 3\n", "if", 5),  # lexed as the keyword where a statement starts
        ("    x = await + 1\n", "await", 9),
        ("    return = 1\n", "return", 5),
        ("    x = 1 + await\n", "await", 13),  # lexed as a name where no keyword fits
        ("    for in in [1]:\n        pass\n", "in", 9),
        ("    sleep = 1\n", "sleep", 5),
        ("    x = f(if=1)\n", "if", 11),
        ("    x = ｉｆ\n", "ｉｆ", 9),  # its normal form is the keyword
    ],
)
def test_a_keyword_in_a_names_place_is_located(body: str, keyword: str, column: int):
    diag = _error(f"rrl 1\n\nworkflow W() -> Any:\n{body}    return 1\n")
    assert (diag.code, diag.span.line, diag.span.column, diag.span.end_column) == ("RPL0010", 4, column, column + len(keyword))
    assert keyword in diag.message


def test_a_keyword_is_still_a_syntax_error_where_a_name_would_not_help():
    assert _error("rrl 1\n\nworkflow W() -> Any:\n    return )\n").code == "RPL0001"
    assert _error("rrl 1\n\nworkflow W() -> Any:\n    for x in :\n        pass\n").code == "RPL0001"


def test_contextual_keywords_are_names_where_the_grammar_does_not_expect_them():
    text = (
        "rrl 1\n\naction act(timeout: int) -> int from m\n\nworkflow W(retry: int, limit: int = 2) -> Any:\n"
        "    max = 3\n    backoff = await act(timeout=max) retry(attempts=2) timeout(5s)\n"
        "    return_exceptions = parallel return_exceptions for x in [limit] limit 1:\n        await act(timeout=x)\n"
        "    while backoff < max(retry, limit) max 3:\n        backoff = backoff + 1\n    return [max, backoff, return_exceptions]\n"
    )
    program = rrl.parse(text)
    assert rrl.print_program(program) == text


def test_the_printer_refuses_what_is_not_a_name():
    for name in ("a b", "1x", "ﬁle", "$", ""):
        with pytest.raises(ValueError, match="cannot print"):
            rrl.print_expr(A.Name(name))
    assert rrl.print_expr(A.Attribute(A.Name("event"), "action")) == "event.action"
    assert rrl.print_expr(A.Name("$1_größe")) == "$1_größe"


@pytest.mark.parametrize(
    ("field", "code", "column"),
    [
        ("{n.if}", "RPL0010", 17),
        ("{1 + await}", "RPL0010", 19),
        ("ab{f(a=1, 2)}", "RPL0003", 24),
        ("{n +}", "RPL0001", 18),
    ],
)
def test_an_error_in_an_f_string_field_is_located_in_the_file(field: str, code: str, column: int):
    diag = _error(f'rrl 1\n\nworkflow W(n: int) -> Any:\n    return f"{field}"\n')
    assert (diag.code, diag.span.line, diag.span.column, diag.path) == (code, 4, column, "bad.rrl")


@pytest.mark.parametrize(
    ("source", "message", "column"),
    [
        # Where the grammar takes `from` but no name, the word is still one word.
        ("rrl 1\n\naction f() -> int fromx m\n", "unexpected `fromx`", 19),
        ("rrl 1\n\nworkflow W(a: int) -> int:\n    return a ifb else 1\n", "unexpected `ifb`", 14),
        # A name after the keyword is still normalised in the message.
        ("rrl 1\n\naction f() -> int fr\ufb01om m\n", "unexpected `frfiom`", 19),
    ],
)
def test_a_keyword_is_a_word_of_its_own(source: str, message: str, column: int):
    diagnostic = _error(source)
    assert (diagnostic.code, diagnostic.message, diagnostic.span.column) == ("RPL0001", message, column)


def test_keywords_stay_keywords_before_a_dot():
    # `if.5` is `if` and `.5`, as in Python: a float is no part of a word.
    program = rrl.parse("rrl 1\n\nworkflow W(a: int) -> float:\n    return a if.5 else 1\n")
    assert rrl.print_program(program).endswith("    return a if 0.5 else 1\n")


@pytest.mark.parametrize(
    ("literal", "message"),
    [
        (r'"\ud800"', "invalid string literal: `\\ud800` is a surrogate, not a character"),
        (r'"\U00110000"', "invalid string literal: `\\U00110000` is past U+10FFFF, the last character"),
    ],
)
def test_an_escape_names_a_character(literal: str, message: str):
    diagnostic = _error(f"rrl 1\n\nconst S = {literal}\n")
    assert (diagnostic.code, diagnostic.message) == ("RPL0003", message)


def test_a_lambda_in_an_fstring_field_prints_in_parentheses():
    # Its `:` would otherwise start the field's format spec.
    field = A.FormattedValue(A.Lambda(("a",), A.Name("a")), None, ">5")
    text = rrl.print_expr(A.FString((field,)))
    assert text == 'f"{(lambda a: a):>5}"'
    assert rrl.parse_expr(text) == A.FString((field,))


# ------------------------------------------------------------------ class declarations


def test_class_declarations_round_trip_with_their_identity():
    text = (
        "rrl 1\n\n"
        "exception Busy(ConnectionError, LookupError) from app.errors\n\n"
        "enum Tier(str, Enum) from app.models import Plan.Tier:\n    FREE = \"free\"\n    GRATIS = \"free\"\n\n"
        "enum Base(Enum) from app.models:\n    pass\n\n"
        "model Plan from app.models:\n    name: str\n    tier: Tier = Tier.FREE\n    tags: list[str] = []\n\n"
        "frozen dataclass Cell from app.geo:\n    row: int\n\n"
        "model Opaque from app.models\n"
    )
    program = rrl.parse(text)
    assert rrl.print_program(program) == text
    busy, tier, base, plan, cell, opaque = program.classes
    assert (busy.kind, busy.bases, busy.body, busy.identity) == ("exception", ("ConnectionError", "LookupError"), None, "app.errors:Busy")
    assert (tier.name, tier.qualname, tier.identity, [m.name for m in tier.members]) == ("Tier", "Plan.Tier", "app.models:Plan.Tier", ["FREE", "GRATIS"])
    assert base.body == () and base.members == ()
    assert [(f.name, rrl.print_expr(f.default) if f.default else None) for f in plan.fields] == [("name", None), ("tier", "Tier.FREE"), ("tags", "[]")]
    assert cell.frozen and cell.kind == "dataclass"
    assert opaque.body is None and opaque.fields is None


@pytest.mark.parametrize(
    ("text", "code", "message"),
    [
        ("enum E(Enum) from m:\n    X: int = 1\n", "RPL0011", "a field in the body of the enum `E`"),
        ("model M from m:\n    X = 1\n", "RPL0011", "a member in the body of the model `M`"),
        ("exception E(Exception) from m:\n    pass\n", "RPL0011", "an exception declaration has no body: `E` is declared by its bases"),
        ("frozen enum E(Enum) from m:\n    X = 1\n", "RPL0001", "unexpected `enum`"),
        ("model M(a.B) from m\n", "RPL0001", "unexpected `.`"),
        ("from app.models import User\n", "RPL0001", "unexpected `from`"),
    ],
)
def test_class_declaration_errors(text, code, message):
    diagnostic = _error("rrl 1\n\n" + text)
    assert (diagnostic.code, diagnostic.message) == (code, message)


def test_an_import_of_older_rrl_says_what_replaced_it():
    diagnostic = _error("rrl 1\n\nfrom app.models import User\n")
    assert "a program declares the classes it names instead of importing them" in diagnostic.help


def test_any_other_complaint_of_lark_is_a_located_diagnostic(monkeypatch):
    """lark's own errors beyond unexpected input (a grammar or lexer state it
    did not foresee) must still reach the user as a diagnostic, not a traceback."""
    from lark.exceptions import LarkError

    from rrl import parser

    def refuse(text, start):
        raise LarkError("lexer state lost")

    monkeypatch.setattr(parser, "_lark_parse", refuse)
    with pytest.raises(rrl.DiagnosticError) as raised:
        parser.parse("rrl 1\n", "flow.rrl")
    (diagnostic,) = raised.value.diagnostics
    assert (diagnostic.code, diagnostic.message, diagnostic.path) == ("RPL0001", "cannot parse this: lexer state lost", "flow.rrl")
    assert diagnostic.span is not None


# Every shape of target, as written and as the tree it stands for: a comma
# after the last item makes a tuple, one item or more, in parentheses or not.
_a, _b, _rest = A.Name("a"), A.Name("b"), A.Name("rest")
TARGET_SHAPES = [
    ("a", _a),
    ("(a)", _a),
    ("a,", A.TupleExpr((_a,))),
    ("(a,)", A.TupleExpr((_a,))),
    ("((a,),)", A.TupleExpr((A.TupleExpr((_a,)),))),
    ("a, (b,)", A.TupleExpr((_a, A.TupleExpr((_b,))))),
    ("(a, (b,))", A.TupleExpr((_a, A.TupleExpr((_b,))))),
    ("a, b,", A.TupleExpr((_a, _b))),
]
# Only assignments take `*rest` and places.
ASSIGNMENT_ONLY_SHAPES = [
    ("a, *rest", A.TupleExpr((_a, A.Starred(_rest)))),
    ("*rest,", A.TupleExpr((A.Starred(_rest),))),
    ("a[0],", A.TupleExpr((A.Subscript(_a, A.Constant(0)),))),
]


def _workflow(*lines: str) -> A.Program:
    return rrl.parse("rrl 1\n\naction load(id: str) -> list from app.actions\n\nworkflow W(xs: list) -> list:\n" + "".join(f"    {line}\n" for line in lines))


def _assert_reads_back(program: A.Program) -> None:
    printed = rrl.print_program(program)
    assert rrl.parse(printed) == program, printed
    assert rrl.print_program(rrl.parse(printed)) == printed


@pytest.mark.parametrize(("written", "tree"), TARGET_SHAPES + ASSIGNMENT_ONLY_SHAPES)
def test_assignment_targets_keep_their_shape(written: str, tree: A.Expr):
    program = _workflow(f"{written} = xs", f"{written} = await load(id='a')", f"{written} = parallel:", "    await load(id='b')", "return xs")
    assign, call, parallel, _ = program.decls[1].body
    assert assign.target == call.target == parallel.target == tree
    _assert_reads_back(program)


@pytest.mark.parametrize(("written", "tree"), TARGET_SHAPES)
def test_loop_and_comprehension_targets_keep_their_shape(written: str, tree: A.Expr):
    program = _workflow(
        f"for {written} in xs:",
        "    pass",
        f"ys = [1 for {written} in xs]",
        f"ys = {{1: 2 for {written} in xs}}",
        f"ys = [1 for zs in xs for {written} in zs]",
        f"ys = parallel for {written} in xs:",
        "    await load(id='c')",
        "return ys",
    )
    loop, listed, in_dict, nested, parallel, _ = program.decls[1].body
    assert loop.target == parallel.loop_target == tree
    assert listed.value.generators[0].target == in_dict.value.generators[0].target == nested.value.generators[1].target == tree
    _assert_reads_back(program)


def test_a_value_with_a_trailing_comma_is_a_tuple():
    program = _workflow("x = 1,", "y = *xs,", "return x,")
    assign, starred, returned = program.decls[1].body
    assert assign.value == A.TupleExpr((A.Constant(1),))
    assert starred.value == A.TupleExpr((A.Starred(A.Name("xs")),))
    assert returned.value == A.TupleExpr((A.Name("x"),))
    _assert_reads_back(program)


HEAD = "rrl 1\n\nworkflow W(a: int, xs: list) -> int:\n"


@pytest.mark.parametrize(
    ("body", "message", "line", "column"),
    [
        # The parser reads on past the line of a bracket left open and stops later.
        ("    x = f(a,\n    return x\n", "`(` opened at 4:10 is never closed", 4, 10),
        ("    x = [a, {1: (2,\n", "`(` opened at 4:17 is never closed", 4, 17),
        # Stopped inside the first bracket, before the second opened: the first.
        ("    x = f(a b, [1,\n", "`(` opened at 4:10 is never closed", 4, 10),
        ("    x = [a, (1]\n", "`]` does not close `(` opened at 4:13", 4, 15),
        ("    x = {a: [1, 2}\n", "`}` does not close `[` opened at 4:13", 4, 18),
        ("    x = a)\n", "unmatched `)`: no bracket is open here", 4, 10),
        # Brackets in strings, f-strings and comments are none.
        ("    x = \"(\" + f'{a}[' + ')'  # {\n    y = a)\n", "unmatched `)`: no bracket is open here", 5, 10),
        ("    x = \"it's\" + (a  # )\n", "`(` opened at 4:18 is never closed", 4, 18),
        ("    é = (1,\n", "`(` opened at 4:9 is never closed", 4, 9),
    ],
)
def test_a_bracket_mistake_is_named_at_the_bracket(body: str, message: str, line: int, column: int):
    diag = _error(HEAD + body)
    assert (diag.code, diag.message) == ("RPL0001", message)
    assert (diag.span.line, diag.span.column, diag.span.end_column) == (line, column, column + 1)
    assert diag.help


@pytest.mark.parametrize(
    "body",
    [
        "    x = a b (\n",  # stopped before the bracket opened
        "    x = (a b]\n",  # stopped before the wrong bracket
        "    x = (a +)\n",  # the brackets are right
    ],
)
def test_a_bracket_that_is_not_the_mistake_is_not_named(body: str):
    assert "bracket" not in _error(HEAD + body).message


@pytest.mark.parametrize("operator, value", [("+=", "(1, 2)"), ("|=", '[("k", 1)]')])
def test_in_place_statements_read_back_and_take_one_target(operator: str, value: str):
    body = f'    xs {operator} {value}\n    d["k"] {operator} xs\n    return xs\n'
    program = rrl.parse("rrl 1\n\nworkflow W(xs: list, d: dict) -> list:\n" + body)
    assert rrl.print_program(program).endswith(body)
    diag = _error(f"rrl 1\n\nworkflow W(a: list, b: list) -> list:\n    (a, b) {operator} [1]\n    return a\n")
    assert (diag.code, diag.span.line, diag.span.column, diag.message) == (
        "RPL0003", 4, 5, f"`{operator}` needs one target: a variable, an item or a field")
