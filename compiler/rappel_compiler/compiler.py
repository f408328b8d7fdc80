"""Compiling one `@workflow` class to one RRL program.

`WorkflowCompiler` lowers `run()`, then every helper it reaches (methods,
static methods, module-level and nested functions: `HelperDef`), and
declares the actions, constants and types they use. Helpers of the lowering
(`FunctionLowerer`) raise `Reject`; `report` turns each one into a diagnostic
with the span of the node it names.
"""

from __future__ import annotations

import contextlib
import dataclasses
import enum
from collections.abc import Callable
from typing import TypeVar

import libcst as cst

from rrl import ast as A
from rrl.check import check
from rrl.diagnostics import Diagnostic
from rrl import limits
from rrl.keywords import is_reserved

from . import aliasing, dialect
from .constants import literal
from .declarations import ClassDeclarations
from .diagnostics import DEFAULT_HELP, Reject, did_you_mean
from .function import FunctionLowerer, function_names, reserved_renames
from .index import ClassInfo, LocalAction, ModuleIndex
from .limits import too_deep_to_compile
from .method_arity import method_arguments
from .modules import ForeignModule
from .program import ProgramBuilder
from .resolve import ActionInfo, ConstInfo, MemberInfo, Resolver, TypeInfo, is_constant
from .rewrite import body_nodes, rename_calls, renumber_temps
from .scan import forbidden_calls, unnormalised_names
from .signatures import Callee, HelperDef, Parameter
from .source import SourceModule
from .types import PLAIN_CLASS, TypeLowering, Unencodable


T = TypeVar("T")

FN_PLACEHOLDER = "fn:"  # cannot be an RRL name: fns are named when the program is complete
FN_SUFFIX = "#"  # tells apart the placeholders of two helpers with one name (a method and a function)


HELPER_PLACE_HELP = "helper methods are defined on the workflow class or one of its base workflow classes"
FOREIGN_BASE_HELP = (
    "; the compiler reads the base workflow classes (subclasses of `Workflow`) of the project's own modules, "
    "not the methods of other imported classes: define the helper on a base workflow class, or as a function"
)


class DiagnosticSink:
    """Every diagnostic of a file, without duplicates (helpers shared by several
    workflows are lowered once per workflow)."""

    def __init__(self, src: SourceModule):
        self.src = src
        self.diagnostics: list[Diagnostic] = []
        self._seen: set[tuple] = set()

    def add(self, reject: Reject, src: SourceModule | None = None) -> bool:
        """`src`: the module the reject's node is in (a helper of another module's)."""
        src = src or self.src
        span = reject.span if reject.span is not None else src.span(reject.node)
        path, text = (reject.path, reject.source) if reject.path else (src.path, None if src is self.src else src.source)
        help = reject.help or DEFAULT_HELP[reject.code]
        return self.add_diagnostic(Diagnostic(reject.code, reject.message, span, help, path, source=text))

    def add_diagnostic(self, diagnostic: Diagnostic) -> bool:
        key = (diagnostic.code, diagnostic.message, diagnostic.span, diagnostic.path)
        if key in self._seen:
            return False
        self._seen.add(key)
        self.diagnostics.append(diagnostic)
        return True


class WorkflowCompiler:
    def __init__(self, src: SourceModule, index: ModuleIndex, resolver: Resolver | None, cls: ClassInfo, sink: DiagnosticSink):
        self.src = src
        self.index = index
        # `src` and `index` are those of the module whose code is being lowered (`in_module`);
        # these stay the workflow's.
        self.home_src, self.home_index = src, index
        self.resolver = resolver
        self.cls = cls
        self.sink = sink
        self.errors = 0
        self._analyses: dict[tuple[Callable, int], tuple[cst.FunctionDef, object]] = {}
        bound = set()
        for info in index.mro(cls.name):
            for method in info.methods.values():
                names = self.of_function(function_names, method).all
                renames = reserved_renames(names)
                bound |= {renames.get(name, name) for name in names}  # as the program names them
        self.builder = ProgramBuilder(src.module, avoid=bound)
        self.types = TypeLowering(self)
        # `xs += ys` lowered to `xs = xs + ys`: in place for lists, which the aliasing check must know.
        self.augmented: dict[int, A.Assign] = {}
        self.python_names: dict[str, str] = {}  # the temporaries that stand for a comprehension's variables
        self._helpers: dict[int, Callee] = {}  # by the id of the helper's FunctionDef
        self._helper_params: dict[int, tuple[A.Param, ...]] = {}
        self._pending: list[tuple[str, HelperDef]] = []
        self._actions: dict[tuple, Callee] = {}
        self._resolved: dict[str, object] = {}
        self.checked: list[Diagnostic] = []  # what the checker said of the finished program (warnings, when it compiled)

    # -------------------------------------------------------------- plumbing

    def report(self, reject: Reject) -> None:
        self.errors += 1
        if not reject.silent:
            self.sink.add(reject, self.src)

    def of_function(self, analyse: Callable[[cst.FunctionDef], T], fn: cst.FunctionDef) -> T:
        """`analyse(fn)`, worked out once while this workflow compiles: several
        passes read the same function (its locals, its nested helpers), and
        none changes what they are given."""
        key = (analyse, id(fn))
        found = self._analyses.get(key)
        if found is None:
            found = self._analyses[key] = (fn, analyse(fn))  # the function kept: its id names it
        return found[1]  # type: ignore[return-value]

    def here(self) -> ForeignModule | None:
        """The other module whose code is being lowered; None: the workflow's."""
        return None if self.src is self.home_src else ForeignModule(self.src, self.index)

    @contextlib.contextmanager
    def in_module(self, home: ForeignModule | None):
        """Lower code of another module of the project (a helper imported from it,
        a method of a base class defined there): its names mean what they mean in
        that module, and its diagnostics point into its file."""
        saved = self.src, self.index
        self.src, self.index = (home.src, home.index) if home is not None else (self.home_src, self.home_index)
        try:
            yield
        except Reject as reject:
            span = self.src.span(reject.node) if reject.path is None and reject.span is None else None
            if span is not None:  # a node of this module's file: the caller's sink must not look it up in its own
                reject.span, reject.path, reject.source = span, self.src.path, self.src.source
            raise
        finally:
            self.src, self.index = saved

    def resolve(self, qualified: str):
        if self.resolver is None:
            return None
        if qualified not in self._resolved:
            try:
                self._resolved[qualified] = self.resolver(qualified)
            except Exception:  # a resolver must not break compilation
                self._resolved[qualified] = None
        return self._resolved[qualified]

    def forbidden(self, qualified: str):
        """The non-determinism category of a name, if any. Exception classes of
        forbidden libraries (`httpx.HTTPError`) may be caught and tested, and
        their enums are data (`http.HTTPStatus.OK`, its `.value`)."""
        category = dialect.forbidden(qualified)
        if category is None:
            return None
        resolved = self.resolve(qualified)
        if isinstance(resolved, TypeInfo) and resolved.kind == "exception":
            return None
        prefix = qualified
        while "." in prefix:
            resolved = self.resolve(prefix)
            if isinstance(resolved, MemberInfo) or (isinstance(resolved, TypeInfo) and resolved.kind == "enum"):
                return None
            prefix = prefix.rpartition(".")[0]
        return category

    def mark_augmented(self, statement: A.Assign) -> None:
        self.augmented[id(statement)] = statement

    # -------------------------------------------------------------- the workflow

    def compile(self) -> A.Program | None:
        found = self.index.find_method(self.cls.name, dialect.RUN_METHOD)
        if found is None:
            self.report(Reject("RPL0229", f"workflow `{self.cls.name}` has no `async def run(self, ...)` method", self.cls.node.name))
            return None
        owner, run = found
        if owner.home is not None:
            self.report(Reject("RPL0229", f"workflow `{self.cls.name}` inherits run() from `{owner.name}`, defined in another module",
                               self.cls.node.name, "define `async def run(self, ...)` on the workflow class; it may call the "
                               "base class's helper methods as self.name(...)"))
            return None
        if run.asynchronous is None:
            self.report(Reject("RPL0229", f"{self.cls.name}.run() must be `async def`", run.name,
                               "write `async def run(self, ...)`: workflows await actions"))
            return None
        for decorator in run.decorators:  # the compiled program could not apply it
            self.report(Reject("RPL0229", f"{self.cls.name}.run() cannot have a decorator: the compiled workflow would run without it",
                               decorator.decorator, "remove the decorator; put what it does into an @action or a helper method"))
        lowerer = FunctionLowerer(self, run)
        params = self.parameters(run, lowerer, what=f"{self.cls.name}.run()")
        label = f"`{self.cls.name}.run()`"
        for param in _all_params(run)[1:]:
            self.require_encodable(self.types.unencodable(param.annotation), f"the parameter `{param.name.value}` of {label}", param.annotation)
        self.require_encodable(self.types.unencodable(run.returns), f"the result of {label}", run.returns)
        self.scan(run)
        body = lowerer.lower_function()
        workflow = A.WorkflowDecl(self.cls.name, params, self.types.annotation(run.returns), body, span=self.src.span(run.name))
        while self._pending:
            placeholder, helper = self._pending.pop(0)
            self.builder.fns[placeholder] = self.lower_helper(placeholder, helper)
        declarations = ClassDeclarations(self)
        program = self.builder.build(workflow, declarations.declare, self.report)
        too_deep = limits.too_deep(program)
        if too_deep is not None:  # it would not load: RRL bounds the depth of a program
            self.report(too_deep_to_compile(too_deep.span))
            return None
        bodies = body_nodes(program)
        for reject in declarations.attribute_reads(program, bodies) + method_arguments(program, bodies):
            self.report(reject)
        for reject in aliasing.check(program, self.augmented, self.python_names, bodies):
            self.report(reject)
        if self.errors:
            return None
        program = _rename_fns(_renumber(program, bodies))
        # The program must be valid RRL too: what only the checker sees (recursion
        # between helpers, a name read before Python would have bound it) is reported
        # here, at the Python positions the program's spans carry.
        self.checked = check(program)
        for diagnostic in self.checked:
            if diagnostic.severity == "error":
                self.errors += 1
                self.sink.add_diagnostic(diagnostic.with_path(self.src.path))
        return program if self.errors == 0 else None

    def scan(self, fn: cst.FunctionDef) -> None:
        unnormalised = [] if self.src.normalized else unnormalised_names(fn, self.index.unnormalised)
        for reject in forbidden_calls(self, fn) + unnormalised:
            self.report(reject)

    def parameters(self, fn: cst.FunctionDef, lowerer: FunctionLowerer, what: str, skip_self: bool = True) -> tuple[A.Param, ...]:
        params = fn.params
        if params.star_arg not in (cst.MaybeSentinel.DEFAULT, None) and isinstance(params.star_arg, cst.Param):
            self.report(Reject("RPL0229" if what.endswith(".run()") else "RPL0222",
                               f"{what} cannot take `*{params.star_arg.name.value}`: parameters are passed by name", params.star_arg))
        if params.star_kwarg is not None:
            self.report(Reject("RPL0229" if what.endswith(".run()") else "RPL0222",
                               f"{what} cannot take `**{params.star_kwarg.name.value}`: parameters are passed by name", params.star_kwarg))
        if params.posonly_params and what.endswith(".run()"):  # a workflow's input is stored by parameter name
            self.report(Reject("RPL0229", f"{what} cannot take positional-only parameters (`/`): parameters are passed by name",
                               params.posonly_ind if isinstance(params.posonly_ind, cst.ParamSlash) else params.posonly_params[-1],
                               "remove the `/`: a workflow's inputs are stored by parameter name"))
        out = []
        for param in _all_params(fn)[1 if skip_self else 0:]:
            if what.endswith(".run()") and param.name.value in dialect.RESERVED_LOCALS:
                self.report(Reject("RPL0236", f"the parameter `{param.name.value}` of {what} is named like a keyword of RRL", param.name))
            default = None
            if param.default is not None:
                default = self.constant_expr(param.default)
            out.append(A.Param(lowerer.local_name(param.name.value), self.types.annotation(param.annotation), default, span=self.src.span(param)))
        return tuple(out)

    def constant_expr(self, node: cst.BaseExpression, owner: ClassInfo | None = None) -> A.Expr | None:
        """A default value or constant: a pure expression of constants, or None
        (and a diagnostic) when it is not one."""
        try:
            return FunctionLowerer(self, None, owner).lower_value(node)
        except Reject as reject:
            self.report(reject.at(node))
            return None

    # -------------------------------------------------------------- helpers

    def helper(self, name: str, node: cst.CSTNode) -> Callee:
        """The callee of `self.name(...)`: a method of the workflow class or one of
        its bases (a @staticmethod too)."""
        index = self.home_index
        found = index.find_method(self.cls.name, name)
        if found is None:
            methods = {m for info in index.mro(self.cls.name) for m in info.methods if m != "run"}
            hint = did_you_mean(name, methods)  # a misspelt method first; else where helpers may be defined
            if hint is None and self.cls.foreign_bases:
                hint = HELPER_PLACE_HELP
            if hint in (None, HELPER_PLACE_HELP) and any(self._unread_base(info, base) for info in index.mro(self.cls.name) for base in info.foreign_bases):
                hint = HELPER_PLACE_HELP + FOREIGN_BASE_HELP
            raise Reject("RPL0222", f"the workflow `{self.cls.name}` has no method `{name}`", node, hint)
        owner, fn = found
        with self.in_module(owner.home):
            static = self.is_static(fn)
        return self.helper_of(HelperDef(fn, f"self.{name}", has_self=not static, home=owner.home), node)

    def _unread_base(self, info: ClassInfo, base: cst.BaseExpression) -> bool:
        """A base class whose methods the compiler does not see (not `Workflow`, not a
        base workflow class of the project)."""
        index = info.home.index if info.home is not None else self.home_index
        return index.sdk_name(base) != "Workflow" and index.foreign_workflow_base(base) is None

    def is_static(self, fn: cst.FunctionDef) -> bool:
        return any(self.index.qualified(d.decorator) == dialect.STATICMETHOD for d in fn.decorators)

    def helper_of(self, helper: HelperDef, node: cst.CSTNode) -> Callee:
        """The callee of a helper (a method, a static method, a module-level or a
        nested function), registered on first use: it becomes an RRL fn."""
        fn = helper.fn
        key = id(fn)
        if key in self._helpers:
            return self._helpers[key]
        with self.in_module(helper.home):
            return self._register_helper(helper)

    def _register_helper(self, helper: HelperDef) -> Callee:
        fn = helper.fn
        key = id(fn)
        for decorator in fn.decorators:
            if helper.has_self or self.index.qualified(decorator.decorator) != dialect.STATICMETHOD or helper.nested:
                raise Reject("RPL0222", f"the helper {helper.label}() has a decorator; only plain functions and methods "
                             "(and @staticmethod ones) can be helpers", decorator,
                             "remove the decorator, or move what it does into an @action")
        params = _all_params(fn)
        if helper.has_self and not params:
            raise Reject("RPL0222", f"the helper method {helper.label}() has no `self` parameter", fn.name,
                         "add `self`, or make it a @staticmethod")
        names = self.of_function(function_names, fn).all
        renames = reserved_renames(names)
        self.builder.avoid |= {renames.get(n, n) for n in names}
        lowerer = FunctionLowerer(self, fn, has_self=helper.has_self, nested=helper.nested)
        decls = self.parameters(fn, lowerer, what=f"{helper.label}()", skip_self=helper.has_self)
        positional_only = {p.name.value for p in fn.params.posonly_params}
        keyword_only = {p.name.value for p in fn.params.kwonly_params}
        signature = []
        for param, decl in zip(params[1:] if helper.has_self else params, decls):
            python = param.name.value
            signature.append(
                Parameter(
                    python,
                    renames.get(python, python),
                    has_default=param.default is not None,
                    positional=python not in keyword_only,
                    keyword=python not in positional_only,
                    default_expressible=param.default is None or decl.default is not None,
                )
            )
        # The fn's final name is chosen when the program is complete (it must not
        # clash with an action or another helper of the same name); until then
        # calls use a placeholder.
        preferred = fn.name.value
        placeholder = preferred
        while placeholder in self.builder.fns:
            placeholder += FN_SUFFIX
        callee = Callee("fn", FN_PLACEHOLDER + placeholder, signature, is_async=fn.asynchronous is not None)
        self._helpers[key] = callee
        self._helper_params[key] = decls
        self.builder.fns[placeholder] = A.FnDecl(FN_PLACEHOLDER + placeholder, decls, A.ANY, ())  # until lowered
        self._pending.append((placeholder, helper))
        return callee

    def lower_helper(self, placeholder: str, helper: HelperDef) -> A.FnDecl:
        with self.in_module(helper.home):
            return self._lower_helper(placeholder, helper)

    def _lower_helper(self, placeholder: str, helper: HelperDef) -> A.FnDecl:
        fn = helper.fn
        self.scan(fn)
        body = FunctionLowerer(self, fn, has_self=helper.has_self, nested=helper.nested).lower_function()
        return A.FnDecl(FN_PLACEHOLDER + placeholder, self._helper_params[id(fn)], self.types.annotation(fn.returns), body,
                        span=self.src.span(fn.name))

    # -------------------------------------------------------------- actions

    def action(self, ref: LocalAction | ActionInfo, node: cst.CSTNode) -> Callee:
        key = ("local", self.src.module, ref.python_name) if isinstance(ref, LocalAction) else ("import", ref.module, ref.name)
        if key in self._actions:
            return self._actions[key]
        if isinstance(ref, LocalAction):
            callee, decl = self._local_action(ref)
        else:
            callee, decl = self._imported_action(ref, node)
        if not self.builder.add_action(key, decl):
            raise Reject("RPL0228", f"two different actions are registered under the name `{decl.name}`", node,
                         "give one of them another name with @action(name=...)")
        self._actions[key] = callee
        return callee

    def _local_action(self, ref: LocalAction) -> tuple[Callee, A.ActionDecl]:
        fn = ref.node
        if not self.src.normalized:
            for reject in unnormalised_names(fn.name) + unnormalised_names(fn.params):  # the names the program declares
                self.report(reject)
        if not ref.name.isidentifier():
            raise Reject("RPL0228", f"the action name `{ref.name}` is not an identifier", ref.decorator,
                         "use letters, digits and underscores: @action(name=\"billing_lookup\")")
        if fn.asynchronous is None:
            raise Reject("RPL0228", f"the action `{ref.python_name}` must be `async def`", fn.name)
        params = fn.params
        for star in (params.star_arg, params.star_kwarg):
            if isinstance(star, cst.Param):
                raise Reject("RPL0228", f"the action `{ref.python_name}` cannot take `{star.star}{star.name.value}`: "
                             "workflows pass action arguments by name", star, "declare each parameter by name")
        if params.posonly_params:
            raise Reject("RPL0228", f"the action `{ref.python_name}` cannot take positional-only parameters", fn.name)
        signature, decls, injected = [], [], set()
        keyword_only = {p.name.value for p in params.kwonly_params}
        for param in [*params.params, *params.kwonly_params]:
            name = param.name.value
            if self._is_injected(param.annotation):
                injected.add(name)
                continue
            default = self.constant_expr(param.default) if param.default is not None else None
            self.require_encodable(self.types.unencodable(param.annotation), f"the parameter `{name}` of the action `{ref.name}`", param.annotation)
            decls.append(A.Param(name, self.types.annotation(param.annotation), default, span=self.src.span(param)))
            signature.append(
                Parameter(name, name, has_default=param.default is not None, positional=name not in keyword_only,
                          default_expressible=param.default is None or default is not None)
            )
        self.require_encodable(self.types.unencodable(fn.returns), f"the result of the action `{ref.name}`", fn.returns)
        decl = A.ActionDecl(ref.name, tuple(decls), self.types.annotation(fn.returns), self.src.module, span=self.src.span(fn.name))
        return Callee("action", ref.name, signature, injected=injected), decl

    def _is_injected(self, annotation: cst.Annotation | None) -> bool:
        if annotation is None or not isinstance(annotation.annotation, cst.Subscript):
            return False
        node = annotation.annotation
        if self.index.qualified(node.value) not in dialect.ANNOTATED:
            return False
        for element in node.slice[1:]:
            value = element.slice.value if isinstance(element.slice, cst.Index) else None
            if isinstance(value, cst.Call) and self.index.sdk_name(value.func) == "Depend":
                return True
        return False

    def _imported_action(self, info: ActionInfo, node: cst.CSTNode) -> tuple[Callee, A.ActionDecl]:
        signature, decls = [], []
        label = f"the action `{info.name}` (from {info.module})"
        for param in info.params:
            self.require_encodable(self.types.unencodable_text(param.annotation), f"the parameter `{param.name}` of {label}", node, param.annotation)
            default = None
            expressible = True
            if param.has_default:
                if is_constant(param.default):
                    default = literal(param.default, member=self.enum_member)
                else:
                    expressible = False
            decls.append(A.Param(param.name, self.types.text(param.annotation), default))
            signature.append(Parameter(param.name, param.name, has_default=param.has_default, default_expressible=expressible))
        self.require_encodable(self.types.unencodable_text(info.returns), f"the result of {label}", node, info.returns)
        decl = A.ActionDecl(info.name, tuple(decls), self.types.text(info.returns), info.module)
        return Callee("action", info.name, signature), decl

    def require_encodable(self, found: Unencodable | None, subject: str, at: cst.CSTNode | None, text: str | None = None) -> None:
        """RPL0245 when values of a signature's type could not cross a process
        boundary: action parameters and results, run()'s parameters and result.
        `at` is the annotation (or, for an imported action, the call), `text` the
        annotation's text when it comes from another module."""
        if found is None:
            return
        annotation = text if text is not None else self.src.text(at.annotation if isinstance(at, cst.Annotation) else at)
        if found.shown == annotation:
            message = f"{subject} has the type `{annotation}`, {found.what}: its values cannot cross a process boundary"
        else:
            message = f"{subject} has the type `{annotation}`, and `{found.shown}` is {found.what}: its values cannot cross a process boundary"
        if found.what == PLAIN_CLASS:
            help = (f"make `{found.shown}` a dataclass or a pydantic model; " if found.local else "pass and return values the codec carries: ") + (
                "live objects (connections, clients, files) stay inside actions, where a `Depend` provider can give one to every call")
        else:
            help = dialect.UNENCODABLE_HELP.get(found.what, DEFAULT_HELP["RPL0245"])
        self.report(Reject("RPL0245", message, found.node or at, help))

    # -------------------------------------------------------------- constants

    def module_const(self, name: str, node: cst.CSTNode) -> str:
        const = self.index.consts[name]
        if const.value is None:
            raise Reject("RPL0224", f"`{name}` is assigned more than once at module level, so it is not a constant", node,
                         "workflow code can read module constants that are assigned once")
        position = self.index.order.get(name, 0)
        # The workflow's module's constants first, then those of other modules (their helpers'), by module
        sort_key = (1, position) if self.src is self.home_src else (3, self.src.module, position)
        return self._const(("module", self.src.module, name), name, const.value, None, sort_key, node)

    def class_const(self, class_name: str, name: str, node: cst.CSTNode) -> str:
        index = self.home_index if class_name == self.cls.name else self.index
        found = index.find_class_const(class_name, name)
        if found is None:
            raise Reject("RPL0205", f"`self.{name}` is not a constant of the class, and workflow instances have no state", node,
                         "keep values in local variables; pass them to helpers and return results from them")
        owner, value = found
        home = owner.home
        if home is None and index is not self.home_index:  # a class of the other module being lowered
            home = self.here()
        with self.in_module(home):
            position = self.index.order.get(owner.name, 0)
            # in the order of the class body: `B = A * 2` follows `A = 1`
            sort_key = (2, position, *_place_in_class(owner.node, value), name)
            if home is not None:
                sort_key = (4, home.src.module, *sort_key[1:])
            return self._const(("class", self.src.module, owner.name, name), name, value, owner, sort_key, node)

    def _const(self, identity: tuple, preferred: str, value: cst.BaseExpression, owner, sort_key: tuple, node) -> str:
        rrl_name, new = self.builder.const_name(identity, reserved_renames({preferred}).get(preferred, preferred))
        if not new:
            return rrl_name
        try:
            lowered = FunctionLowerer(self, None, owner).lower_value(value)
        except Reject as reject:
            self.builder.drop_const(rrl_name)
            shown = self.src.text(value)
            if reject.code == "RPL0230":  # `KINDS = (Point, KeyError)` read as a value
                raise Reject("RPL0230", f"the constant `{preferred}` names a class, and a class is not a value in a workflow",
                             node, reject.help) from None
            raise Reject("RPL0224", f"the constant `{preferred}` cannot be used in workflow code: `{shown}` is not a plain value",
                         node, reject.help or reject.message) from None
        self.builder.set_const(rrl_name, lowered, sort_key, self.src.span(value))
        return rrl_name

    def imported_const(self, qualified: str, info: ConstInfo, preferred: str, node: cst.CSTNode) -> str:
        rrl_name, new = self.builder.const_name(("import", qualified), reserved_renames({preferred}).get(preferred, preferred))
        if new:
            try:
                value = literal(info.value, node, member=self.enum_member)
            except Reject:
                self.builder.drop_const(rrl_name)
                raise
            self.builder.set_const(rrl_name, value, (0, qualified))
        return rrl_name

    def enum_member(self, member: enum.Enum) -> A.Expr:
        """A live enum member as RRL: `Color.RED`, declaring the import of `Color`."""
        cls = type(member)
        return A.Attribute(A.Name(self.builder.type_name(cls.__module__, cls.__qualname__)), member.name)


def _place_in_class(node: cst.ClassDef, value: cst.BaseExpression) -> tuple[int, int]:
    """Where the class body assigns `value`: the statement's index, then its
    index on the line (`A = 1; B = 2`). The order of the source, told without
    working out positions."""
    body = node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
    for line, stmt in enumerate(body):
        if isinstance(stmt, cst.SimpleStatementLine):
            for place, small in enumerate(stmt.body):
                if getattr(small, "value", None) is value:
                    return (line, place)
    return (0, 0)


def _all_params(fn: cst.FunctionDef) -> list[cst.Param]:
    return [*fn.params.posonly_params, *fn.params.params, *fn.params.kwonly_params]


def _renumber(program: A.Program, bodies: dict[int, list[A.Node]]) -> A.Program:
    decls = [renumber_temps(d, bodies[id(d)]) if isinstance(d, (A.FnDecl, A.WorkflowDecl)) else d for d in program.decls]
    return dataclasses.replace(program, decls=tuple(decls))


def _rename_fns(program: A.Program) -> A.Program:
    """Give fns their names: the method's, or `name_` when an action has it or
    it is a keyword of RRL (`action`)."""
    taken = {a.name for a in program.actions} | {c.name for c in program.consts} | set(program.class_decls())
    mapping = {}
    for fn in program.fns:
        name = fn.name[len(FN_PLACEHOLDER):].rstrip(FN_SUFFIX)
        while name in taken or is_reserved(name):
            name += "_"
        taken.add(name)
        mapping[fn.name] = name
    program = rename_calls(program, mapping)
    fns = sorted(program.fns, key=lambda f: f.name)
    others = [d for d in program.decls if not isinstance(d, (A.FnDecl, A.WorkflowDecl))]
    return dataclasses.replace(program, decls=(*others, *fns, *program.workflows))
