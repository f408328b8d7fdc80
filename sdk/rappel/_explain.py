"""`rappel explain RPLxxxx`: a diagnostic code's section of docs/errors.md.

The page ships inside the package (`rappel/errors.md`, a symlink to docs/errors.md in
the source tree and a copy in a wheel), so an installed rappel explains its codes
without the repository."""

from __future__ import annotations

import re
from importlib import resources

from ._errors import RappelError

_HEADING = re.compile(r"^### (RPL\d{4}) — ")
_CODE = re.compile(r"^(?:RPL)?(\d{1,4})$", re.IGNORECASE)


def errors_page() -> str:
    """The text of docs/errors.md as shipped with the package."""
    try:
        return resources.files("rappel").joinpath("errors.md").read_text(encoding="utf-8")
    except OSError as exc:
        raise RappelError(
            f"the error reference (rappel/errors.md) is missing from this installation ({exc}); "
            "read docs/errors.md in the rappel repository, or reinstall rappel"
        ) from None


def sections(page: str) -> dict[str, str]:
    """Each code's section of the page, heading included, keyed by code."""
    found: dict[str, str] = {}
    code: str | None = None
    lines: list[str] = []
    for line in page.splitlines():
        heading = _HEADING.match(line)
        if heading or line.startswith(("# ", "## ", "### ")):
            if code is not None:
                found[code] = "\n".join(lines).strip() + "\n"
            code, lines = (heading.group(1) if heading else None), []
        if code is not None:
            lines.append(line)
    if code is not None:
        found[code] = "\n".join(lines).strip() + "\n"
    return found


def normalize_code(text: str) -> str:
    """`RPL0223`, `rpl0223`, `0223` and `223` all name RPL0223; anything else is refused."""
    match = _CODE.match(text.strip())
    if match is None:
        raise RappelError(f"`{text}` is not an error code: codes look like RPL0223 (RPL and four digits)")
    return f"RPL{int(match.group(1)):04d}"


def nearest_codes(code: str, known: list[str], count: int = 3) -> list[str]:
    """The documented codes numerically nearest to `code`, in order."""
    number = int(code[3:])
    return sorted(sorted(known, key=lambda c: (abs(int(c[3:]) - number), c))[:count])


def explain(text: str) -> str:
    """The section of docs/errors.md for the code `text`; an unknown code is an error
    naming the documented codes nearest to it."""
    code = normalize_code(text)
    documented = sections(errors_page())
    if code in documented:
        return documented[code]
    nearest = ", ".join(nearest_codes(code, list(documented)))
    raise RappelError(
        f"{code} is not a rappel error code; the nearest documented codes are {nearest} "
        "(every code is listed in docs/errors.md)"
    )
