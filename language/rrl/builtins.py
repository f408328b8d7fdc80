"""The fixed set of pure functions and methods an RRL expression may call.

This table is the contract between the checker, the Python frontend (which
rejects any other call) and every evaluator (the reference interpreter here,
the Rust runtime later). Each entry behaves as the Python builtin of the same
name on RRL values.
"""

from __future__ import annotations

# name → (min positional args, max positional args or None, allowed keywords)
FUNCTIONS: dict[str, tuple[int, int | None, frozenset[str]]] = {
    "len": (1, 1, frozenset()),
    "range": (1, 3, frozenset()),
    "enumerate": (1, 2, frozenset({"start"})),
    "zip": (1, None, frozenset({"strict"})),
    "sorted": (1, 1, frozenset({"key", "reverse"})),
    "reversed": (1, 1, frozenset()),
    "min": (1, None, frozenset({"key", "default"})),
    "max": (1, None, frozenset({"key", "default"})),
    "sum": (1, 2, frozenset({"start"})),
    "abs": (1, 1, frozenset()),
    "round": (1, 2, frozenset({"ndigits"})),
    "str": (0, 1, frozenset()),
    "int": (0, 2, frozenset({"base"})),
    "float": (0, 1, frozenset()),
    "bool": (0, 1, frozenset()),
    "list": (0, 1, frozenset()),
    "dict": (0, 1, frozenset()),
    "tuple": (0, 1, frozenset()),
    "isinstance": (2, 2, frozenset()),
    "any": (1, 1, frozenset()),
    "all": (1, 1, frozenset()),
    "repr": (1, 1, frozenset()),
    "format": (1, 2, frozenset()),
    "divmod": (2, 2, frozenset()),
    "pow": (2, 2, frozenset()),
    "set": (0, 1, frozenset()),
    "frozenset": (0, 1, frozenset()),
    "map": (2, None, frozenset()),
    "filter": (2, 2, frozenset()),
    # type(x) is only good for `type(x).__name__` and isinstance-like comparisons.
    "type": (1, 1, frozenset()),
    # Dates and times as values. A datetime's `tzinfo` is its UTC offset, a
    # timedelta (the frontend lowers `timezone.utc` and `timezone(offset)`).
    "datetime": (3, 8, frozenset({"hour", "minute", "second", "microsecond", "tzinfo"})),
    "date": (3, 3, frozenset()),
    "timedelta": (0, 7, frozenset({"days", "seconds", "microseconds", "milliseconds", "minutes", "hours", "weeks"})),
    # `hashlib.<algorithm>(data).hexdigest()` / `.digest()`: digest(algorithm, data).
    "hexdigest": (2, 2, frozenset()),
    "digest": (2, 2, frozenset()),
    # The items of an iterable as a list, a set's in the one order every runtime
    # shares (sorted by their canonical text in the value codec). Only the frontend
    # writes it, for a set a generator iterates where the result cannot depend on
    # the order: any(), all(), and set(), frozenset() and sorted() of the generator.
    "unordered": (1, 1, frozenset()),
}

# The algorithms of hexdigest() and digest(), as hashlib names them.
HASH_ALGORITHMS = ("md5", "sha1", "sha256", "sha512", "blake2b")

# Methods of str, list and dict values that do not mutate their receiver.
STR_METHODS = frozenset(
    {
        "upper", "lower", "title", "capitalize", "casefold", "swapcase",
        "strip", "lstrip", "rstrip", "removeprefix", "removesuffix",
        "split", "rsplit", "splitlines", "join", "replace", "format",
        "startswith", "endswith", "find", "rfind", "index", "rindex", "count",
        "isdigit", "isalpha", "isalnum", "isspace", "isupper", "islower",
        "zfill", "center", "ljust", "rjust", "partition", "rpartition",
    }
)
LIST_METHODS = frozenset({"index", "count", "copy"})
DICT_METHODS = frozenset({"get", "keys", "values", "items", "copy"})
# Methods of set and frozenset values that do not change them.
SET_METHODS = frozenset({"union", "intersection", "difference", "symmetric_difference", "issubset", "issuperset", "isdisjoint", "copy"})
# Methods of models (pydantic): model_copy(update={...}) and model_dump().
MODEL_METHODS = frozenset({"model_copy", "model_dump"})
# Methods of NamedTuples: a copy with fields replaced, and the fields as a dict.
NAMED_TUPLE_METHODS = frozenset({"_replace", "_asdict"})
# Methods of dates, times and timedeltas, of bytes, and str.encode().
DATE_METHODS = frozenset({"isoformat", "strftime", "weekday", "isoweekday", "replace"})
DATETIME_METHODS = DATE_METHODS | frozenset({"date", "time", "utcoffset"})
TIME_METHODS = frozenset({"isoformat", "strftime", "replace", "utcoffset"})
TIMEDELTA_METHODS = frozenset({"total_seconds"})
BYTES_METHODS = frozenset({"hex"})
ENCODE_METHODS = frozenset({"encode"})
VALUE_METHODS = DATETIME_METHODS | TIME_METHODS | TIMEDELTA_METHODS | BYTES_METHODS | ENCODE_METHODS

# Methods that change their receiver. A value never changes in place in RRL:
# the receiver must be a variable (or `x[k]`, `x.f` of one), which is rebound
# to the changed copy, exactly where Python would have mutated it.
MUTATING_LIST_METHODS = frozenset({"append", "extend", "insert", "remove", "pop", "clear", "sort", "reverse"})
MUTATING_DICT_METHODS = frozenset({"update", "pop", "popitem", "setdefault", "clear"})
# set.pop() is not here: which item it takes depends on the set's order.
MUTATING_SET_METHODS = frozenset({"add", "discard", "remove", "update", "clear"})
MUTATING_METHODS = MUTATING_LIST_METHODS | MUTATING_DICT_METHODS | MUTATING_SET_METHODS
# Their arguments, the union of the list and the dict method of one name (a
# receiver's type is not known statically): name → (min positional, max
# positional, keywords; None: any keyword).
MUTATING_SIGNATURES: dict[str, tuple[int, int, frozenset[str] | None]] = {
    "append": (1, 1, frozenset()),
    "extend": (1, 1, frozenset()),
    "insert": (2, 2, frozenset()),
    "remove": (1, 1, frozenset()),
    "pop": (0, 2, frozenset()),
    "clear": (0, 0, frozenset()),
    "sort": (0, 0, frozenset({"key", "reverse"})),
    "reverse": (0, 0, frozenset()),
    "update": (0, 1, None),
    "popitem": (0, 0, frozenset()),
    "setdefault": (1, 2, frozenset()),
    "add": (1, 1, frozenset()),
    "discard": (1, 1, frozenset()),
}
assert MUTATING_SIGNATURES.keys() == MUTATING_METHODS

METHODS = (
    STR_METHODS | LIST_METHODS | DICT_METHODS | SET_METHODS | MODEL_METHODS | NAMED_TUPLE_METHODS | MUTATING_METHODS | VALUE_METHODS
)

# Builtins that take every item of a set whatever its order (sorted(), min()
# and max() only without `key=`, which could tie). Everything else that
# iterates refuses a set: its order differs between runs and runtimes.
SET_CONSUMERS = frozenset({"len", "sorted", "min", "max", "any", "all", "set", "frozenset"})
# The builtins that iterate their arguments in order: name → the positions of
# the iterated arguments (from the first on; None: all of them).
ORDERED_ITERATION: dict[str, slice] = {
    **{name: slice(0, 1) for name in ("list", "tuple", "dict", "enumerate", "reversed", "sum")},
    "zip": slice(0, None),
    "map": slice(1, None),
    "filter": slice(1, 2),
}
UNORDERED_SET_HELP = "a set has no deterministic order: iterate sorted(s) instead"

# Class methods callable on a builtin type's name: `dict.fromkeys(keys)`.
STATIC_METHODS = frozenset({("dict", "fromkeys"), ("datetime", "fromisoformat"), ("date", "fromisoformat"), ("bytes", "fromhex")})

# Exception classes RRL names without an import (Python's builtins).
EXCEPTIONS = frozenset(
    {
        "BaseException", "Exception", "ArithmeticError", "AssertionError", "AttributeError",
        "ConnectionError", "FileNotFoundError", "IndexError", "KeyError", "LookupError",
        "NotImplementedError", "OSError", "OverflowError", "PermissionError", "RuntimeError",
        "StopIteration", "TimeoutError", "TypeError", "ValueError", "ZeroDivisionError",
        "UnicodeError", "RecursionError",
        # Raised by the engine when an attempt outlives its timeout.
        "RappelTimeout",
    }
)

# Type names usable as the second argument of isinstance().
TYPES = frozenset({"int", "float", "str", "bool", "list", "dict", "tuple", "NoneType", "bytes"})

# Scalar and generic type names of RRL's type language.
TYPE_NAMES = frozenset({"int", "float", "str", "bool", "list", "dict", "tuple", "Any", "bytes"})
