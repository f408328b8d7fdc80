"""What a module defines at top level, read statically from its source:
actions, classes (workflows, models, dataclasses, exceptions), plain
functions and constants. Names defined later in the file are known too,
which is what `@workflow` needs at class-definition time.

Names are keyed by their NFKC normal form, as Python binds them (`NameTable`):
`def ﬁnd` defines `find`. `unnormalised` keeps the definitions spelled
otherwise, which the compiler reports where the workflow uses them (RPL0235).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field

import libcst as cst

from . import dialect
from .modules import Modules
from .resolve import Resolver, TypeInfo
from .source import SourceModule, normal_form


class NameTable(dict):
    """A dict keyed by names, which compares them as Python does: in their
    NFKC normal form (`table["ﬁnd"]` is `table["find"]`)."""

    def __setitem__(self, name: str, value) -> None:
        super().__setitem__(normal_form(name), value)

    def __getitem__(self, name: str):
        return super().__getitem__(normal_form(name))

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and super().__contains__(normal_form(name))

    def get(self, name: str, default=None):
        return super().get(normal_form(name), default)

    def setdefault(self, name: str, default=None):
        return super().setdefault(normal_form(name), default)


@dataclass
class LocalAction:
    python_name: str
    name: str  # registered name
    node: cst.FunctionDef
    decorator: cst.Decorator


@dataclass
class ClassInfo:
    name: str
    node: cst.ClassDef
    bases: list[str] = field(default_factory=list)  # local class names among the bases
    foreign_bases: list[cst.BaseExpression] = field(default_factory=list)
    kind: str = "class"  # model | dataclass | exception | enum | typeddict | namedtuple | workflow_base | class
    is_workflow: bool = False  # decorated with @workflow
    # A decorator the source alone cannot tell from `rappel.workflow` (a name another
    # module's star import binds, an alias it cannot follow); None when all are known.
    unresolved_decorator: cst.Decorator | None = None
    methods: dict[str, cst.FunctionDef] = field(default_factory=NameTable)
    consts: dict[str, cst.BaseExpression] = field(default_factory=NameTable)  # class-level NAME = value
    fields: list[str] = field(default_factory=list)  # annotated fields, in order (own only), in normal form
    field_types: dict[str, cst.Annotation] = field(default_factory=NameTable)
    init_false: set[str] = field(default_factory=set)
    # The other module of the project that defines this class (a base workflow class
    # imported from there); None for the module being compiled.
    home: object = None


@dataclass
class ModuleConst:
    name: str
    value: cst.BaseExpression | None  # None: assigned more than once (not a constant)
    node: cst.CSTNode


class ModuleIndex:
    def __init__(self, src: SourceModule, body: list[cst.CSTNode] | None = None, resolver: Resolver | None = None, modules: Modules | None = None):
        self.src = src
        self.resolver = resolver
        # The project's other modules, whose helpers and base workflow classes a workflow may use.
        self.modules = modules if modules is not None else Modules(src.module, src.path, resolver)
        self.actions: dict[str, LocalAction] = NameTable()
        self.classes: dict[str, ClassInfo] = NameTable()
        self.functions: dict[str, cst.FunctionDef] = NameTable()
        self.consts: dict[str, ModuleConst] = NameTable()
        self.order: dict[str, int] = NameTable()  # name → position of its definition
        # normal form → the definitions spelled otherwise (`def ﬁnd`): top-level
        # names, imported names, and the members of classes
        self.unnormalised: dict[str, list[cst.Name]] = {}
        self._scan(src.tree.body if body is None else body)
        self._classify()

    # -------------------------------------------------------------- scanning

    def _define(self, name: cst.Name) -> None:
        normal = normal_form(name.value)
        if normal != name.value:
            self.unnormalised.setdefault(normal, []).append(name)

    def _scan(self, body) -> None:
        for position, stmt in enumerate(body):
            for name in _defined_names(stmt):
                self._define(name)
            if isinstance(stmt, cst.FunctionDef):
                self.order.setdefault(stmt.name.value, position)
                decorator = self._action_decorator(stmt)
                if decorator is not None:
                    self.actions[stmt.name.value] = LocalAction(
                        stmt.name.value, _registered_name(decorator) or stmt.name.value, stmt, decorator
                    )
                else:
                    self.functions[stmt.name.value] = stmt
            elif isinstance(stmt, cst.ClassDef):
                self.order.setdefault(stmt.name.value, position)
                self.classes[stmt.name.value] = self._class(stmt)
                self._nested_classes(stmt, stmt.name.value)
            elif isinstance(stmt, cst.SimpleStatementLine):
                for small in stmt.body:
                    self._scan_assignment(small, position)

    def _scan_assignment(self, small: cst.BaseSmallStatement, position: int) -> None:
        targets: list[cst.BaseExpression] = []
        value = None
        if isinstance(small, cst.Assign):
            targets = [t.target for t in small.targets]
            value = small.value
        elif isinstance(small, cst.AnnAssign) and small.value is not None:
            targets = [small.target]
            value = small.value
        elif isinstance(small, cst.AugAssign):
            targets = [small.target]
        for target in targets:
            if not isinstance(target, cst.Name):
                continue
            name = target.value
            self.order.setdefault(name, position)
            if name in self.consts or value is None or len(targets) > 1:
                self.consts[name] = ModuleConst(name, None, small)
            else:
                self.consts[name] = ModuleConst(name, value, small)

    def _action_decorator(self, fn: cst.FunctionDef) -> cst.Decorator | None:
        for decorator in fn.decorators:
            expr = decorator.decorator.func if isinstance(decorator.decorator, cst.Call) else decorator.decorator
            if self.sdk_name(expr) == "action":
                return decorator
        return None

    def _nested_classes(self, node: cst.ClassDef, qualname: str) -> None:
        """The classes defined in a class's body, by qualname (`Order.Line`): a
        workflow names them like the module's own (they are never workflows)."""
        for stmt in node.body.body if isinstance(node.body, cst.IndentedBlock) else ():
            if isinstance(stmt, cst.ClassDef):
                nested = f"{qualname}.{normal_form(stmt.name.value)}"
                info = self._class(stmt, nested)
                info.is_workflow, info.unresolved_decorator = False, None
                self.classes[nested] = info
                self._nested_classes(stmt, nested)

    def nested_class(self, node: cst.BaseExpression) -> str | None:
        """The qualname of the nested class of this module that `Outer.Inner` names."""
        parts: list[str] = []
        while isinstance(node, cst.Attribute):
            parts.append(node.attr.value)
            node = node.value
        if not parts or not isinstance(node, cst.Name) or node.value not in self.classes or self.src.ref(node).kind != "global":
            return None
        qualname = ".".join([normal_form(node.value), *(normal_form(p) for p in reversed(parts))])
        return qualname if qualname in self.classes else None

    def _class(self, node: cst.ClassDef, qualname: str | None = None) -> ClassInfo:
        info = ClassInfo(qualname or node.name.value, node)
        for decorator in node.decorators:
            expr = decorator.decorator.func if isinstance(decorator.decorator, cst.Call) else decorator.decorator
            is_workflow = self._is_workflow_decorator(expr)
            if is_workflow:
                info.is_workflow = True
            elif is_workflow is None and info.unresolved_decorator is None:
                info.unresolved_decorator = decorator
            if self.qualified(expr) in dialect.DATACLASS_DECORATORS:
                info.kind = "dataclass"
        if info.is_workflow:
            info.unresolved_decorator = None
        for base in node.bases:
            if base.keyword is not None:
                continue
            if isinstance(base.value, cst.Name) and self.src.ref(base.value).kind == "global":
                info.bases.append(base.value.value)
            else:
                info.foreign_bases.append(base.value)
        body = node.body.body if isinstance(node.body, cst.IndentedBlock) else node.body.body
        for stmt in body:
            for name in _defined_names(stmt):
                self._define(name)
            if isinstance(stmt, cst.FunctionDef):
                info.methods[stmt.name.value] = stmt
            elif isinstance(stmt, cst.SimpleStatementLine):
                for small in stmt.body:
                    self._class_member(info, small)
        return info

    def _is_workflow_decorator(self, expr: cst.BaseExpression, aliases: tuple[str, ...] = ()) -> bool | None:
        """Whether a class decorator is `rappel.workflow`: by its import, or through a
        module-level alias (`wf = rappel.workflow`). None when the source cannot tell.
        A decorator runs when its class is defined, so every name it uses is bound
        earlier in the file: what the scan has seen so far is enough."""
        qualified = self.qualified(expr)
        if qualified is not None:
            return dialect.sdk_name(qualified) == "workflow"
        if not isinstance(expr, cst.Name) or self.src.ref(expr).kind != "global":
            return None
        name = expr.value
        if name in self.functions or name in self.actions or name in self.classes:
            return False
        const = self.consts.get(name)
        if const is None or const.value is None or name in aliases:
            return None
        return self._is_workflow_decorator(const.value, (*aliases, name))

    def _class_member(self, info: ClassInfo, small: cst.BaseSmallStatement) -> None:
        if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
            name = small.target.value
            annotation = small.annotation.annotation
            head = annotation.value if isinstance(annotation, cst.Subscript) else annotation
            if self.qualified(head) in dialect.CLASS_VAR:
                if small.value is not None:
                    info.consts[name] = small.value
                return
            info.fields.append(normal_form(name))
            info.field_types[name] = small.annotation
            if isinstance(small.value, cst.Call) and any(
                a.keyword is not None and a.keyword.value == "init" and isinstance(a.value, cst.Name) and a.value.value == "False"
                for a in small.value.args
            ):
                info.init_false.add(normal_form(name))
            if small.value is not None:
                info.consts[name] = small.value
        elif isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.targets[0].target, cst.Name):
            info.consts[small.targets[0].target.value] = small.value

    def _classify(self) -> None:
        """Kinds follow the bases: a subclass of a model is a model, and so on."""
        changed = True
        while changed:
            changed = False
            for info in self.classes.values():
                kind = self._kind_from_bases(info)
                if kind is not None and kind != info.kind and info.kind in ("class", "workflow_base"):
                    info.kind = kind
                    changed = True

    def _kind_from_bases(self, info: ClassInfo) -> str | None:
        kinds = []
        for base in info.bases:
            base_info = self.classes.get(base)
            if base_info is not None and base_info.kind != "class":
                kinds.append(base_info.kind)
        for base in info.foreign_bases:
            qualified = self.qualified(base)
            if qualified is None:
                continue
            if qualified in dialect.PYDANTIC_BASES:
                kinds.append("model")
            elif qualified in dialect.ENUM_BASES:
                kinds.append("enum")
            elif qualified in dialect.TYPED_DICT_BASES:
                kinds.append("typeddict")
            elif qualified in dialect.NAMED_TUPLE_BASES:
                kinds.append("namedtuple")
            elif self.sdk_name(base) == "Workflow":
                kinds.append("workflow_base")
            elif qualified.startswith("builtins.") and qualified[9:] in dialect.PYTHON_EXCEPTIONS:
                kinds.append("exception")
            elif self.sdk_name(base) == "RappelTimeout":
                kinds.append("exception")
            else:
                resolved = self.resolver(qualified) if self.resolver is not None else None
                if isinstance(resolved, TypeInfo) and resolved.kind != "class":
                    kinds.append(resolved.kind)
                elif resolved is None or isinstance(resolved, TypeInfo):  # read its source only if it may be one
                    if self.foreign_workflow_base(base) is not None:
                        kinds.append("workflow_base")
        for kind in ("exception", "enum", "model", "dataclass", "typeddict", "namedtuple", "workflow_base"):
            if kind in kinds:
                return kind
        return None

    # -------------------------------------------------------------- queries

    def qualified(self, expr: cst.BaseExpression) -> str | None:
        """The qualified name of a Name/Attribute: `builtins.len`, `pydantic.BaseModel`."""
        if isinstance(expr, cst.Name):
            ref = self.src.ref(expr)
            if ref.kind in ("builtin", "import"):
                return ref.qualified
            return None
        if isinstance(expr, cst.Attribute):
            return self.src.imported_name(expr)
        return None

    def named_tuple_call(self, name: str) -> cst.Call | None:
        """The call that makes the module-level NamedTuple `name`
        (`Pair = collections.namedtuple("Pair", "left right")`), or None."""
        const = self.consts.get(name)
        value = const.value if const is not None else None
        if isinstance(value, cst.Call) and self.qualified(value.func) in dialect.NAMED_TUPLE_FACTORIES:
            return value
        return None

    def sdk_name(self, expr: cst.BaseExpression) -> str | None:
        qualified = self.qualified(expr)
        return dialect.sdk_name(qualified) if qualified else None

    def foreign_workflow_base(self, base: cst.BaseExpression) -> ClassInfo | None:
        """The base workflow class another module of the project defines, that a
        base expression of this module names (`Base`, imported from `.base`)."""
        qualified = self.qualified(base)
        if qualified is None or self.sdk_name(base) is not None or qualified in dialect.PYDANTIC_BASES:
            return None
        if qualified.split(".")[0] in sys.stdlib_module_names:  # builtins, enum, abc: no workflow there
            return None
        return self.modules.workflow_base(qualified)

    def mro(self, name: str) -> list[ClassInfo]:
        """The C3 linearisation over the classes of this module and the base
        workflow classes of the project's other modules (other foreign bases are
        left out: their methods are not visible to the frontend)."""
        seen: set[str] = set()
        foreign: dict[str, ClassInfo] = {}  # `module:qualname` → a class of another module, in the linearisation

        def bases_of(info: ClassInfo) -> list[str]:
            """The keys of a class's bases that the linearisation covers, in the order written."""
            index = info.home.index if info.home is not None else self
            found = []
            for base in info.node.bases:
                if base.keyword is not None:
                    continue
                if isinstance(base.value, cst.Name) and base.value.value in info.bases and base.value.value in index.classes:
                    if info.home is None:
                        found.append(base.value.value)
                        continue
                    local = index.classes[base.value.value]
                    local.home = info.home
                    key = f"{info.home.src.module}:{local.name}"
                else:
                    local = index.foreign_workflow_base(base.value)
                    if local is None:
                        continue
                    key = f"{local.home.src.module}:{local.name}"
                foreign[key] = local
                found.append(key)
            return found

        def lookup(class_name: str) -> ClassInfo | None:
            return foreign.get(class_name) if ":" in class_name else self.classes.get(class_name)

        def linearize(class_name: str) -> list[str]:
            if class_name in seen:  # a cycle in bad source; stop
                return [class_name]
            seen.add(class_name)
            info = lookup(class_name)
            if info is None:
                return []
            bases = bases_of(info)
            sequences = [linearize(b) for b in bases] + [list(bases)]
            result = [class_name]
            sequences = [list(s) for s in sequences if s]
            while sequences:
                for seq in sequences:
                    head = seq[0]
                    if not any(head in other[1:] for other in sequences):
                        break
                else:  # inconsistent hierarchy: fall back to depth-first
                    head = sequences[0][0]
                result.append(head)
                sequences = [[c for c in s if c != head] for s in sequences]
                sequences = [s for s in sequences if s]
            return result

        return [info for info in map(lookup, linearize(name)) if info is not None]

    def find_method(self, class_name: str, method: str) -> tuple[ClassInfo, cst.FunctionDef] | None:
        for info in self.mro(class_name):
            if method in info.methods:
                return info, info.methods[method]
        return None

    def find_class_const(self, class_name: str, name: str) -> tuple[ClassInfo, cst.BaseExpression] | None:
        for info in self.mro(class_name):
            if name in info.consts:
                return info, info.consts[name]
        return None

    def dataclass_fields(self, class_name: str) -> list[str]:
        """`__init__` parameters of a dataclass, base fields first."""
        fields: list[str] = []
        for info in reversed(self.mro(class_name)):
            for name in info.fields:
                if name in info.init_false:
                    continue
                if name in fields:
                    fields.remove(name)
                fields.append(name)
        return fields


def _defined_names(stmt: cst.CSTNode) -> list[cst.Name]:
    """The names a module- or class-level statement defines: a function or a
    class, the plain targets of an assignment, the names an import binds."""
    if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
        return [stmt.name]
    if not isinstance(stmt, cst.SimpleStatementLine):
        return []
    names: list[cst.Name] = []
    for small in stmt.body:
        if isinstance(small, cst.Assign):
            names += [t.target for t in small.targets if isinstance(t.target, cst.Name)]
        elif isinstance(small, (cst.AnnAssign, cst.AugAssign)) and isinstance(small.target, cst.Name):
            names.append(small.target)
        elif isinstance(small, (cst.Import, cst.ImportFrom)) and not isinstance(small.names, cst.ImportStar):
            for alias in small.names:
                bound = alias.asname.name if alias.asname else alias.name
                if isinstance(bound, cst.Name):
                    names.append(bound)
    return names


def _registered_name(decorator: cst.Decorator) -> str | None:
    call = decorator.decorator
    if not isinstance(call, cst.Call):
        return None
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == "name" and isinstance(arg.value, cst.SimpleString):
            value = arg.value.evaluated_value
            return value if isinstance(value, str) else None
    return None
