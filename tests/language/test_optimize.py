"""The optimizer: pass files, pass-level properties, the driver.

Pass files live in tests/language/optimize/<pass>/*.rrl: the input program, a
line `# ---`, then the expected canonical output of that one pass (of the
whole pipeline for `pipeline/`). Every run re-checks the program after each
pass (`verify=True`). Regenerate the expected outputs after a deliberate
change with:

    RRL_UPDATE_PASS_TESTS=1 .venv/bin/pytest tests/language/test_optimize.py
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from rrl import ast as A
from rrl import parse, print_program
from rrl.check import check, errors
from rrl.optimize import MAX_ROUNDS, PASSES, VerifyError, optimize, run_pass
from rrl.optimize.fold_constants import fold_expr
from rrl.optimize.tree import to_expr
from rrl.parser import parse_expr
from rrl.printer import print_expr

CASES_DIR = Path(__file__).parent / "optimize"
SEPARATOR = "# ---\n"
CASES = sorted(CASES_DIR.glob("*/*.rrl"))


def _split(path: Path) -> tuple[str, str]:
    text = path.read_text(encoding="utf-8")
    source, sep, expected = text.partition(SEPARATOR)
    assert sep, f"{path} has no `# ---` line"
    return source, expected


def _run(pass_name: str, program: A.Program) -> A.Program:
    if pass_name == "pipeline":
        return optimize(program, verify=True)
    return run_pass(pass_name, program, verify=True)


@pytest.mark.parametrize("path", CASES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_pass_file(path: Path):
    source, expected = _split(path)
    actual = print_program(_run(path.parent.name, parse(source, str(path))))
    if os.environ.get("RRL_UPDATE_PASS_TESTS"):
        path.write_text(source + SEPARATOR + actual, encoding="utf-8")
        expected = actual
    assert actual == expected


def test_every_pass_has_files():
    folders = {p.name for p in CASES_DIR.iterdir() if p.is_dir()}
    assert folders == {p.name for p in PASSES} | {"pipeline"}


@pytest.mark.parametrize("path", CASES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_expected_output_is_canonical(path: Path):
    _, expected = _split(path)
    assert print_program(parse(expected)) == expected


@pytest.mark.parametrize("path", CASES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_optimize_is_idempotent_and_round_trips(path: Path):
    source, _ = _split(path)
    once = optimize(parse(source), verify=True)
    assert optimize(once, verify=True) == once
    assert parse(print_program(once)) == once


@pytest.mark.parametrize("path", CASES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_each_pass_is_pure_and_keeps_spans(path: Path):
    source, _ = _split(path)
    program = parse(source)
    text = print_program(program)
    for p in PASSES:
        result = p.run(program)
        assert print_program(program) == text  # the input is not changed
        missing = [type(n).__name__ for n in _walk(result) if isinstance(n, (A.Stmt.__args__)) and n.span is None]
        assert not missing, f"{p.name} lost the spans of {missing}"


def _walk(node):
    from rrl.walk import walk

    return walk(node)


# ------------------------------------------------------------------ folding


@pytest.mark.parametrize(
    ("source", "folded"),
    [
        ("1 + 2", "3"),
        ("2 - 5", "-3"),
        ("-2 * 3", "-6"),
        ("-(2)", "-2"),
        ("1.0 - 1.5", "-0.5"),
        ("-0.0 + 0", "0.0"),
        ("0.0 * -1", "-0.0"),
        ("2 ** -1", "0.5"),
        ("'a' + 'b'", '"ab"'),
        ("not ''", "True"),
        ("[1, 2][-1]", "2"),
        ("(1 + 2) * x", "3 * x"),
        ("1 if x else 2", "1 if x else 2"),
        ("len('abc') == 3", "True"),
        ("f'{1}{2}'", '"12"'),
        ("[]", "[]"),
        ("[*[1, 2], 3]", "[1, 2, 3]"),
        ("(*[1], *(2, x))", "(1, 2, x)"),
        ("[*'ab', *{'k': 1}]", '["a", "b", "k"]'),
        ("{**{'a': 1}, 'b': 2, **d}", '{"a": 1, "b": 2, **d}'),
        ("[*[-1], *[3 - 5]]", "[-1, -2]"),
        ("len([*[1, 2], *(3,)])", "3"),
        ("[*xs, *[]]", "[*xs]"),
        ("xs.append(2 * 3)", "xs.append(6)"),
    ],
)
def test_fold_expression(source: str, folded: str):
    assert print_expr(fold_expr(parse_expr(source))) == folded


@pytest.mark.parametrize(
    "source",
    [
        "1 / 0", "1 // 0", "[1][3]", "{}['k']", "2 ** 63", "1e308 * 10", "'a' * 10001", "True + 1", "True == 1", "1 < 'a'", "'%s' % 1", "1 is 1",
        "[*xs]", "{**d}", "[*[xs.pop()], 1]", "{**{'a': d.pop('a')}}", "max(*[1, 2])", "[*1]", "{**[1]}", "len([xs.pop()])", "[xs.append(1), 2][1]",
    ],
)
def test_fold_refuses(source: str):
    expr = parse_expr(source)
    assert fold_expr(expr) == expr


def test_folded_constants_are_never_negative():
    for source in ("3 - 5", "-3 * 1.5", "0.0 * -1", "7 // -2", "-(-(-4))"):
        folded = fold_expr(parse_expr(source))
        for node in _walk(folded):
            if isinstance(node, A.Constant) and type(node.value) in (int, float):
                assert node.value >= 0 and str(node.value)[0] != "-", source


def test_to_expr_spells_negative_numbers_as_unary_minus():
    assert to_expr(-3, None) == A.UnaryOp("-", A.Constant(3))
    assert to_expr(-0.0, None) == A.UnaryOp("-", A.Constant(0.0))
    assert to_expr([1, -2], None) == A.ListExpr((A.Constant(1), A.UnaryOp("-", A.Constant(2))))


def test_folded_node_takes_the_span_of_the_expression_it_replaces():
    program = parse("rrl 1\n\nworkflow W() -> int:\n    x = 1 + 2\n    return x\n")
    folded = run_pass("fold_constants", program)
    value = folded.workflows[0].body[0].value
    assert value == A.Constant(3)
    assert value.span == program.workflows[0].body[0].value.span


def test_bool_is_not_an_int_when_folding():
    assert fold_expr(parse_expr("True + True")) == parse_expr("True + True")
    assert fold_expr(parse_expr("1 == 1.0")) == A.Constant(True)
    assert fold_expr(parse_expr("True is True")) == A.Constant(True)


# ------------------------------------------------------------------ the driver


SAMPLE = """\
rrl 1

const N = 2

action fetch(id: str) -> int from app.actions

workflow W(id: str) -> int:
    $t1 = await fetch(id=id)
    x = $t1
    if N > 1:
        y = x * N
    else:
        y = 0
    return y
"""


def test_optimize_runs_every_pass_to_a_fixed_point():
    result = optimize(parse(SAMPLE), verify=True)
    assert print_program(result) == (
        "rrl 1\n\naction fetch(id: str) -> int from app.actions\n\n"
        "workflow W(id: str) -> int:\n    x = await fetch(id=id)\n    y = x * 2\n    return y\n"
    )


def test_optimize_with_named_passes_only():
    result = optimize(parse(SAMPLE), passes=["propagate_copies"])
    assert "x = await fetch(id=id)" in print_program(result)
    assert "const N = 2" in print_program(result)


def test_unknown_pass_names_the_passes():
    with pytest.raises(KeyError, match="fold_constants"):
        run_pass("inline_everything", parse(SAMPLE))


def test_pass_list_and_summaries():
    assert [p.name for p in PASSES] == ["fold_constants", "eliminate_dead_code", "propagate_copies", "simplify_control_flow"]
    assert all(p.summary for p in PASSES)
    assert MAX_ROUNDS >= 2


def test_verify_reports_a_pass_that_breaks_the_program(monkeypatch):
    import rrl.optimize as optimizer

    def drop_first_statement(program: A.Program) -> A.Program:
        from dataclasses import replace

        workflow = program.workflows[0]
        broken = replace(workflow, body=workflow.body[1:])
        return replace(program, decls=tuple(broken if d is workflow else d for d in program.decls))

    monkeypatch.setattr(optimizer, "PASSES", [optimizer.Pass("broken", drop_first_statement)])
    with pytest.raises(VerifyError, match="RPL0302"):
        optimizer.run_pass("broken", parse(SAMPLE), verify=True)


def test_optimized_program_checks_clean():
    result = optimize(parse(SAMPLE))
    assert errors(check(result)) == []


def test_optimize_keeps_a_program_without_workflows():
    source = "rrl 1\n\naction fetch(id: str) -> int from app.actions\n\nfn helper(id: str) -> int:\n    x = await fetch(id=id)\n    return x\n"
    assert print_program(optimize(parse(source))) == source



# ------------------------------------------------------------------ passes, at the Python level


def _workflow_body(source: str, pass_name: str) -> tuple:
    program = parse("rrl 1\n\naction fetch(id: str) -> int from app.actions\n\n" + source)
    return program.workflows[0].body, run_pass(pass_name, program, verify=True).workflows[0].body


def test_dead_code_splices_the_taken_branch_with_its_spans():
    before, after = _workflow_body("workflow W(x: int) -> int:\n    if True:\n        y = x\n    return y\n", "eliminate_dead_code")
    assert after == (before[0].body[0], before[1])
    assert after[0].span == before[0].body[0].span


def test_dead_code_keeps_user_variables_and_calls():
    source = "workflow W(x: int) -> int:\n    unused = 1\n    $t1 = await fetch(id=\"a\")\n    return x\n"
    before, after = _workflow_body(source, "eliminate_dead_code")
    assert after == before


def test_copy_propagation_keeps_the_span_of_the_call():
    before, after = _workflow_body("workflow W() -> int:\n    $t1 = await fetch(id=\"a\")\n    x = $t1\n    return x\n", "propagate_copies")
    assert len(after) == 2
    assert after[0].target == A.Name("x") and after[0].call == before[0].call
    assert after[0].span == before[0].span


def test_copy_propagation_never_touches_user_variables():
    source = "workflow W(x: int) -> int:\n    y = await fetch(id=\"a\")\n    z = y\n    w = x + 1\n    return w * 2\n"
    before, after = _workflow_body(source, "propagate_copies")
    assert after == before


def test_negate_is_exact_only_where_it_may_be():
    from rrl.optimize.simplify_control_flow import negate

    assert print_expr(negate(parse_expr("a == b"))) == "a != b"
    assert print_expr(negate(parse_expr("a is not None"))) == "a is None"
    assert print_expr(negate(parse_expr("not a"))) == "a"
    assert print_expr(negate(parse_expr("a < b"))) == "not a < b"
    assert print_expr(negate(parse_expr("a == b == c"))) == "not a == b == c"


def test_simplify_keeps_spans_of_rewritten_tests():
    before, after = _workflow_body("workflow W(x: int) -> int:\n    if x == 1:\n        pass\n    else:\n        x = 2\n    return x\n", "simplify_control_flow")
    assert print_expr(after[0].test) == "x != 1"
    assert after[0].span == before[0].span and after[0].body[0].span == before[0].orelse[0].span


# ------------------------------------------------------------------ unpacking and changing methods


def test_substitute_never_replaces_the_variable_a_method_changes():
    from rrl.optimize.tree import substitute

    mapping = {"xs": A.Name("ys"), "i": A.Constant(0)}
    assert print_expr(substitute(parse_expr("xs[i].append(xs)"), mapping)) == "xs[0].append(ys)"
    assert print_expr(substitute(parse_expr("xs.sort() or xs"), mapping)) == "xs.sort() or ys"
    assert print_expr(substitute(parse_expr("f(xs).count(i)"), mapping)) == "f(ys).count(0)"


def test_reads_of_starred_targets_and_dict_unpacking():
    from rrl.walk import reads

    program = parse("rrl 1\n\nworkflow W(xs: list, d: dict, k: str) -> Any:\n    a, *d[k] = xs\n    e = {**d, k: 1}\n    return e\n")
    assert reads(program.workflows[0].body) == {"xs": 1, "d": 2, "k": 2, "e": 1}


def test_names_read_of_a_walked_body_are_the_names_reads_counts():
    from rrl.walk import names_read, reads, walk

    sources = [_split(path)[0] for path in CASES] + [
        "rrl 1\n\nworkflow W(xs: list, d: dict, k: str) -> Any:\n    a, *d[k] = xs\n    e = {**d, k: 1}\n    return e\n"
    ]
    checked = 0
    for source in sources:
        program = parse(source)
        for decl in (*program.fns, *program.workflows):
            assert names_read(node for stmt in decl.body for node in walk(stmt)) == set(reads(decl.body)), source
            checked += 1
    assert checked > len(CASES)


def test_map_exprs_reaches_the_indexes_of_starred_targets():
    from rrl.optimize.tree import map_exprs

    program = parse("rrl 1\n\nworkflow W(xs: list, d: dict) -> Any:\n    a, *d[1 + 1] = xs\n    xs.sort()\n    return d\n")
    folded = map_exprs(program, fold_expr)
    assert print_program(folded).splitlines()[3:5] == ["    a, *d[2] = xs", "    xs.sort()"]


def test_dead_code_keeps_expression_statements_and_changing_tests():
    source = "workflow W(xs: list[int]) -> list[int]:\n    xs.sort()\n    if xs.pop():\n        pass\n    $t1 = xs.pop()\n    return xs\n"
    before, after = _workflow_body(source, "eliminate_dead_code")
    assert after == before


def test_copy_propagation_moves_no_read_across_a_change():
    source = "workflow W(xs: list[int]) -> list:\n    $t1 = xs\n    ys = [xs.sort(), $t1]\n    $t2 = xs.pop()\n    zs = [xs, $t2]\n    return [ys, zs]\n"
    before, after = _workflow_body(source, "propagate_copies")
    assert after == before
