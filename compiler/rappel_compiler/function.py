"""Lowering of one function body (`run()` or a helper, or a constant's
value expression) to RRL. The state shared by the expression, call and
statement mixins lives here: the output block, temporaries, local renames.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterator

import libcst as cst

from rrl import ast as A

from . import dialect
from .calls import CallLowering
from .classes import ClassLowering
from .diagnostics import Reject
from .expressions import ExpressionLowering
from .index import ClassInfo
from .limits import long_chain
from .statements import StatementLowering, fold_changes
from .tree import Visitor

if TYPE_CHECKING:
    from .compiler import WorkflowCompiler


class FunctionLowerer(StatementLowering, CallLowering, ClassLowering, ExpressionLowering):
    def __init__(
        self,
        wc: "WorkflowCompiler",
        fn: cst.FunctionDef | None,
        owner: ClassInfo | None = None,
        has_self: bool = True,
        nested: bool = False,
    ):
        self.wc = wc
        self.src = wc.src
        self.index = wc.index
        self.cls = wc.cls  # the workflow class: `self` is one of these
        self.owner = owner  # the class a constant expression belongs to
        self.fn = fn
        self.is_async = fn is not None and fn.asynchronous is not None
        self.self_name = _first_param(fn) if fn is not None and has_self else None
        self.is_nested = nested  # a function defined inside workflow code: it cannot read the enclosing locals
        self.block: list[A.Stmt] = []
        self.temp_count = 0
        self.calls_by_func: dict[int, cst.Call] = {}
        self.declared_global: set[str] = set()
        self.rejected_names: set[str] = set()  # bound by rejected definitions (already reported)
        self.lambda_allowed = False
        self.consumed_iterators: set[int] = set()  # map()/filter() calls whose iterator is consumed at once
        self.iterated: set[int] = set()  # expressions Python iterates over (an enum class there is its members)
        # Generator expressions whose consumer's result does not depend on the order (any(),
        # set(), sorted(), ...): a set they iterate is taken in the codec's order, `unordered(s)`.
        self.order_free_generators: set[int] = set()
        self.unordered_iters: set[int] = set()  # the sets such generators iterate
        self._pure: list[tuple[str, cst.CSTNode | None]] = []
        self.rebound: list[str] = []  # the variables `:=` assigned so far, in order (see `ordered`)
        self._scopes: list[dict[str, str]] = []
        names = wc.of_function(function_names, fn) if fn is not None else NO_NAMES
        self.function_locals = names.own
        self.all_locals = names.all
        self.set_locals = names.set_locals
        self.renames = reserved_renames(names.all)
        self.nested_defs = names.nested_defs

    # -------------------------------------------------------------- output

    def emit(self, stmt: A.Stmt) -> None:
        if self._pure:
            reason, node = self._pure[-1]
            help_text = "compute the value in a statement before, and use the variable"
            if reason == "a gather comprehension":  # the calls' arguments are computed while the list is built
                help_text = ("compute the values in a list first (`values = [helper(x) for x in xs]`), then gather over it: "
                             "`asyncio.gather(*[act(x, v) for x, v in zip(xs, values)])`")
            raise Reject("RPL0217", f"an await or helper call cannot be evaluated inside {reason}", node, help_text)
        self.block.append(stmt)

    @contextlib.contextmanager
    def nested(self) -> Iterator[list]:
        outer = self.block
        self.block = []
        try:
            yield self.block
        finally:
            self.block = outer

    @contextlib.contextmanager
    def pure(self, reason: str, node: cst.CSTNode | None = None) -> Iterator[None]:
        """Lower without emitting statements (`reason`, `node`: for the error)."""
        self._pure.append((reason, node))
        try:
            yield
        finally:
            self._pure.pop()

    @contextlib.contextmanager
    def renamed(self, names: dict[str, str]) -> Iterator[None]:
        self._scopes.append(names)
        try:
            yield
        finally:
            self._scopes.pop()

    def new_temp(self) -> str:
        self.temp_count += 1
        return f"$t{self.temp_count}"

    def span(self, node: cst.CSTNode | None):
        return self.src.span(node)

    # -------------------------------------------------------------- names

    def scoped_name(self, name: str) -> str | None:
        for scope in reversed(self._scopes):
            if name in scope:
                return scope[name]
        return None

    def local_name(self, name: str) -> str:
        scoped = self.scoped_name(name)
        if scoped is not None:
            return scoped
        return self.renames.get(name, name)

    # -------------------------------------------------------------- effects

    def has_effects(self, node: cst.CSTNode) -> bool:
        """Does evaluating `node` await, call a helper method, or change a value
        in place (`xs.pop()`)? Such a part is hoisted into a statement of its own."""
        return self._find(node, awaits=True, helpers=True, changes=True, chains=not self._pure)

    def has_await(self, node: cst.CSTNode) -> bool:
        return self._find(node, awaits=True)

    def has_mutation(self, node: cst.CSTNode) -> bool:
        return self._find(node, changes=True)

    def _find(self, node: cst.CSTNode, awaits: bool = False, helpers: bool = False, changes: bool = False, chains: bool = False) -> bool:
        finder = _EffectFinder(self, awaits, helpers, changes, chains)
        finder.walk(node)
        return finder.found

    # -------------------------------------------------------------- bodies

    def lower_function(self) -> tuple[A.Stmt, ...]:
        return fold_changes(self.body(self.fn.body), self.wc.augmented)

    def lower_value(self, node: cst.BaseExpression) -> A.Expr:
        """A constant's value: a pure expression of other constants."""
        with self.pure("a constant", node):
            return self.expr(node)


class _EffectFinder(Visitor):
    def __init__(self, lowerer: FunctionLowerer, awaits: bool, helpers: bool, changes: bool, chains: bool = False):
        self.lowerer = lowerer
        self.awaits = awaits
        self.helpers = helpers
        self.changes = changes
        self.chains = chains  # a long chain of operators, split with temporaries
        self.found = False

    def visit_BinaryOperation(self, node: cst.BinaryOperation) -> bool:
        self.found = self.found or (self.chains and long_chain(node))
        return not self.found

    def visit_Await(self, node: cst.Await) -> bool:
        self.found = self.found or self.awaits
        return not self.found

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def visit_NamedExpr(self, node: cst.NamedExpr) -> bool:
        self.found = self.found or self.changes  # `(n := v)` assigns `n` in a statement of its own
        return not self.found

    def visit_Call(self, node: cst.Call) -> bool:
        func = node.func
        helper = self.lowerer.helper_target(func)
        if helper is not None:
            if self.helpers and helper.name != dialect.RUN_ACTION:
                self.found = True
        elif self.changes and self.lowerer.is_changing_call(node):
            self.found = True
        return not self.found


@dataclass(frozen=True)
class FunctionNames:
    """What the lowering asks of the names a function binds, read in one walk
    of it (`function_names`)."""

    own: frozenset[str]  # bound in the function's own scope
    all: frozenset[str]  # bound anywhere in it: its comprehensions and lambdas too
    set_locals: frozenset[str]  # see `function_names`
    nested_defs: dict[str, cst.FunctionDef]  # see `function_names`


NO_NAMES = FunctionNames(frozenset(), frozenset(), frozenset(), {})


def function_names(fn: cst.FunctionDef) -> FunctionNames:
    """The names `fn` binds, and from them:

    - its set locals: the locals that only ever hold a set. Every assignment to
      them is a set display (`seen = set()`, `kept = seen - reserved`), set
      operators update them in place, and nothing else binds them. Iterating
      one is refused at compile time.
    - its nested helpers, by name: the functions defined at the top level of
      its body (a `def` in a block may not have run), once, under a name
      nothing else binds.
    """
    walk = _FunctionNames()
    walk.set_blind += 1
    walk.walk(fn.params)
    walk.set_blind -= 1
    walk.walk(fn.body)
    sets = frozenset(walk.set_values.keys() - walk.not_sets)
    while True:  # drop the names assigned anything but a set, until none is left to drop
        kept = frozenset(n for n in sets if all(is_set_display(v, sets) for v in walk.set_values[n]))
        if kept == sets:
            break
        sets = kept
    counts = Counter(node.name.value for node in walk.defs)
    top_level = {id(stmt) for stmt in fn.body.body} if isinstance(fn.body, cst.IndentedBlock) else set()
    nested_defs = {
        node.name.value: node
        for node in walk.defs
        if counts[node.name.value] == 1 and node.name.value not in walk.bound_otherwise and id(node) in top_level
    }
    return FunctionNames(frozenset(walk.own), frozenset(walk.all), sets, nested_defs)


class _FunctionNames(Visitor):
    """One walk of a function's parameters and body for `function_names`.

    Nested scopes: a comprehension or a lambda binds in `all` but not in `own`;
    the body of a `def` or `class` inside is not walked (its name is bound). For
    the set locals, only the function's body outside lambdas counts, its
    comprehensions included (a `:=` there binds in the function)."""

    def __init__(self) -> None:
        self.own: set[str] = set()
        self.all: set[str] = set()
        self.bound_otherwise: set[str] = set()  # bound by anything but a `def`
        self.defs: list[cst.FunctionDef] = []
        self.set_values: dict[str, list[cst.BaseExpression]] = {}  # name = value, name: T = value
        self.not_sets: set[str] = set()  # bound otherwise than so: not a set local
        self.depth = 0  # inside how many comprehensions and lambdas
        self.set_blind = 0  # > 0 in the parameters and in lambdas: no set local is bound there

    def _bind(self, node: cst.CSTNode, by_def: bool = False) -> None:
        """`node` (a name, or a tuple or list of them) is bound; `by_def`: by a `def`."""
        for name in _target_names(node):
            self.all.add(name)
            if self.depth == 0:
                self.own.add(name)
            if not by_def:
                self.bound_otherwise.add(name)

    def _not_set(self, node: cst.CSTNode) -> None:
        if not self.set_blind:
            self.not_sets.update(_target_names(node))

    def _set_value(self, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        if self.set_blind:
            return
        if isinstance(target, cst.Name):
            self.set_values.setdefault(target.value, []).append(value)
        else:
            self._not_set(target)

    def _enter(self, node: cst.CSTNode) -> None:
        self.depth += 1

    def _leave(self, node: cst.CSTNode) -> None:
        self.depth -= 1

    visit_ListComp = visit_DictComp = visit_SetComp = visit_GeneratorExp = _enter
    leave_ListComp = leave_DictComp = leave_SetComp = leave_GeneratorExp = _leave

    def visit_Lambda(self, node: cst.Lambda) -> None:
        self.depth += 1
        self.set_blind += 1

    def leave_Lambda(self, node: cst.Lambda) -> None:
        self.depth -= 1
        self.set_blind -= 1

    def visit_Param(self, node: cst.Param) -> None:
        self._bind(node.name)

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._set_value(target.target, node.value)

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self._bind(node.target)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._bind(node.target)
        if node.value is not None:
            self._set_value(node.target, node.value)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._bind(node.target)
        if not isinstance(node.operator, _SET_AUGMENTED):
            self._not_set(node.target)

    def visit_Del(self, node: cst.Del) -> None:
        self._bind(node.target)  # `del x` makes `x` a local, as in Python

    def visit_For(self, node: cst.For) -> None:
        self._bind(node.target)
        self._not_set(node.target)

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self._bind(node.target)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            self._not_set(node.asname.name)

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        if node.name is not None:
            self._bind(node.name.name)
            self._not_set(node.name.name)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._bind(node.target)
        self._not_set(node.target)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self._bind(node.name, by_def=True)
        self.defs.append(node)
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        self._bind(node.name)
        return False


_SET_OPERATORS = (cst.BitOr, cst.BitAnd, cst.BitXor, cst.Subtract)
_SET_AUGMENTED = (cst.BitOrAssign, cst.BitAndAssign, cst.BitXorAssign, cst.SubtractAssign)


def is_set_display(node: cst.BaseExpression, sets: frozenset[str] = frozenset()) -> bool:
    """`{a, b}`, a set comprehension, `set(...)` / `frozenset(...)`, one of the
    locals `sets`, or a set operator applied to one of them: an expression
    that is a set by its shape."""
    if isinstance(node, (cst.Set, cst.SetComp)):
        return True
    if isinstance(node, cst.Name):
        return node.value in sets
    if isinstance(node, cst.Call):
        return isinstance(node.func, cst.Name) and node.func.value in ("set", "frozenset")
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, _SET_OPERATORS):
        return is_set_display(node.left, sets)
    return False


def _target_names(node: cst.CSTNode) -> Iterator[str]:
    """The names an assignment target binds: `x`, `a, (b, *c)`."""
    if isinstance(node, cst.Name):
        yield node.value
    elif isinstance(node, (cst.Tuple, cst.List)):
        for element in node.elements:
            yield from _target_names(element.value)
    elif isinstance(node, cst.StarredElement):
        yield from _target_names(node.value)


def reserved_renames(names: set[str] | frozenset[str]) -> dict[str, str]:
    """`sleep` → `sleep_` (or `sleep__` if that is taken too)."""
    renames = {}
    for name in sorted(names & dialect.RESERVED_LOCALS):
        candidate = name + "_"
        while candidate in names or candidate in renames.values():
            candidate += "_"
        renames[name] = candidate
    return renames


def _first_param(fn: cst.FunctionDef) -> str | None:
    params = list(fn.params.posonly_params) + list(fn.params.params)
    return params[0].name.value if params else None
