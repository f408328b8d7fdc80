"""The spans the frontend puts on RRL nodes are worked out when first read
(rappel_compiler.source.LazySpan): a workflow that compiles cleanly reads
almost none, and working them out costs a code generation of the statement
they are in. Read, they are the spans libcst gives, and they behave as plain
`Span`s wherever a span goes: compared, hashed, pickled, printed."""

from __future__ import annotations

import pickle
import textwrap

import libcst as cst

from rappel_compiler import compile_source, source
from rrl.ast import Span

MODULE = textwrap.dedent(
    """
    from rappel import Workflow, action, workflow


    @action
    async def greet(name: str, punctuation: str = "!") -> str:
        return f"hello {name}{punctuation}"


    @workflow
    class Greeter(Workflow):
        RETRIES = 2
        LIMIT = RETRIES * 2

        async def run(self, names: list[str]) -> list[str]:
            greetings = []
            for name in names[: self.LIMIT]:
                greetings.append(await greet(name=name, punctuation="?"))
            return greetings
    """
)


def _module() -> source.SourceModule:
    return source.SourceModule(MODULE, "greeter.py", "greeter")


def _call(module: source.SourceModule) -> cst.Call:
    found = []

    class Calls(cst.CSTVisitor):
        def visit_Call(self, node: cst.Call) -> None:
            found.append(node)

    module.tree.visit(Calls())
    return next(call for call in found if getattr(call.func, "value", None) == "greet")


def test_a_span_is_worked_out_when_read_and_is_libcsts() -> None:
    module = _module()
    call = _call(module)
    span = module.span(call)
    assert module.positions.computed == {}  # nothing generated yet
    assert (span.line, span.column, span.end_line, span.end_column) == (18, 36, 18, 69)
    assert module.positions.computed  # now the statement's positions are known
    keyword = call.args[1]
    assert module.span_between(keyword.keyword, keyword.value) == Span(18, 53, 18, 68)  # `punctuation="?"`


def test_a_lazy_span_behaves_as_a_plain_span() -> None:
    module = _module()
    lazy, plain = module.span(_call(module)), Span(18, 36, 18, 69)
    assert lazy == plain and plain == lazy and not (lazy != plain)
    assert lazy != Span(18, 36, 18, 70) and Span(18, 36, 18, 70) != lazy
    assert hash(lazy) == hash(plain) and {plain: "found"}[lazy] == "found"
    assert repr(lazy) == repr(plain) and str(lazy) == "18:36"
    copy = pickle.loads(pickle.dumps(lazy))  # as a diagnostic crosses from a `rappel check -j` process
    assert type(copy) is Span and copy == plain


def test_a_node_of_another_tree_has_no_span() -> None:
    assert _module().span(cst.Name("elsewhere")) is None


def test_a_clean_compile_works_out_no_position() -> None:
    source.clear_cache()
    result = compile_source(MODULE, path="greeter.py", module="greeter")
    assert not result.diagnostics and "Greeter" in result.programs
    parsed = source.load(MODULE, "greeter.py", "greeter")  # the parse the compiler used
    assert parsed.positions.computed == {}
    loop = result.programs["Greeter"].workflows[0].body[1]
    assert (loop.span.line, loop.span.column) == (17, 9)  # there when asked


def test_diagnostics_read_their_spans() -> None:
    text = MODULE.replace('punctuation="?"', 'punctuation="?", volume=3')
    diagnostics = compile_source(text, path="greeter.py", module="greeter").diagnostics
    assert [(d.code, d.span) for d in diagnostics] == [("RPL0206", Span(18, 70, 18, 78))]  # `volume=3`
