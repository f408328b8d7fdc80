"""The arity check of methods (RPL0206) where the receiver's type is certain from
declarations: `name.strip(1, 2, 3)` with `name: str` a parameter, or a variable
bound only to what an action declared to return a `list` or a `dict`. A literal
receiver (`" ".strip(1, 2, 3)`) is checked where it is lowered
(`CallLowering.check_literal_method_arguments`); both give Python's counts."""

from __future__ import annotations

from rrl import ast as A

from . import dialect
from .declarations import _names_of_known_class
from .diagnostics import Reject, method_call_problem

# The builtin types whose methods `dialect.LITERAL_METHOD_ARGUMENTS` describes, as a
# declared type names them (`list[str]` is a `list`).
_TYPED_OWNERS = {owner: owner for owner, _ in dialect.LITERAL_METHOD_ARGUMENTS}


def method_arguments(program: A.Program, bodies: dict[int, list[A.Node]]) -> list[Reject]:
    """Calls of a method of a `str`, `list`, `tuple` or `dict` value whose type is
    certain, with arguments the method never takes: too many or too few positional
    arguments, or a keyword it has not. `bodies`: every node of each body (`body_nodes`)."""
    returns = {a.name: a.returns.name for a in program.actions if isinstance(a.returns, A.NamedType)}
    rejects = []
    for decl in (*program.fns, *program.workflows):
        nodes = bodies[id(decl)]
        known = _names_of_known_class(decl, nodes, _TYPED_OWNERS, returns)
        if not known:
            continue
        for node in nodes:
            if not (isinstance(node, A.Call) and isinstance(node.func, A.Attribute) and isinstance(node.func.value, A.Name)):
                continue
            owner = known.get(node.func.value.id)
            signature = dialect.LITERAL_METHOD_ARGUMENTS.get((owner, node.func.attr))
            if signature is None or any(isinstance(arg, A.Starred) for arg in node.args):
                continue
            reject = _problem(f"{owner}.{node.func.attr}", signature, node)
            if reject is not None:
                rejects.append(reject)
    return rejects


def _problem(label: str, signature: tuple[int, int, frozenset[str]], node: A.Call) -> Reject | None:
    problem = method_call_problem(label, signature, [keyword.name for keyword in node.kwargs], len(node.args))
    if problem is None:
        return None
    message, help, keyword = problem
    reject = Reject("RPL0206", message, None, help)
    reject.span = (node.kwargs[keyword].span or node.span) if keyword is not None else node.span
    return reject
