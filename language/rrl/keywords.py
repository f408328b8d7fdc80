"""RRL's keywords, and where a word is a name (docs/language.md, "Names").

The grammar spells the keywords out, and lark's contextual lexer reads one as
a NAME wherever the grammar does not expect the keyword (`x = 1 + await`), so
the parser refuses a keyword in a name's place itself (RPL0010), and the
printer refuses to write one.
"""

from __future__ import annotations

import keyword
import unicodedata

KEYWORDS = frozenset(
    "rrl from import as const action fn workflow await parallel return_exceptions limit retry backoff timeout max "
    "if elif else for in while break continue try except finally raise sleep return pass del and or not is lambda "
    "True False None exception model dataclass namedtuple enum frozen".split()
)

# Keywords only where the grammar expects them (a policy, a `while` bound, the
# mode and limit of a `parallel` block, the kind of a class declaration); names
# everywhere else (`max(xs)`, `model = await train()`).
CONTEXTUAL = frozenset({
    "retry", "backoff", "timeout", "max", "limit", "return_exceptions", "exception", "model", "dataclass", "namedtuple", "enum",
    "frozen",
})

# The keywords of RRL that Python does not reserve. A name RRL takes from
# Python's world, which the program cannot choose (an attribute, a keyword
# argument, an action and its parameters, a workflow, an imported name, a
# module, a type), may be one of them, as in Python: `event.action`,
# `Job(sleep=5)`, `from app.workflow import Order`.
RRL_ONLY = frozenset(k for k in KEYWORDS - CONTEXTUAL if not keyword.iskeyword(k))


def is_reserved(name: str, *, of_python: bool = False) -> bool:
    """Whether `name` is a keyword that cannot be a name where it stands: a
    variable, parameter, const, fn or import alias, or, `of_python`, a name of
    Python's world (see `RRL_ONLY`)."""
    if name not in KEYWORDS or name in CONTEXTUAL:
        return False
    return not (of_python and name in RRL_ONLY)


def name_problem(name: str, *, of_python: bool = False) -> str | None:
    """Why the parser would not read `name` back as this name, or None: what
    the printer checks before it writes one."""
    if name.startswith("$"):
        valid = len(name) > 1 and ("_" + name[1:]).isidentifier()
    else:
        valid = name.isidentifier()
    if not valid:
        return "it is not an identifier"
    if not name.isascii() and unicodedata.normalize("NFKC", name) != name:
        return "it is not in its NFKC normal form"
    if is_reserved(name, of_python=of_python):
        return "it is a keyword"
    return None
