"""The frontend's diagnostic codes, and the message-only error its helpers raise.

Codes are stable: tests and `golden/errors/*.txt` pin them, and `docs/errors.md`
has one entry per code. A code no longer reported stays reserved (`RETIRED`)
and is never given another meaning. Helpers raise `Reject(code, message, node,
help)`; the driver turns it into an `rrl.Diagnostic`, attaching the span of
`node` and the file path.

    RPL01xx  non-deterministic Python in workflow code
    RPL02xx  Python the frontend cannot translate faithfully (RPL0251-52: the
             module cannot be imported or read, see IMPORT_CODES)
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

import libcst as cst

# code → short title (the heading of its docs/errors.md entry)
CODES: dict[str, str] = {
    # ------------------------------------------------------------ RPL01xx
    "RPL0101": "reading the clock in workflow code",
    "RPL0102": "randomness in workflow code",
    "RPL0103": "reading the environment or process state in workflow code",
    "RPL0104": "blocking sleep in workflow code",
    "RPL0105": "I/O in workflow code",
    # ------------------------------------------------------------ RPL02xx
    "RPL0201": "awaiting something that is not an action, helper, sleep or gather",
    "RPL0202": "calling a function that is not an action, helper, builtin or model",
    "RPL0203": "calling an unsupported method",
    "RPL0204": "an action or async helper called without await",
    "RPL0205": "state on the workflow instance (`self`)",
    "RPL0206": "call arguments that cannot be mapped to parameters",
    "RPL0207": "passing an injected (`Depend`) parameter",
    "RPL0208": "`with` / `async with`",
    "RPL0209": "`global` / `nonlocal`",
    "RPL0210": "a function, class or lambda defined inside workflow code",
    "RPL0212": "`match`",
    "RPL0213": "generators and async iteration (`yield`, `async for`)",
    "RPL0214": "using the order of a set",
    "RPL0215": "assignment expressions (`:=`) inside a comprehension or a lambda",
    "RPL0216": "starred expressions and targets",
    "RPL0217": "an await or helper call where it cannot be evaluated in order",
    "RPL0218": "an unsupported `asyncio.gather` shape",
    "RPL0219": "an unsupported `run_action` call or policy",
    "RPL0220": "`import` inside workflow code",
    "RPL0221": "unsupported syntax",
    "RPL0222": "an unknown helper method",
    "RPL0223": "a name that is not defined",
    "RPL0224": "a module constant that is not a plain value",
    "RPL0225": "a class that cannot be constructed in a workflow",
    "RPL0226": "an assignment or `del` target that cannot be translated",
    "RPL0227": "changing a shared value in place",
    "RPL0228": "an action whose signature cannot be declared",
    "RPL0229": "a workflow class without a translatable `run()`",
    "RPL0230": "a class used as a value",
    "RPL0231": "building an instance whose class runs code",
    "RPL0232": "an attribute of a class that is not a constant or an enum member",
    "RPL0235": "a name not written in its normal form",
    "RPL0236": "a `run()` parameter named like a keyword of RRL",
    "RPL0237": "changing or deleting a module-level name",
    "RPL0238": "naming something that is not an exception class where Python needs one",
    "RPL0239": "a function used as a value",
    "RPL0245": "a type whose values cannot cross a process boundary",
    "RPL0260": "a class RRL cannot declare",
    "RPL0261": "reading a property of a class",
    "RPL0262": "expression too deep to compile",
    "RPL0263": "reading a field that a model or a dataclass does not have",
    "RPL0264": "extending a list with a lazy iterator over that list",
    "RPL0265": "a warning Python gives for the module's source",
    "RPL0250": "a class decorator the compiler cannot tell from `@workflow`",
    "RPL0253": "a source file that is not valid Python",
}

HELP_MOVE_TO_ACTION = "move it into an @action and await that action"

# What to do, for a rejection whose site has nothing more specific to say.
DEFAULT_HELP: dict[str, str] = {
    "RPL0101": HELP_MOVE_TO_ACTION,
    "RPL0102": HELP_MOVE_TO_ACTION,
    "RPL0103": HELP_MOVE_TO_ACTION,
    "RPL0104": "use `await asyncio.sleep(seconds)`, a durable sleep",
    "RPL0105": HELP_MOVE_TO_ACTION,
    "RPL0201": "await an @action, a helper method, asyncio.sleep() or asyncio.gather()",
    "RPL0202": "call it inside an @action, or use a builtin listed in docs/language.md",
    "RPL0203": "compute it inside an @action, or use a method listed in docs/language.md",
    "RPL0204": "write `await name(...)`",
    "RPL0205": "keep state in local variables and pass it to helpers as arguments",
    "RPL0206": "pass the arguments the callee declares, each once, by position or by name",
    "RPL0207": "leave it out: the worker injects it when the action runs",
    "RPL0208": "move the block into an @action",
    "RPL0209": "pass values in as arguments and return them instead",
    "RPL0210": "define it at module level: an @action, a helper method or a model",
    "RPL0212": "use if/elif/else",
    "RPL0213": "build a list, or iterate in an @action",
    "RPL0214": "iterate over `sorted(s)` instead: a set has no deterministic order",
    "RPL0215": "write the loop out as a `for` statement and assign the value on a line of its own",
    "RPL0216": "write the elements or arguments out one by one",
    "RPL0217": "assign the awaited value to a variable on a line of its own first",
    "RPL0218": "gather action or helper calls: `asyncio.gather(a(), b())` or `asyncio.gather(*[a(x) for x in xs])`",
    "RPL0219": "see \"Await calls and policies\" in docs/language.md for the accepted policies",
    "RPL0220": "import at the top of the module",
    "RPL0221": "rewrite it with the constructs listed in docs/language.md, or move it into an @action",
    "RPL0222": "make it a plain method of the workflow class (or a base class), with `self` first",
    "RPL0223": "assign it before this line, or take it as a parameter of run()",
    "RPL0224": "give the constant a literal value (numbers, strings, lists, tuples, dicts)",
    "RPL0225": "construct pydantic models, dataclasses or exceptions, or build the object in an @action",
    "RPL0226": "assign to a name, a tuple of names, `x[key]` or `x.field`",
    "RPL0227": "build a new value (`xs = xs + [v]`) instead of changing a shared one",
    "RPL0228": "declare the action as a module-level `async def` with named parameters",
    "RPL0229": "decorate a Workflow subclass that defines `async def run(self, ...)`",
    "RPL0230": "name the class where Python uses it: construct it, catch it, raise it or test with isinstance()",
    "RPL0231": "build the instance inside an @action and pass it to the workflow",
    "RPL0232": "read class constants and enum members only; call methods inside an @action",
    "RPL0235": "write the name as Python reads it, in its NFKC normal form",
    "RPL0236": "rename the parameter: clients pass the arguments of run() by name, and a workflow's parameter cannot be named like a keyword of RRL",
    "RPL0237": "copy the value into a local variable first (`items = list(ITEMS)`) and change the copy",
    "RPL0238": "name an exception class: a builtin one (`ValueError`), or a class of your own that derives from Exception",
    "RPL0239": "call it where it is used, in a comprehension if need be: `[f(x) for x in xs]`; `key=` and map() take a lambda",
    "RPL0245": 'use a type the value codec carries (see "Values and the codec" in docs/language.md)',
    "RPL0260": "name exceptions, enums with constant members, and models and dataclasses defined at module level; use other classes inside an @action",
    "RPL0261": "compute the value in an @action, or make it a field",
    "RPL0262": "assign parts of the expression to variables first, or move inner blocks into a helper method",
    "RPL0263": "read one of the class's declared fields",
    "RPL0264": "take the items first, with a list comprehension or list(): `xs += [f(x) for x in xs]`",
    "RPL0265": "change the code Python warns about: it runs, but likely not as it reads",
    "RPL0250": "decorate it with `workflow` imported from rappel by name (`from rappel import workflow`, or `@rappel.workflow`): the compiler finds workflows by their decorator's import",
    "RPL0253": "fix the syntax error; the module must be valid Python",
}
assert set(DEFAULT_HELP) == set(CODES)

# Reported while the SDK imports a module for `rappel check` / `rappel compile`, before
# the compiler reads it (so no source text alone produces them) → their title.
IMPORT_CODES: dict[str, str] = {
    "RPL0251": "the module fails to import",
    "RPL0252": "a source file that is not UTF-8",
}
assert not set(IMPORT_CODES) & set(CODES)

# Codes no longer reported → their docs/errors.md heading (what they meant).
RETIRED: dict[str, str] = {
    "RPL0211": "`del` (no longer reported)",
}
assert not set(RETIRED) & set(CODES)


class Reject(Exception):
    """A construct the frontend cannot translate. Carries no location of its own:
    `node` is the CST node to point at (the driver turns it into a span)."""

    def __init__(self, code: str, message: str, node: cst.CSTNode | None = None, help: str | None = None):
        assert code in CODES, code
        super().__init__(message)
        self.code = code
        self.message = message
        self.node = node
        self.help = help
        self.span = None  # set when the location is known without a node
        # Set when the node is in another module's file (a helper imported from there): its path and text.
        self.path: str | None = None
        self.source: str | None = None
        self.silent = False

    def quiet(self) -> "Reject":
        """A consequence of an error already reported (e.g. calling a rejected
        local function): it fails the compilation without a second message."""
        self.silent = True
        return self

    def at(self, node: cst.CSTNode) -> "Reject":
        """Point at `node` unless a more precise node is already set."""
        if self.node is None:
            self.node = node
        return self


def did_you_mean(name: str, candidates: Iterable[str]) -> str | None:
    """A help line naming the candidate spelled most like `name` (difflib's ratio of at
    least 0.6), or None when none is close. Compiler temporaries (`$t1`) are no candidates."""
    close = difflib.get_close_matches(name, sorted(c for c in candidates if not c.startswith("$")), n=1)
    return f"did you mean `{close[0]}`?" if close else None


def arity_message(name: str, low: int, high: int | None, given: int) -> str:
    """`name() takes 1 positional argument but 3 were given`, Python's wording."""
    expected = f"{low}" if low == high else f"from {low} to {high}" if high is not None else f"at least {low}"
    plural = "" if low == 1 and high in (1, None) else "s"
    return f"{name}() takes {expected} positional argument{plural} but {given} {'was' if given == 1 else 'were'} given"


def method_call_problem(label: str, signature: tuple[int, int, frozenset[str]], keywords: list[str],
                        positional: int) -> tuple[str, str | None, int | None] | None:
    """What is wrong with a call of the method `label` (`str.split`) given these
    keyword names and this many positional arguments: (message, help, the index in
    `keywords` of the one at fault, or None for a wrong count, whose help is the
    code's own); None when nothing is. Both checks of method arity (RPL0206) ask it."""
    low, high, accepted = signature
    method = label.split(".")[1]
    for index, keyword in enumerate(keywords):
        if keyword not in accepted:
            message = f"{label}() takes no keyword arguments" if not accepted else \
                f"{label}() does not take the keyword argument `{keyword}`"
            otherwise = f"its keyword arguments are {', '.join(f'`{k}`' for k in sorted(accepted))}" if accepted else \
                f"pass the argument{'s' if high > 1 else ''} of {method}() by position"
            return message, did_you_mean(keyword, accepted) or otherwise, index
    if low <= positional <= high:
        return None
    return arity_message(label, low, high, positional), None, None
