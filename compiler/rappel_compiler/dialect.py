"""The accepted subset of Python, as one table.

Everything the frontend knows about *names* lives here: which builtins and
methods translate to RRL, which library calls are non-deterministic (and with
which code), how the SDK and asyncio are recognised (by qualified name, so
aliases and `from x import y` work), and which Python locals must be renamed
because they collide with RRL keywords. The lowering code asks this module;
it does not hard-code names of its own.
"""

from __future__ import annotations

import builtins as _builtins
from dataclasses import dataclass

from rrl import builtins as rrl_builtins
from rrl.keywords import RRL_ONLY

# ------------------------------------------------------------------ the SDK

SDK_PACKAGE = "rappel"
SDK_NAMES = frozenset({"action", "workflow", "Workflow", "RetryPolicy", "BackoffPolicy", "Depend", "RappelTimeout"})
# `rappel.__all__`: the names `from rappel import *` binds (a test pins the two equal).
SDK_EXPORTS = SDK_NAMES | frozenset(
    {"ActionNotFound", "CodecError", "ConfigError", "RappelError", "WorkflowCancelled", "WorkflowCompileError",
     "WorkflowHandle", "WorkflowState", "WorkflowStatus"}
    | {"current_attempt"}
)


def sdk_name(qualified: str) -> str | None:
    """`rappel.action` / `rappel._actions.action` → "action"."""
    head, _, last = qualified.rpartition(".")
    if last in SDK_NAMES and (head == SDK_PACKAGE or head.startswith(SDK_PACKAGE + ".")):
        return last
    return None


# Helpers: methods (`self.f(...)`), @staticmethod ones (also `Cls.f(...)`),
# module-level functions and functions defined inside workflow code, whose
# bodies are in the accepted subset, become RRL fns (inlined where called).
# The plain functions of the project's other modules (`from .text import f`) and
# the methods and class attributes of base workflow classes defined there are
# helpers too, compiled from that module's source (modules.py); functions of the
# standard library, of installed packages and of C extensions are not.
STATICMETHOD = "builtins.staticmethod"

RUN_ACTION = "run_action"  # Workflow.run_action(call, retry=, backoff=, timeout=)
RUN_METHOD = "run"

# SDK policy signatures: (name, default) in positional order.
RETRY_FIELDS = (("attempts", 3), ("exceptions", ()))
BACKOFF_FIELDS = (("base_delay", 1.0), ("multiplier", 2.0), ("max_delay", None))
RUN_ACTION_KEYWORDS = frozenset({"retry", "backoff", "timeout"})

# ------------------------------------------------------------------ asyncio & friends

ASYNCIO_SLEEP = frozenset({"asyncio.sleep", "asyncio.tasks.sleep"})
ASYNCIO_GATHER = frozenset({"asyncio.gather", "asyncio.tasks.gather"})
TIMEDELTA = frozenset({"datetime.timedelta"})
TIMEDELTA_UNITS = {"weeks": 604800, "days": 86400, "hours": 3600, "minutes": 60, "seconds": 1, "milliseconds": 0.001, "microseconds": 0.000001}

# ------------------------------------------------------------------ dates, times, bytes and hashes

# Library classes a workflow builds values of (qualified name → RRL builtin);
# the codec carries their values.
VALUE_CONSTRUCTORS = {"datetime.datetime": "datetime", "datetime.date": "date", "datetime.timedelta": "timedelta"}
# Their class methods (qualified name → RRL `owner.method`).
VALUE_CLASS_METHODS = {"datetime.datetime.fromisoformat": "datetime.fromisoformat", "datetime.date.fromisoformat": "date.fromisoformat"}
# A fixed UTC offset, as a datetime's `tzinfo=` (RRL: the offset, a timedelta).
TIMEZONE = frozenset({"datetime.timezone"})
UTC = frozenset({"datetime.timezone.utc", "datetime.UTC"})
TIMEZONE_HELP = "pass `timezone.utc` or `timezone(timedelta(hours=...))` as the `tzinfo=` of datetime(...) or .replace(...)"
# IANA zones: their offsets come from the zone database of the machine that
# computes them, so a datetime in a zone is built (and converted) in an action.
ZONE_CLASSES = frozenset({"zoneinfo.ZoneInfo"})
ZONE_HELP = ("build or convert zoned datetimes in an @action (zone data differs between machines); "
             "a workflow can carry them, compare them and use fixed offsets: `tzinfo=timezone.utc`")
# `hashlib.<name>(data).hexdigest()` / `.digest()` → RRL `hexdigest("<name>", data)`.
HASH_FUNCTIONS = {f"hashlib.{name}": name for name in rrl_builtins.HASH_ALGORITHMS}
HASH_RESULTS = frozenset({"hexdigest", "digest"})

PYDANTIC_BASES = frozenset({"pydantic.BaseModel", "pydantic.main.BaseModel"})
DATACLASS_DECORATORS = frozenset({"dataclasses.dataclass"})
ANNOTATED = frozenset({"typing.Annotated", "typing_extensions.Annotated"})
CLASS_VAR = frozenset({"typing.ClassVar", "typing_extensions.ClassVar"})
ENUM_BASES = frozenset({"enum.Enum", "enum.IntEnum", "enum.StrEnum", "enum.Flag", "enum.IntFlag"})
# What a class body uses to declare code that runs when an instance is built.
FIELD_FUNCTIONS = frozenset({"dataclasses.field", "pydantic.Field", "pydantic.fields.Field", "pydantic.PrivateAttr", "pydantic.fields.PrivateAttr"})
VALIDATOR_DECORATORS = frozenset(
    f"{module}.{name}"
    for module in ("pydantic", "pydantic.functional_validators", "pydantic.class_validators")
    for name in ("field_validator", "model_validator", "validator", "root_validator")
)
# Decorators that make a method an attribute whose reading runs it.
PROPERTY_DECORATORS = frozenset(
    {"builtins.property", "functools.cached_property", "pydantic.computed_field", "pydantic.fields.computed_field"}
)
FIELD_VALIDATOR_MARKERS = frozenset(
    f"{module}.{name}"
    for module in ("pydantic", "pydantic.functional_validators")
    for name in ("AfterValidator", "BeforeValidator", "PlainValidator", "WrapValidator")
)

# Python exception names that mean the same class as an RRL builtin.
EXCEPTION_ALIASES = {
    "asyncio.TimeoutError": "TimeoutError",
    "asyncio.exceptions.TimeoutError": "TimeoutError",
    "concurrent.futures.TimeoutError": "TimeoutError",
    "socket.timeout": "TimeoutError",
    "builtins.IOError": "OSError",
    "builtins.EnvironmentError": "OSError",
}

# ------------------------------------------------------------------ builtins

BUILTIN_FUNCTIONS = rrl_builtins.FUNCTIONS  # name → (min args, max args, keywords)
VALUE_TYPES = rrl_builtins.TYPES  # usable as values (isinstance)
RRL_EXCEPTIONS = rrl_builtins.EXCEPTIONS
STATIC_METHODS = rrl_builtins.STATIC_METHODS  # `dict.fromkeys(keys)`
# `str.lower(s)` / `key=str.lower` are `s.lower()`, for the str methods lists and
# dicts do not have too (`str.count(xs, 1)` must not count a list's items).
UNBOUND_STR_METHODS = rrl_builtins.STR_METHODS - rrl_builtins.LIST_METHODS - rrl_builtins.DICT_METHODS

PYTHON_EXCEPTIONS = frozenset(
    name
    for name in dir(_builtins)
    if isinstance(getattr(_builtins, name), type) and issubclass(getattr(_builtins, name), BaseException)
)

# Methods that change their receiver (list and dict methods). RRL rebinds the
# receiver, a variable or `x[k]` / `x.f` of one, to the changed copy.
MUTATING_METHODS = rrl_builtins.MUTATING_METHODS
PURE_METHODS = rrl_builtins.METHODS - MUTATING_METHODS

# Their arguments: method → (min positional, max positional, keywords).
MUTATING_SIGNATURES = rrl_builtins.MUTATING_SIGNATURES

# The positional arguments (fewest, most) and the keywords of the methods that do not change
# a str, a list, a tuple or a dict, as CPython counts them: the compiler checks a call whose
# receiver is a literal or a display (`"s".strip(1, 2, 3)`, `[a, b].index()`). The methods
# that change their receiver have MUTATING_SIGNATURES.
_NO_ARGUMENTS = {
    "str": ("capitalize", "casefold", "isalnum", "isalpha", "isdigit", "islower", "isspace", "isupper", "lower", "swapcase",
            "title", "upper"),
    "list": ("copy",),
    "dict": ("copy", "items", "keys", "values"),
}
LITERAL_METHOD_ARGUMENTS: dict[tuple[str, str], tuple[int, int, frozenset[str]]] = {
    **{(owner, m): (0, 0, frozenset()) for owner, methods in _NO_ARGUMENTS.items() for m in methods},
    **{("str", m): (1, 1, frozenset()) for m in ("join", "partition", "removeprefix", "removesuffix", "rpartition", "zfill")},
    **{("str", m): (1, 2, frozenset()) for m in ("center", "ljust", "rjust")},
    **{("str", m): (0, 1, frozenset()) for m in ("strip", "lstrip", "rstrip")},
    **{("str", m): (1, 3, frozenset()) for m in ("count", "endswith", "find", "index", "rfind", "rindex", "startswith")},
    **{("str", m): (0, 2, frozenset({"sep", "maxsplit"})) for m in ("split", "rsplit")},
    ("str", "splitlines"): (0, 1, frozenset({"keepends"})),
    ("str", "replace"): (2, 3, frozenset()),
    ("str", "encode"): (0, 2, frozenset({"encoding", "errors"})),
    **{(owner, "count"): (1, 1, frozenset()) for owner in ("list", "tuple")},
    **{(owner, "index"): (1, 3, frozenset()) for owner in ("list", "tuple")},
    ("dict", "get"): (1, 2, frozenset()),
}

# Keyword arguments accepted by methods that take keywords only (models).
PURE_METHOD_KEYWORDS = {"model_copy": frozenset({"update"}), "model_dump": frozenset()}

# Sets: `set()`, `set(xs)`, `frozenset(xs)`, `{a, b}` (→ `set([a, b])`), set
# comprehensions, `in`, `len()`, `-`, and the methods below. A set has no
# deterministic order: only sorted(), min(), max() (without `key=`), any(),
# all(), set() and frozenset() take its items; iterating one otherwise is
# refused (RPL0214 where the compiler sees it, a TypeError at run time).
SET_METHODS = rrl_builtins.SET_METHODS | rrl_builtins.MUTATING_SET_METHODS
SET_CONSUMERS = rrl_builtins.SET_CONSUMERS
# Builtins whose result from a generator over a set does not depend on the set's order
# (when the generator changes nothing): the set's items come in the codec's order
# (RRL `unordered(s)`). sum() (of floats), min() and max() (of equal items such as
# 1 and 1.0), list(), tuple() and dict() show the order, and refuse.
ORDER_FREE_CONSUMERS = frozenset({"any", "all", "set", "frozenset", "sorted"})

# Python names that are keywords of RRL (`sleep`, `action`, ...), which RRL
# never takes as a variable, parameter, const, fn or import alias: such a
# local, helper parameter, helper, constant or imported type is renamed
# `name_` (attributes, keyword arguments and actions keep their names).
RESERVED_LOCALS = RRL_ONLY

# Builtins that consume a generator expression argument entirely before they
# return: the generator becomes a list. (any()/all()/next() stop early: they
# become loops; enumerate()/zip() are lazy and reversed() rejects generators, so
# a generator passed to them is not accepted.) The same holds for the lazy
# iterators of map() and filter(), which are also accepted by str.join().
GENERATOR_CONSUMERS = frozenset({"sum", "min", "max", "sorted", "list", "tuple", "dict", "set", "frozenset"})
LAZY_BUILTINS = frozenset({"map", "filter"})
# Builtins that iterate over their positional arguments: `list(Status)` is the
# list of the enum's members (as are `for s in Status` and comprehensions over it).
ITERATING_BUILTINS = frozenset({"len", "list", "tuple", "sorted", "sum", "min", "max", "any", "all", "enumerate", "zip", "reversed"})

# Builtins that can be passed as a function (`key=len`, `map(str, xs)`): they
# become `lambda $k: len($k)`. `str.lower` and the other str methods too.
FUNCTION_VALUES = BUILTIN_FUNCTIONS.keys() - {"isinstance", "type", "map", "filter", "range", "zip", "enumerate"}

# Library calls that are rejected, with what to write instead: a qualified name,
# or a module, which covers every function it holds (the most specific entry wins).
UNSUPPORTED_CALLS = {
    "dataclasses.replace": "create the new object with the class and every field: `Order(id=order.id, status=\"paid\")`",
    "copy.copy": "copy lists with `list(xs)` or `xs[:]`, dicts with `dict(d)`, models with `m.model_copy()`",
    "copy.deepcopy": "build the copy with comprehensions, or use `m.model_copy(deep=True)` for models",
    "operator.itemgetter": "write a lambda: `key=lambda row: row[\"name\"]`",
    "operator.attrgetter": "write a lambda: `key=lambda user: user.name`",
    "math.ceil": "divide rounding up with integer division: `-(-n // size)`",
    "math.floor": "divide rounding down with integer division: `n // size`",
    "statistics": "compute it with builtins (a mean is `sum(xs) / len(xs)`), or in an @action",
    "json": "serialize the value in the @action that sends or stores it (pass it the dict); "
            "to make a key, write the fields into an f-string",
    "re": "test the text with str methods (`startswith`, `endswith`, `in`, `split`, `isdigit`), or match it in an @action",
    "urllib.parse": "take the URL apart with str methods (`url.partition('://')`, `url.split('/')`), or in an @action",
    "datetime.datetime.strptime": "read ISO text with `datetime.fromisoformat(text)` or `date.fromisoformat(text)`; "
                                  "parse other formats in an @action",
    "itertools": "write it as a comprehension or a loop: `[x for xs in lists for x in xs]` chains lists, "
                 "`xs[:n]` takes the first n items",
    "functools.reduce": "write a for loop that updates a variable",
}
# Library classes a workflow cannot build (RPL0225), with what to write instead.
UNSUPPORTED_CLASSES = {
    "collections.defaultdict": "use a dict: `groups.setdefault(key, []).append(x)`, `counts[key] = counts.get(key, 0) + n`",
    "collections.Counter": "count in a dict: `counts[key] = counts.get(key, 0) + 1`; the most common n: "
                           "`sorted(counts.items(), key=lambda kv: -kv[1])[:n]`",
    "collections.OrderedDict": "use a dict: it keeps its keys in the order they were inserted",
    "collections.deque": "use a list: `xs.append(x)`, `xs.pop(0)`, `xs[-n:]`",
    "decimal.Decimal": "Decimal values an action returns can be used; build new ones in an @action, or count money in integer cents",
}


def unsupported_help(table: dict[str, str], qualified: str | None) -> str | None:
    """What to write instead of the library call or class `qualified`, if `table` knows."""
    return _most_specific(table, qualified) if qualified else None


# ------------------------------------------------------------------ non-determinism


@dataclass(frozen=True)
class Forbidden:
    code: str
    verb: str  # how the message describes it
    help: str


_NOT_DETERMINISTIC = "is not deterministic and cannot run inside a workflow"
_IO = "performs I/O and cannot run inside a workflow"
_MOVE = "move it into an @action and await that action"

CLOCK = Forbidden("RPL0101", _NOT_DETERMINISTIC, _MOVE)
# Reading today's date or the time: a workflow computes with dates it is given.
TODAY = Forbidden(
    "RPL0101", _NOT_DETERMINISTIC,
    "take the time as an input of the workflow, or return it from an @action and await that action",
)
RANDOM = Forbidden("RPL0102", _NOT_DETERMINISTIC, _MOVE)
ENVIRONMENT = Forbidden("RPL0103", _NOT_DETERMINISTIC, _MOVE)
BLOCKING_SLEEP = Forbidden(
    "RPL0104",
    "blocks the worker and cannot run inside a workflow",
    "use `await asyncio.sleep(seconds)`, a durable sleep that holds no process",
)
IO = Forbidden("RPL0105", _IO, _MOVE)

# Qualified name (exact, or a module prefix: every name below it) → category.
# The most specific entry wins. Logging is I/O too: a workflow never runs twice,
# so there is no place a log line could be written from; log in an action.
NON_DETERMINISTIC: dict[str, Forbidden] = {
    # clocks
    "time": CLOCK,
    "time.sleep": BLOCKING_SLEEP,
    "datetime.datetime.now": TODAY,
    "datetime.datetime.utcnow": TODAY,
    "datetime.datetime.today": TODAY,
    "datetime.date.today": TODAY,
    "asyncio.get_event_loop": CLOCK,
    "asyncio.get_running_loop": CLOCK,
    # randomness
    "random": RANDOM,
    "secrets": RANDOM,
    "uuid.uuid1": RANDOM,
    "uuid.uuid4": RANDOM,
    "os.urandom": RANDOM,
    "os.getrandom": RANDOM,
    "numpy.random": RANDOM,
    # environment and process state
    "os": ENVIRONMENT,
    "sys": ENVIRONMENT,
    "platform": ENVIRONMENT,
    "getpass": ENVIRONMENT,
    "threading": ENVIRONMENT,
    "multiprocessing": ENVIRONMENT,
    "socket.gethostname": ENVIRONMENT,
    "builtins.id": ENVIRONMENT,
    "builtins.hash": ENVIRONMENT,
    # I/O
    "builtins.print": IO,
    "builtins.input": IO,
    "builtins.open": IO,
    "builtins.breakpoint": IO,
    "io": IO,
    "pathlib": IO,
    "shutil": IO,
    "tempfile": IO,
    "glob": IO,
    "socket": IO,
    "subprocess": IO,
    "asyncio.create_subprocess_exec": IO,
    "asyncio.create_subprocess_shell": IO,
    "asyncio.open_connection": IO,
    "urllib.request": IO,
    "urllib.robotparser": IO,
    "http": IO,
    "requests": IO,
    "httpx": IO,
    "aiohttp": IO,
    "logging": IO,
    "sqlite3": IO,
    "json.load": IO,
    "json.dump": IO,
    "psycopg": IO,
    "psycopg2": IO,
    "asyncpg": IO,
    "sqlalchemy": IO,
    "redis": IO,
    "boto3": IO,
}


def forbidden(qualified: str) -> Forbidden | None:
    """The category of a non-deterministic name, most specific entry first."""
    return _most_specific(NON_DETERMINISTIC, qualified)


def _most_specific(table: dict, qualified: str):
    """The entry for `qualified` or, failing that, for its longest module prefix."""
    name = qualified
    while True:
        if name in table:
            return table[name]
        if "." not in name:
            return None
        name = name.rpartition(".")[0]


# ------------------------------------------------------------------ types

# typing / builtin generic names → RRL type name ("" = special form)
TYPE_NAMES = {
    "builtins.int": "int",
    "builtins.float": "float",
    "builtins.str": "str",
    "builtins.bool": "bool",
    "builtins.bytes": "bytes",
    "builtins.list": "list",
    "builtins.dict": "dict",
    "builtins.tuple": "tuple",
    "typing.List": "list",
    "typing.Dict": "dict",
    "typing.Tuple": "tuple",
    "typing.Any": "Any",
    "typing_extensions.Any": "Any",
}
OPTIONAL = frozenset({"typing.Optional", "typing_extensions.Optional"})
UNION = frozenset({"typing.Union", "typing_extensions.Union"})

# ------------------------------------------------------------------ values that cross processes

# Annotation names whose values the value codec (rrl.codec) carries, besides the
# classes it names itself (`rrl.codec.VALUE_CLASSES`), models, dataclasses, enums
# and exceptions. `object` means "anything", like `Any`.
ENCODABLE_TYPES = frozenset(
    {f"{module}.{name}" for module in ("typing", "collections.abc") for name in (
        "Sequence", "MutableSequence", "Mapping", "MutableMapping", "Collection", "Iterable",
        "Set", "AbstractSet", "MutableSet", "Container", "Sized", "Hashable",
    )}
    | {f"typing.{name}" for name in ("Any", "List", "Dict", "Tuple", "FrozenSet", "Text", "Literal", "LiteralString")}
    | {"typing_extensions.Any", "typing_extensions.Literal", "builtins.object"}
)
LITERAL = frozenset({"typing.Literal", "typing_extensions.Literal"})
TYPED_DICT_BASES = frozenset({"typing.TypedDict", "typing_extensions.TypedDict"})
NAMED_TUPLE_BASES = frozenset({"typing.NamedTuple", "typing_extensions.NamedTuple"})
NAMED_TUPLE_FACTORIES = NAMED_TUPLE_BASES | {"collections.namedtuple"}  # `Pair = namedtuple("Pair", ...)`
ENUM_BASES = frozenset(f"enum.{name}" for name in ("Enum", "IntEnum", "StrEnum", "Flag", "IntFlag", "ReprEnum"))

FUNCTION_TYPE = "a function type"
ITERATOR_TYPE = "an iterator or generator type"
AWAITABLE_TYPE = "an awaitable type"
STREAM_TYPE = "a file or stream type"
CLASS_TYPE = "the type of classes"
CONTEXT_MANAGER_TYPE = "a context manager type"
BUILTIN_TYPE = "a builtin type the codec does not encode"

# Annotation names whose values the codec cannot carry → what they are. Any other
# class that is not a model, dataclass, enum or exception is "a plain class";
# names the frontend cannot resolve are given the benefit of the doubt.
UNENCODABLE_TYPES: dict[str, str] = {
    **{f"{module}.Callable": FUNCTION_TYPE for module in ("typing", "collections.abc", "typing_extensions")},
    **{f"types.{name}": FUNCTION_TYPE for name in ("FunctionType", "LambdaType", "MethodType", "BuiltinFunctionType")},
    "functools.partial": FUNCTION_TYPE,
    **{f"{module}.{name}": ITERATOR_TYPE for module in ("typing", "collections.abc") for name in (
        "Iterator", "Generator", "AsyncIterator", "AsyncIterable", "AsyncGenerator", "Reversible",
    )},
    "types.GeneratorType": ITERATOR_TYPE,
    "types.AsyncGeneratorType": ITERATOR_TYPE,
    **{f"{module}.{name}": AWAITABLE_TYPE for module in ("typing", "collections.abc") for name in ("Coroutine", "Awaitable")},
    "types.CoroutineType": AWAITABLE_TYPE,
    "asyncio.Future": AWAITABLE_TYPE,
    "asyncio.Task": AWAITABLE_TYPE,
    **{f"typing.{name}": STREAM_TYPE for name in ("IO", "TextIO", "BinaryIO")},
    "io": STREAM_TYPE,  # every class of the module
    "builtins.type": CLASS_TYPE,
    "typing.Type": CLASS_TYPE,
    **{f"typing.{name}": CONTEXT_MANAGER_TYPE for name in ("ContextManager", "AsyncContextManager")},
    **{f"contextlib.{name}": CONTEXT_MANAGER_TYPE for name in ("AbstractContextManager", "AbstractAsyncContextManager")},
}


def unencodable_type(qualified: str) -> str | None:
    """What the named annotation is, when the codec cannot carry its values
    (most specific entry first: `io.StringIO` falls under `io`)."""
    return _most_specific(UNENCODABLE_TYPES, qualified)


# What to do instead, by what the annotation is (a plain class has its own help).
UNENCODABLE_HELP: dict[str, str] = {
    FUNCTION_TYPE: "pass a value that says what to do (a name, an enum member) and choose the function inside the action",
    ITERATOR_TYPE: "return a list: an action's result travels back only once it is complete",
    AWAITABLE_TYPE: "await it inside the action and return its result",
    STREAM_TYPE: "pass a path or the contents (str or bytes) and open the file inside the action",
    CLASS_TYPE: "pass a value that names the class (a str, an enum member) and choose the class inside the action",
    CONTEXT_MANAGER_TYPE: "enter it inside the action and return plain values",
    BUILTIN_TYPE: "convert it to a type the codec carries: bytes for bytearray and memoryview, list[int] for range, "
                  "a tuple of two floats for complex",
}


# ------------------------------------------------------------------ the subset, construct by construct


@dataclass(frozen=True)
class Construct:
    """A row of the accepted-subset table that docs/guide.md shows (generated by
    scripts/gen_guide.py). `shown` is the construct as the table writes it;
    `example` is the body of a workflow's `run(self, xs: list[int], d: dict[str, int],
    name: str)` that uses it, next to an action `step(x: int) -> int`, an enum `Color`
    and a NamedTuple `Point`;
    tests/compiler/test_guide.py compiles every example and checks the verdict:
    no diagnostic when `code` is None, else a diagnostic with `code`. `instead`:
    what to write instead (for a refused construct) or a note (for an accepted one)."""

    shown: str
    example: str
    code: str | None = None
    instead: str = ""


# Keep one row per construct, grouped like the guide's table: statements first, then
# expressions, then calls. A construct that becomes accepted moves to the accepted rows.
CONSTRUCTS: tuple[Construct, ...] = (
    # accepted: statements
    Construct("`x = ...`, `x += ...`, `x: T = ...`, `a, (b, c) = ...`", "a, (b, c) = 1, (2, 3)\na += b\nt: int = c\nreturn t"),
    Construct("`if` / `elif` / `else`, `x if c else y`", "if name:\n    return 1\nelif xs:\n    return 2\nreturn 3 if d else 4"),
    Construct("`for` / `else`, `break`, `continue`", "t = 0\nfor i, x in enumerate(xs):\n    if x < 0:\n        continue\n    if x > 9:\n        break\n    t += x\nelse:\n    t = -1\nreturn t",
              instead="over lists, tuples, strings, dicts, `range`, `enumerate`, `zip`, `reversed`, `sorted`"),
    Construct("`while`", "n = 0\nwhile n < 3:\n    n += 1\nreturn n"),
    Construct("`:=` in a statement: `if (n := len(xs)) > 3:`, `while (page := await fetch(cursor)):`",
              "if (n := len(xs)) > 1:\n    return n\nwhile (m := await step(n)) < 3:\n    n += m\nreturn n",
              instead="assigned where Python assigns it, before the rest of the expression is evaluated"),
    Construct("`try` / `except (A, B) as e` / `else` / `finally`, `raise`, `raise ... from e`",
              "try:\n    v = await step(1)\nexcept (ValueError, KeyError) as e:\n    raise RuntimeError(str(e)) from e\nelse:\n    v += 1\nfinally:\n    pass\nreturn v",
              instead="an action's exception is caught by its class or any base class"),
    Construct("`del x`, `del d[k]`", "del d['k']\nreturn d"),
    Construct("`assert`", "assert xs, 'no items'\nreturn xs"),
    # accepted: expressions
    Construct("list and dict comprehensions, generator expressions in `sum` / `any` / `all` / `min` / `max` / `sorted`, "
              "`xs.extend(...)`, `s.update(...)`, `d.update(...)`",
              "ys = [x * 2 for x in xs if x]\nys.extend(x + 1 for x in xs)\n"
              "return ys, {k: v for k, v in d.items()}, sum(x for x in xs), any(x > 1 for x in xs)"),
    Construct("f-strings, with conversions and format specs", "return f'{name!r}: {len(xs):>4}'"),
    Construct("`str.format()` and printf-style `'%s: %.1f%%' % (name, pct)`", "return '{}: {:.1f}'.format(name, 2.5), '%s has %d' % (name, len(xs))"),
    Construct("`lambda` as an argument (`key=lambda x: ...`)", "return sorted(xs, key=lambda x: -x)"),
    Construct("`await` inside an expression (`1 + await step(x)`)", "return 1 + await step(1)",
              instead="the frontend hoists the call into a temporary, in evaluation order"),
    Construct("`await` in statement headers: `for x in await f()`, `if await ...` / `elif await ...`, `while not await ...`",
              "t = 0\nfor x in await step(1):\n    t += x\nif await step(2):\n    t += 1\nelif await step(3):\n    t -= 1\n"
              "while not await step(t):\n    t += 1\nreturn t",
              instead="a `while` condition is awaited again before every turn; an `elif`'s only when the tests before it are false"),
    # accepted: calls
    Construct("`await action(...)`, by position or by name", "a = await step(1)\nreturn await step(x=a)"),
    Construct("`await self.run_action(action(...), retry=..., backoff=..., timeout=...)`",
              "return await self.run_action(step(1), retry=RetryPolicy(attempts=3), backoff=BackoffPolicy(base_delay=2), timeout=timedelta(seconds=30))"),
    Construct("`await asyncio.gather(*[action(x) for x in xs])`, `gather(a(), b())`", "return await asyncio.gather(*[step(x) for x in xs])"),
    Construct("`await asyncio.sleep(seconds)`", "await asyncio.sleep(60)\nreturn 1", instead="a durable sleep: no process waits"),
    Construct("helper methods of the workflow class, `async` or not", "return self.double(1)",
              instead="see \"Helpers\" below"),
    Construct("plain `def` functions of the module or of the project's other modules, `@staticmethod`s, a `def` inside `run()`",
              "def triple(x):\n    return x * 3\nreturn triple(1) + len(_module_function(name))",
              instead="their bodies must be in this subset; see \"Helpers\" below"),
    Construct("`[await step(x) for x in xs]`: awaits one after the other", "return [await step(x) for x in xs]",
              instead="`asyncio.gather(*[step(x) for x in xs])` runs them in parallel"),
    Construct("sets: `set()`, `{1, 2}`, `x in s`, `s.add(x)`, `len(s)`, `sorted(s)`, `|`, `&`, `-`",
              "s = set(xs)\ns.add(1)\nreturn len(s), 1 in s, sorted(s), {1, 2} | s"),
    Construct("reductions over a set that its order cannot change: `any(x > 3 for x in s)`, `all(...)`, "
              "`set(...)` / `frozenset(...)` / `sorted(...)` of a generator over it",
              "s = set(xs)\nreturn any(x > 3 for x in s), all(x for x in s), set(x * 2 for x in s), sorted(x for x in s)",
              instead="`sum()`, `min()` / `max()` of a generator and `list()` show the order: iterate `sorted(s)`"),
    Construct("`datetime`, `date`, `timedelta` values: building, arithmetic, comparisons, `isoformat()`, `strftime()`",
              "day = datetime.datetime(2024, 1, 2) + datetime.timedelta(days=1)\nreturn day.isoformat(), day.strftime('%B %-d, %Y'), f'{day:%H:%M}'",
              instead="take the current time as an input of the workflow, or from an action"),
    Construct("`hashlib.sha256(data).hexdigest()` (md5, sha1, sha512, blake2b), `str.encode()`, `bytes.hex()`",
              "return hashlib.sha256(name.encode()).hexdigest()"),
    Construct("`d | e`, `d |= e` (`|=` takes any pairs, as `dict.update`), `next(iter(d), default)`",
              "e = d | {'a': 1}\ne |= d\ne |= [('b', 2)]\nreturn next(iter(e), None)"),
    Construct("unpacking `map(...)` or a generator (`a, b = map(int, s.split('-'))`)", "a, b = map(int, name.split('-'))\nreturn a + b"),
    Construct("enums: members, `Color('red')`, `Color[name]`, iterating the class, `is`; `TypedDict` construction",
              "return [c.value for c in Color], Color('red') is Color.RED"),
    Construct("`NamedTuple` classes and `namedtuple(...)`: building, fields, indexing, unpacking, `_replace()`, `_asdict()`",
              "p = Point(1)\n(x,) = p\nreturn p.x + p[0] + x, p._replace(x=2), p._asdict(), p == (1,)",
              instead="a NamedTuple is a tuple: it equals, orders and hashes as one"),
    Construct("`isinstance(x, T)`, building pydantic models, dataclasses and exceptions", "return isinstance(name, str)"),
    # refused
    Construct("`with` / `async with`", "with name as n:\n    pass\nreturn 1", "RPL0208"),
    Construct("`global` / `nonlocal`", "global G\nreturn 1", "RPL0209"),
    Construct("`class` or an assigned `lambda` inside `run()`", "f = lambda x: x\nreturn f(1)", "RPL0210",
              "write a helper (`def f(x)` at module level, or a method) and call it"),
    Construct("`match`", "match name:\n    case 'a':\n        return 1\nreturn 2", "RPL0212"),
    Construct("`yield`, `async for`", "async for x in xs:\n    pass\nreturn 1", "RPL0213"),
    Construct("iterating a set (`for x in s`, `list(s)`, `sum(x for x in s)`)", "s = {1, 2}\nfor x in s:\n    pass\nreturn 1", "RPL0214",
              "iterate `sorted(s)`: a set's order is not deterministic"),
    Construct("`:=` in a comprehension or a lambda (`[y for x in xs if (y := f(x))]`)", "return [y for x in xs if (y := x * 2)]", "RPL0215",
              "write the loop out as a `for` statement and assign the value on a line of its own"),
    Construct("`await` in a generator expression (`sum(await step(x) for x in xs)`)", "return sum(await step(x) for x in xs)", "RPL0217",
              "await in a list comprehension, or run the calls in parallel with `asyncio.gather(*[step(x) for x in xs])`"),
    Construct("`await` in the calls or conditions of a gather comprehension (`gather(*[step(await step(x)) for x in xs])`)",
              "return await asyncio.gather(*[step(await step(x)) for x in xs])", "RPL0217",
              "await the values first (`ys = [await step(x) for x in xs]`), then `asyncio.gather(*[step(y) for y in ys])`"),
    Construct("`self.x = ...` (state on the workflow instance)", "self.count = 1\nreturn 1", "RPL0205"),
    Construct("`import` inside `run()`", "import json\nreturn 1", "RPL0220"),
    Construct("an action called without `await`", "step(1)\nreturn 1", "RPL0204"),
    Construct("functions of the standard library or of installed packages", "return json.dumps(d)", "RPL0202",
              "call it inside an @action (the compiler reads only the project's own modules)"),
    Construct("`datetime.now()`, `time.time()`", "return datetime.datetime.now()", "RPL0101"),
    Construct("`random`, `uuid.uuid4()`, `secrets`", "return random.random()", "RPL0102"),
    Construct("`os.environ`, `sys.argv`", "return os.environ['HOME']", "RPL0103"),
    Construct("`time.sleep(...)`", "time.sleep(1)\nreturn 1", "RPL0104"),
    Construct("`print`, `open`, `logging`, HTTP and database clients", "print(name)\nreturn 1", "RPL0105",
              "move it into an @action and await that action (log inside actions)"),
)
