"""Names and calls: what a name refers to, pure calls (builtins, methods,
constructors), and calls with effects (actions, helper methods,
`asyncio.sleep`, `asyncio.gather`, `self.run_action`).

Effects are RRL statements (`CallStmt`, `Parallel`, `ParallelFor`, `Sleep`)
whose arguments are keyword-only; positional arguments are mapped to
parameter names with the callee's signature.
"""

from __future__ import annotations

import ast

import sys
from dataclasses import dataclass, replace

import libcst as cst

from rrl import ast as A
from rrl import policies as P

from . import dialect
from .constants import Backoff, ConstEvaluator, Retry, Seconds
from .diagnostics import Reject, arity_message, did_you_mean, method_call_problem
from .expressions import as_starred, comprehension_clauses, target_names
from .modules import Unavailable
from .resolve import ActionInfo, ConstInfo, Hook, MemberInfo
from .signatures import Callee, HelperDef

AWAITABLE_HELP = (
    "only @action functions, async helper methods of the workflow, asyncio.sleep() and "
    "asyncio.gather() can be awaited in a workflow"
)
CALLABLE_HELP = (
    "workflow code can call actions (with await), helper methods (self.name(...)), the builtins "
    "len, range, sorted, … and model classes; move other code into an @action"
)

IMPORTED_FUNCTION_HELP = (
    "a plain `def` of the project's own modules whose body is in the accepted subset is a helper; "
    "anything else runs in an @action, awaited"
)


@dataclass
class Target:
    """What a call's function refers to."""

    kind: str  # builtin | exception | type | action | helper | function | sleep | gather | sdk | value | hash | static | method
    name: str = ""
    node: cst.CSTNode | None = None
    action: object = None  # LocalAction | ActionInfo | HelperDef (a function)
    local_class: str | None = None  # a class of this module
    type_kind: str = ""
    hooks: tuple[Hook, ...] = ()  # code of the (imported) class that runs when it is built
    qualname: str = ""  # a class's Python __qualname__


class CallLowering:
    """Mixin of `FunctionLowerer`."""

    # ============================================================== names

    def name_value(self, node: cst.Name) -> A.Expr:
        """A name read in an expression."""
        renamed = self.scoped_name(node.value)
        if renamed is not None:
            return A.Name(renamed)
        ref = self.src.ref(node)
        if ref.kind == "local":
            if node.value == self.self_name:
                raise Reject("RPL0205", "the workflow instance `self` cannot be used as a value", node,
                             "call helper methods as self.name(...) and pass values as arguments")
            self.check_not_enclosing(node)
            return A.Name(self.local_name(node.value))
        if ref.kind == "class" and self.owner is not None:
            return A.Name(self.wc.class_const(self.owner.name, node.value, node))
        if ref.kind == "builtin":
            return self._builtin_value(node)
        if ref.kind == "import":
            return self.imported_value(ref.qualified, node, node.value)
        if ref.kind == "global":
            return self._global_value(node)
        if node.value in self.declared_global:
            return A.Name(self.local_name(node.value))
        raise self.undefined(node.value, node)

    def check_not_enclosing(self, node: cst.Name) -> None:
        """A function defined inside workflow code is a helper of its own: it
        cannot read the variables of the function that defines it."""
        if self.fn is None and self._bound_in_function(node):  # a default value, evaluated where the function is defined
            raise Reject("RPL0210", f"the default value `{node.value}` is a variable of the function that defines this one", node,
                         "a function defined inside workflow code takes constant defaults: pass the value as an argument")
        if self.is_nested and node.value not in self.all_locals:
            raise Reject("RPL0210", f"the function `{self.fn.name.value}` reads `{node.value}` of the function that defines it", node,
                         f"pass `{node.value}` as an argument: a function defined inside workflow code is inlined where it "
                         "is called, with only its parameters and the module's names")

    def _bound_in_function(self, node: cst.Name) -> bool:
        """Is `node` bound in a function (not in a comprehension of the expression)?"""
        scope = self.src.scope(node)
        bindings = scope.lookup(node.value) if scope is not None else []
        return any(b.scope.kind == "function" for b in bindings)

    def _builtin_value(self, node: cst.Name) -> A.Expr:
        name = node.value
        self.check_forbidden(f"builtins.{name}", node)
        if name in dialect.VALUE_TYPES:
            return A.Name(name)
        if name in dialect.PYTHON_EXCEPTIONS:
            raise self.class_value(self.class_target(node, declare=False), node)
        if name in dialect.BUILTIN_FUNCTIONS:
            raise Reject("RPL0239", f"the builtin {name}() can only be called, not used as a value", node,
                         "write a lambda, e.g. key=lambda x: len(x)")
        raise Reject("RPL0202", f"the builtin `{name}` is not supported in a workflow", node, CALLABLE_HELP)

    def _global_value(self, node: cst.Name) -> A.Expr:
        name = node.value
        index = self.index
        if name in index.consts:
            return A.Name(self.wc.module_const(name, node))
        if name in index.classes:
            raise self.class_value(self.class_target(node, declare=False), node)
        if name in index.actions:
            raise Reject("RPL0204", f"the action {name}() can only be called (and awaited), not used as a value", node)
        if name in index.functions:
            if index.functions[name].asynchronous is None:
                raise Reject("RPL0239", f"the helper function `{name}` can only be called, not used as a value", node,
                             f"call it, in a comprehension if need be: `[{name}(x) for x in xs]`; a `key=` or map() "
                             "takes a lambda (of builtins and methods) or a builtin")
            raise Reject("RPL0202", f"the function `{name}` cannot be used in a workflow", node, CALLABLE_HELP)
        raise self.undefined(name, node)

    def imported_value(self, qualified: str, node: cst.CSTNode, preferred: str | None) -> A.Expr:
        self.check_forbidden(qualified, node)
        target = self.class_target(node, declare=False)
        if target is not None:
            raise self.class_value(target, node)
        resolved = self.wc.resolve(qualified) if dialect.sdk_name(qualified) is None else None
        if isinstance(resolved, ConstInfo):
            return A.Name(self.wc.imported_const(qualified, resolved, preferred or qualified.rpartition(".")[2], node))
        if isinstance(resolved, MemberInfo):
            return self.enum_member(resolved, node)
        if isinstance(resolved, ActionInfo):
            raise Reject("RPL0204", f"the action {resolved.name}() can only be called (and awaited), not used as a value", node)
        raise self.unresolved(qualified, node, "use")

    def undefined(self, name: str, node: cst.CSTNode) -> Reject:
        """RPL0223 for `name`, with a did-you-mean among the names in scope: locals,
        parameters, the module's actions, functions, classes, constants and imports."""
        candidates = {n for scope in self._scopes for n in scope} | set(self.declared_global)
        scope = self.src.scope(node)
        if scope is not None:
            candidates |= scope.visible_names()
        index = self.index
        candidates |= {*index.actions, *index.functions, *index.classes, *index.consts}
        candidates.discard(name)
        return Reject("RPL0223", f"name `{name}` is not defined", node, did_you_mean(name, candidates))

    def unresolved(self, qualified: str, node: cst.CSTNode, verb: str, shown: str | None = None) -> Reject:
        """An imported name that is not an action, a class or a constant."""
        shown = shown or self.src.text(node)
        unavailable = self.index.modules.function(qualified) if qualified.split(".")[0] not in sys.stdlib_module_names else None
        if verb == "call" and isinstance(unavailable, Unavailable):
            return Reject("RPL0202", f"cannot call {shown}() in a workflow: `{unavailable.module}` is {unavailable.what}", node,
                          unavailable.help or "call it inside an @action; the compiler compiles as helpers only the functions of the "
                          "project's own modules, whose source it reads")
        if self.wc.resolver is None and qualified.split(".")[0] not in sys.stdlib_module_names:
            return Reject("RPL0223", f"cannot resolve the imported name `{qualified}`", node,
                          "compile with a resolver (compile_module) so imported actions, models and constants are known")
        if verb == "call":
            help_text = dialect.unsupported_help(dialect.UNSUPPORTED_CALLS, qualified)
            if help_text is None and qualified.split(".")[0] not in sys.stdlib_module_names:
                help_text = IMPORTED_FUNCTION_HELP
            return Reject("RPL0202", f"cannot call {shown}() in a workflow", node, help_text or CALLABLE_HELP)
        return Reject("RPL0202", f"cannot use `{shown}` in a workflow", node, CALLABLE_HELP)

    def attribute_reference(self, node: cst.Attribute) -> A.Expr | None:
        """`module.NAME`, `self.CONST`: an attribute that is a reference, not a field read."""
        if self.is_self(node.value):
            name = node.attr.value
            if self.wc.home_index.find_method(self.cls.name, name) is not None or name == dialect.RUN_ACTION:
                raise Reject("RPL0204", f"the method self.{name}() can only be called", node)
            return A.Name(self.wc.class_const(self.cls.name, name, node))
        qualified = self.src.imported_name(node)
        if qualified is None:
            return None
        return self.imported_value(qualified, node, node.attr.value)

    def is_self(self, node: cst.BaseExpression) -> bool:
        return (
            self.self_name is not None
            and isinstance(node, cst.Name)
            and node.value == self.self_name
            and self.scoped_name(node.value) is None
            and self.src.ref(node).kind == "local"
        )

    def check_forbidden(self, qualified: str, node: cst.CSTNode, call: cst.Call | None = None) -> None:
        category = self.wc.forbidden(qualified)
        if category is None:
            return
        shown = self.src.text(node) + ("()" if call is not None else "")
        raise Reject(category.code, f"{shown} {category.verb}", call or node, category.help)

    def exception_class(self, node: cst.BaseExpression, strict: bool = True) -> str | None:
        """The RRL name of the exception class `node` names (in `except`, retry lists)."""
        target = self.class_target(node, declare=False)
        if target is not None and target.type_kind == "exception":
            return self.class_target(node).name
        if strict:
            raise Reject("RPL0238", f"`{self.src.text(node)}` is not an exception class", node,
                         "name exception classes directly (`except ValueError:`): builtins, or classes derived from Exception, "
                         "of this module or imported")
        return None

    def constant_source(self, node: cst.Name | cst.Attribute) -> object:
        """Where a constant's value is: a CST expression (module or class
        constant), an imported constant's value, or None."""
        if isinstance(node, cst.Attribute) and self.is_self(node.value):
            found = self.wc.home_index.find_class_const(self.cls.name, node.attr.value)
            return found[1] if found else None
        if isinstance(node, cst.Name):
            ref = self.src.ref(node)
            if ref.kind == "global":
                const = self.index.consts.get(node.value)
                return const.value if const is not None else None
            if ref.kind == "class":  # a class body naming another class constant
                scope = self.src.scope(node)
                owner = scope.node.name.value if isinstance(getattr(scope, "node", None), cst.ClassDef) else self.cls.name
                found = self.index.find_class_const(owner, node.value)
                return found[1] if found else None
            if ref.kind != "import":
                return None
            qualified = ref.qualified
        else:
            owner = self.class_target(node.value, declare=False)
            if owner is not None and owner.local_class is not None and owner.type_kind != "enum":
                return self.class_constant(owner.local_class, node.attr.value)  # `Limits.TIMEOUT`
            qualified = self.src.imported_name(node)
        if qualified is None or dialect.sdk_name(qualified):
            return None
        resolved = self.wc.resolve(qualified)
        return self.imported_classes(resolved.value) if isinstance(resolved, ConstInfo) else None

    # ============================================================== call targets

    def helper_target(self, func: cst.BaseExpression) -> Target | None:
        """The helper a call's function names: `self.f` ("helper", also
        `self.run_action`), or ("function") a module-level `def`, a
        @staticmethod of a class of this module (`Texts.slug`) or a function
        defined in this function. None for anything else."""
        if isinstance(func, cst.Attribute) and self.is_self(func.value):
            return Target("helper", func.attr.value, func)
        if isinstance(func, cst.Name) and self.scoped_name(func.value) is None:
            name = func.value
            if name in self.nested_defs and self.src.ref(func).kind == "local":
                return Target("function", name, func, action=HelperDef(self.nested_defs[name], name, nested=True, home=self.wc.here()))
            # An `async def` at module level is an action that lacks @action more often than a helper.
            fn = self.index.functions.get(name)
            if fn is not None and fn.asynchronous is None and name not in self.index.consts and self.src.ref(func).kind == "global":
                return Target("function", name, func, action=HelperDef(fn, name, home=self.wc.here()))
            if self.src.ref(func).kind == "import":
                return self.imported_helper(self.src.ref(func).qualified, func)
            return None
        if isinstance(func, cst.Attribute):
            owner = self.local_class_named(func.value)
            found = self.index.find_method(owner, func.attr.value) if owner is not None else None
            if found is not None and self.wc.is_static(found[1]):
                label = self.src.text(func)
                return Target("function", label, func, action=HelperDef(found[1], label, home=found[0].home or self.wc.here()))
            qualified = self.src.imported_name(func)
            if qualified is not None:
                return self.imported_helper(qualified, func)
        return None

    def imported_helper(self, qualified: str, func: cst.BaseExpression) -> Target | None:
        """A plain function of another module of the project (`from .text import
        normalize`), compiled from that module's source as a helper."""
        if dialect.sdk_name(qualified) is not None or qualified.split(".")[0] in sys.stdlib_module_names:
            return None
        if self.wc.resolve(qualified) is not None:  # an action, a class, a constant
            return None
        found = self.index.modules.function(qualified)
        if not isinstance(found, tuple):
            return None
        home, fn = found
        label = self.src.text(func)
        return Target("function", label, func, action=HelperDef(fn, label, home=home))

    def local_class_named(self, node: cst.BaseExpression) -> str | None:
        """The class of this module `node` names (`Texts`, `Outer.Inner`)."""
        if isinstance(node, cst.Name):
            if self.scoped_name(node.value) is None and node.value in self.index.classes and self.src.ref(node).kind == "global":
                return node.value
            return None
        return self.index.nested_class(node)

    def helper_callee(self, target: Target) -> Callee:
        if target.kind == "helper":
            return self.wc.helper(target.name, target.node)
        helper: HelperDef = target.action
        if helper.nested and _position(self.span(target.node)) < _position(self.span(helper.fn.name)):
            raise Reject("RPL0223", f"`{target.name}` is called before its `def`, where Python has not bound it yet", target.node,
                         "define the function before the code that calls it")
        return self.wc.helper_of(helper, target.node)

    def call_target(self, func: cst.BaseExpression) -> Target:
        helper = self.helper_target(func)
        if helper is not None:
            return helper
        if isinstance(func, cst.Name):
            if self.scoped_name(func.value) is None:
                ref = self.src.ref(func)
                if ref.kind == "builtin":
                    return self._builtin_target(func)
                if ref.kind == "import":
                    return self._qualified_target(ref.qualified, func)
                if ref.kind == "global":
                    return self._global_target(func)
                if ref.kind == "undefined" and func.value not in self.declared_global:
                    raise self.undefined(func.value, func)
            if func.value in self.rejected_names:
                raise Reject("RPL0202", "already reported", func).quiet()
            self.check_not_enclosing(func)
            raise Reject("RPL0202", f"cannot call `{func.value}`: it is a variable, not a function", func, CALLABLE_HELP)
        if isinstance(func, cst.Attribute):
            qualified = self.src.imported_name(func)
            if qualified is not None:
                return self._qualified_target(qualified, func)
            owner = self.builtin_type_name(func.value)
            if owner is not None:
                return self._type_method_target(owner, func)
            if self.index.nested_class(func) is not None:
                return self.class_target(func)
            if isinstance(func.value, cst.Name) and self.src.ref(func.value).kind == "global" and func.value.value in self.index.classes:
                owner = func.value.value
                kind = self.index.classes[owner].kind
                if func.attr.value == "_make" and kind == "namedtuple":
                    help_text = f"build it from its fields: `{owner}(*items)`"
                elif func.attr.value.startswith("model_") and kind == "model":  # pydantic's model_validate(), model_construct()
                    help_text = built_from_a_dict_help(owner)
                else:
                    help_text = "make it a @staticmethod (its body in the accepted subset), or call it inside an @action"
                raise Reject("RPL0203", f"cannot call the class method `{self.src.text(func)}()` in a workflow", func, help_text)
            return Target("method", func.attr.value, func)
        raise Reject("RPL0202", f"cannot call `{self.src.text(func)}` in a workflow", func, CALLABLE_HELP)

    def builtin_type_name(self, node: cst.BaseExpression) -> str | None:
        """`str`, `dict`, ...: the name of a builtin type, as the owner of a method."""
        if isinstance(node, cst.Name) and self.scoped_name(node.value) is None and self.src.ref(node).kind == "builtin":
            if node.value in dialect.VALUE_TYPES:
                return node.value
        return None

    def _type_method_target(self, owner: str, func: cst.Attribute) -> Target:
        method = func.attr.value
        if (owner, method) in dialect.STATIC_METHODS:
            return Target("static", f"{owner}.{method}", func)
        if owner == "str" and method in dialect.UNBOUND_STR_METHODS:
            return Target("str_method", method, func)  # `str.lower(name)` is `name.lower()`
        raise Reject("RPL0203", f"cannot call `{owner}.{method}()` in a workflow", self._call_of(func) or func,
                     f"call the method on the value instead: `value.{method}(...)`")

    def _builtin_target(self, func: cst.Name) -> Target:
        name = func.value
        self.check_forbidden(f"builtins.{name}", func, call=self._call_of(func))
        if name in dialect.BUILTIN_FUNCTIONS:
            return Target("builtin", name, func)
        if name == "next":
            return Target("next", name, func)
        if name in dialect.PYTHON_EXCEPTIONS:
            return self.class_target(func)
        if name == "super":
            raise Reject("RPL0222", "super() is not supported in a workflow", self._call_of(func) or func,
                         "call helpers as self.name(...): the most derived definition of the method is used")
        raise Reject("RPL0202", f"the builtin {name}() is not supported in a workflow", self._call_of(func) or func,
                     "supported builtins: " + ", ".join(sorted(dialect.BUILTIN_FUNCTIONS)))

    def _global_target(self, func: cst.Name) -> Target:
        name = func.value
        index = self.index
        if name in index.actions:
            return Target("action", index.actions[name].name, func, action=index.actions[name])
        if name in index.classes:
            return self.class_target(func)
        call = self._call_of(func) or func
        if name in index.functions:
            raise Reject("RPL0202", f"cannot call {name}(): it is not an action", call,
                         "decorate it with @action and await it; a plain `def` (not `async def`) whose body is in the "
                         "accepted subset is a helper, called without await")
        if name in index.consts:
            if index.named_tuple_call(name) is not None:
                return self.class_target(func)
            raise Reject("RPL0202", f"cannot call `{name}`: it is a constant, not a function", call)
        raise self.undefined(name, func)

    def _qualified_target(self, qualified: str, func: cst.CSTNode) -> Target:
        self.check_forbidden(qualified, func, call=self._call_of(func))
        if qualified in dialect.ASYNCIO_SLEEP:
            return Target("sleep", qualified, func)
        if qualified in dialect.ASYNCIO_GATHER:
            return Target("gather", qualified, func)
        if qualified in dialect.VALUE_CONSTRUCTORS:
            return Target("value", dialect.VALUE_CONSTRUCTORS[qualified], func)
        if qualified in dialect.VALUE_CLASS_METHODS:
            return Target("static", dialect.VALUE_CLASS_METHODS[qualified], func)
        if qualified in dialect.HASH_FUNCTIONS:
            return Target("hash", dialect.HASH_FUNCTIONS[qualified], func)
        if qualified in dialect.TIMEZONE:
            raise Reject("RPL0202", "timezone objects are only supported as the tzinfo= of a datetime in a workflow",
                         self._call_of(func) or func, dialect.TIMEZONE_HELP)
        if qualified in dialect.ZONE_CLASSES:
            raise Reject("RPL0202", f"{self.src.text(func)}() is not supported in a workflow", self._call_of(func) or func,
                         dialect.ZONE_HELP)
        target = self.class_target(func)
        if target is not None:
            return target
        sdk = dialect.sdk_name(qualified)
        if sdk is not None:
            return Target("sdk", sdk, func)
        resolved = self.wc.resolve(qualified)
        if isinstance(resolved, ActionInfo):
            return Target("action", resolved.name, func, action=resolved)
        raise self.unresolved(qualified, self._call_of(func) or func, "call", self.src.text(func))

    def _call_of(self, func: cst.CSTNode) -> cst.Call | None:
        return self.calls_by_func.get(id(func))

    # ============================================================== pure calls

    def call(self, node: cst.Call) -> A.Expr:
        """A call in an expression, not awaited."""
        self.calls_by_func[id(node.func)] = node
        target = self.call_target(node.func)
        kind = target.kind
        if kind in ("helper", "function"):
            if kind == "helper" and target.name == dialect.RUN_ACTION:
                raise Reject("RPL0204", "self.run_action() must be awaited", node, "write `await self.run_action(...)`")
            callee = self.helper_callee(target)
            if callee.is_async:
                label = helper_label(target)
                raise Reject("RPL0204", f"the async helper {label}() must be awaited", node, f"write `await {label}(...)`")
            return self.effect_result(self.callee_call(callee, node), node)
        if kind == "builtin":
            return self.builtin_call(target.name, node)
        if kind == "method":
            return self.method_call(target.name, node)
        if kind == "next":
            return self.next_call(node)
        if kind == "static":
            return self.static_call(target.name, node)
        if kind == "str_method":
            return self.str_method_call(target.name, node)
        if kind == "exception":
            args, kwargs = self.call_arguments(node)
            self.check_construction(target, node, set())
            return A.Call(A.Name(target.name), args, kwargs)
        if kind == "type":
            return self.construct(target, node)
        if kind == "action":
            raise Reject("RPL0204", f"the action {self.src.text(node.func)}() must be awaited", node,
                         f"write `await {self.src.text(node.func)}(...)`, or pass the call to asyncio.gather() or self.run_action()")
        if kind in ("sleep", "gather"):
            raise Reject("RPL0204", f"{self.src.text(node.func)}() must be awaited", node)
        if kind == "sdk":
            raise Reject("RPL0219", f"{target.name}(...) can only be passed to self.run_action(...)", node)
        if kind == "value":
            return self.value_construction(target.name, node)
        if kind == "hash":
            text = self.src.text(node.func)
            raise Reject("RPL0202", f"{text}() makes a hash object, which a workflow cannot keep", node,
                         f"hash the whole value at once and take the digest: `{text}(data).hexdigest()` or `.digest()`")
        raise Reject("RPL0202", f"cannot call `{self.src.text(node.func)}` in a workflow", node, CALLABLE_HELP)

    def sync_helper_call(self, node: cst.BaseExpression) -> A.AwaitCall | None:
        """`self.helper(...)` (or another helper) of a sync helper, lowered; None for anything else."""
        target = self.helper_target(node.func) if isinstance(node, cst.Call) else None
        if target is None or (target.kind == "helper" and target.name == dialect.RUN_ACTION):
            return None
        self.calls_by_func[id(node.func)] = node
        callee = self.helper_callee(target)
        return None if callee.is_async else self.callee_call(callee, node)

    def call_arguments(
        self,
        node: cst.Call,
        *,
        keyword_lambdas: frozenset = frozenset(),
        consumed: cst.Arg | None = None,
        starred: bool = False,
        offsets: bool = False,
    ):
        """The lowered arguments of a pure call. `consumed`: the argument the
        callee iterates over completely at once (a generator expression, map()
        or filter() may be passed there); `starred`: `*xs` may be passed;
        `offsets`: `tzinfo=` is a UTC offset (`utc_offset`)."""
        thunks, names, stars = [], [], []
        for arg in node.args:
            if arg.star == "**" or (arg.star and not starred):
                raise Reject("RPL0216", f"`{arg.star}` arguments are not supported in this call", arg,
                             "write the arguments out one by one" if arg.star == "*" else "pass each keyword argument by name")
            names.append(arg.keyword.value if arg.keyword is not None else None)
            stars.append(bool(arg.star))
            if arg.star:
                thunks.append(lambda a=arg: self.unpacked(a.value, a))
            else:
                thunks.append(lambda a=arg: self.argument(a, keyword_lambdas, a is consumed, offsets))
        values = [as_starred(v) if star else v for v, star in zip(self.ordered(thunks), stars)]
        args = tuple(v for n, v in zip(names, values) if n is None)
        kwargs = tuple(A.Keyword(n, v, span=self.keyword_span(a)) for a, n, v in zip(node.args, names, values) if n is not None)
        return args, kwargs

    def keyword_span(self, arg: cst.Arg) -> A.Span | None:
        """`name=value`, without the comma that libcst counts in the argument."""
        return self.src.span_between(arg.keyword, arg.value)

    def argument(self, arg: cst.Arg, keyword_lambdas: frozenset, consumed: bool, offsets: bool = False) -> A.Expr:
        value = arg.value
        keyword = arg.keyword.value if arg.keyword is not None else None
        if offsets and keyword == "tzinfo":
            return self.utc_offset(value)
        if keyword in keyword_lambdas:
            function = self.function_value(value, 1)
            if function is not None:
                return function
        if consumed:
            if isinstance(value, cst.GeneratorExp):
                return self.comprehension(value, "eager")
            if self.lazy_builtin(value) is not None:
                self.consumed_iterators.add(id(value))
        return self.expr(value)

    def lazy_builtin(self, node: cst.BaseExpression) -> str | None:
        """"map" / "filter" when `node` calls that builtin."""
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value in dialect.LAZY_BUILTINS:
            if self.scoped_name(node.func.value) is None and self.src.ref(node.func).kind == "builtin":
                return node.func.value
        return None

    def function_value(self, node: cst.BaseExpression, arity: int) -> A.Expr | None:
        """A function passed to a builtin (`key=`, map(), filter()): a lambda, a
        builtin (`len` → `lambda $k: len($k)`) or a str method (`str.lower` →
        `lambda $k: $k.lower()`); None for anything else."""
        if isinstance(node, cst.Lambda):
            return self.lambda_expr(node)
        params = ("$k",) if arity == 1 else tuple(f"$k{i}" for i in range(1, arity + 1))
        names = tuple(A.Name(p) for p in params)
        if isinstance(node, cst.Name) and self.scoped_name(node.value) is None and self.src.ref(node).kind == "builtin":
            if node.value in dialect.FUNCTION_VALUES:
                return A.Lambda(params, A.Call(A.Name(node.value), names))
        if isinstance(node, cst.Attribute) and self.builtin_type_name(node.value) == "str" and node.attr.value in dialect.UNBOUND_STR_METHODS:
            return A.Lambda(params, A.Call(A.Attribute(names[0], node.attr.value), names[1:]))
        if isinstance(node, cst.Attribute) and node.attr.value in dialect.PURE_METHODS and isinstance(node.value, cst.Name):
            owner = node.value
            if (self.scoped_name(owner.value) is not None or self.src.ref(owner).kind == "local") and not self.is_self(owner):
                # `key=counts.get`: a method of a variable's value (reading a variable cannot fail)
                return A.Lambda(params, A.Call(A.Attribute(self.expr(owner), node.attr.value, span=self.span(node)), names))
        return None

    def consumed_argument(self, name: str, node: cst.Call) -> cst.Arg | None:
        """The argument a builtin iterates over completely before it returns: the
        first of sum(), sorted(), list(), ... (the only one of min() and max(),
        which compare their arguments when given several)."""
        positional = [a for a in node.args if a.keyword is None]
        if name not in dialect.GENERATOR_CONSUMERS or not positional or positional[0].star:
            return None
        if name in ("min", "max") and len(positional) != 1:
            return None
        return positional[0]

    def builtin_call(self, name: str, node: cst.Call) -> A.Expr:
        if name == "type":
            raise Reject("RPL0202", "type() can only be used as `type(x).__name__` in a workflow", node,
                         "test the type with isinstance(x, T)")
        low, high, keywords = dialect.BUILTIN_FUNCTIONS[name]
        starred = name not in ("isinstance",) and name not in dialect.LAZY_BUILTINS
        for arg in node.args:
            if arg.star and not starred:
                raise Reject("RPL0216", f"`{arg.star}` arguments are not supported in {name}()", arg, "write the arguments out one by one")
        positional = [a for a in node.args if a.keyword is None and not a.star]
        unpacks = any(a.star == "*" for a in node.args)
        for arg in node.args:
            if arg.keyword is not None and arg.keyword.value not in keywords:
                raise Reject("RPL0206", f"{name}() does not take the keyword argument `{arg.keyword.value}` in a workflow", arg,
                             did_you_mean(arg.keyword.value, keywords))
        if (len(positional) < low and not unpacks) or (high is not None and len(positional) > high):
            raise Reject("RPL0206", arity_message(name, low, high, len(positional)), node)
        if name not in dialect.SET_CONSUMERS:
            for arg in positional:
                self.refuse_set_order(arg.value, f"{name}()")
        elif any(a.keyword is not None and a.keyword.value == "key" for a in node.args):
            for arg in positional:  # items with equal keys would come in the set's order
                self.refuse_set_order(arg.value, f"{name}() with key=",
                                      f"sort the items themselves first: `{name}(sorted({self.src.text(arg.value)}), key=...)`")
        if name in dialect.ORDER_FREE_CONSUMERS and positional and isinstance(positional[0].value, cst.GeneratorExp) and not any(
                a.keyword is not None and a.keyword.value == "key" for a in node.args):
            self.order_free_generators.add(id(positional[0].value))  # `key=` could tie items: their order would show
        if name in ("any", "all") and len(node.args) == 1 and isinstance(node.args[0].value, cst.GeneratorExp):
            return self.comprehension(node.args[0].value, name)  # a loop that computes the result itself
        if name in dialect.LAZY_BUILTINS:
            return self.lazy_call(name, node)
        if name == "isinstance":
            value, types = self.ordered([lambda: self.expr(node.args[0].value), lambda: self.type_spec(node.args[1].value)])
            return A.Call(A.Name(name), (value, types))
        if name in dialect.ITERATING_BUILTINS:
            self.iterated.update(id(a.value) for a in node.args if a.keyword is None and not a.star)
        args, kwargs = self.call_arguments(node, keyword_lambdas=frozenset({"key"}), consumed=self.consumed_argument(name, node),
                                           starred=starred)
        return A.Call(A.Name(name), args, kwargs)

    def lazy_call(self, name: str, node: cst.Call) -> A.Expr:
        """map(f, xs) / filter(f, xs), where the iterator is consumed at once: f
        is a lambda, a builtin or a str method (filter: or None)."""
        if id(node) not in self.consumed_iterators:
            raise Reject(
                "RPL0221",
                f"{name}() returns a lazy iterator: it can only be unpacked into names, passed directly to list(), "
                "tuple(), set(), sorted(), sum(), dict() or str.join(), or as the only argument of min() or max()",
                node,
                f"wrap it: `list({self.src.text(node)})`, or use a list comprehension",
            )
        function, *iterables = node.args
        if name == "filter" and isinstance(function.value, cst.Name) and function.value.value == "None":
            lowered = A.Constant(None)
        else:
            lowered = self.function_value(function.value, len(iterables))
        if lowered is None:
            raise Reject("RPL0210", f"the function passed to {name}() must be a lambda, a builtin such as str or len, or a str method",
                         function.value, "use a list comprehension: `[f(x) for x in xs]`")
        values = self.exprs([a.value for a in iterables])
        return A.Call(A.Name(name), (lowered, *values))

    def type_name_of(self, node: cst.Call) -> A.Expr:
        """`type(x)` in `type(x).__name__`."""
        if len(node.args) != 1 or node.args[0].keyword is not None or node.args[0].star:
            raise Reject("RPL0206", "type() takes exactly one argument in a workflow", node)
        self.calls_by_func[id(node.func)] = node
        self.check_forbidden("builtins.type", node.func, call=node)
        return A.Call(A.Name("type", span=self.span(node.func)), (self.expr(node.args[0].value),), span=self.span(node))

    def is_type_call(self, node: cst.BaseExpression) -> bool:
        return (
            isinstance(node, cst.Call)
            and isinstance(node.func, cst.Name)
            and node.func.value == "type"
            and self.scoped_name("type") is None
            and self.src.ref(node.func).kind == "builtin"
        )

    def next_call(self, node: cst.Call) -> A.Expr:
        """next(<generator>, default): the first item, as a loop that stops there.
        next(iter(xs)[, default]): the first item of a list, a dict's first key."""
        args = node.args
        if any(a.keyword is not None or a.star for a in args) or not args:
            args = ()
        elif self.iter_call(args[0].value) is not None and len(args) <= 2:
            return self.first_item(node)
        if not args or not isinstance(args[0].value, cst.GeneratorExp):
            raise Reject("RPL0202", "next() is only supported on a generator expression or iter(xs)", node,
                         "write `next(iter(xs))` for the first item, or `next((x for x in xs if ...), None)`")
        if len(args) != 2:
            raise Reject("RPL0206", "next() needs a default in a workflow: without one it raises StopIteration", node,
                         "pass a default, e.g. `next((x for x in xs if ...), None)`, and test the result")
        return self.comprehension(args[0].value, "next", default=args[1].value)

    def iter_call(self, node: cst.BaseExpression) -> cst.BaseExpression | None:
        """`xs` of `iter(xs)`, when `iter` is the builtin."""
        if not (isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value == "iter"):
            return None
        if self.scoped_name("iter") is not None or self.src.ref(node.func).kind != "builtin":
            return None
        if len(node.args) != 1 or node.args[0].keyword is not None or node.args[0].star:
            raise Reject("RPL0206", "iter() takes exactly one argument in a workflow", node)
        return node.args[0].value

    def first_item(self, node: cst.Call) -> A.Expr:
        """next(iter(xs)) is `list(xs)[0]` (an IndexError when xs is empty, where
        Python raises StopIteration); next(iter(xs), default) a loop that stops at
        the first item, whose result starts as the default."""
        iterable = self.iter_call(node.args[0].value)
        if len(node.args) == 1:
            return A.Subscript(A.Call(A.Name("list"), (self.expr(iterable),)), A.Constant(0), span=self.span(node))
        items, default = self.ordered([lambda: self.expr(iterable), lambda: self.expr(node.args[1].value)])
        span = self.span(node)
        first, item = A.Name(self.new_temp()), A.Name(self.new_temp())
        self.emit(A.Assign(first, default, span=span))
        self.emit(A.For(item, items, (A.Assign(first, item), A.Break()), span=span))
        return first

    def static_call(self, name: str, node: cst.Call) -> A.Expr:
        """`dict.fromkeys(keys[, value])`, `datetime.fromisoformat(text)`, `bytes.fromhex(text)`."""
        owner, _, method = name.partition(".")
        first = node.args[0] if name == "dict.fromkeys" and node.args and node.args[0].keyword is None and not node.args[0].star else None
        args, kwargs = self.call_arguments(node, consumed=first)  # fromkeys() consumes its keys at once
        most = 2 if name == "dict.fromkeys" else 1
        if kwargs or not 1 <= len(args) <= most:
            raise Reject("RPL0206", f"{self.src.text(node.func)}() takes {'1 or 2 positional arguments' if most == 2 else 'one positional argument'}", node)
        if owner != "dict":
            self.check_builtin_not_hidden(owner, node)
        func = A.Attribute(A.Name(owner, span=self.span(node.func.value)), method, span=self.span(node.func))
        return A.Call(func, args)

    # ============================================================== dates, times and hashes

    def value_construction(self, name: str, node: cst.Call) -> A.Expr:
        """`datetime.datetime(2024, 1, 2, tzinfo=timezone.utc)`, `date(...)`,
        `timedelta(days=1)`: the RRL builtin of that name."""
        low, high, keywords = dialect.BUILTIN_FUNCTIONS[name]
        label = self.src.text(node.func)
        for arg in node.args:
            if arg.star:
                raise Reject("RPL0216", f"`{arg.star}` arguments are not supported in {label}()", arg, "write the arguments out one by one")
            if arg.keyword is not None and arg.keyword.value not in keywords:
                raise Reject("RPL0206", f"{label}() does not take the keyword argument `{arg.keyword.value}` in a workflow", arg,
                             did_you_mean(arg.keyword.value, keywords))
        positional = sum(1 for a in node.args if a.keyword is None)
        if positional < low or positional > high:
            raise Reject("RPL0206", arity_message(label, low, high, positional), node)
        self.check_builtin_not_hidden(name, node)
        args, kwargs = self.call_arguments(node, offsets=True)
        return A.Call(A.Name(name, span=self.span(node.func)), args, kwargs)

    def utc_offset(self, node: cst.BaseExpression) -> A.Expr:
        """A datetime's `tzinfo=`, as RRL has it: the UTC offset (a timedelta) or None.
        `timezone.utc` is `timedelta()`, `timezone(offset)` is `offset`."""
        if self.imported_qualified(node) in dialect.UTC:
            self.check_builtin_not_hidden("timedelta", node)
            return A.Call(A.Name("timedelta", span=self.span(node)), ())
        if isinstance(node, cst.Call):
            if self.imported_qualified(node.func) in dialect.TIMEZONE:
                if len(node.args) != 1 or node.args[0].keyword is not None or node.args[0].star:
                    raise Reject("RPL0206", "timezone() takes the UTC offset only in a workflow", node,
                                 "write `timezone(timedelta(hours=2))`; a datetime carries no zone name")
                return self.expr(node.args[0].value)
        return self.expr(node)

    def hash_digest(self, name: str, node: cst.Call) -> A.Expr | None:
        """`hashlib.sha256(data).hexdigest()` → `hexdigest("sha256", data)`; None
        when the receiver is not a call of a hashlib function."""
        inner = node.func.value
        if not isinstance(inner, cst.Call):
            return None
        func = inner.func
        algorithm = dialect.HASH_FUNCTIONS.get(self.imported_qualified(func))
        if algorithm is None:
            return None
        label = self.src.text(func)
        if len(inner.args) != 1 or inner.args[0].keyword is not None or inner.args[0].star:
            raise Reject("RPL0206", f"{label}() takes the data to hash, one bytes value, in a workflow", inner,
                         f"hash the whole value at once: `{label}(text.encode()).{name}()`")
        if node.args:
            raise Reject("RPL0206", f"{name}() takes no arguments", node)
        self.check_builtin_not_hidden(name, node)
        data = self.expr(inner.args[0].value)
        return A.Call(A.Name(name, span=self.span(node.func)), (A.Constant(algorithm), data))

    def imported_qualified(self, node: cst.BaseExpression) -> str | None:
        """The qualified name of an imported name (`sha256`) or a module
        attribute (`hashlib.sha256`); None for anything else."""
        if isinstance(node, cst.Attribute):
            return self.src.imported_name(node)
        if isinstance(node, cst.Name) and self.scoped_name(node.value) is None and self.src.ref(node).kind == "import":
            return self.src.ref(node).qualified
        return None

    def check_builtin_not_hidden(self, name: str, node: cst.CSTNode) -> None:
        """RRL calls `date(...)` by name: a variable of the function named so would hide it."""
        if name in self.function_locals or self.scoped_name(name) is not None:
            raise Reject("RPL0202", f"the variable `{name}` hides the builtin {name}() this call lowers to", node,
                         f"rename the variable `{name}` (for example `{name}_value`)")

    def str_method_call(self, method: str, node: cst.Call) -> A.Expr:
        """`str.lower(name)` → `name.lower()`."""
        args, kwargs = self.call_arguments(node)
        if not args:
            raise Reject("RPL0206", f"str.{method}() needs the string as its first argument", node)
        return A.Call(A.Attribute(args[0], method, span=self.span(node.func)), args[1:], kwargs)

    def method_call(self, name: str, node: cst.Call) -> A.Expr:
        if name in dialect.MUTATING_METHODS:
            return self.changing_call(node, "value")
        if name in dialect.HASH_RESULTS:
            digest = self.hash_digest(name, node)
            if digest is not None:
                return digest
        if name == "astimezone":
            raise Reject("RPL0203", "astimezone() is not supported in a workflow", node, dialect.ZONE_HELP)
        receiver = self.expr(node.func.value)  # Python evaluates the receiver first
        if name not in dialect.PURE_METHODS:
            raise Reject("RPL0203", f"cannot call the method {name}() in a workflow", node,
                         "only the methods of str, list, dict, model, date, time and bytes values listed in docs/language.md can be called "
                         "(such as .strip(), .split(), .get(), .items(), .append(), .isoformat()); compute the value in an @action or a helper method")
        keywords = dialect.PURE_METHOD_KEYWORDS.get(name)
        for arg in node.args:
            if keywords is not None and arg.keyword is not None and arg.keyword.value not in keywords:
                raise Reject("RPL0206", f"{name}() does not take the keyword argument `{arg.keyword.value}` in a workflow", arg,
                             did_you_mean(arg.keyword.value, keywords))
            if keywords is not None and arg.keyword is None:
                raise Reject("RPL0206", f"{name}() takes keyword arguments only in a workflow", arg)
        self.check_literal_method_arguments(name, node)
        if name in ("join", "extend", "fromkeys") and node.args:
            self.refuse_set_order(node.args[0].value, f"{name}()")
        receiver, (args, kwargs) = self.ordered_pair(
            lambda: receiver,
            lambda: self.call_arguments(node, consumed=node.args[0] if name == "join" and len(node.args) == 1 else None,
                                        offsets=name == "replace"),
        )
        return A.Call(A.Attribute(receiver, name, span=self.span(node.func)), args, kwargs)

    def check_literal_method_arguments(self, name: str, node: cst.Call) -> None:
        """A method of a literal or a display called with arguments it never takes:
        the counts (`"s".strip(1, 2, 3)`), a keyword it has not, or, on a str literal
        with constant arguments, a call that always raises TypeError (`"s".strip(1)`)."""
        owner = _literal_type(node.func.value)
        signature = dialect.LITERAL_METHOD_ARGUMENTS.get((owner, name))
        if signature is None or any(arg.star for arg in node.args):
            return
        named = [arg for arg in node.args if arg.keyword is not None]
        problem = method_call_problem(f"{owner}.{name}", signature, [arg.keyword.value for arg in named],
                                      len(node.args) - len(named))
        if problem is not None:
            message, help, keyword = problem
            raise Reject("RPL0206", message, named[keyword] if keyword is not None else node, help)
        if owner == "str" and isinstance(node.func.value, cst.SimpleString):
            error = _constant_call_error(node.func.value, name, node.args)
            if error is not None:
                raise Reject("RPL0206", f"`{self.src.text(node)}` always raises TypeError: {error}", node,
                             f"pass {name}() arguments of the types it takes")

    def ordered_pair(self, first, second):
        """`ordered` for a value followed by argument lists."""
        box = {}

        def run_second():
            box["value"] = second()
            return A.Constant(None)

        (value, _) = self.ordered([first, run_second])
        return value, box["value"]

    def construct(self, target: Target, node: cst.Call) -> A.Expr:
        label = self.src.text(node.func)
        if target.type_kind == "typeddict":
            return self.typed_dict(label, node)
        if target.type_kind in ("class", "workflow_base", ""):
            qualified = self.src.imported_name(node.func)
            instead = dialect.unsupported_help(dialect.UNSUPPORTED_CLASSES, qualified) or dialect.unsupported_help(
                dialect.UNSUPPORTED_CALLS, qualified)  # `itertools.pairwise` is a class
            if instead is not None:
                raise Reject("RPL0225", f"`{label}(...)` cannot be built in a workflow", node, instead)
            raise Reject("RPL0225", f"`{label}` is a plain class and cannot be created in a workflow", node,
                         "only pydantic models, dataclasses and exceptions can be created in workflow code; "
                         "create other objects inside an @action")
        for arg in node.args:
            if arg.star == "**" and target.type_kind in ("model", "dataclass"):
                raise Reject("RPL0216", f"`**` arguments are not supported when building `{label}` in a workflow", arg,
                             built_from_a_dict_help(label))
        args, kwargs = self.call_arguments(node, starred=target.type_kind == "namedtuple")  # `Point(*coords)`
        if target.type_kind == "enum":
            if len(args) != 1 or kwargs:
                raise Reject("RPL0206", f"the enum {label}() takes one argument, the value of a member", node,
                             f"write `{label}(value)`, or name the member: `{label}.NAME`")
            self.check_construction(target, node, set())
            return A.Call(A.Name(target.name), args)
        if target.type_kind == "namedtuple":  # by position and by name, as Python's `Point.__new__`
            self.check_construction(target, node, {k.name for k in kwargs})
            return A.Call(A.Name(target.name), args, kwargs)
        if args and target.type_kind == "model":
            raise Reject("RPL0206", f"the model {label}() takes keyword arguments only", node, "pass each field by name")
        if args:
            if target.local_class is None:
                raise Reject("RPL0206", f"the fields of {label}() must be passed by name", node,
                             "the frontend does not know the field order of classes from other modules")
            fields = self.index.dataclass_fields(target.local_class)
            if len(args) > len(fields):
                raise Reject("RPL0206", f"{label}() takes {len(fields)} field{'' if len(fields) == 1 else 's'} but {len(args)} positional arguments were given", node)
            given = {k.name for k in kwargs}
            for field_name in fields[: len(args)]:
                if field_name in given:
                    raise Reject("RPL0206", f"{label}() got the field `{field_name}` twice", node)
            kwargs = tuple(A.Keyword(f, v) for f, v in zip(fields, args)) + kwargs
        self.check_construction(target, node, {k.name for k in kwargs})
        return A.Call(A.Name(target.name), (), kwargs)

    def typed_dict(self, label: str, node: cst.Call) -> A.Expr:
        """`Audit(who=w, count=1)`: a TypedDict builds a plain dict, `{"who": w, "count": 1}`
        (from a mapping too: `Audit(other, count=1)`)."""
        args, kwargs = self.call_arguments(node)
        if len(args) > 1:
            raise Reject("RPL0206", f"the TypedDict {label}() takes at most one positional argument, a mapping", node,
                         "pass each key as a keyword argument")
        if args and not kwargs:
            return A.Call(A.Name("dict"), args, span=self.span(node))
        items = tuple((A.Constant(k.name), k.value) for k in kwargs)
        if args:
            items = ((None, A.Call(A.Name("dict"), args)),) + items
        return A.DictExpr(items, span=self.span(node))

    # ============================================================== effects

    def effect_value(self, node: cst.Await) -> A.Expr:
        """An await inside an expression: run it into a temporary."""
        return self.emit_effect(node, None, want_value=True)

    def effect_result(self, call: A.AwaitCall, node: cst.CSTNode) -> A.Expr:
        temp = A.Name(self.new_temp(), span=self.span(node))
        self.emit(A.CallStmt(temp, call, span=self.span(node)))
        return temp

    def emit_effect(self, node: cst.Await, target: A.Expr | None, want_value: bool = False) -> A.Expr | None:
        """Emit the statement(s) of `await <call>`, assigning the result to
        `target` (or to a new temporary when `want_value`); returns the value."""
        if not self.is_async:
            raise Reject("RPL0253", "invalid Python syntax: 'await' outside async function", node)
        expr = node.expression
        if not isinstance(expr, cst.Call):
            raise Reject("RPL0201", f"cannot await `{self.src.text(expr)}`: it is not an action call", node, AWAITABLE_HELP)
        self.calls_by_func[id(expr.func)] = expr
        try:
            callee = self.call_target(expr.func)
        except Reject as reject:
            if reject.code == "RPL0223" and reject.message.endswith("is not defined"):
                raise  # a misspelt name: its did-you-mean helps more than what can be awaited
            if reject.code in ("RPL0202", "RPL0223"):
                shown = self.src.text(expr.func)
                help_text = AWAITABLE_HELP
                if isinstance(expr.func, cst.Name) and expr.func.value in self.index.functions:
                    help_text += f"; decorate {shown} with @action"
                raise Reject("RPL0201", f"cannot await {shown}(): it is not an action", node, help_text) from None
            raise
        span = self.span(node)
        if callee.kind == "sleep":
            self.emit(A.Sleep(self.sleep_seconds(expr), span=span))
            if target is not None:
                self.emit(A.Assign(target, A.Constant(None), span=span))
            return A.Constant(None)
        if callee.kind == "gather":
            if want_value:
                target = A.Name(self.new_temp(), span=span)
            self.gather(expr, target)
            return target
        if callee.kind == "helper" and callee.name == dialect.RUN_ACTION:
            call = self.run_action_call(expr)
        elif callee.kind in ("helper", "function"):
            call = self.helper_call(expr, callee, awaited=True)
        elif callee.kind == "action":
            call = self.action_call(callee, expr)
        else:
            raise Reject("RPL0201", f"cannot await {self.src.text(expr.func)}(): it is not an action", node, AWAITABLE_HELP)
        if want_value:
            target = A.Name(self.new_temp(), span=span)
        self.emit(A.CallStmt(target, call, span=span))
        return target

    def sleep_seconds(self, call: cst.Call) -> A.Expr:
        args = call.args
        if len(args) != 1 or args[0].star or (args[0].keyword is not None and args[0].keyword.value != "delay"):
            raise Reject("RPL0206", "asyncio.sleep() takes the number of seconds only in a workflow", call,
                         "write `await asyncio.sleep(seconds)`: a workflow's sleep returns None (no `result=`)")
        return self.expr(args[0].value)

    def helper_call(self, node: cst.Call, target: Target, awaited: bool) -> A.AwaitCall:
        callee = self.helper_callee(target)
        if awaited and not callee.is_async:
            label = helper_label(target)
            what = "method" if target.kind == "helper" else "function"
            raise Reject("RPL0201", f"cannot await {label}(): it is not an async {what}", node,
                         f"call it without await: {label}(...)")
        return self.callee_call(callee, node)

    def action_call(self, target: Target, node: cst.Call) -> A.AwaitCall:
        callee = self.wc.action(target.action, node)
        return self.callee_call(callee, node)

    def callee_call(self, callee: Callee, node: cst.Call) -> A.AwaitCall:
        bound = callee.bind(node, self.src.text(node.func))
        values = self.exprs([value for _, value in bound])
        kwargs = tuple(A.Keyword(name, value) for (name, _), value in zip(bound, values))
        return A.AwaitCall(callee.name, kwargs, span=self.span(node))

    # -------------------------------------------------------------- run_action

    def run_action_call(self, node: cst.Call) -> A.AwaitCall:
        positional = [a for a in node.args if a.keyword is None]
        if len(positional) != 1 or positional[0].star:
            raise Reject("RPL0219", "self.run_action() takes one action call, like `self.run_action(act(x), retry=...)`", node)
        inner = positional[0].value
        if not isinstance(inner, cst.Call):
            raise Reject("RPL0219", "the first argument of self.run_action() must be an action call, like `act(x)`", inner)
        self.calls_by_func[id(inner.func)] = inner
        target = self.call_target(inner.func)
        if target.kind != "action":
            raise Reject("RPL0219", f"self.run_action() runs actions; {self.src.text(inner.func)}() is not an action", inner)
        evaluator = ConstEvaluator(self)
        policies: dict = {}
        for arg in node.args:
            if arg.keyword is None:
                continue
            name = arg.keyword.value
            if name not in dialect.RUN_ACTION_KEYWORDS:
                raise Reject("RPL0219", f"self.run_action() has no argument `{name}`", arg, "use retry=, backoff= or timeout=")
            value = evaluator.evaluate(arg.value)
            if value is None:
                continue
            if name == "retry":
                if not isinstance(value, Retry):
                    raise Reject("RPL0219", "retry= must be a RetryPolicy(...)", arg.value)
                policies["retry"] = replace(P.retry_syntax(value), span=self.span(arg.value))
            elif name == "backoff":
                if not isinstance(value, Backoff):
                    raise Reject("RPL0219", "backoff= must be a BackoffPolicy(...)", arg.value)
                policies["backoff"] = replace(P.backoff_syntax(value), span=self.span(arg.value))
            else:
                if isinstance(value, Seconds):
                    value = value.value
                policies["timeout"] = P.timeout_syntax(evaluator.seconds(value, arg.value, "timeout=", positive=True))
        call = self.action_call(target, inner)
        return A.AwaitCall(call.name, call.kwargs, span=self.span(node), **policies)

    # -------------------------------------------------------------- gather

    def gather(self, node: cst.Call, target: A.Expr | None) -> None:
        return_exceptions = False
        items = []
        for arg in node.args:
            if arg.keyword is not None:
                if arg.keyword.value != "return_exceptions":
                    raise Reject("RPL0218", f"asyncio.gather() has no argument `{arg.keyword.value}`", arg,
                                 "the only keyword argument is return_exceptions=")
                value = ConstEvaluator(self).evaluate(arg.value)
                if not isinstance(value, bool):
                    raise Reject("RPL0218", "return_exceptions= must be True or False", arg.value)
                return_exceptions = value
            else:
                items.append(arg)
        span = self.span(node)
        if len(items) == 1 and items[0].star == "*":
            source = items[0].value
            if not isinstance(source, (cst.ListComp, cst.GeneratorExp)):
                raise Reject("RPL0218", "asyncio.gather(*...) needs a comprehension, like `*[act(x) for x in xs]`", source,
                             "build the list of calls inside the gather call")
            self.gather_comprehension(source, target, return_exceptions, span)
            return
        if any(a.star for a in items):
            raise Reject("RPL0218", "asyncio.gather() takes either calls or one `*[... for ...]` comprehension, not both", node,
                         "gather the comprehension separately, or list every call")
        if not items:
            if target is not None:
                self.emit(A.Assign(target, A.ListExpr(()), span=span))
            return
        calls = self.gather_items([a.value for a in items])
        self.emit(A.Parallel(target, tuple(calls), return_exceptions, span=span))

    def gather_items(self, nodes: list[cst.BaseExpression]) -> list[A.AwaitCall]:
        """The calls of `gather(a(x), b(y))`. Python evaluates every call's arguments,
        left to right, before gather starts any: when a later call's arguments emit
        statements (an await, `xs.pop()`, `:=`), the arguments of the calls before it
        are evaluated first, into temporaries (as `ordered` does for operands)."""
        calls: list[A.AwaitCall] = []
        for node in nodes:
            mark = len(self.block)
            assigned = len(self.rebound)
            call = self.gather_item(node)
            if len(self.block) > mark:
                rebound = set(self.rebound[assigned:])
                spills: list[A.Stmt] = []
                calls = [replace(c, kwargs=tuple(replace(k, value=self.spilled(k.value, rebound, spills)) for k in c.kwargs))
                         for c in calls]
                self.block[mark:mark] = spills
            calls.append(call)
        return calls

    def gather_item(self, node: cst.BaseExpression) -> A.AwaitCall:
        if isinstance(node, cst.Call):
            self.calls_by_func[id(node.func)] = node
            target = self.call_target(node.func)
            if target.kind == "action":
                return self.action_call(target, node)
            if target.kind == "helper" and target.name == dialect.RUN_ACTION:
                return self.run_action_call(node)
            if target.kind in ("helper", "function"):
                return self.helper_call(node, target, awaited=True)
        raise Reject("RPL0218", f"asyncio.gather() can only run action calls and async helper calls, not `{self.src.text(node)}`",
                     node, "pass calls such as `act(x)`, `self.helper(x)` or `self.run_action(act(x), ...)`")

    def gather_comprehension(self, node, target, return_exceptions: bool, span) -> None:
        clauses = comprehension_clauses(node)
        if self.has_await(node.elt) or any(self.has_await(c.iter) for c in clauses[1:]) or any(
            self.has_effects(i.test) for c in clauses for i in c.ifs
        ):
            # Python awaits these one after the other while it builds the list of calls,
            # before gather starts any of them: that is a loop of its own before the gather.
            raise Reject("RPL0217", "an await or helper call inside a gather comprehension is not supported", node,
                         "await the values first, one after the other (`ys = [await g(x) for x in xs]`), "
                         "then gather the calls over them (`await asyncio.gather(*[f(y) for y in ys])`)")
        iterator = self.iteration(clauses[0].iter)
        names = [n for c in clauses for n in target_names(c.target)]
        # Loop variables are local to the comprehension: rename those that
        # would overwrite a variable of the function.
        renames = {n: self.new_temp() for n in names if n in self.function_locals}
        self.wc.python_names.update({temp: name for name, temp in renames.items()})
        with self.renamed(renames):
            if len(clauses) == 1 and not clauses[0].ifs:
                loop_target = self.comp_target(clauses[0].target)
            else:
                with self.pure("a gather comprehension", node):
                    generators = self.generators(clauses, iterator)
                loop_names = tuple(A.Name(self.local_name(n)) for n in dict.fromkeys(names))
                element = loop_names[0] if len(loop_names) == 1 else A.TupleExpr(loop_names)
                temp = self.new_temp()
                self.emit(A.Assign(A.Name(temp), A.ListComp(element, generators), span=self.span(node)))
                loop_target, iterator = element, A.Name(temp)
            with self.pure("a gather comprehension", node):
                call = self.gather_item(node.elt)
        self.emit(A.ParallelFor(target, loop_target, iterator, call, return_exceptions, span=span))


def built_from_a_dict_help(model: str) -> str:
    """What to write instead of building a model from a dict (`Item(**data)`, `Item.model_validate(data)`)."""
    return f"name the fields: `{model}(field=data[\"field\"], ...)`; or have the @action that reads the data return it (`-> {model}`)"


def helper_label(target: Target) -> str:
    """How a call names a helper: `self.f`, `normalize`, `Texts.slug`."""
    return f"self.{target.name}" if target.kind == "helper" else target.action.label


def _position(span) -> tuple[int, int]:
    return (span.line, span.column) if span is not None else (0, 0)


def _literal_type(node: cst.BaseExpression) -> str | None:
    """The type of a literal or a display: `"s"` a str, `[a]` a list, `{k: v}` a dict."""
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        value = node.evaluated_value
        return "str" if isinstance(value, str) else None
    if isinstance(node, cst.FormattedString):
        return "str"
    if isinstance(node, (cst.List, cst.ListComp)):
        return "list"
    if isinstance(node, cst.Tuple):
        return "tuple"
    if isinstance(node, (cst.Dict, cst.DictComp)):
        return "dict"
    return None


# Above these, a trial call on constants could build a large value (`"s".center(10**9)`).
_TRIAL_INT_LIMIT = 10_000


def _constant_call_error(receiver: cst.SimpleString, method: str, args) -> str | None:
    """The TypeError that calling `method` of a str literal with these constant arguments
    always raises (`"s".strip(1)`: "strip arg must be None or str"), or None: not every
    argument is a constant, or the call does not raise TypeError."""
    values = []
    for arg in args:
        try:
            value = ast.literal_eval(cst.Module([]).code_for_node(arg.value))
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            return None
        if not isinstance(value, (str, bytes, int, float, type(None))) or isinstance(value, int) and abs(value) > _TRIAL_INT_LIMIT:
            return None
        values.append((arg.keyword.value if arg.keyword is not None else None, value))
    positional = [value for keyword, value in values if keyword is None]
    keywords = {keyword: value for keyword, value in values if keyword is not None}
    try:
        getattr(receiver.evaluated_value, method)(*positional, **keywords)
    except TypeError as error:
        return str(error)
    except Exception:  # a ValueError or a LookupError belongs to the run: the workflow may catch it
        return None
    return None
