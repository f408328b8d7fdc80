"""Signatures of what a workflow calls with effects (actions and helpers), and
mapping a Python call's arguments onto them: RRL passes every argument by
keyword, so positional arguments take the names of the parameters.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from .diagnostics import Reject, did_you_mean


@dataclass(frozen=True)
class Parameter:
    name: str  # the Python name (what callers write as a keyword)
    rrl_name: str  # the keyword in RRL (helpers may rename reserved words)
    has_default: bool = False
    positional: bool = True  # may be passed by position
    keyword: bool = True  # may be passed by keyword
    default_expressible: bool = True  # False: the default has no RRL form, callers must pass it


@dataclass(frozen=True)
class HelperDef:
    """A function a workflow calls as a helper: a method (`has_self`), a
    @staticmethod, a module-level function or a function defined inside
    workflow code (`nested`)."""

    fn: cst.FunctionDef
    label: str  # how calls name it: `self.tag`, `normalize`, `Texts.slug`
    has_self: bool = False
    nested: bool = False
    home: object = None  # the other module of the project that defines it (a ForeignModule); None: this one


@dataclass
class Callee:
    kind: str  # "action" | "fn"
    name: str  # the RRL name of the action or fn
    params: list[Parameter]
    is_async: bool = True
    injected: set[str] = field(default_factory=set)  # Depend parameters (actions)

    def bind(self, call: cst.Call, label: str) -> list[tuple[str, cst.BaseExpression]]:
        """The arguments of `call` as (RRL keyword, value), in source order."""
        bound: list[tuple[str, cst.BaseExpression]] = []
        given: set[str] = set()
        positional = [p for p in self.params if p.positional]
        position = 0
        for arg in call.args:
            if arg.star == "*":
                raise Reject("RPL0206", f"star-arguments (`*{_text(arg.value)}`) cannot be passed to {label}()", arg,
                             "pass each argument by name: the arguments of a call must be known when the workflow is compiled")
            if arg.star == "**":
                raise Reject("RPL0206", f"keyword unpacking (`**{_text(arg.value)}`) cannot be passed to {label}()", arg,
                             "pass each argument by name: the arguments of a call must be known when the workflow is compiled")
            if arg.keyword is None:
                if position >= len(positional):
                    given_count = sum(1 for a in call.args if a.keyword is None and not a.star)
                    raise Reject("RPL0206", f"{label}() takes {_count(len(positional), 'positional argument')} but {given_count} {'was' if given_count == 1 else 'were'} given", arg,
                                 _keyword_help(self.params, positional))
                param = positional[position]
                position += 1
            else:
                name = arg.keyword.value
                if name in self.injected:
                    raise Reject("RPL0207", f"the parameter `{name}` of {label}() is injected by Depend and cannot be passed", arg,
                                 "remove this argument: the worker provides it when the action runs")
                param = next((p for p in self.params if p.name == name and p.keyword), None)
                if param is None:
                    keywords = [p.name for p in self.params if p.keyword and p.name not in self.injected]
                    raise Reject("RPL0206", f"{label}() has no parameter `{name}`", arg,
                                 did_you_mean(name, keywords) or _parameters_help(label, keywords))
            if param.name in given:
                raise Reject("RPL0206", f"{label}() got the argument `{param.name}` twice", arg)
            given.add(param.name)
            bound.append((param.rrl_name, arg.value))
        for param in self.params:
            if param.name in given:
                continue
            if not param.has_default:
                raise Reject("RPL0206", f"{label}() is missing the argument `{param.name}`", call,
                             f"pass `{param.name}`, or give the parameter a default value")
            if not param.default_expressible:
                raise Reject("RPL0206", f"the default value of `{param.name}` of {label}() cannot be expressed in RRL", call,
                             f"pass `{param.name}` explicitly")
        return bound


def _text(node: cst.CSTNode) -> str:
    return cst.Module([]).code_for_node(node)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _parameters_help(label: str, names: list[str]) -> str:
    if not names:
        return f"{label}() takes no keyword arguments"
    return f"the parameters of {label}() are " + ", ".join(f"`{n}`" for n in names)


def _keyword_help(params: list[Parameter], positional: list[Parameter]) -> str | None:
    """For too many positional arguments: the keyword-only parameters, if any."""
    keyword_only = [p.name for p in params if p.keyword and p not in positional]
    if keyword_only:
        return "pass " + ", ".join(f"`{n}`" for n in keyword_only) + " by name"
    return None
