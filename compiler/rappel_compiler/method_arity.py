"""The arity check of methods (RPL0206) where the receiver's type is certain from
declarations: `name.strip(1, 2, 3)` with `name: str` a parameter, or a variable
bound only to what an action declared to return a `list` or a `dict`. A literal
receiver (`" ".strip(1, 2, 3)`) is checked where it is lowered
(`CallLowering.check_literal_method_arguments`); both give Python's counts."""

from __future__ import annotations

from rrl import ast as A

from . import dialect
from .declarations import _names_of_known_class
from .diagnostics import Reject, arity_message, did_you_mean

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
    low, high, keywords = signature
    method = label.split(".")[1]
    for keyword in node.kwargs:
        if keyword.name not in keywords:
            message = f"{label}() takes no keyword arguments" if not keywords else \
                f"{label}() does not take the keyword argument `{keyword.name}`"
            otherwise = f"its keyword arguments are {', '.join(f'`{k}`' for k in sorted(keywords))}" if keywords else \
                f"pass the argument{'s' if high > 1 else ''} of {method}() by position"
            reject = Reject("RPL0206", message, None, did_you_mean(keyword.name, keywords) or otherwise)
            reject.span = keyword.span or node.span
            return reject
    if low <= len(node.args) <= high:
        return None
    reject = Reject("RPL0206", arity_message(label, low, high, len(node.args)), None)
    reject.span = node.span
    return reject
